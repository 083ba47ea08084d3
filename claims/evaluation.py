"""Scoring extraction against gold annotation: the seed's JSON format and brat standoff (PolNeAR).

The rule we judge every language by (``../shared/data/hindi-dev/README.md``): a predicted claim
matches a gold claim when their shared characters cover at least half of the gold span (of its
first sentence when the gold gives ``first_sentence_end``) and at least 30% of the predicted span;
matching is one-to-one, largest overlap first. An unmatched prediction lying (80% or more) inside
a matched gold span, or covering over half of an optional item, counts neither way. A speaker is
right when, romanised, every token of the gold speaker or of one of its aliases has a fuzzy twin
(ratio >= 85) among the predicted speaker's tokens (brat gold, whose sources are often bare
pronouns, also accepts a predicted mention overlapping the gold source span).

``lenient=True`` keeps the older rule (overlap of half the shorter span, the romanised sub-name
rule for speakers), for comparison with earlier figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from claims.lang import load
from claims.model import Claim
from claims.pipeline.names import is_subname, name_key

OVERLAP = 0.5  # lenient rule: of the shorter span
GOLD_COVER = 0.5  # strict rule: of the gold span (its first sentence)
PRED_COVER = 0.3  # strict rule: of the predicted span
INSIDE = 0.8  # an unmatched prediction this much inside a matched gold span is neutral
TWIN = 85  # rapidfuzz ratio for a speaker token's twin


@dataclass
class GoldClaim:
    spans: list[tuple[int, int]]
    speaker: str
    aliases: list[str] = field(default_factory=list)
    speaker_spans: list[tuple[int, int]] = field(default_factory=list)
    first: list[tuple[int, int]] = field(default_factory=list)  # the first sentence, when given

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.spans)

    @property
    def reference(self) -> list[tuple[int, int]]:
        """What half must be covered: the first sentence of a multi-sentence statement."""
        return self.first or self.spans

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
    # what -v prints: gold claims not found, predictions matching nothing, wrong speakers
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong_speaker: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        self.speaker_right += other.speaker_right
        self.trap_hits += other.trap_hits
        self.missed += other.missed
        self.spurious += other.spurious
        self.wrong_speaker += other.wrong_speaker

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


def _span(c: Claim) -> tuple[int, int]:
    return c.content_start, c.content_end


def matches(claim: Claim, gold: GoldClaim, lenient: bool = False) -> bool:
    """Whether a predicted claim's content matches a gold content.

    Strict (default): shared characters cover >= 50% of the gold span (its first sentence when
    given) and >= 30% of the predicted span. Lenient: they cover half of the shorter span.
    """
    span = _span(claim)
    plen = span[1] - span[0]
    if plen <= 0 or gold.length <= 0:
        return False
    if lenient:
        return _overlap(span, gold.spans) >= OVERLAP * min(plen, gold.length)
    ref = gold.reference
    ref_len = sum(e - s for s, e in ref)
    return _overlap(span, ref) >= GOLD_COVER * ref_len and _overlap(span, gold.spans) >= PRED_COVER * plen


def _tokens(name: str, fixes: tuple[tuple[str, str], ...]) -> list[str]:
    return name_key([w for w in name.split() if w[:1].isalnum()], fixes)


def speaker_right(claim: Claim, gold: GoldClaim, lang: str, lenient: bool = False) -> bool:
    """Whether the predicted speaker is the gold one (see the module docstring for the rule)."""
    if gold.speaker_spans and claim.speaker_start >= 0 and any(
        min(claim.speaker_end, e) > max(claim.speaker_start, s) for s, e in gold.speaker_spans
    ):
        return True
    fixes = tuple(load(lang).romanise.items()) if lang else ()
    pred = _tokens(claim.speaker, fixes)
    if not pred:
        return not gold.speaker.strip() and not gold.speaker_spans
    for name in [gold.speaker, *gold.aliases]:
        ref = _tokens(name, fixes)
        if not ref:
            continue
        if lenient:
            if is_subname(pred, ref) or is_subname(ref, pred):
                return True
        elif all(any(fuzz.ratio(r, p) >= TWIN for p in pred) for r in ref):
            return True
    return False


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def score_article(gold: GoldArticle, predicted: list[Claim], lenient: bool = False) -> Score:
    """Score one article's predictions against its gold (one-to-one, largest overlap first)."""
    s = Score(gold=len(gold.claims), predicted=len(predicted))
    pairs = sorted(
        (
            (_overlap(_span(c), g.spans), i, j)
            for i, c in enumerate(predicted)
            for j, g in enumerate(gold.claims)
            if matches(c, g, lenient)
        ),
        reverse=True,
    )
    used_p: dict[int, int] = {}
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p[i] = j
        used_g.add(j)
        s.matched += 1
        c, g = predicted[i], gold.claims[j]
        if speaker_right(c, g, gold.lang, lenient):
            s.speaker_right += 1
        else:
            s.wrong_speaker.append(f"{gold.article_id}: {c.speaker or '∅'!r} for {g.speaker!r}: {_short(c.content)}")
    matched_gold = [gold.claims[j] for j in used_g]
    for i, c in enumerate(predicted):
        if i in used_p:
            continue
        span = _span(c)
        plen = span[1] - span[0]
        if lenient:
            neutral = any(matches(c, g, True) for g in gold.optional)
        else:
            neutral = any(plen > 0 and _overlap(span, g.spans) >= INSIDE * plen for g in matched_gold) or any(
                _overlap(span, g.spans) > 0.5 * g.length for g in gold.optional
            )
        if neutral:
            s.predicted -= 1
            continue
        s.spurious.append(f"{gold.article_id}: [{c.speaker or '∅'}] {c.cue!r} {_short(c.content)}")
        for trap in gold.traps:
            at = gold.text.find(trap) if trap else -1
            trap_gold = GoldClaim([(at, at + len(trap))], "") if at >= 0 else None
            if trap and (
                trap == c.content
                or trap in c.speaker
                or trap == c.speaker_mention
                or (trap_gold is not None and not lenient and matches(c, trap_gold))
            ):
                s.trap_hits.append(f"{gold.article_id}: {trap}")
    for j, g in enumerate(gold.claims):
        if j not in used_g:
            s.missed.append(f"{gold.article_id}: [{g.speaker}] {_short(gold.text[g.start : g.end])}")
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
        if not item.get("content"):
            spans = []
        elif isinstance(item.get("start"), int) and text[item["start"] : item.get("end", -1)] == item["content"]:
            spans = [(item["start"], item["end"])]  # offsets first: the content may occur twice
        else:
            spans = [_find(text, item["content"])]
        first = item.get("first_sentence_end")
        firsts = [(spans[0][0], first)] if spans and isinstance(first, int) and spans[0][0] < first else []
        return GoldClaim(spans, item.get("speaker", ""), item.get("speaker_aliases", []), first=firsts)

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
