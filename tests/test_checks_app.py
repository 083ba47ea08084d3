"""The desk's "To check" page (issue 13): the queue by check-worthiness with its reasons, assigning
one or many claims from the accounts, "Assigned to me", and approving proposed verdicts."""

from __future__ import annotations

from importlib import resources

from streamlit.testing.v1 import AppTest

from claims.store import get_claim, ingest_text, list_claims, update_claim
from claims.store.accounts import add_user
from claims.store.statuses import load_statuses

PAGE = """
import streamlit as st
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES["checks"][0]()
"""
EN = (
    "Finance Minister John Smith said on Tuesday that unemployment fell by 12 percent last year.\n"
    "Jane Doe, a local resident, said she thinks the weather will be nice tomorrow.\n"
    "Officials said the budget deficit rose to $4 billion in 2023, the highest on record.\n"
)
APPROVAL = (
    '[[status]]\nkey = "unverified"\ndefault = true\n[[status]]\nkey = "false"\nfinal = true\nneeds_approval = true\n'
)


BUILT_IN = load_statuses(str(resources.files("claims.store") / "statuses.toml"))  # no status needs approval


def page(analyst: str = "asha", user: str | None = None, role: str = "analyst") -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.session_state["analyst"] = analyst
    if user:  # signed in (auth.gate is not part of this script)
        at.session_state["auth_user"] = user
        at.session_state["auth_role"] = role
    return at.run()


def test_the_queue_lists_unverified_claims_by_score_with_reasons(db):
    ingest_text(db, EN, article_key="en")
    at = page()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert "numbers" in table["why"].iloc[0]
    assert len(table) == len(list_claims(db))


def test_assign_several_claims_to_an_account_then_find_them_under_assigned_to_me(db):
    ingest_text(db, EN, article_key="en")
    add_user(db, "asha", "a long password", "admin")
    add_user(db, "ravi", "a long password", "analyst")
    add_user(db, "guest", "a long password", "viewer")
    at = page(user="asha", role="admin")
    assert at.selectbox(key="checks_assignee").options == ["asha", "ravi"]  # accounts that may edit
    ids = [r["id"] for r in list_claims(db)][:2]
    at.multiselect(key="checks_pick").set_value(ids).run()
    at.selectbox(key="checks_assignee").select("ravi").run()
    at.button(key="checks_assign").click().run()
    assert any("Assigned 2 claims to ravi" in s.value for s in at.success)
    assert {get_claim(db, i)["assignee"] for i in ids} == {"ravi"}
    mine = page(analyst="ravi", user="ravi")
    mine.radio(key="checks_view").set_value("mine").run()
    assert sorted(mine.dataframe[0].value["id"]) == sorted(ids)


def test_a_proposed_verdict_is_approved_by_another_analyst_not_its_proposer(db, tmp_path, monkeypatch):
    path = tmp_path / "statuses.toml"
    path.write_text(APPROVAL, "utf-8")
    monkeypatch.setenv("CLAIMS_STATUSES", str(path))
    sts = load_statuses(path)
    ingest_text(db, EN, article_key="en", statuses=sts)
    cid, older = (r["id"] for r in list_claims(db)[:2])
    update_claim(db, cid, base_version=1, analyst="asha", statuses=sts, status="false")
    # a verdict set before approval was turned on (the default statuses) waits for approval too
    update_claim(db, older, base_version=1, analyst="asha", statuses=BUILT_IN, status="false")
    at = page(analyst="asha")
    at.radio(key="checks_view").set_value("approval").run()
    assert sorted(at.dataframe[0].value["id"]) == sorted([cid, older])
    at.multiselect(key="checks_pick").set_value([cid]).run()
    assert any("are yours" in c.value for c in at.caption)
    at.button(key="checks_approve").click().run()
    assert any("proposed this verdict" in e.value for e in at.error)
    assert get_claim(db, cid)["approval"] == "pending"
    other = page(analyst="ravi")
    other.radio(key="checks_view").set_value("approval").run()
    other.multiselect(key="checks_pick").set_value([cid]).run()
    other.button(key="checks_approve").click().run()
    assert any("Approved 1 verdicts" in s.value for s in other.success)
    assert get_claim(db, cid)["approved_by"] == "ravi"
