"""The desk under collaboration (issue 11): field merge in the detail form, unsaved table edits
and filters kept across filters, pages, saves and page visits, letters never cut in half."""

from __future__ import annotations

import unicodedata

from streamlit.testing.v1 import AppTest

from claims.app import render
from claims.store import get_claim, ingest_text, list_claims, update_claim

# the desk's pages in one script; "_page" stands for the navigation (a page not drawn in a run
# loses its widgets' values, as when the analyst opens another page of the desk)
PAGES = """
import streamlit as st
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES[st.session_state.get("_page", "review")][0]()
"""
EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."


def desk(analyst: str = "asha") -> AppTest:
    at = AppTest.from_string(PAGES, default_timeout=60)
    at.session_state["analyst"] = analyst
    return at.run()


def edit_row(at: AppTest, row: int, **fields) -> AppTest:
    key = at.session_state["review_editor_key"]
    at.session_state[key] = {"edited_rows": {row: fields}, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_detail_save_from_an_older_version_keeps_the_other_analysts_fields(db):
    ingest_text(db, EN, article_key="en")
    cid = list_claims(db)[0]["id"]
    at = desk()
    at.selectbox(key="review_open").select(cid).run()  # asha opens it at version 1
    update_claim(db, cid, base_version=1, analyst="ravi", evidence="https://example.org/a", assignee="ravi")
    at.selectbox(key=f"detail_status_{cid}").select("false")
    at.button(key=f"FormSubmitter:detail_form_{cid}-Save claim").click().run()
    assert not at.error, [e.value for e in at.error]
    c = get_claim(db, cid)
    assert (c["status"], c["assignee"], c["evidence_links"]) == ("false", "ravi", ["https://example.org/a"])


def test_a_field_both_changed_is_shown_side_by_side_and_apply_mine_keeps_theirs(db):
    ingest_text(db, EN, article_key="en")
    cid = list_claims(db)[0]["id"]
    at = desk()
    at.selectbox(key="review_open").select(cid).run()
    update_claim(db, cid, base_version=1, analyst="ravi", status="true", assignee="ravi")
    at.selectbox(key=f"detail_status_{cid}").select("false")
    at.button(key=f"FormSubmitter:detail_form_{cid}-Save claim").click().run()
    assert any("Conflict on claim" in e.value for e in at.error)
    side = at.dataframe[0].value
    assert list(side.columns) == ["field", "before", "theirs", "yours"]
    assert side.to_dict("records") == [
        {"field": "Status", "before": "unverified", "theirs": "true (ravi)", "yours": "false"}
    ]
    at.button(key=f"conflict_apply_{cid}").click().run()
    c = get_claim(db, cid)
    assert (c["status"], c["assignee"]) == ("false", "ravi")  # ravi's assignee not cleared


def test_unsaved_table_edits_survive_filters_pages_saves_and_visits(db):
    ingest_text(db, EN, article_key="en")
    first, second = list_claims(db)  # newest first, as the table shows them
    at = edit_row(desk(), 0, verdict_note="draft note")
    at.text_input(key="review_text").input("taxes").run()  # a filter that hides the edited row
    assert any("1 unsaved table edits (1 on other pages or filters)" in w.value for w in at.warning)
    at.text_input(key="review_text").input("").run()
    # a save in the detail form of another claim redraws the table
    at.selectbox(key="review_open").select(second["id"]).run()
    at.selectbox(key=f"detail_status_{second['id']}").select("true")
    at.button(key=f"FormSubmitter:detail_form_{second['id']}-Save claim").click().run()
    # a visit to another page of the desk, then back
    at.session_state["_page"] = "dashboard"
    at.run()
    at.session_state["_page"] = "review"
    at.run()
    assert any("1 unsaved table edits" in w.value for w in at.warning)
    at.button(key="review_save").click().run()
    assert get_claim(db, first["id"])["verdict_note"] == "draft note"
    assert get_claim(db, second["id"])["status"] == "true"


def test_filters_are_kept_when_the_analyst_visits_another_page(db):
    ingest_text(db, EN, article_key="en")
    at = desk()
    at.text_input(key="review_text").input("bridge").run()
    at.text_input(key="review_speaker").input("Ruiz").run()
    at.session_state["_page"] = "speakers"
    at.run()
    at.session_state["_page"] = "review"
    at.run()
    assert at.text_input(key="review_text").value == "bridge"
    assert at.text_input(key="review_speaker").value == "Ruiz"


HI = "प्रधानमंत्री ने कहा कि " + "क्षत्रिय स्थिति नियंत्रण में है। " * 30


def _starts_mid_letter(s: str) -> bool:
    return bool(s) and unicodedata.category(s[0]) in ("Mn", "Mc")


def test_devanagari_is_cut_on_whole_letters():
    # every cut point of the context and of a label lands between letters, never inside one
    for start in range(200, 260):
        html = render.sentence_context(HI, start, start + 5, width=150)
        body = html.split(">", 1)[1].lstrip("…")
        assert not _starts_mid_letter(body), (start, body[:10])
        tail = html.split("</mark>", 1)[1].removesuffix("</div>").removesuffix("…")
        end = start + 5 + len(tail)  # where the context after the claim was cut
        assert not _starts_mid_letter(HI[end:]) and HI[end - 1] != "्", (start, tail[-10:])
    for limit in range(1, 80):
        label = render.clip(HI, limit)
        assert len(label) <= limit + 1
        cut = label.rstrip("…")
        assert not HI[len(cut) :].startswith(("ि", "्", "ं", "ा", "े")) or HI[len(cut)] == " ", (limit, label)
