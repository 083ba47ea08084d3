"""HTML and Markdown for the desk, built from escaped text only (article text, titles, URLs and
names may hold <script>, or Markdown images that load from anywhere and links that go anywhere)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import regex

from claims.store.statuses import Statuses

SPEAKER_COLOR = "#d1c4e9"
CUE_COLOR = "#ffe0b2"
CONTENT_COLOR = "#c8e6c9"
FONT = "'Noto Sans', 'Noto Sans Devanagari', 'Mangal', 'Lohit Devanagari', sans-serif"


def esc(value: Any) -> str:
    """``value`` as text inside HTML (st.html)."""
    return html.escape("" if value is None else str(value), quote=True)


# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and an
# escaped one is always literal text (no link, image, emphasis, HTML, entity, directive or math).
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def md(value: Any) -> str:
    """``value`` as literal text inside Markdown: st.markdown, st.caption, st.write and the
    alerts (st.error, st.success…) all render Markdown, so user and article text goes through
    this. Line breaks become spaces (a line starting "#" or "-" would start a block)."""
    text = "" if value is None else str(value)
    return _MD_PUNCT.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def md_link(label: Any, url: Any) -> str:
    """A Markdown link to an http(s) ``url`` with ``label`` as literal text; any other URL
    (javascript:, data:, relative) is shown as text, not linked."""
    target = "" if url is None else str(url).strip()
    if urlsplit(target).scheme.lower() not in ("http", "https") or _LINE_BREAKS.search(target):
        return md(label) if label == url else f"{md(label)} ({md(target)})"
    # inside <…> a destination ends only at ">"; that, brackets, parentheses and anything unusual
    # are percent-encoded, so no part of the URL reads as Markdown to any parser
    dest = quote(target, safe="!#$&'*+,/:;=?@~%")
    return f"[{md(label)}](<{dest}>)"


def language_name(code: str) -> str:
    """A language code as its pack names it ("hi" → "Hindi"); the code itself when no pack has it."""
    from claims.lang import available, load

    return load(code).name if code in available() else (code or "—")


def badge(status: str, statuses: Statuses) -> str:
    try:
        s = statuses.get(status)
        label, color = s.label, s.color
    except ValueError:
        label, color = status, "#9e9e9e"
    return (
        f'<span class="claim-status" data-status="{esc(status)}" style="background:{esc(color)};color:#fff;'
        f'border-radius:4px;padding:0 4px;font-size:0.75em;margin-left:2px">{esc(label)}</span>'
    )


def _spans(claims: Iterable[dict[str, Any]]) -> list[tuple[int, int, str, dict[str, Any]]]:
    """Non-overlapping (start, end, role, claim) spans; content yields to cue and speaker."""
    spans = []
    for c in claims:
        start = c.get("corrected_start") if c.get("corrected_start") is not None else c["content_start"]
        end = c.get("corrected_end") if c.get("corrected_end") is not None else c["content_end"]
        spans.append((start, end, "content", c))
        spans.append((c["cue_start"], c["cue_end"], "cue", c))
        if c.get("speaker_start", -1) >= 0:
            spans.append((c["speaker_start"], c["speaker_end"], "speaker", c))
    priority = {"speaker": 0, "cue": 1, "content": 2}
    out: list[tuple[int, int, str, dict[str, Any]]] = []
    taken: list[tuple[int, int]] = []
    for s in sorted(spans, key=lambda s: priority[s[2]]):
        a, b = s[0], s[1]
        if b <= a:
            continue
        # cut a content span around cues and speakers already placed inside it
        pieces = [(a, b)]
        for ta, tb in taken:
            pieces = [p for x, y in pieces for p in ((x, min(y, ta)), (max(x, tb), y)) if p[1] > p[0]]
        for x, y in pieces:
            out.append((x, y, s[2], s[3]))
            taken.append((x, y))
    return sorted(out, key=lambda s: s[0])


def highlight_article(text: str, claims: list[dict[str, Any]], statuses: Statuses) -> str:
    """The article as HTML with every claim's speaker, cue and content marked in distinct
    colours, and the claim's status after its content. Everything is HTML-escaped."""
    colors = {"speaker": SPEAKER_COLOR, "cue": CUE_COLOR, "content": CONTENT_COLOR}
    last_piece: dict[int, int] = {}
    spans = _spans(claims)
    for i, (_, _, role, c) in enumerate(spans):
        if role == "content":
            last_piece[c["id"]] = i
    parts, pos = [], 0
    for i, (a, b, role, c) in enumerate(spans):
        if a < pos:
            continue
        parts.append(esc(text[pos:a]))
        title = f"{c.get('corrected_speaker') or c['speaker'] or 'unknown speaker'}: {c['status']}"
        parts.append(
            f'<mark class="claim-{role}" data-claim="{esc(c["id"])}" title="{esc(title)}" '
            f'style="background:{colors[role]};padding:0 1px">{esc(text[a:b])}</mark>'
        )
        if last_piece.get(c["id"]) == i:
            parts.append(badge(c["status"], statuses))
        pos = b
    parts.append(esc(text[pos:]))
    body = "".join(parts).replace("\n", "<br>")
    return f'<div class="article-text" style="font-family:{FONT};line-height:1.8;font-size:1.05em">{body}</div>'


