"""A day's work on the desk (issue 11, flow): deep links and filters in the address, opening a
claim from the table, next/previous, sorting, "my queue" and the other filters, languages by
name, the CSV row that leads back to the desk."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.store import ClaimFilter, ingest_text, list_claims, open_store, update_claim

REVIEW = "from claims.app.main import PAGES\nfrom claims.app import state\nstate.analyst_box()\nPAGES['review'][0]()"
EN = (
    "Mayor Ana Ruiz said taxes would not rise. Officials said the bridge was safe. "
    "Ruiz believes the budget is balanced."
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("CLAIMS_DB_URL", url)
    eng = open_store(url)
    ingest_text(eng, EN, article_key="en", outlet="Gazette")
    yield eng
    eng.dispose()


def review(query: dict | None = None, analyst: str = "asha") -> AppTest:
    at = AppTest.from_string(REVIEW, default_timeout=60)
    at.session_state["analyst"] = analyst
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def opened(at: AppTest) -> int | None:
    return at.session_state["review_open"]


def test_a_deep_link_opens_the_claim_and_filters_and_the_address_follows(db):
    cid = list_claims(db)[-1]["id"]
    at = review({"claim": str(cid), "q": "taxes", "status": "unverified"})
    assert opened(at) == cid and any(f"Claim {cid}" in m.value for m in at.markdown)
    assert at.text_input(key="review_text").value == "taxes"
    assert at.multiselect(key="review_status").value == ["unverified"]
    assert at.session_state["review_snapshots"][at.session_state["review_editor_key"]][0]["id"] == cid
    at.text_input(key="review_speaker").input("Ruiz").run()
    link = {k: at.query_params[k] for k in ("speaker", "q", "claim")}  # the address says what is shown
    assert link == {"speaker": "Ruiz", "q": "taxes", "claim": str(cid)}


def test_ticking_open_in_the_table_opens_the_claim_and_next_previous_walk_the_table(db):
    rows = list_claims(db)
    at = review()
    key = at.session_state["review_editor_key"]
    at.session_state[key] = {"edited_rows": {1: {"open": True}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert opened(at) == rows[1]["id"]
    at.button(key="review_next").click().run()
    assert opened(at) == rows[2]["id"]
    at.button(key="review_prev").click().run()
    assert opened(at) == rows[1]["id"]


def test_sort_by_confidence_and_my_queue_and_flag_filters(db):
    rows = list_claims(db)
    update_claim(db, rows[0]["id"], base_version=1, analyst="ravi", assignee="asha")
    at = review()
    at.selectbox(key="review_sort").select("confidence_low").run()
    shown = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    assert [r["confidence"] for r in shown] == sorted(r["confidence"] for r in rows)
    at.checkbox(key="review_mine").check().run()
    shown = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    assert [r["id"] for r in shown] == [rows[0]["id"]]
    at.checkbox(key="review_mine").uncheck().run()
    at.text_input(key="review_editor").input("ravi").run()
    shown = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    assert [r["id"] for r in shown] == [rows[0]["id"]]
    flagged = [r["id"] for r in list_claims(db, ClaimFilter(flag="mental_state"))]
    assert flagged == [r["id"] for r in rows if "mental_state" in r["flags"]] and flagged
    assert list_claims(db, ClaimFilter(flag="mental")) == []  # a whole flag, not part of one


def test_an_empty_search_says_no_match(db):
    at = review({"q": "nothing-like-this"})
    assert any("No claim matches these filters." in i.value for i in at.info)


def test_history_reads_as_local_time_labels_and_lists(db):
    from claims.app.pages.review import history_frame
    from claims.store import history_of, load_statuses

    cid = list_claims(db)[0]["id"]
    update_claim(
        db, cid, base_version=1, analyst="asha", status="false", evidence="https://a.example/1\nhttps://b.example/2"
    )
    frame = history_frame(history_of(db, cid), load_statuses())
    rows = {r["what"]: r for r in frame.to_dict("records")}
    assert rows["Status"]["before"] == "Unverified" and rows["Status"]["after"] == "False"
    assert rows["Evidence"]["after"] == "https://a.example/1\nhttps://b.example/2"  # a list, not JSON
    assert len(rows["Status"]["when"].split()[1]) == 8  # HH:MM:SS, to the second


def test_the_csv_row_carries_the_claims_number_and_link(db):
    import csv
    import io

    from claims.store.export import write_rows
    from claims.store.query import iter_claims

    buf = io.StringIO()
    write_rows(iter_claims(db), buf, "csv", desk="https://desk.example.org/")
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["desk_url"] for r in rows] == [f"https://desk.example.org/review?claim={r['desk_id']}" for r in rows]
    assert {int(r["desk_id"]) for r in rows} == {c["id"] for c in list_claims(db)}


def test_one_bad_evidence_line_is_refused_alone_next_to_the_form(db):
    from claims.store import get_claim

    cid = list_claims(db)[0]["id"]
    at = review({"claim": str(cid)})
    at.text_area(key=f"detail_evidence_{cid}").input("https://example.org/a\nnot a link\nhttps://example.org/b")
    at.button(key=f"FormSubmitter:detail_form_{cid}-Save claim").click().run()
    assert get_claim(db, cid)["evidence_links"] == ["https://example.org/a", "https://example.org/b"]
    assert any("not a link" in e.value and "Not saved as evidence" in e.value for e in at.error)
