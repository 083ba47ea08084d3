"""Story boundaries: a daily file or a page often holds many stories, each opened by a headline
and a dateline ("नयी दिल्ली, 23 अप्रैल (भाषा)", "कानपुर, जेएनएन ।", "रांची : …"). A pronoun, a
zero subject or a role noun never reaches back into the story before; names still join the
fullest form the file uses.

The dateline's shapes are the pack's data (``[stories]``): the agencies and desks that sign it,
and whether "place :" opens a story.
"""

from __future__ import annotations

import bisect
from functools import cache

import regex

from claims.lang import Pack, load
from claims.pipeline.cues import _alt
from claims.pipeline.text import paragraphs

_PLACE = r"[\p{L}\p{M}]+(?:[ \t-][\p{L}\p{M}]+){0,2}"
@cache
def _dateline(code: str) -> regex.Pattern | None:
    """The dateline shapes of a pack at a line start, as one pattern: signed ("कानपुर, जेएनएन",
    "नयी दिल्ली, 23 अप्रैल (भाषा)"), "place :" (group ``colon``), a city alone on its line
    ("नई दिल्ली"), and a timestamp line. One scan of the text finds them all."""
    pack = load(code)
    conf = pack.stories
    agencies, cities = conf.get("agencies", []), conf.get("cities", [])
    months = pack.dates.get("months", [])
    shapes = [_TIMESTAMP]
    if agencies:
        signed = rf"(?:{_alt(agencies)})"
        date = rf"\d{{1,2}}\s+(?:{_alt(months)})" if months else "(?!x)x"
        byline = r"(?:\([^()\n]{1,40}\)[ \t]*)?"
        shapes.append(
            rf"{byline}{_PLACE}[ \t]*(?:,[ \t]*(?:{signed}|{date})(?:[ \t]*,[ \t]*{signed})?"
            rf"|\([ \t]*{signed}[ \t]*\))(?![\p{{L}}\p{{M}}])"
        )
    if conf.get("place_colon"):
        shapes.append(rf"(?P<colon>{_PLACE}[ \t]+:[ \t]+\S)")  # a topic label has no space before its colon
    if cities:
        shapes.append(rf"(?:{_alt(cities)})[ \t]*$")
    if len(shapes) == 1:
        return None
    return regex.compile(r"(?m)^[ \t]*(?:" + "|".join(shapes) + ")")


_TIMESTAMP = (
    r"(?:\d{1,2}:\d{2}\s*[AP]M,\s*\d{1,2}-[A-Z]{3}-\d{4}"
    r"|[A-Z][a-z]{2},\s+[A-Z][a-z]{2}\s+\d{1,2},\s+\d{4},\s+\d{1,2}:\d{2})"
)


def _headline(text: str, a: int, b: int) -> bool:
    """A short line without a sentence end: a headline or a heading."""
    line = text[a:b].rstrip()
    return 0 < len(line) <= 160 and not line.endswith(("।", ".", "?", "!", "\"", "”", "'"))


def story_starts(text: str, pack: Pack, paras: list[tuple[int, int]] | None = None) -> list[int]:
    """Where each story after the first begins (its headline when one stands right above the
    dateline), in text order; empty for a single story or a pack without dateline data.
    ``paras`` are the text's paragraphs when the caller has them already.

    "place :" opens a story only under a headline (in a story, "दिल्ली : …" lists places)."""
    pattern = _dateline(pack.code)
    if pattern is None:
        return []
    paras = paragraphs(text) if paras is None else paras
    starts = [a for a, _ in paras]
    out: list[int] = []
    for mt in pattern.finditer(text):
        n = bisect.bisect_right(starts, mt.end() - 1) - 1
        if n < 0 or paras[n][0] < mt.start() - 200:
            continue
        if mt.group("colon") and not (n > 0 and _headline(text, *paras[n - 1])):
            continue
        start = paras[n][0]
        k = n - 1
        while k >= 0 and n - k <= 2 and _headline(text, *paras[k]) and not (out and paras[k][0] <= out[-1]):
            start = paras[k][0]
            k -= 1
        if start > 0 and (not out or start > out[-1]):
            out.append(start)
    return out


__all__ = ["story_starts"]
