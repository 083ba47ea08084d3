"""Check-worthiness: how much a claim is worth checking first, and why.

Every claim gets a score in [0, 1] and its reasons, read from what fact-checkers look for:
factual and numeric content ("121/4", "million", "प्रतिशत"), comparisons ("more than", "सबसे"),
a named speaker with a public role, and statements rather than opinions, requests or
predictions ("I think", "should", "will"; "शायद", "अपील", "करेंगे").

- **English**: a logistic regression over the claim's words, word pairs and the pack's word
  classes, trained by ``claims train checkworthy --claimbuster ../shared/data/claimbuster`` on
  the ClaimBuster sentences (:mod:`claims.learn.checkworthy_train`) and shipped as
  ``claims/lang/en/model/checkworthy.json`` (read offline, no scikit-learn at run time).
- **Hindi** (and any pack without a model): the same word classes from the pack's
  ``[checkworthy]`` table, weighed by its ``[checkworthy.weights]``, until Hindi labels exist.

The sentence score is then moved by what the claim knows beyond its words (the speaker and the
extractor's flags), in log-odds, by :data:`CLAIM_WEIGHTS`: a speaker with a role given by the
article counts for the claim, an unnamed one and a request or belief against it.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import regex

from claims.pipeline.normalise import fold_string

MODEL_FILE = "checkworthy.json"
META_FILE = "checkworthy.meta.json"
CLASSES = ("number", "unit", "comparative", "hedge", "prediction", "request")
# the words a class brings to a claim's reasons, as a reader sees them
CLASS_LABELS = {
    "number": "numbers",
    "unit": "quantities",
    "comparative": "comparison",
    "hedge": "opinion or hedge",
    "prediction": "prediction",
    "request": "request",
}
# log-odds added for what the claim knows beyond its words (the same for every language)
CLAIM_WEIGHTS = {
    "public_role": 0.6,  # a named speaker with a public role (the pack's public_roles: "chief minister")
    "named": 0.2,  # a named person or organisation without a role
    "unnamed": -0.4,  # anonymous, unresolved or the article's own voice
    "request_flag": -1.0,  # the extractor read a request ("urged", "अनुरोध किया")
    "belief_flag": -0.8,  # a mental state ("believes", "इच्छा व्यक्त की")
}
_WORD = regex.compile(r"[\w'’]+|[%$₹]")
_DIGITS = regex.compile(r"\d[\d,.:/]*%?")


@dataclass(frozen=True)
class WordClass:
    """One word class of a pack: single words, phrases of several words (by their first word)
    and word endings, all folded and lower-cased, matched on whole words."""

    words: frozenset[str]
    phrases: dict[str, tuple[tuple[str, ...], ...]]
    endings: tuple[str, ...]

    def find(self, words: list[str]) -> list[str]:
        """The words and phrases of this class in ``words`` (a sentence's tokens), in order."""
        hits = []
        for i, w in enumerate(words):
            if w in self.words or (self.endings and len(w) > 2 and w.endswith(self.endings)):
                hits.append(w)
            for rest in self.phrases.get(w, ()):
                if tuple(words[i + 1 : i + 1 + len(rest)]) == rest:
                    hits.append(" ".join((w, *rest)))
        return hits


def _word_class(phrases: Iterable[str], endings: Iterable[str] = ()) -> WordClass:
    words, multi = set(), {}
    for p in phrases:
        toks = _WORD.findall(normalised(p))
        if len(toks) == 1:
            words.add(toks[0])
        elif toks:
            multi.setdefault(toks[0], []).append(tuple(toks[1:]))
    ends = tuple(sorted({normalised(e) for e in endings if e.strip()}))
    return WordClass(frozenset(words), {k: tuple(sorted(v)) for k, v in multi.items()}, ends)


@dataclass(frozen=True)
class Lexicon:
    """One pack's ``[checkworthy]`` word classes: class -> :class:`WordClass`."""

    lang: str
    classes: dict[str, WordClass]
    weights: dict[str, float]  # the pack's own weights (the score where no model is shipped)
    public_roles: tuple[str, ...] = ()  # folded, lower-cased

    def public_role(self, role: str) -> bool:
        """Whether a speaker role names a public office or expertise ("the finance minister",
        "उपमुख्यमंत्री"), not just who someone is ("a local resident", "उनकी पत्नी")."""
        norm = normalised(role)
        return any(r in norm for r in self.public_roles)


@cache
def lexicon(lang: str) -> Lexicon | None:
    """The word classes of pack ``lang`` (None when the pack has no ``[checkworthy]`` table)."""
    try:
        raw = resources.files("claims.lang").joinpath(f"{lang}/pack.toml").read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    table = tomllib.loads(raw).get("checkworthy")
    if not table:
        return None
    keys = {
        "number": "number_words",
        "unit": "units",
        "comparative": "comparatives",
        "hedge": "hedges",
        "prediction": "predictions",
        "request": "requests",
    }
    classes = {
        cls: _word_class(table.get(key, []), table.get(f"{key[:-1]}_endings", []) if cls == "prediction" else ())
        for cls, key in keys.items()
    }
    weights = {k: float(v) for k, v in table.get("weights", {}).items()}
    roles = tuple(sorted({normalised(r) for r in table.get("public_roles", []) if r.strip()}))
    return Lexicon(lang, classes, weights, roles)


@lru_cache(maxsize=4096)  # a claim is read by word_classes and text_features: folded once
def normalised(text: str) -> str:
    """The text the features read: folded as the engine reads it, lower-cased, one space."""
    return " ".join(fold_string(text).lower().split())


def word_classes(text: str, lex: Lexicon | None) -> dict[str, list[str]]:
    """The pack's word classes found in ``text``, each with the words that matched (in order,
    distinct); digits count as numbers in every language."""
    norm = normalised(text)
    found: dict[str, list[str]] = {}
    digits = [m.group().rstrip(",.:/") for m in _DIGITS.finditer(norm)]
    if digits:
        found["number"] = list(dict.fromkeys(digits))
    if lex is not None:
        words = _WORD.findall(norm)
        for cls, wc in lex.classes.items():
            hits = wc.find(words)
            if hits:
                found[cls] = list(dict.fromkeys(found.get(cls, []) + hits))
    return found


def text_features(text: str, lex: Lexicon | None, found: dict[str, list[str]] | None = None) -> set[str]:
    """The model's features of one sentence: its words (numbers as ``<num>``), adjacent word
    pairs, the word classes found (``found``: :func:`word_classes` when the caller has them) and
    a length bucket. Training and scoring share this function, so the model is read with exactly
    the features it was fitted on."""
    norm = normalised(text)
    words = ["<num>" if w[:1].isdigit() else w for w in _WORD.findall(norm)]
    feats = {f"w={w}" for w in words}
    feats.update(f"b={a}|{b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True))
    feats.update(f"c={cls}" for cls in (found if found is not None else word_classes(text, lex)))
    n = len(words)
    feats.add("len=" + ("short" if n < 6 else "mid" if n < 20 else "long"))
    return feats


@dataclass(frozen=True)
class CheckModel:
    weights: dict[str, float]  # feature name -> weight (the intercept under "bias")
    threshold: float

    def logit(self, features: Iterable[str]) -> float:
        w = self.weights
        return w.get("bias", 0.0) + sum(w.get(f, 0.0) for f in features)


@cache
def load_model(lang: str = "en") -> CheckModel | None:
    """The shipped model of ``lang`` (read once per process); None when none is shipped."""
    try:
        blob = resources.files("claims.lang").joinpath(f"{lang}/model/{MODEL_FILE}").read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    data = json.loads(blob)
    return CheckModel(data["weights"], float(data["threshold"]))


@dataclass(frozen=True)
class Check:
    """A claim's check-worthiness: ``score`` in [0, 1] (higher: check first) and the reasons."""

    score: float
    reasons: list[str]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, x))))


