"""Story boundaries: a daily file or a page often holds many stories, each opened by a headline
and a dateline ("नयी दिल्ली, 23 अप्रैल (भाषा)", "कानपुर, जेएनएन ।", "रांची : …"). A pronoun, a
zero subject or a role noun never reaches back into the story before; names still join the
fullest form the file uses.

The dateline's shapes are the pack's data (``[stories]``): the agencies and desks that sign it,
and whether "place :" opens a story.
"""

from __future__ import annotations

from functools import cache

import regex

from claims.lang import Pack, load
from claims.pipeline.cues import _alt
from claims.pipeline.text import paragraphs

_PLACE = r"[\p{L}\p{M}]+(?:[ \t-][\p{L}\p{M}]+){0,2}"
_TIMESTAMP = regex.compile(
    r"(?:\d{1,2}:\d{2}\s*[AP]M,\s*\d{1,2}-[A-Z]{3}-\d{4}|[A-Z][a-z]{2},\s+[A-Z][a-z]{2}\s+\d{1,2},\s+\d{4},\s+\d{1,2}:\d{2})"
)


@cache
def _datelines(code: str) -> tuple[regex.Pattern | None, regex.Pattern | None, regex.Pattern | None]:
    """Three dateline shapes of a pack: signed ("कानपुर, जेएनएन", "नयी दिल्ली, 23 अप्रैल
    (भाषा)"), "place :" and a city alone on its line ("नई दिल्ली")."""
    pack = load(code)
    conf = pack.stories
    agencies, cities = conf.get("agencies", []), conf.get("cities", [])
    months = pack.dates.get("months", [])
    signed_p = colon_p = city_p = None
    if agencies:
        signed = rf"(?:{_alt(agencies)})"
        date = rf"\d{{1,2}}\s+(?:{_alt(months)})" if months else "(?!x)x"
        byline = r"(?:\([^()\n]{1,40}\)\s*)?"
        signed_p = regex.compile(
            rf"{byline}{_PLACE}\s*(?:,\s*(?:{signed}|{date})(?:\s*,\s*{signed})?|\(\s*{signed}\s*\))(?![\p{{L}}\p{{M}}])"
        )
    if conf.get("place_colon"):
        colon_p = regex.compile(rf"{_PLACE}[ \t]+:[ \t]+\S")  # a topic label has no space before its colon
    if cities:
        city_p = regex.compile(rf"(?:{_alt(cities)})\s*$")
    return signed_p, colon_p, city_p


def _headline(text: str, a: int, b: int) -> bool:
    """A short line without a sentence end: a headline or a heading."""
    line = text[a:b].rstrip()
    return 0 < len(line) <= 160 and not line.endswith(("।", ".", "?", "!", "\"", "”", "'"))


def _mark_near_start(text: str, a: int, b: int) -> bool:
    """Whether a comma followed by a number or a word, a colon or a bracket comes after the
    first few words of a paragraph: a cheap test that lets most paragraphs skip the patterns."""
    marks = [i for i in (text.find(ch, a, min(b, a + 80)) for ch in ",:(") if i >= 0]
    return bool(marks) and text.count(" ", a, min(marks)) <= 4


def story_starts(text: str, pack: Pack, paras: list[tuple[int, int]] | None = None) -> list[int]:
    """Where each story after the first begins (its headline when one stands right above the
    dateline), in text order; empty for a single story or a pack without dateline data.

    "place :" opens a story only under a headline (in a story, "दिल्ली : …" lists places)."""
    signed, colon, city = _datelines(pack.code)
    if signed is None and colon is None and city is None:
        return []
    paras = paragraphs(text) if paras is None else paras
    out: list[int] = []
    for n, (a, b) in enumerate(paras):
        head = min(b, a + 120)
        if b - a > 40 and not text[a].isdigit() and not _mark_near_start(text, a, b):
            continue  # a dateline has a comma, colon or bracket after a few words, or is short
        after_headline = n > 0 and _headline(text, *paras[n - 1])
        if not (
            (signed is not None and signed.match(text, a, head))
            or (colon is not None and after_headline and colon.match(text, a, head))
            or (city is not None and city.match(text, a, b))
            or _TIMESTAMP.match(text, a, min(b, a + 60))
        ):
            continue
        start = a
        k = n - 1
        while k >= 0 and n - k <= 2 and _headline(text, *paras[k]) and not (out and paras[k][0] <= out[-1]):
            start = paras[k][0]
            k -= 1
        if start > 0 and (not out or start > out[-1]):
            out.append(start)
    return out


__all__ = ["story_starts"]
