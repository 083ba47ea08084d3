"""AppTest tests of every page of the desk, on a temporary SQLite store."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from claims.store import ClaimFilter, get_claim, history_of, ingest_text, list_claims, update_claim

PAGE = """
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES[{page!r}][0]()
"""
EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe."
HI = "राष्ट्रपति कसीम-जोमार्ट टोकायव ने कहा कि स्थिति नियंत्रण में है। बाद में Tokayev ने कहा कि सेना लौटेगी।"
EVIL = 'Mayor <script>alert("x")</script> Ruiz said the <img src=x onerror=alert(1)> budget was balanced.'


def page(name: str, analyst: str | None = "asha") -> AppTest:
    at = AppTest.from_string(PAGE.format(page=name), default_timeout=60)
    if analyst:
        at.session_state["analyst"] = analyst
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_main_app_starts_on_review(db):
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    assert texts(at, "title") == ["Review claims"]
    assert at.sidebar.text_input(key="analyst_input").label == "Your name"


def test_add_paste_previews_and_saves_then_recognises_duplicate(db):
    at = page("add")
    at.text_input[0].input("City budget")
    at.text_area(key="paste_text").input(EN)
    at.button[1].click().run()  # Save article (the form's second button)
    assert not at.exception
    assert any("Saved article" in s for s in texts(at, "success"))
    assert len(list_claims(db)) == 2
    at.text_area(key="paste_text").input(EN)
    at.button[1].click().run()
    assert any("Already in the store" in w for w in texts(at, "warning"))
    assert len(list_claims(db)) == 2


def test_add_empty_text_is_explained(db):
    at = page("add")
    at.button[0].click().run()
    assert texts(at, "error") == ["The article text is empty."]


def test_review_filters_and_edits_status_through_editor(db):
    ingest_text(db, EN, article_key="en", outlet="Gazette")
    ingest_text(db, HI, article_key="hi", outlet="TASS")
    at = page("review")
    assert "4 claims" in at.caption[0].value
    at.text_input(key="review_speaker").input("Tokayev").run()
    assert "2 claims" in at.caption[0].value
    key = at.session_state["review_editor_key"]
    at.session_state[key] = {
        "edited_rows": {0: {"status": "false", "verdict_note": "wrong"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="review_save").click().run()
    assert texts(at, "success") == ["Saved 1 claims; 0 conflicts to resolve."]
    changed = list_claims(db, ClaimFilter(statuses=["false"]))
    assert len(changed) == 1 and changed[0]["speaker"] == "कसीम-जोमार्ट टोकायव"
    assert changed[0]["updated_by"] == "asha" and changed[0]["verdict_note"] == "wrong"


def test_review_conflict_is_shown_and_nothing_is_lost(db):
    ingest_text(db, EN, article_key="en")
    at = page("review")
    target = at.session_state["review_editor_key"]
    claim_id = list_claims(db)[0]["id"]
    update_claim(db, claim_id, base_version=1, analyst="ravi", status="true", verdict_note="checked by phone")
    at.session_state[target] = {"edited_rows": {0: {"status": "false"}}, "added_rows": [], "deleted_rows": []}
    at.button(key="review_save").click().run()
    errors = texts(at, "error")
    assert any("ravi" in e and "checked by phone" in e and "was not saved" in e for e in errors), errors
    assert get_claim(db, claim_id)["status"] == "true"  # theirs kept
    at.button(key=f"conflict_apply_{claim_id}").click().run()
    c = get_claim(db, claim_id)
    assert (c["status"], c["verdict_note"], c["version"]) == ("false", "checked by phone", 3)
    assert [h.by for h in history_of(db, claim_id)] == ["ravi", "ravi", "asha"]


def test_review_bulk_status_and_detail_view(db):
    ingest_text(db, EN, article_key="en")
    at = page("review")
    key = at.session_state["review_editor_key"]
    at.session_state[key] = {
        "edited_rows": {0: {"select": True}, 1: {"select": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.selectbox(key="review_bulk_status").select("in_progress")
    at.button(key="review_bulk").click().run()
    assert {r["status"] for r in list_claims(db)} == {"unverified"}  # asked first, nothing changed yet
    assert any("2 claims" in w.value for w in at.warning)
    at.button(key="review_bulk_confirm").click().run()
    assert {r["status"] for r in list_claims(db)} == {"in_progress"}
    cid = list_claims(db)[0]["id"]
    at.selectbox(key="review_open").select(cid).run()
    assert any("Claim" in m.value for m in at.markdown)
    at.text_area(key=f"detail_evidence_{cid}").input("https://example.org/budget")
    at.selectbox(key=f"detail_status_{cid}").select("misleading")
    at.button[-1].click().run()
    c = get_claim(db, cid)
    assert c["status"] == "misleading" and c["evidence_links"] == ["https://example.org/budget"]


def test_review_without_name_cannot_edit(db):
    ingest_text(db, EN, article_key="en")
    at = page("review", analyst=None)
    assert at.button(key="review_save").disabled


def test_article_page_highlights_escaped(db):
    ingest_text(db, EVIL, article_key="evil", title="<b>Budget</b>")
    at = page("article")
    assert not at.exception
    html = "".join(str(getattr(e, "proto", "")) for e in at.get("html"))
    assert "claim-speaker" in html and "claim-cue" in html and "claim-content" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src" not in html


def test_speakers_page_merge_split_reassign(db):
    ingest_text(db, "Anna Petrova said the dam was safe.", article_key="a")
    ingest_text(db, "Hanna Petrova said the dam was unsafe.", article_key="b")  # a typo in the source
    at = page("speakers")
    assert not at.exception
    assert at.session_state["merge_keep"] is None and at.session_state["merge_drop"] is None  # nothing pre-chosen
    anna, hanna = sorted({r["person_id"] for r in list_claims(db)})
    at.selectbox(key="merge_keep").set_value(anna)
    at.selectbox(key="merge_drop").set_value(hanna).run()
    assert at.button(key="merge_go").disabled  # until the analyst confirms, naming both
    assert (
        "Hanna Petrova" in at.checkbox(key="merge_sure").label and "Anna Petrova" in at.checkbox(key="merge_sure").label
    )
    at.checkbox(key="merge_sure").check().run()
    at.button(key="merge_go").click().run()
    assert any("Merged" in s for s in texts(at, "success"))
    assert len({r["person_id"] for r in list_claims(db)}) == 1
    at.button(key="split_go").click().run()
    assert any("speaker of its own" in s for s in texts(at, "success"))
    assert len({r["person_id"] for r in list_claims(db)}) == 2
    cid = list_claims(db)[0]["id"]
    at.number_input(key="reassign_claim").set_value(cid)
    at.text_input(key="reassign_speaker").input("Dam Authority").run()
    at.button(key="reassign_go").click().run()
    assert get_claim(db, cid)["corrected_speaker"] == "Dam Authority"
    assert history_of(db, cid)[-1].field == "corrected_speaker"


def test_dashboard_counts_and_downloads(db):
    ingest_text(db, EN, article_key="en", outlet="Gazette")
    cid = list_claims(db)[0]["id"]
    update_claim(db, cid, base_version=1, analyst="asha", status="false")
    at = page("dashboard")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["False"] == "1" and metrics["Unverified"] == "1"
    labels = [str(getattr(e, "proto", "")) for e in at.get("download_button")]
    assert any("CSV (2 claims)" in x for x in labels) and any("1 verdicts" in x for x in labels)