def _shown(words: list[str], n: int = 3) -> str:
    return ", ".join(f"“{w}”" for w in words[:n])


def assess(
    content: str,
    lang: str = "",
    *,
    speaker: str = "",
    speaker_type: str = "",
    speaker_role: str = "",
    flags: Iterable[str] = (),
) -> Check:
    """Score one claim: its ``content`` in language ``lang`` ("en", "hi", … or "" for unknown:
    then only digits and the claim-level evidence count), said by ``speaker`` of
    ``speaker_type`` (the contract's types) with the article's ``speaker_role``, with the
    extractor's ``flags``. Deterministic; empty content scores 0 with the reason "no content"."""
    if not content.strip():
        return Check(0.0, ["no content"])
    lex = lexicon(lang) if lang else None
    found = word_classes(content, lex)
    model = load_model(lang) if lang else None
    reasons: list[str] = []
    if model is not None:
        x = model.logit(text_features(content, lex, found))
        reasons.append(f"model (ClaimBuster-trained): {_sigmoid(x):.2f}")
    else:
        w = lex.weights if lex is not None else {"bias": -0.8, "number": 1.3}
        x = w.get("bias", 0.0) + sum(w.get(cls, 0.0) for cls in found)
        if len(_WORD.findall(normalised(content))) < 4:
            x += w.get("short", 0.0)
            reasons.append("very short")
    for cls in CLASSES:
        if cls in found:
            reasons.append(f"{CLASS_LABELS[cls]}: {_shown(found[cls])}")
    flags = set(flags)
    if speaker_type in ("anonymous", "author") or not speaker.strip() or "unresolved_speaker" in flags:
        x += CLAIM_WEIGHTS["unnamed"]
        reasons.append("no named speaker")
    elif lex is not None and lex.public_role(speaker_role) and speaker_type in ("person", "organization", "group"):
        x += CLAIM_WEIGHTS["public_role"]
        reasons.append(f"speaker with a public role: {speaker_role.strip()[:60]}")
    elif speaker_type in ("person", "organization", "group", "document"):
        x += CLAIM_WEIGHTS["named"]
        reasons.append("named speaker")
    if "request" in flags:
        x += CLAIM_WEIGHTS["request_flag"]
        reasons.append("read as a request")
    if "mental_state" in flags:
        x += CLAIM_WEIGHTS["belief_flag"]
        reasons.append("read as a belief or wish")
    return Check(round(_sigmoid(x), 3), reasons)


