"""The shipped English cue model: loaded from the package (never fetched), it decides which
candidate words anchor an attribution ("said" in one sentence and not in another) and adds cues
the pack's lexicon lacks ("shows", "echoed", "is demanding").

The rule frames then read the speaker and the content around each cue exactly as they do around
a lexicon cue; the model only decides *where* an attribution is anchored.
``CLAIMS_EN_MODEL`` chooses how cues are found: ``both`` (lexicon and model, the default), ``rules``
(lexicon only) or ``model`` (model only; for the ablation in the README).
"""

from __future__ import annotations

import bisect
import json
import math
import os
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

from claims.lang import Cue
from claims.learn.features import FAMILIES, context, quote_marks
from claims.pipeline.cues import CueMatch
from claims.pipeline.text import tokens

MODES = ("both", "rules", "model")
_ZEROS = (0.0,) * len(FAMILIES)


@dataclass(frozen=True, eq=False)
class CueModel:
    vocab: frozenset[str]  # candidate words the model scores
    never: frozenset[str]  # candidate words it never made a cue in training: "no" without scoring
    weights: dict[str, dict[str, float]]  # family -> value -> weight
    threshold: float

    @property
    def logit(self) -> float:
        """The score above which a candidate is a cue (the threshold as log-odds)."""
        return math.log(self.threshold / (1 - self.threshold))

    @cached_property
    def tables(self) -> tuple[dict[str, float], ...]:
        """The weight table of each feature family, in the order :func:`context` gives values."""
        return tuple(self.weights.get(family, {}) for family in FAMILIES)

    def score(self, values: tuple[str | None, ...]) -> float:
        # map over dict.get runs the look-ups in C; an absent feature (None) is in no table
        return sum(map(dict.get, self.tables, values, _ZEROS))


@cache
def load_model() -> CueModel:
    """The model shipped in ``claims/lang/en/model/cues.json`` (read once per process)."""
    blob = resources.files("claims.lang").joinpath("en/model/cues.json").read_text("utf-8")
    data = json.loads(blob)
    return CueModel(frozenset(data["vocab"]), frozenset(data["never"]), data["weights"], float(data["threshold"]))


def mode() -> str:
    m = os.environ.get("CLAIMS_EN_MODEL", "both").lower()
    return m if m in MODES else "both"


@cache
def _cue(word: str, participle: bool) -> Cue:
    return Cue(phrase=word, forms=(), participle=participle)


def propose(doc, lexicon: list[CueMatch], model: CueModel | None = None) -> list[CueMatch]:
    """The cues of ``doc`` in text order: the model's decision on every candidate word, and the
    ``lexicon`` cues it has no say on (phrases of several words, words that are no candidate).

    A lexicon cue that is one candidate word is kept only when the model agrees: the same "said"
    or "called" is an attribution in one sentence and not in another, and the model, trained on
    where annotators saw one, tells them apart better than the lexicon alone (see the README's
    ablation). Candidates are found by one pass over the words (a set look-up each) and scored
    with one table look-up per feature family."""
    model = model or load_model()
    text = doc.text
    multi = [c for c in lexicon if " " in text[c.start : c.end].strip()]
    lex_at = {c.start: c for c in lexicon if c not in multi}
    taken = [(c.start, c.end) for c in multi]
    taken_starts = [a for a, _ in taken]
    q_starts = doc.quote_starts
    sents = doc.sents
    out: list[CueMatch] = list(multi)
    seen: set[int] = set()
    vocab, logit = model.vocab, model.logit
    words = tokens(text, 0, len(text))
    marks = quote_marks(text)
    _share(doc, words)
    for n, word in enumerate(words):
        lower = word.text.lower()
        if lower not in vocab:
            continue
        _, a, b = word
        k = bisect.bisect_right(taken_starts, a) - 1
        if k >= 0 and a < taken[k][1] or (k + 1 < len(taken) and taken[k + 1][0] < b):
            continue  # inside or over a lexicon phrase
        sent = sents[doc.sent_at(a)]
        j = bisect.bisect_right(q_starts, a) - 1
        in_quote = j >= 0 and a < doc.quotes[j].inner_end
        seen.add(a)
        if model.score(context(text, words, n, sent.start, sent.end, in_quote, marks)) <= logit:
            continue
        lex = lex_at.get(a)
        if lex is not None and lex.end == b:
            out.append(lex)  # the lexicon's entry knows more ("told" takes an addressee)
            continue
        # "…, arguing that …": a participle after a comma takes the main clause's speaker
        participle = lower.endswith("ing") and text[max(0, a - 5) : a].rstrip().endswith(",")
        out.append(CueMatch(a, b, _cue(lower, participle)))
    never = model.never
    out.extend(c for c in lex_at.values() if c.start not in seen and text[c.start : c.end].lower() not in never)
    return sorted(out, key=lambda c: c.start)


def _share(doc, words: list) -> None:
    """Hand the article's word tokens to the frames, sentence by sentence, so that no sentence is
    tokenised twice (the frames read the sentences around cues). A sentence is handed over only
    when no word crosses its end, where its own tokenisation would cut the word."""
    cache = getattr(doc.toks, "_cache", None)
    if cache is None:
        return
    starts = [w.start for w in words]
    for sent in doc.sents:
        i = bisect.bisect_left(starts, sent.start)
        j = bisect.bisect_left(starts, sent.end)
        if i < j and words[j - 1].end > sent.end:
            continue
        cache.setdefault(sent.index, words[i:j])


def with_model(doc, lexicon: list[CueMatch]) -> list[CueMatch]:
    """The cues the frames read, by :func:`mode`: the lexicon's, the model's alone, or both."""
    m = mode()
    if m == "rules":
        return lexicon
    return propose(doc, [] if m == "model" else lexicon)