def legend() -> str:
    return (
        f'<div style="font-family:{FONT}"><mark style="background:{SPEAKER_COLOR}">speaker</mark> '
        f'<mark style="background:{CUE_COLOR}">cue</mark> <mark style="background:{CONTENT_COLOR}">content</mark></div>'
    )


# A user-perceived letter (grapheme cluster): in Devanagari a consonant with its vowel signs,
# virama and the consonants it joins ("क्षि" is four code points). Cutting between code points
# leaves a vowel sign on its own, drawn on a dotted circle, or half a conjunct.
_GRAPHEME = regex.compile(r"\X")
_WINDOW = 32  # code points around a cut: far longer than any real cluster


def snap(text: str, i: int, *, forward: bool) -> int:
    """The grapheme boundary at ``i``, or the nearest one after (``forward``) or before it."""
    if i <= 0 or i >= len(text):
        return max(0, min(i, len(text)))
    lo, hi = max(0, i - _WINDOW), min(len(text), i + _WINDOW)
    ends = [lo, *(m.end() for m in _GRAPHEME.finditer(text, lo, hi))]
    if i in ends:
        return i
    if forward:
        return min((e for e in ends if e > i), default=hi)
    return max((e for e in ends if e < i), default=lo)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` code points on a grapheme boundary, "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: snap(text, limit, forward=False)].rstrip() + "…"


def sentence_context(text: str, start: int, end: int, width: int = 300) -> str:
    """The claim in its surrounding text, the claim itself marked; escaped. The surrounding text
    is cut on whole letters (grapheme clusters), never inside one."""
    a = snap(text, max(0, start - width), forward=True)
    b = snap(text, min(len(text), end + width), forward=False)
    return (
        f'<div style="font-family:{FONT};line-height:1.7">{"…" if a else ""}{esc(text[a:start])}'
        f'<mark style="background:{CONTENT_COLOR}">{esc(text[start:end])}</mark>{esc(text[end:b])}'
        f"{'…' if b < len(text) else ''}</div>"
    )


BAR_COLOR = "#4e79a7"


def bars(pairs: list[tuple[str, int]], *, colors: list[str] | None = None, vertical: bool = False) -> str:
    """A bar chart of ``(label, count)`` pairs in the order given, as escaped HTML: each bar
    drawn to scale with its label and count written out (a screen reader and a screenshot read
    the same numbers). ``colors``: one per bar (the statuses file's), else one colour for all.
    ``vertical``: columns side by side (a time line), labels below.

    Plain HTML rather than a Vega-Lite chart: the Dashboard's five charts were a third of its
    server time (Altair validating each spec on every run) and most of its first draw in the
    browser (the 0.8 MB Vega bundle, then five embeds)."""
    if not pairs:
        return ""
    top = max(n for _, n in pairs) or 1
    colors = colors or [BAR_COLOR] * len(pairs)
    if vertical:
        cols = "".join(
            f'<div class="bar" title="{esc(label)}: {n}" style="flex:1 1 0;min-width:0;max-width:3.5em;display:flex;'
            f'flex-direction:column;justify-content:flex-end;align-items:center">'
            f'<div style="font-size:0.7em;opacity:0.8">{n}</div>'
            f'<div style="width:80%;height:{max(1.0, 100 * n / top):.1f}px;background:{esc(color)};'
            f'border-radius:2px 2px 0 0"></div>'
            f'<div style="font-size:0.7em;white-space:nowrap;writing-mode:vertical-rl;transform:rotate(180deg);'
            f'margin-top:2px">{esc(label)}</div></div>'
            for (label, n), color in zip(pairs, colors, strict=True)
        )
        style = f"display:flex;gap:2px;align-items:flex-end;font-family:{FONT}"
        return f'<div class="bars bars-vertical" style="{style}">{cols}</div>'
    rows = "".join(
        f'<div class="bar-label" title="{esc(label)}" style="overflow:hidden;text-overflow:ellipsis;'
        f'white-space:nowrap">{esc(label)}</div>'
        f'<div><div class="bar" style="width:{max(0.5, 100 * n / top):.1f}%;height:0.9em;background:{esc(color)};'
        f'border-radius:2px"></div></div>'
        f'<div style="text-align:right;font-variant-numeric:tabular-nums">{n}</div>'
        for (label, n), color in zip(pairs, colors, strict=True)
    )
    return (
        f'<div class="bars" style="display:grid;grid-template-columns:minmax(5em,40%) 1fr auto;gap:3px 8px;'
        f'align-items:center;font-family:{FONT};font-size:0.9em">{rows}</div>'
    )
