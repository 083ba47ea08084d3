"""Text search over claims in the spelling the extractor matches on: both the stored content and
the words searched for are folded (claims.pipeline.normalise) and lower-cased, and ``%`` and
``_`` in a search are the characters themselves, not wildcards."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import ColumnClause

from claims.pipeline.normalise import fold_string

ESCAPE = "\\"


def search_key(text: str) -> str:
    """``text`` as it is stored for search: folded and lower-cased."""
    return fold_string(text).lower()


def contains(column: ColumnClause, word: str) -> ColumnElement[bool]:
    """``column`` (a folded, lower-cased text column) contains ``word`` literally."""
    key = search_key(word)
    for ch in (ESCAPE, "%", "_"):
        key = key.replace(ch, ESCAPE + ch)
    return column.like(f"%{key}%", escape=ESCAPE)
