"""What the extractor matches on: the text folded to one spelling, with every offset mapped back.

Newspapers write one word several ways: a zero-width joiner inside "क‍ि" (Navbharat Times, Dainik
Jagran), a soft hyphen, a precomposed "क़" or "क" + nukta, "हाँ" or "हां". The engine reads the
*folded* text, where each of these has one form, and the language packs are folded the same way
when they load, so a pack lists a word once. Folding only deletes characters or replaces one
character by one, so a position in the folded text maps back to the text as given in O(log n);
what users see (content, cue, speaker, role, source) is read from the original text.

>>> f = fold("डॉक्\u200dटर ने कहा है क\u200dि")
>>> f.text
'डॉक्टर ने कहा है कि'
>>> f.span(17, 19), f.surface(17, 19) == "क\u200dि"
((18, 21), True)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from typing import Any

from claims.speedups import kernel

# Characters with no letter of their own: joiners, soft hyphen, word joiner, byte-order mark.
_INVISIBLE = "\u200b\u200c\u200d\u00ad\u2060\ufeff"
NUKTA = "\u093c"
# One-for-one replacements: chandrabindu is written as anusvara, and letters with a nukta lose it
# (the pack's romanisation still tells "ज़" from "ज" when names are compared, on the original).
_ONE_FOR_ONE = {
    "\u0901": "\u0902",  # ँ → ं
    "\u0929": "\u0928",  # ऩ → न
    "\u0931": "\u0930",  # ऱ → र
    "\u0934": "\u0933",  # ऴ → ळ
    "\u0958": "\u0915",  # क़ → क
    "\u0959": "\u0916",  # ख़ → ख
    "\u095a": "\u0917",  # ग़ → ग
    "\u095b": "\u091c",  # ज़ → ज
    "\u095c": "\u0921",  # ड़ → ड
    "\u095d": "\u0922",  # ढ़ → ढ
    "\u095e": "\u092b",  # फ़ → फ
    "\u095f": "\u092f",  # य़ → य
}
_DELETED = _INVISIBLE + NUKTA
_TABLE = str.maketrans({**dict.fromkeys(_DELETED, None), **_ONE_FOR_ONE})
_NEEDS = re.compile("[" + re.escape(_DELETED + "".join(_ONE_FOR_ONE)) + "]")
_DELETE = re.compile("[" + re.escape(_DELETED) + "]")
_REPLACED = re.compile("[" + re.escape("".join(_ONE_FOR_ONE)) + "]")
# Combining marks NFC may compose with the letter before them (Latin, Greek, Cyrillic accents …),
# Hangul jamo, and the Devanagari letters NFC decomposes (handled by the table when folding).
_COMBINING_RANGES = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x1100, 0x11FF), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)  # fmt: skip
_COMBINING = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _COMBINING_RANGES) + "]")
_NEEDED = _DELETED + "".join(_ONE_FOR_ONE)
_KERNEL = kernel()


def _has_combining(text: str) -> bool:
    if _KERNEL is not None:  # the same answer from a scan in C, 2% of an English article's time
        return _KERNEL.first_in_ranges(text, _COMBINING_RANGES) >= 0
    return _COMBINING.search(text) is not None


def _needs_table(text: str) -> bool:
    if _KERNEL is not None:
        return bool(_KERNEL.char_positions(text, 0, len(text), _NEEDED))
    return _NEEDS.search(text) is not None


class Folded:
    """A text folded for matching (``text``) and the ``original`` it came from.

    ``span(a, b)`` maps a span of ``text`` to the span of ``original`` that holds the same
    letters (characters folded away at the edges stay outside it); ``surface(a, b)`` is that
    original substring. For text that needs no folding both are the identity, at no cost.
    """

    __slots__ = ("original", "text", "_marks", "_table", "_subs")

    def __init__(
        self,
        original: str,
        text: str,
        marks: list[int] | None = None,
        table: list[int] | None = None,
        subs: list[int] | None = None,
    ):
        self.original = original
        self.text = text
        self._marks = marks  # for each deleted character j: its position in `text` (non-decreasing)
        self._table = table  # an explicit map from `text` positions (the rare NFC fallback)
        self._subs = subs or []  # positions in `text` of characters replaced one for one

    def same(self, a: int, b: int) -> bool:
        """Whether folded ``[a, b)`` reads exactly as the original there (nothing folded inside),
        so that what users see can be taken from the folded text as it is."""
        if self.identity:
            return True
        if self._table is not None:
            return False
        marks, subs = self._marks or [], self._subs
        return bisect.bisect_right(marks, a) == bisect.bisect_left(marks, b) and bisect.bisect_left(
            subs, a
        ) == bisect.bisect_left(subs, b)

    @property
    def identity(self) -> bool:
        return self._marks is None and self._table is None

    def to_original(self, pos: int) -> int:
        """The original position of the character at ``pos`` of the folded text (a position just
        past the end maps just past the original's end)."""
        if self._table is not None:
            return self._table[pos] if pos < len(self._table) else len(self.original)
        if not self._marks:
            return pos
        return pos + bisect.bisect_right(self._marks, pos)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original span of folded ``[a, b)``; an empty span stays empty."""
        if self.identity or a < 0:
            return a, b
        start = self.to_original(a)
        end = self.to_original(b - 1) + 1 if b > a else start
        if self._table is not None and b > a:
            # a character NFC composed from several ends where the next one begins
            end = self.to_original(b) if b < len(self._table) else len(self.original)
        return start, end

    def surface(self, a: int, b: int) -> str:
        """The original text of folded ``[a, b)``."""
        if self.same(a, b):
            return self.text[a:b]
        s, e = self.span(a, b)
        return self.original[s:e]

    def find_surface(self, folded: str, lo: int, hi: int) -> str:
        """The original text of ``folded``, a string read from ``text[lo:hi]`` (the last place it
        occurs there); ``folded`` itself when it does not occur."""
        if self.identity or not folded:
            return folded
        at = self.text.rfind(folded, lo, hi)
        return self.surface(at, at + len(folded)) if at >= 0 else folded


@lru_cache(maxsize=65536)
def fold_string(s: str) -> str:
    """``s`` in the folded spelling (for pack data and search terms): NFC, then the one-for-one
    replacements and deletions (``s.translate(_TABLE)``, done by :func:`_replace_all` where a
    character needs it: a claim's search key is folded on every ingest)."""
    s = unicodedata.normalize("NFC", s)
    return _replace_all(s) if _needs_table(s) else s


def _replace_all(text: str) -> str:
    """``text.translate(_TABLE)``, done as a few C-speed replacements of the characters present
    (a dict-driven translate looks up every character in Python and costs ten times as much)."""
    for ch in _DELETED:
        if ch in text:
            text = text.replace(ch, "")
    for src, dst in _ONE_FOR_ONE.items():
        if src in text:
            text = text.replace(src, dst)
    return text


def fold(text: str) -> Folded:
    """Fold ``text`` for matching. See the module docstring for what is folded."""
    needs = _needs_table(text)
    # the table replaces the Devanagari letters NFC would change ("क़" → "क"); what is left for
    # NFC is combining marks of other scripts, and checking for those is cheaper than NFC itself
    nfc_ok = not _has_combining(text) or unicodedata.is_normalized("NFC", text)
    if not needs and nfc_ok:
        return Folded(text, text)
    folded = _replace_all(text) if needs else text
    if nfc_ok or unicodedata.is_normalized("NFC", folded):
        deleted = [m.start() for m in _DELETE.finditer(text)]
        marks = [d - j for j, d in enumerate(deleted)]
        subs = [m.start() - bisect.bisect_left(deleted, m.start()) for m in _REPLACED.finditer(text)]
        return Folded(text, folded, marks, subs=subs)
    # NFC changes something (combining sequences in Latin, Devanagari written decomposed …):
    # fold each character cluster on its own and keep an explicit map
    out: list[str] = []
    table: list[int] = []
    for m in re.finditer(r".[\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]*", text, re.S):
        piece = fold_string(m.group())
        out.append(piece)
        table.extend([m.start()] * len(piece))
    return Folded(text, "".join(out), table=table)


def fold_data(value: Any) -> Any:
    """Every string in a parsed pack table folded (keys too), for packs to load in the folded spelling."""
    if isinstance(value, str):
        return fold_string(value)
    if isinstance(value, list):
        return [fold_data(v) for v in value]
    if isinstance(value, dict):
        return {fold_string(k): fold_data(v) for k, v in value.items()}
    return value
