"""The Review table (issue 11): the claim's text wraps, the status shows by label in its colour,
bulk status changes take the ticked rows, the page or every claim matching the filters after a
confirmation naming how many, and every button is one run of the page, not two."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.store import ClaimFilter, count_claims, history_of, ingest_text, list_claims, load_statuses, update_claim
from claims.store.accounts import PermissionDenied, add_user
from claims.store.workflow import bulk_status

# the Review page, counting its runs: a click that reruns the page inside itself counts twice
SCRIPT = """
import streamlit as st
from claims.app.main import PAGES
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
PAGES["review"][0]()
"""
EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."
LONG = (
    "Mayor Ana Ruiz said that the new bridge over the river would be finished before the monsoon, that "
    "the city would not raise property taxes to pay for it, and that every contract would be published."
)


def review(analyst: str = "asha") -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["analyst"] = analyst
    return at.run()


def clicked(at: AppTest, key: str) -> int:
    """Click a button; the number of page runs it took."""
    before = at.session_state["runs"]
    at.button(key=key).click().run()
    assert not at.exception
    return at.session_state["runs"] - before


def tick(at: AppTest, **rows) -> AppTest:
    key = at.session_state["review_editor_key"]
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_claim_text_wraps_and_status_shows_by_label_in_its_colour(db):
    ingest_text(db, LONG, article_key="long")
    ingest_text(db, EN, article_key="en")
    update_claim(db, list_claims(db)[0]["id"], base_version=1, analyst="asha", status="false")
    at = review()
    table = at.get("dataframe")[0].proto
    assert table.row_height > 64  # Streamlit wraps a cell's text only in rows taller than 4rem
    sts = load_statuses()
    styles = table.arrow_data.styler.styles
    for key in ("false", "unverified"):  # each status shown in the statuses file's colour
        assert f"background-color: {sts.get(key).color}" in styles
    shown = at.dataframe[0].value
    assert set(shown["state"]) == {"False", "Unverified"}  # by label, not by key
    longest = max((c["content"] for c in list_claims(db)), key=len)
    assert len(longest) > 150 and longest in set(shown["content"])  # whole, wrapped in its cell (not cut)


def _many(db, n: int) -> None:
    for i in range(n):
        ingest_text(db, EN.replace("taxes", f"taxes in ward {i}"), article_key=f"en{i}", outlet="Gazette")


def test_bulk_change_of_the_page_or_of_all_matching_names_the_count_first(db):
    _many(db, 30)  # 60 claims: two pages of 50
    at = review()
    at.radio(key="review_bulk_scope").set_value("page").run()
    at.selectbox(key="review_bulk_status").select("false").run()
    assert clicked(at, "review_bulk") == 1
    assert any("50 claims" in w.value and "every claim on this page" in w.value for w in at.warning)
    assert count_claims(db, ClaimFilter(statuses=["false"])) == 0  # nothing before the confirmation
    assert clicked(at, "review_bulk_confirm") == 1
    page_one = {r["id"] for r in list_claims(db, limit=50)}
    assert {r["id"] for r in list_claims(db, ClaimFilter(statuses=["false"]), limit=100)} == page_one
    assert any("Set 50 of 50 claims to False" in s.value for s in at.success)
    one = next(iter(page_one))
    assert [(h.by, h.field, h.new) for h in history_of(db, one)] == [("asha", "status", "false")]

    # every claim matching the filters, on every page: the officials' 30 claims, not the mayor's
    at.text_input(key="review_text").input("bridge").run()
    at.radio(key="review_bulk_scope").set_value("all").run()
    at.selectbox(key="review_bulk_status").select("true").run()
    at.button(key="review_bulk").click().run()
    assert any("30 claims" in w.value and "matching the filters" in w.value for w in at.warning)
    at.button(key="review_bulk_cancel").click().run()  # cancelled: nothing changes
    assert count_claims(db, ClaimFilter(statuses=["true"])) == 0
    at.button(key="review_bulk").click().run()
    at.button(key="review_bulk_confirm").click().run()
    assert count_claims(db, ClaimFilter(statuses=["true"])) == 30
    assert count_claims(db, ClaimFilter(statuses=["true"], text="taxes")) == 0


def test_bulk_change_of_ticked_rows_keeps_a_claim_changed_meanwhile_as_a_conflict(db):
    _many(db, 2)
    at = review()
    rows = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    at = tick(at, **{"0": {"select": True}, "1": {"select": True}})
    at.radio(key="review_bulk_scope").set_value("ticked").run()
    at.selectbox(key="review_bulk_status").select("misleading").run()
    at.button(key="review_bulk").click().run()
    assert any("2 claims" in w.value and "ticked" in w.value for w in at.warning)
    update_claim(db, rows[1]["id"], base_version=1, analyst="ravi", status="true")  # meanwhile
    at.button(key="review_bulk_confirm").click().run()
    assert any("Set 1 of 2 claims" in w.value and "1 conflicts" in w.value for w in at.warning)
    assert list_claims(db, ClaimFilter(statuses=["misleading"]))[0]["id"] == rows[0]["id"]
    assert any(f"Conflict on claim {rows[1]['id']}" in e.value for e in at.error)


def test_bulk_status_checks_the_role_in_the_store_and_logs_each_claim(engine):
    ingest_text(engine, EN, article_key="en")
    items = [(c["id"], c["version"]) for c in list_claims(engine)]
    add_user(engine, "boss", "correct horse battery", "admin")
    add_user(engine, "guest", "guest's own password", "viewer")
    with pytest.raises(PermissionDenied):
        bulk_status(engine, items, "false", analyst="guest")
    assert count_claims(engine, ClaimFilter(statuses=["false"])) == 0
    done, conflicts = bulk_status(engine, items, "false", analyst="boss")
    assert sorted(done) == sorted(i for i, _ in items) and not conflicts
    for cid, _ in items:
        assert [(h.by, h.field) for h in history_of(engine, cid)] == [("boss", "status")]


def test_each_table_button_is_one_run_of_the_page(db):
    _many(db, 2)
    at = review()
    rows = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    at = tick(at, **{"0": {"verdict_note": "checked with the city"}})
    assert clicked(at, "review_save") == 1
    assert list_claims(db)[0]["verdict_note"] == "checked with the city"
    at = tick(at, **{"1": {"verdict_note": "a draft"}})
    assert clicked(at, "review_discard") == 1
    assert not any("unsaved" in w.value for w in at.warning)
    at.radio(key="review_bulk_scope").set_value("page").run()
    assert clicked(at, "review_bulk") == 1
    assert clicked(at, "review_bulk_confirm") == 1
    # a conflict: ravi changed the note of the first row since this table was read
    at = review()
    first = at.session_state["review_snapshots"][at.session_state["review_editor_key"]][0]
    update_claim(db, first["id"], base_version=first["version"], analyst="ravi", verdict_note="ravi's note")
    at = tick(at, **{"0": {"verdict_note": "asha's note"}})
    at.button(key="review_save").click().run()
    assert clicked(at, f"conflict_apply_{first['id']}") == 1
    assert list_claims(db)[0]["verdict_note"] == "asha's note"
    assert rows  # the first table had rows to edit
