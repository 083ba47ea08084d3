"""A bulk load formats most of a claim's COPY text itself, off the writer thread: what the server
stores from it must be what psycopg's own COPY stores, for every value a claim row holds."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from claims.store.bulk import _copy_field, _copy_statics
from claims.store.db import copy_into

pytestmark = pytest.mark.postgres

# a claim's text can hold anything a page held: tabs, newlines, backslashes, any script
TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXTS,
)
COLUMNS = {"b": "boolean", "i": "integer", "f": "double precision", "t": "text"}


def _kind(value: object) -> str:
    if value is None or isinstance(value, str):
        return "t"
    return "b" if isinstance(value, bool) else "i" if isinstance(value, int) else "f"


def _same(a: object, b: object) -> bool:
    return (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(VALUES, min_size=1, max_size=30))
def test_copy_text_stores_what_psycopg_stores(pg_engine, rows):
    with pg_engine.begin() as conn:
        for name in ("ours", "theirs"):
            columns = ", ".join(f"{c} {kind}" for c, kind in {"n": "int", **COLUMNS}.items())
            conn.execute(text(f"CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP"))
        for n, v in enumerate(rows):
            col = _kind(v)
            with copy_into(conn, "ours", ("n", col)) as copy:
                copy.write(f"{n}\t{_copy_field(v)}\n")
            with copy_into(conn, "theirs", ("n", col)) as copy:
                copy.write_row((n, v))
        got = {name: conn.execute(text(f"SELECT * FROM {name} ORDER BY n")).all() for name in ("ours", "theirs")}
    assert len(got["ours"]) == len(rows)
    for a, b in zip(got["ours"], got["theirs"], strict=True):
        assert all(_same(x, y) for x, y in zip(a, b, strict=True)), (a, b)


def test_a_value_of_another_type_is_left_to_psycopg():
    rows = [{"id": 1, "content": "a\tb", "confidence": 0.5, "stale": False}]
    assert _copy_statics(rows) == (("content", "confidence", "stale"), ["a\\tb\t0.5\tf"])
    assert _copy_statics([{"id": 1, "when": object()}]) is None
    with pytest.raises(TypeError):
        _copy_field(b"bytes")
