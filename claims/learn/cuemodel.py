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
from itertools import compress, count
from operator import itemgetter

from claims.lang import Cue
from claims.learn.features import _PRONOUNS, FAMILIES, quote_marks
from claims.pipeline.cues import CueMatch
from claims.pipeline.text import tokens
from claims.speedups import kernel

_KERNEL = kernel()

MODES = ("both", "rules", "model")
_TEXT, _START = itemgetter(0), itemgetter(1)
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

    @cached_property
    def compiled(self) -> Scorer:
        """The same scores as :meth:`score` over :func:`context`, from tables folded per word."""
        return Scorer(self)


class Scorer:
    """:meth:`CueModel.score` of :func:`claims.learn.features.context` decided for a whole article
    without building the feature tuples: everything that depends on the word alone (bias, word, suffixes, the
    in-quote weight) is summed once per vocabulary word, the pair features become per-word tables,
    and the pronoun feature is folded into the previous word's table. Per candidate that is a dozen
    look-ups instead of twenty plus the strings of the pair features; the model's decisions are
    the same (``tests/test_model.py`` compares both on every candidate)."""

    def __init__(self, model: CueModel) -> None:
        t = {f: model.weights.get(f, {}) for f in FAMILIES}
        bias = t["b"].get("", 0.0)
        self.base = {
            w: bias + t["w"].get(w, 0.0) + t["s3"].get(w[-3:], 0.0) + t["s2"].get(w[-2:], 0.0) for w in model.vocab
        }
        inq = t["inq"].get("", 0.0)
        self.in_quote = {w: inq + t["inq|w"].get(w, 0.0) for w in model.vocab}
        pron = t["pron"].get("", 0.0)
        self.p1 = dict(t["p1"])
        for p in _PRONOUNS:
            self.p1[p] = self.p1.get(p, 0.0) + pron
        self.p2, self.n1, self.n2 = t["p2"], t["n1"], t["n2"]
        self.w_n1: dict[str, dict[str, float]] = {}
        for key, weight in t["w|n1"].items():
            w, _, n1 = key.partition("|")
            self.w_n1.setdefault(w, {})[n1] = weight
        self.p1_w: dict[str, dict[str, float]] = {}
        for key, weight in t["p1|w"].items():
            p1, _, w = key.rpartition("|")
            self.p1_w.setdefault(w, {})[p1] = weight
        self.shape, self.after, self.before = t["shape_p1"], t["after"], t["before"]
        self.pos = [t["pos"].get(str(i), 0.0) for i in range(7)]
        self.q_before, self.q_after = t["q_before"].get("", 0.0), t["q_after"].get("", 0.0)
        self.cap = t["cap"].get("", 0.0)

    def accepted(
        self, doc, words: list, starts: list[int], candidates: list[int], marks: list[int], logit: float
    ) -> list[int]:
        """:meth:`accepted_python`, compiled when :mod:`claims.speedups` has the kernel."""
        if _KERNEL is not None:
            return _KERNEL.accepted(self, doc, words, starts, candidates, marks, logit)
        return self.accepted_python(doc, words, starts, candidates, marks, logit)

    def accepted_python(
        self, doc, words: list, starts: list[int], candidates: list[int], marks: list[int], logit: float
    ) -> list[int]:
        """The ``candidates`` (indices into the article's ``words``, in order) whose
        :meth:`CueModel.score` is above ``logit``: the same scores, with the sentence and quotation of each
        candidate found by walking forward rather than by search, the sentence's bounds and quote
        marks read once per sentence, and every look-up a local name (this is the one loop the
        model adds to extraction)."""
        text, sents, quotes = doc.text, doc.sents, doc.quotes
        sent_starts, q_starts = doc._starts, doc.quote_starts  # the lists Doc.sent_at and the frames search
        base, in_quote_w = self.base, self.in_quote
        p1_t, p2_t, n1_t, n2_t = self.p1, self.p2, self.n1, self.n2
        w_n1, p1_w, shape_t, after_t, before_t = self.w_n1, self.p1_w, self.shape, self.after, self.before
        pos_t, q_before, q_after, cap = self.pos, self.q_before, self.q_after, self.cap
        left = bisect.bisect_left
        n_words, n_sents, n_quotes = len(words), len(sents), len(quotes)
        out: list[int] = []
        si, qi, cur = 0, 0, -1
        s_start = s_end = m_lo = m_hi = 0
        for k in candidates:
            word, a, b = words[k]
            while si + 1 < n_sents and sent_starts[si + 1] <= a:
                si += 1  # Doc.sent_at: the last sentence starting at or before the word
            if si != cur:
                cur = si
                s_start, s_end = sents[si].start, sents[si].end
                m_lo, m_hi = left(marks, s_start), left(marks, s_end)
            while qi < n_quotes and q_starts[qi] <= a:
                qi += 1
            w = word.lower()
            total = base[w]
            if k > 0 and starts[k - 1] >= s_start:
                p1 = words[k - 1][0]
                p1l = p1.lower()
                c = p1[:1]
                shape = "C" if c.isupper() else "D" if c.isdigit() else "l"
                p2 = words[k - 2][0].lower() if k > 1 and starts[k - 2] >= s_start else "<s>"
                pos = 1
                while pos < 6 and k - pos > 0 and starts[k - pos - 1] >= s_start:
                    pos += 1
            else:
                p1l, p2, shape, pos = "<s>", "<s>", "-", 0
            if k + 1 < n_words and words[k + 1][2] <= s_end:
                n1 = words[k + 1][0].lower()
                n2 = words[k + 2][0].lower() if k + 2 < n_words and words[k + 2][2] <= s_end else "</s>"
            else:
                n1 = n2 = "</s>"
            after = text[b : b + 3].lstrip(" ")[:1]
            before = text[max(s_start, a - 3) : a].rstrip(" ")[-1:]
            total += (
                p1_t.get(p1l, 0.0)
                + p2_t.get(p2, 0.0)
                + n1_t.get(n1, 0.0)
                + n2_t.get(n2, 0.0)
                + shape_t.get(shape, 0.0)
                + after_t.get(after if after and not after.isalnum() else "w", 0.0)
                + before_t.get(before if before and not before.isalnum() else "w", 0.0)
                + pos_t[pos]
            )
            pair = w_n1.get(w)
            if pair:
                total += pair.get(n1, 0.0)
            pair = p1_w.get(w)
            if pair:
                total += pair.get(p1l, 0.0)
            if qi and a < quotes[qi - 1].inner_end:
                total += in_quote_w[w]
            if (m_lo if a >= s_start else left(marks, s_start)) < left(marks, a):
                total += q_before
            if left(marks, b) < m_hi:
                total += q_after
            if w[:1] != word[:1]:
                total += cap
            if total > logit:
                out.append(k)
        return out


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
    out: list[CueMatch] = list(multi)
    words = tokens(text, 0, len(text))
    starts = list(map(_START, words))
    _share(doc, words, starts)
    doc.words, doc.word_starts = words, starts
    if _KERNEL is not None:
        candidates = _KERNEL.candidates(words, model.vocab)
    else:  # every word whose lower case is a candidate, found without a Python step per word
        candidates = list(compress(count(), map(model.vocab.__contains__, map(str.lower, map(_TEXT, words)))))
    if taken:

        def free(n: int) -> bool:
            _, a, b = words[n]
            k = bisect.bisect_right(taken_starts, a) - 1
            return not (k >= 0 and a < taken[k][1] or (k + 1 < len(taken) and taken[k + 1][0] < b))

        candidates = [n for n in candidates if free(n)]  # not inside or over a lexicon phrase
    seen = set(map(starts.__getitem__, candidates))
    for n in model.compiled.accepted(doc, words, starts, candidates, quote_marks(text), model.logit):
        word, a, b = words[n]
        lex = lex_at.get(a)
        if lex is not None and lex.end == b:
            out.append(lex)  # the lexicon's entry knows more ("told" takes an addressee)
            continue
        lower = word.lower()
        # "…, arguing that …": a participle after a comma takes the main clause's speaker
        participle = lower.endswith("ing") and text[max(0, a - 5) : a].rstrip().endswith(",")
        out.append(CueMatch(a, b, _cue(lower, participle)))
    never = model.never
    out.extend(c for c in lex_at.values() if c.start not in seen and text[c.start : c.end].lower() not in never)
    return sorted(out, key=lambda c: c.start)


def _share(doc, words: list, starts: list[int]) -> None:
    """Hand the article's word tokens to the frames, sentence by sentence, so that no sentence is
    tokenised twice (the frames read the sentences around cues). A sentence is handed over only
    when no word crosses its end, where its own tokenisation would cut the word."""
    cache = getattr(doc.toks, "_cache", None)
    if cache is None:
        return
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
