"""Dashboard speed (issue 11): exports built only when a download is clicked, from the store in
pages; the Outlet and Language filter lists read an index, not the articles' text."""

from __future__ import annotations

import csv
import io
import json
import os

from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest

from claims.app.pages.dashboard import claimreview_export, csv_export
from claims.store import ClaimFilter, ingest_text, list_claims, load_statuses, update_claim
from claims.store.schema import articles

EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


def test_opening_the_dashboard_builds_no_export(db):
    ingest_text(db, EN, article_key="en", outlet="Gazette")
    update_claim(db, list_claims(db)[0]["id"], base_version=1, analyst="asha", status="false")
    at = AppTest.from_string("from claims.app.main import PAGES\nPAGES['dashboard'][0]()", default_timeout=60).run()
    assert not at.exception
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"CSV (2 claims)", "ClaimReview JSON-LD (1 verdicts)"}
    for proto in buttons.values():  # no file made or sent with the page: only built on a click
        assert proto.deferred_file_id and not proto.url


def test_exports_built_on_click_hold_the_filtered_claims(db):
    ingest_text(db, EN, article_key="en", outlet="Gazette")
    cid = list_claims(db)[0]["id"]
    update_claim(db, cid, base_version=1, analyst="asha", status="false", verdict_note="<!--<script>")
    data = csv_export(db, ClaimFilter(statuses=["false"]))()
    assert data.startswith("\ufeff".encode())  # a spreadsheet opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["status"], r["verdict_note"]) for r in rows] == [("false", "<!--<script>")]
    reviews = json.loads(claimreview_export(db, ClaimFilter(), load_statuses())())
    assert len(reviews) == 1 and reviews[0]["reviewBody"] == "<!--<script>"


def test_outlet_and_language_lists_read_an_index(db):
    if os.environ.get("CLAIMS_DB_URL", "").startswith("sqlite"):
        with db.connect() as conn:
            for col in (articles.c.outlet, articles.c.lang):
                sql = str(select(col).distinct().order_by(col).compile(db))
                plan = " ".join(str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
                assert "COVERING INDEX" in plan, plan  # the rows (and their text) are not read


def test_dashboard_shows_share_reviewed_per_analyst_and_over_time(db):
    from claims.store import counts_by
    from claims.store.query import reviews_by_analyst

    ingest_text(db, EN, article_key="en", outlet="Gazette", published="2024-03-05")
    ids = [c["id"] for c in list_claims(db)]
    update_claim(db, ids[0], base_version=1, analyst="asha", status="false")
    update_claim(db, ids[1], base_version=1, analyst="ravi", status="in_progress")
    update_claim(db, ids[1], base_version=2, analyst="asha", status="true")
    assert reviews_by_analyst(db) == [("asha", 2), ("ravi", 1)]
    assert counts_by(db, "month") == [("2024-03", 2)]
    at = AppTest.from_string("from claims.app.main import PAGES\nPAGES['dashboard'][0]()", default_timeout=60).run()
    assert not at.exception
    assert any("2 reviewed (100%)" in c.value for c in at.caption)
