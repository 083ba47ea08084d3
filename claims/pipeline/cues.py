"""Finding cue phrases ("ने कहा", "उल्लेख किया", "said", "according to") in text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from claims.lang import Cue, Pack
from claims.pipeline.text import WORD_CHAR
from claims.speedups import kernel

_B = rf"(?<!{WORD_CHAR})"  # word start: "कहा" must not match inside "कहानी"
_E = rf"(?!{WORD_CHAR})"  # word end: nor "कहां" (the anusvara is a mark)
_WORD_AT = re.compile(WORD_CHAR)
_WORD_RUN = re.compile(WORD_CHAR + "+")
_KERNEL = kernel()


def first_words(phrases: Iterable[str]) -> frozenset[str] | None:
    """The run of word characters each phrase starts with ("according" of "according to", "co" of
    "co-founder"), or None when a phrase starts with no word character (it may match where no
    word starts, and only a search finds it)."""
    out = set()
    for p in phrases:
        m = _WORD_RUN.match(p)
        if m is None:
            return None
        out.add(m.group())
    return frozenset(out)


class WordPattern:
    """A phrase pattern that matches only at a word start, like ``_B + body``.

    The word-start check is made here rather than by a leading lookbehind: a pattern that starts
    with a lookbehind cannot use the engine's fast scan for its first characters, and scanning
    whole articles for cues, dates and venues was three times slower that way.
    """

    __slots__ = ("regex", "heads")

    def __init__(self, body: str, flags: int = 0, heads: frozenset[str] | None = None) -> None:
        self.regex = re.compile(body, flags)
        # the first word of every phrase the pattern matches (see first_words): when known, the
        # compiled kernel finds the words that may start a match and the pattern is tried only there
        self.heads = heads if not flags & re.IGNORECASE else None

    @property
    def pattern(self) -> str:
        return _B + self.regex.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        """Non-overlapping matches in ``text[pos:endpos]``, leftmost first, each at a word start."""
        end = len(text) if endpos is None else endpos
        if self.heads is not None and _KERNEL is not None:
            return self._at_heads(text, pos, end)
        return self.search_iter(text, pos, end)

    def _at_heads(self, text: str, pos: int, end: int) -> Iterator[re.Match]:
        # the same matches as search_iter: every match starts at a word start with one of the
        # heads, and the leftmost such start where the pattern matches is what the search finds
        match = self.regex.match
        for s in _KERNEL.word_runs(text, pos, end, self.heads):
            if s >= pos and (m := match(text, s, end)) is not None:
                yield m
                pos = max(m.end(), s + 1)

    def search_iter(self, text: str, pos: int, end: int) -> Iterator[re.Match]:
        """:meth:`finditer` by searching the text: the reference the scan of heads is tested against."""
        search = self.regex.search
        while (m := search(text, pos, end)) is not None:
            s = m.start()
            if s and _WORD_AT.match(text, s - 1):
                pos = s + 1  # inside a word: look again from the next character
                continue
            yield m
            pos = max(m.end(), s + 1)

    def match(self, text: str, pos: int = 0) -> re.Match | None:
        """A match starting exactly at ``pos``, when ``pos`` is a word start."""
        if pos and _WORD_AT.match(text, pos - 1):
            return None
        return self.regex.match(text, pos)


@dataclass(frozen=True)
class CueMatch:
    start: int
    end: int
    cue: Cue
    passive: bool = False  # "कहा गया है"
    impersonal: bool = False  # "कहा जाता है"
    aspect: str = ""  # perfective, habitual, progressive, future, infinitive (packs with inflection)
    agree: str = ""  # agreement slot of the form: ms, f, mp, fp

    @property
    def ergative(self) -> bool:
        """Whether the subject takes the agent marker: a transitive perfective ("X ने कहा"); other
        aspects and intransitive verbs take an unmarked subject ("X कहते हैं", "ममता बोलीं")."""
        return self.aspect in ("perfective", "fixed", "") and not self.cue.intransitive

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def _alt(words: list[str] | frozenset[str] | tuple[str, ...], space: str = r"\s+") -> str:
    """One regex for a list of phrases, factored as a trie ("उल्लेख (?:कि(?:या|ए)|की)") so that the
    stdlib engine does not retry every phrase at every position; the longest phrase wins, and a
    space matches ``space`` (any run of whitespace by default)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        parts = [(space if ch == " " else re.escape(ch)) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie) or "(?!x)x"


@cache
def _compiled(code: str) -> tuple[WordPattern, dict[str, tuple[Cue, str, str]]]:
    from claims.lang import load

    pack = load(code)
    by_form: dict[str, tuple[Cue, str, str]] = {}
    for cue in pack.cues:
        for form in cue.forms:
            by_form.setdefault(form, (cue, "", ""))
        for f in cue.inflections:
            if by_form[f.text][0] is cue and not by_form[f.text][1]:
                by_form[f.text] = (cue, f.aspect, f.agree)
    # "विश्वास भी जताया", "कह भी रहे हैं": a particle may stand at any space inside a cue; it is
    # allowed by the pattern rather than multiplied into the forms
    particles = pack.g("cue_particles")
    space = rf"\s+(?:(?:{_alt(sorted(particles))})\s+)?" if particles else r"\s+"
    core = f"(?P<core>{_alt(list(by_form), space)})"
    tail = ""
    if pack.g("passive_auxiliaries"):
        tail += rf"(?:\s+(?P<pas>{_alt(pack.g('passive_auxiliaries'))}))?"
    if pack.g("impersonal_auxiliaries"):
        tail += rf"(?:\s+(?P<imp>{_alt(pack.g('impersonal_auxiliaries'))}))?"
    if pack.g("tense_auxiliaries"):
        tail += rf"(?:\s+(?:{_alt(pack.g('tense_auxiliaries'))}){_E})*"
    return WordPattern(core + _E + tail + _E, heads=first_words(by_form)), by_form


def find_cues(text: str, pack: Pack, start: int = 0, end: int | None = None) -> list[CueMatch]:
    """Every cue of ``pack`` in ``text[start:end]``, leftmost-longest, non-overlapping.

    For verb-final packs the match includes the auxiliaries after the cue ("नाम दिया गया है") and
    records whether they make it passive or impersonal.
    """
    pattern, by_form = _compiled(pack.code)
    particles = pack.g("cue_particles")
    out = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        words = m.group("core").split()
        found = by_form.get(" ".join(words))
        if found is None and particles:
            found = by_form.get(" ".join(w for w in words if w not in particles))
        if found is None:
            continue
        cue, aspect, agree = found
        gd = m.groupdict()
        out.append(CueMatch(m.start(), m.end(), cue, bool(gd.get("pas")), bool(gd.get("imp")), aspect, agree))
    return out


@cache
def phrase_pattern(phrases: tuple[str, ...], ignore_case: bool = False) -> WordPattern | None:
    """A word-bounded pattern for a list of phrases (None for an empty list)."""
    if not phrases:
        return None
    flags = re.IGNORECASE if ignore_case else 0
    return WordPattern(f"(?:{_alt(phrases)})" + _E, flags, first_words(phrases))