def assess_claim(c: object) -> Check:
    """:func:`assess` for anything with the contract's fields (a ``Claim``, a stored row)."""
    flags = getattr(c, "flags", ())
    if isinstance(flags, str):
        flags = [f for f in flags.split("|") if f]
    return assess(
        getattr(c, "content", "") or "",
        getattr(c, "lang", "") or "",
        speaker=getattr(c, "speaker", "") or "",
        speaker_type=getattr(c, "speaker_type", "") or "",
        speaker_role=getattr(c, "speaker_role", "") or "",
        flags=flags,
    )


@cache
def scorer_version() -> str:
    """A short fingerprint of everything :func:`assess` reads: this module's code, the engine's
    folding, every pack's ``[checkworthy]`` table and every shipped model. A score carried in a
    claims file (:mod:`claims.formats`, ``checkworthy_scorer``) is used by a bulk load only under
    the same fingerprint; after a retraining or a change to a pack's word classes it differs, and
    the load scores the claim again instead of storing a stale score. 16 hex digits."""
    from claims.lang import available

    h = hashlib.sha256()
    # read as package resources, not by __file__: Spark executors import the package from a zip
    for package, module in (("claims.learn", "checkworthy.py"), ("claims.pipeline", "normalise.py")):
        h.update(resources.files(package).joinpath(module).read_bytes())
    for lang in sorted(available()):
        lang_dir = resources.files("claims.lang").joinpath(lang)
        try:
            table = tomllib.loads(lang_dir.joinpath("pack.toml").read_text("utf-8")).get("checkworthy", {})
        except (FileNotFoundError, NotADirectoryError):
            table = {}
        h.update(f"\0{lang}\0".encode() + json.dumps(table, sort_keys=True, ensure_ascii=False).encode())
        try:
            h.update(lang_dir.joinpath(f"model/{MODEL_FILE}").read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            h.update(b"\0no model")
    return h.hexdigest()[:16]


# the columns a claims file (Parquet, Arrow, Spark) carries after the contract's, in this order
SCORE_FIELDS = ("checkworthy", "checkworthy_reasons", "checkworthy_scorer")


def score_fields(c: object) -> dict[str, object]:
    """The :data:`SCORE_FIELDS` of a claim as extraction writes them: the score, the reasons as a
    list and the :func:`scorer_version` they were computed under (see :func:`assess_claim`)."""
    check = assess_claim(c)
    return {
        "checkworthy": check.score,
        "checkworthy_reasons": list(check.reasons),
        "checkworthy_scorer": scorer_version(),
    }
