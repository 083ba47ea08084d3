"""Segmentation: paragraphs, sentences, word tokens and quotation spans, all as offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import NamedTuple

import regex

from claims.lang import Pack
from claims.speedups import kernel

_KERNEL = kernel()

WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:[-'’.][\p{L}\p{M}\p{N}]+)*")
# The same word characters for the stdlib ``re`` (three times faster on big alternations):
# letters and digits, plus the combining marks of the scripts we have packs for or expect
# (Latin diacritics, Cyrillic, Hebrew, Arabic, the Indic blocks without "।" and "॥", Thai) and ZWJ/ZWNJ.
_MARKS = (
    r"\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u0610-\u061A\u064B-\u065F"
    r"\u0900-\u0963\u0966-\u0DFF\u0E31-\u0E4E\u200C\u200D"
)
WORD_CHAR = rf"(?:[^\W_]|[{_MARKS}])"
LETTER = regex.compile(r"[\p{L}\p{M}]")


class Token(NamedTuple):
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Quote:
    """A quotation: marks at ``start`` and ``end - 1``; inner text ``[inner_start, inner_end)``."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool


@cache
def _char_class(chars: tuple[str, ...]) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]")


def char_positions(text: str, chars: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets in ``text[start:end]`` of every character that is one of ``chars`` (at most 64 of
    them beyond ASCII), in order; compiled when :mod:`claims.speedups` has the kernel."""
    end = len(text) if end is None else end
    if _KERNEL is not None:
        return _KERNEL.char_positions(text, start, end, chars)
    return [m.start() for m in _char_class(tuple(chars)).finditer(text, start, end)]


@cache
def _mark_pattern(marks: tuple[str, ...]) -> re.Pattern:
    """Quote marks, longest first: a pack may use two-character marks (''…'' in NYT copy)."""
    if all(len(m) == 1 for m in marks):
        return _char_class(marks)
    return re.compile("|".join(re.escape(m) for m in sorted(set(marks), key=len, reverse=True)))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-empty lines, whitespace-trimmed."""
    spans, pos = [], 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        pos += len(line) + 1
    return spans


def _ends_sentence(text: str, i: int, pack: Pack) -> bool:
    """Whether the terminator at ``text[i]`` ends a sentence."""
    ch = text[i]
    if ch != ".":
        return True
    prev = text[i - 1] if i else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if prev.isdigit() and nxt.isdigit():
        return False  # 3.5
    if nxt == ".":
        return False  # ellipsis: the last dot decides
    before = text[max(0, i - 12) : i].split()
    last = before[-1].lstrip("(\"“'‘") if before else ""
    if last in pack.abbreviations or last + "." in pack.titles:
        return False
    if len(last) == 1 and last.isalpha() and last.isupper():
        return False  # initials: J. K. Rowling
    after = text[i + 1 : i + 4].lstrip()
    if not pack.verb_final and after[:1].islower():
        return False  # "The S.E.C. said": a sentence does not start in lower case
    if not pack.verb_final and nxt == ")" and text[i + 2 : i + 5].lstrip()[:1].islower():
        return False  # "Rep. Gwen Moore (D-Wis.) said": nor after an abbreviation closing a parenthesis
    # "U.S.-led", "example.com" do not end a sentence; verb-final packs allow "कहा.उन्होंने"
    return not (nxt and not nxt.isspace() and not pack.verb_final and nxt not in "\"”’)'")


def sentences(text: str, pack: Pack) -> list[Sentence]:
    """Split ``text`` into sentences, never across a paragraph break.

    A sentence ends at one of the pack's terminators (closing quote marks and brackets right
    after it stay in the sentence). "." does not end a sentence inside a number, after an
    abbreviation or a single capital initial.
    """
    out: list[Sentence] = []
    ends = set(pack.sentence_end)
    closers = {p[1] for p in pack.quote_pairs} | {")", "]", "’", "'"}
    terminators = "".join(sorted(ends))
    for p_index, (ps, pe) in enumerate(paragraphs(text)):
        start = ps
        i = ps
        for i_ in char_positions(text, terminators, ps, pe):
            if i_ < i:
                continue
            i = i_
            if _ends_sentence(text, i, pack):
                j = i + 1
                while j < pe and (text[j] in ends or text[j] in closers):
                    j += 1
                s = start
                while s < j and text[s].isspace():
                    s += 1
                if j > s and LETTER.search(text, s, j):
                    out.append(Sentence(len(out), s, j, p_index))
                    start = j
                elif j > s and out and out[-1].paragraph == p_index:
                    # stray punctuation joins the sentence before it
                    last = out[-1]
                    out[-1] = Sentence(last.index, last.start, j, p_index)
                    start = j
                i = j
        s = start
        while s < pe and text[s].isspace():
            s += 1
        if pe > s:
            if LETTER.search(text, s, pe) or not (out and out[-1].paragraph == p_index):
                out.append(Sentence(len(out), s, pe, p_index))
            else:
                last = out[-1]
                out[-1] = Sentence(last.index, last.start, pe, p_index)
    return out


_GROUP, _MSTART, _MEND = re.Match.group, re.Match.start, re.Match.end
_WORD_RE = re.compile(rf"{WORD_CHAR}+(?:[-'’.]{WORD_CHAR}+)*")
# The same tokens as one character class, for text without "_" (which \w would take in): a
# class is tried once per character where the alternation is tried twice, 1.5x faster.
_WORD_RE_FAST = re.compile(rf"[\w{_MARKS}]+(?:[-'’.][\w{_MARKS}]+)*")


def tokens(text: str, start: int, end: int) -> list[Token]:
    """Word tokens in ``text[start:end]`` (letters, marks, digits; inner hyphens and apostrophes),
    each with its offsets in ``text``; a word running past ``end`` is cut there. Compiled when
    :mod:`claims.speedups` has the kernel, else :func:`python_tokens`."""
    if _KERNEL is not None:
        return _KERNEL.tokens(text, start, end, Token)
    return python_tokens(text, start, end)


def python_tokens(text: str, start: int, end: int) -> list[Token]:
    """:func:`tokens` in Python: the reference the compiled scan is tested against."""
    pattern = _WORD_RE if text.find("_", start, end) >= 0 else _WORD_RE_FAST
    new = tuple.__new__  # skips the NamedTuple's own __new__: this is the hottest loop
    if end - start < 64:  # a few words: a comprehension costs less to set up
        return [new(Token, (m.group(), *m.span())) for m in pattern.finditer(text, start, end)]
    # every step in C: a third faster than the comprehension over a sentence or an article
    ms = list(pattern.finditer(text, start, end))
    return list(map(new, repeat(Token), zip(map(_GROUP, ms), map(_MSTART, ms), map(_MEND, ms), strict=True)))


def _is_open_ok(text: str, i: int) -> bool:
    prev = text[i - 1] if i else " "
    return not LETTER.match(prev)


def _is_close_ok(text: str, i: int) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not LETTER.match(nxt)


def quotes(text: str, pack: Pack, paras: list[tuple[int, int]] | None = None) -> list[Quote]:
    """Quotation spans, with the convention that a quote left open at the end of a paragraph
    continues when the next paragraph opens with a quote mark; otherwise it ends with the
    paragraph and is marked ``closed=False``.

    Straight double quotes pair up in order; a straight or curly single quote counts only where
    it cannot be an apostrophe.
    """
    paras = list(paragraphs(text) if paras is None else paras)
    opens = {o: c for o, c in pack.quote_pairs}
    closes = {c for _, c in pack.quote_pairs}
    out: list[Quote] = []
    cur_open: int | None = None
    cur_len = 0
    cur_close = ""
    marks = _mark_pattern(tuple(opens) + tuple(closes))
    # single-character marks (every pack but a two-character one) are found by a character scan
    single = "".join(sorted(set(opens) | closes)) if all(len(m) == 1 for m in (*opens, *closes)) else None
    for n, (ps, pe) in enumerate(paras):
        found = (
            [(i, text[i], i + 1) for i in char_positions(text, single, ps, pe)]
            if single is not None
            else [(mt.start(), mt.group(), mt.end()) for mt in marks.finditer(text, ps, pe)]
        )
        for i, ch, mark_end in found:
            if cur_open is None:
                if ch in opens and (ch not in "'’‘" or _is_open_ok(text, i)):
                    cur_open, cur_len, cur_close = i, len(ch), opens[ch]
            elif (
                ch == cur_close
                and (ch not in "'’" or _is_close_ok(text, i))
                or ch in closes
                and ch != cur_close
                and ch in "”»"
                and cur_close in "”»"
            ):
                out.append(Quote(cur_open, mark_end, cur_open + cur_len, i, True))
                cur_open = None
        if cur_open is not None:
            nxt = paras[n + 1] if n + 1 < len(paras) else None
            lead = marks.match(text, nxt[0]) if nxt else None
            if lead and lead.group() in opens and opens[lead.group()] == cur_close:
                # the next paragraph's opening mark continues this quote: skip past it
                paras[n + 1] = (lead.end(), nxt[1])
                continue
            out.append(Quote(cur_open, pe, cur_open + cur_len, pe, False))
            cur_open = None
    return [q for q in out if q.inner_end > q.inner_start]
