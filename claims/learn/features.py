"""Features of a candidate cue word in its sentence: the same function serves training and
extraction, so that the model is read with exactly the features it was fitted on.

Features come in families ("p1": the word before, "n1": the word after, …), each with one value
per candidate, so that scoring is one dictionary look-up per family and no feature string is
built at extraction time. The article's words are tokenised once; no sentence is tokenised again
for the model."""

from __future__ import annotations

import bisect
import re

from claims.pipeline.text import Token, char_positions

QUOTE_MARKS = "\"“”«»"
_QUOTE = re.compile("[" + QUOTE_MARKS + "]")
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "you"})

# every family the model may weigh; "w|n1", "p1|w", "inq|w" pair the word with its context
FAMILIES = (
    "b", "w", "s3", "s2", "p1", "p2", "n1", "n2", "w|n1", "p1|w", "shape_p1", "after", "before", "pos",
    "pron", "inq", "inq|w", "q_before", "q_after", "cap",
)  # fmt: skip


def quote_marks(text: str) -> list[int]:
    """Positions of the quote marks of ``text``, for :func:`context`."""
    return char_positions(text, QUOTE_MARKS)


def _shape(word: str) -> str:
    if not word:
        return "-"
    if word[:1].isupper():
        return "C"
    return "D" if word[:1].isdigit() else "l"


def context(
    text: str,
    words: list[Token],
    k: int,
    s_start: int,
    s_end: int,
    in_quote: bool,
    marks: list[int] | None = None,
) -> tuple[str | None, ...]:
    """The feature values of ``words[k]`` (the article's word tokens, in order) in the sentence
    ``[s_start, s_end)``.

    What tells a cue from the same word elsewhere is mostly local: the word and its ending, the
    words around it ("that", a pronoun or a name before), the punctuation right after it (",", ":"
    or a quotation opening), and whether it stands inside a quotation (a quoted "say" is rarely
    an attribution). ``marks`` are the positions of the article's quote marks (:func:`quote_marks`)
    when the caller has them."""
    word, a, b = words[k]
    w = word.lower()
    n = len(words)
    p1 = words[k - 1].text if k > 0 and words[k - 1].start >= s_start else ""
    p1l = p1.lower() if p1 else "<s>"
    p2 = words[k - 2].text.lower() if p1 and k > 1 and words[k - 2].start >= s_start else "<s>"
    n1 = words[k + 1].text.lower() if k + 1 < n and words[k + 1].end <= s_end else "</s>"
    n2 = words[k + 2].text.lower() if n1 != "</s>" and k + 2 < n and words[k + 2].end <= s_end else "</s>"
    pos = 0
    while pos < 6 and k - pos > 0 and words[k - pos - 1].start >= s_start:
        pos += 1
    after = text[b : b + 3].lstrip(" ")[:1]
    before = text[max(s_start, a - 3) : a].rstrip(" ")[-1:]
    if marks is None:
        q_before = _QUOTE.search(text, s_start, a) is not None
        q_after = _QUOTE.search(text, b, s_end) is not None
    else:  # the same answers from the article's quote marks, found once: a search per word made a
        # sentence of many cues quadratic
        q_before = bisect.bisect_left(marks, s_start) < bisect.bisect_left(marks, a)
        q_after = bisect.bisect_left(marks, b) < bisect.bisect_left(marks, s_end)
    # one value per family, in the order of FAMILIES; None: the binary feature is absent
    return (
        "",
        w,
        w[-3:],
        w[-2:],
        p1l,
        p2,
        n1,
        n2,
        f"{w}|{n1}",
        f"{p1l}|{w}",
        _shape(p1),
        after if after and not after.isalnum() else "w",
        before if before and not before.isalnum() else "w",
        str(pos),
        "" if p1l in _PRONOUNS else None,
        "" if in_quote else None,
        w if in_quote else None,
        "" if q_before else None,
        "" if q_after else None,
        "" if w[:1] != word[:1] else None,
    )


def names(values: tuple[str | None, ...]) -> list[str]:
    """The features as names ("p1=he") for training."""
    return [f"{k}={v}" for k, v in zip(FAMILIES, values, strict=True) if v is not None]
