"""Scoring extraction against gold annotation: the seed's JSON format and brat standoff (PolNeAR).

A predicted claim matches a gold claim when their content spans overlap by at least half of the
shorter span (one-to-one, greedy by overlap). Speaker accuracy is measured on matched claims;
end-to-end F1 counts a claim only when its speaker is right too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claims.lang import load
from claims.model import Claim
from claims.pipeline.names import is_subname, name_key

OVERLAP = 0.5


@dataclass
class GoldClaim:
    spans: list[tuple[int, int]]
    speaker: str
    aliases: list[str] = field(default_factory=list)
    speaker_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(a for a, _ in self.spans)

    @property
    def end(self) -> int:
        return max(b for _, b in self.spans)


@dataclass
class GoldArticle:
    article_id: str
    text: str
    lang: str
    claims: list[GoldClaim]
    optional: list[GoldClaim] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_right: int = 0
    trap_hits: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.speaker_right += other.speaker_right
        self.trap_hits += other.trap_hits

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        ep = self.speaker_right / self.predicted if self.predicted else 0.0
        er = self.speaker_right / self.gold if self.gold else 0.0
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(self._f1(p, r), 3),
            "speaker_accuracy": round(self.speaker_right / self.matched, 3) if self.matched else 0.0,
            "end_to_end_f1": round(self._f1(ep, er), 3),
            "trap_hits": len(self.trap_hits),
        }


def _overlap(a: tuple[int, int], spans: list[tuple[int, int]]) -> int:
    return sum(max(0, min(a[1], e) - max(a[0], s)) for s, e in spans)


def matches(claim: Claim, gold: GoldClaim) -> bool:
    """Whether a predicted claim's content overlaps a gold content by half the shorter span."""
    inter = _overlap((claim.content_start, claim.content_end), gold.spans)
    shorter = min(claim.content_end - claim.content_start, sum(e - s for s, e in gold.spans))
    return shorter > 0 and inter >= OVERLAP * shorter


def speaker_right(claim: Claim, gold: GoldClaim, lang: str) -> bool:
    """Whether the predicted speaker is the gold one: the same name or alias (across scripts,
    by the romanised sub-name rule), or the mention overlaps the gold speaker span."""
    if claim.speaker_start >= 0 and any(
        min(claim.speaker_end, e) > max(claim.speaker_start, s) for s, e in gold.speaker_spans
    ):
        return True
    fixes = tuple(load(lang).romanise.items())
    pred = name_key([w for w in claim.speaker.split() if w[:1].isalnum()], fixes)
    if not pred:
        return not gold.speaker.strip() and not gold.speaker_spans
    for name in [gold.speaker, *gold.aliases]:
        ref = name_key([w for w in name.split() if w[:1].isalnum()], fixes)
        if ref and (is_subname(pred, ref) or is_subname(ref, pred)):
            return True
    return False


def score_article(gold: GoldArticle, predicted: list[Claim]) -> Score:
    s = Score(gold=len(gold.claims), predicted=len(predicted))
    pairs = sorted(
        (
            (_overlap((c.content_start, c.content_end), g.spans), i, j)
            for i, c in enumerate(predicted)
            for j, g in enumerate(gold.claims)
            if matches(c, g)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        s.matched += 1
        s.speaker_right += speaker_right(predicted[i], gold.claims[j], gold.lang)
    # a prediction matching an optional item is neither right nor wrong
    for i, c in enumerate(predicted):
        if i not in used_p and any(matches(c, g) for g in gold.optional):
            s.predicted -= 1
    for trap in gold.traps:
        for c in predicted:
            if trap and (trap == c.content or trap in c.speaker or trap == c.speaker_mention):
                s.trap_hits.append(f"{gold.article_id}: {trap}")
    return s


# ---------------------------------------------------------------- gold readers
def _find(text: str, needle: str) -> tuple[int, int]:
    i = text.find(needle)
    if i < 0:
        raise ValueError(f"gold text not found in article: {needle[:60]!r}")
    return i, i + len(needle)


def read_seed(path: Path) -> GoldArticle:
    """A seed-format gold file (``X.gold.json`` beside ``X.txt``)."""
    data = json.loads(path.read_text("utf-8"))
    text_path = path.with_name(path.name.replace(".gold.json", ".txt"))
    text = text_path.read_text("utf-8")

    def gc(item: dict) -> GoldClaim:
        spans = [_find(text, item["content"])] if item.get("content") else []
        return GoldClaim(spans, item.get("speaker", ""), item.get("speaker_aliases", []))

    return GoldArticle(
        data.get("article_id", text_path.stem),
        text,
        data.get("lang", ""),
        [gc(c) for c in data.get("claims", [])],
        [gc(c) for c in data.get("optional", []) if c.get("content")],
        [t["text"] for t in data.get("not_claims", [])],
    )


def _spans(field_: str) -> list[tuple[int, int]]:
    out = []
    for part in field_.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_brat(text: str, ann: str, article_id: str, lang: str = "en") -> GoldArticle:
    """Attributions of one brat standoff file: ``T`` lines typed Source/Cue/Content tied by ``E``."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            try:
                spans[parts[0]] = (kind, _spans(where))
            except ValueError:
                continue
        elif line.startswith("E") and len(parts) >= 2:
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            events.append(args)
    claims = []
    for ev in events:
        content = [spans[v] for k, v in ev.items() if k.startswith("Content") and v in spans]
        if not content:
            continue
        src = [spans[v] for k, v in ev.items() if k.startswith("Source") and v in spans]
        src_spans = [s for _, ss in src for s in ss]
        speaker = " ".join(text[a:b] for a, b in src_spans)
        claims.append(GoldClaim([s for _, ss in content for s in ss], speaker, [], src_spans))
    return GoldArticle(article_id, text, lang, claims)


def read_brat_dir(root: Path, lang: str = "en") -> Iterator[GoldArticle]:
    """PolNeAR layout: ``text/NAME.txt`` and ``attributions/NAME[_annotator].ann`` (the first
    annotator's file, in name order, when there are several)."""
    ann_dir = root / "attributions"
    by_article: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        base = stem.rsplit("_", 1)[0] if (root / "text" / f"{stem.rsplit('_', 1)[0]}.txt").exists() else stem
        by_article.setdefault(base, ann)
    for base, ann in sorted(by_article.items()):
        text_path = root / "text" / f"{base}.txt"
        if text_path.exists():
            yield read_brat(text_path.read_text("utf-8"), ann.read_text("utf-8"), base, lang)


def read_gold(path: Path) -> Iterable[GoldArticle]:
    """Gold from a seed ``.gold.json`` file, a folder of them, or a brat (PolNeAR) folder."""
    if path.is_file():
        return [read_seed(path)]
    if (path / "attributions").is_dir():
        return read_brat_dir(path)
    return [read_seed(p) for p in sorted(path.glob("*.gold.json"))]
