"""Where and when: venue phrases (interview, briefing, statement, post) and date markers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from claims.lang import Pack
from claims.pipeline.cues import _B, _E, WordPattern, _alt, first_words
from claims.pipeline.text import Token


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    text: str
    same_day: bool = False


@cache
def _date_pattern(code: str) -> WordPattern:
    from claims.lang import load

    d = load(code).dates
    months, weekdays = _alt(d.get("months", [])), _alt(d.get("weekdays", []))
    parts = []
    if months:
        parts.append(rf"\d{{1,2}}\s+(?:{months})(?:,?\s+\d{{4}})?")
        parts.append(rf"(?:{months})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?")
    if weekdays:
        parts.append(rf"(?:{weekdays})")
    if d.get("relative"):
        parts.append(f"(?:{_alt(d['relative'])})")
    same = f"(?P<same>{_alt(d['same_day'])})" if d.get("same_day") else "(?!x)x"
    return WordPattern(f"(?:{same}|" + "|".join(parts) + ")" + _E)


@cache
def _date_words(code: str) -> tuple[WordPattern, frozenset[str], frozenset[str]]:
    """The literal date words of a pack as one trie pattern, with the month and same-day sets."""
    from claims.lang import load

    d = load(code).dates
    words = [*d.get("months", []), *d.get("weekdays", []), *d.get("relative", []), *d.get("same_day", [])]
    pattern = WordPattern(f"(?:{_alt(words)})" + _E, heads=first_words(words))
    return pattern, frozenset(d.get("months", [])), frozenset(d.get("same_day", []))


_DAY_BEFORE = re.compile(r"(?<!\d)\d{1,2}\s+$")
_YEAR_AFTER = re.compile(r",?\s+\d{4}(?!\d)")
_DAY_AFTER = re.compile(r"\s+\d{1,2}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{4}(?!\d))?")


def dates(text: str, pack: Pack, start: int, end: int) -> list[Marker]:
    """Date markers in ``text[start:end]`` as written ("9 जनवरी", "Tuesday", "उसी दिन").

    The literal words are found with one trie pattern and a month is then widened to its day
    and year by small anchored matches: one alternation of every date shape would be tried at
    every position of the text, and cost five times as much.
    """
    words, months, same_day = _date_words(pack.code)
    out = []
    for m in words.finditer(text, start, end):
        a, b, w = m.start(), m.end(), " ".join(m.group().split())
        if w in months:
            before = _DAY_BEFORE.search(text, max(start, a - 6), a)
            if before:
                a = before.start()
                year = _YEAR_AFTER.match(text, b, end)
                b = year.end() if year else b
            elif after := _DAY_AFTER.match(text, b, end):
                b = after.end()
            else:
                continue  # a month with no day ("मार्च में") dates no statement
        out.append(Marker(a, b, text[a:b], w in same_day))
    return out


@cache
def _venue_pattern(code: str) -> WordPattern | re.Pattern:
    from claims.lang import load

    pack = load(code)
    venues = _alt(list(pack.venues))
    vm = pack.venue_markers
    if pack.verb_final:
        return WordPattern(
            f"(?P<venue>{venues})" + _E + rf"(?=\s*(?:{_alt(vm['words'])}){_E})", heads=first_words(pack.venues)
        )
    before = _alt(vm.get("before", []))
    platforms = _alt(vm.get("platforms", []) + vm.get("media", []))
    media = _alt(vm.get("media", []))
    return re.compile(
        rf"(?P<phrase>{_B}(?:{before})\s+(?:(?:a|an|the|his|her|their|its|this|that|Tuesday's|an?\s+\w+)\s+)?"
        rf"(?:[\w'-]+\s+){{0,2}}?(?P<venue>{venues})(?:\s+(?:with|on|to|at)\s+(?:{platforms}"
        rf"|(?:the\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}}))?{_E}"
        rf"|{_B}told\s+(?:{media}){_E}"
        rf"|{_B}on\s+(?:{platforms}){_E})"
    )


@cache
def _anchor_pattern(code: str) -> WordPattern:
    """Venue nouns, media and platforms alone: cheap to scan for."""
    from claims.lang import load

    pack = load(code)
    vm = pack.venue_markers
    words = list(pack.venues) + vm.get("platforms", []) + vm.get("media", [])
    return WordPattern(f"(?:{_alt(words)})" + _E, heads=first_words(words))


def venues(text: str, pack: Pack, toks: Callable[[int], list[Token]], start: int, end: int) -> list[Marker]:
    """Venue phrases in ``text[start:end]``.

    Verb-final packs: the venue noun, which a venue postposition follows, extended leftwards over
    its modifiers up to a comma, the agent marker or an agent pronoun
    ("… ने [स्थानीय राज्य टीवी चैनल "खबर 24" के साथ एक साक्षात्कार] में").
    Other packs: a prepositional phrase ("in an interview with CNN", "told Reuters", "on Twitter").
    ``toks(pos)`` gives the word tokens of the sentence holding ``pos`` (asked only on a match).
    """
    pat = _venue_pattern(pack.code)
    out: list[Marker] = []
    if not pack.verb_final:
        # the full pattern is slow to try at every "in"/"on"/"at": try it only near a venue word
        last = start
        for anchor in _anchor_pattern(pack.code).finditer(text, start, end):
            for m in pat.finditer(text, max(last, anchor.start() - 60), min(end, anchor.end() + 80)):
                if m.start() >= last and m.start() <= anchor.start() <= m.end():
                    out.append(Marker(m.start(), m.end(), m.group()))
                    last = m.end()
                    break
        return out
    for m in pat.finditer(text, start, end):
        vs, ve = m.start("venue"), m.end("venue")
        sent_toks = toks(vs)
        idx = next((i for i, t in enumerate(sent_toks) if t.start >= vs), len(sent_toks))
        left = vs
        stops = pack.g("agent_markers") | pack.g("complementisers")
        for j in range(idx - 1, max(-1, idx - 25), -1):
            t = sent_toks[j]
            gap = text[t.end : left]
            if "," in gap or ";" in gap or t.text in stops or t.text in pack.pronouns:
                break
            if t.text in pack.g("finite_verbs"):
                break
            left = t.start
        out.append(Marker(left, ve, text[left:ve]))
    return out
