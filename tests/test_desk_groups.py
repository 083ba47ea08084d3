"""The same claim on the desk (issue 13): "seen in N articles" in the Review table, the group in the
detail view with the group's verdict, the verdict given to the group only once the analyst
confirms; merges suggested on the Speakers page with their evidence."""

from __future__ import annotations

import json

from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from claims.app.groups import seen_in
from claims.store import get_claim, history_of, ingest_text, list_claims, set_status
from claims.store.db import writing
from claims.store.linking import now
from claims.store.schema import claims, persons
from claims.store.speakers import list_persons

PAGES = """
import streamlit as st
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES[st.session_state.get("_page", "review")][0]()
"""
BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
TEXTS = (
    BRIDGE,
    "John Smith said on Tuesday that the new bridge will cost 40 million dollars and open in May next year.",
    "John Smith said that the new bridge will cost 40 million dollars and open in May next year. ",
)


def desk(analyst: str = "asha", page: str = "review") -> AppTest:
    at = AppTest.from_string(PAGES, default_timeout=60)
    at.session_state["analyst"] = analyst
    at.session_state["_page"] = page
    return at.run()


def test_review_shows_the_group_and_gives_its_verdict_on_confirmation(db):
    for i, text in enumerate(TEXTS):
        ingest_text(db, text, article_key=f"a{i}", outlet=f"Paper {i}")
    ids = sorted(c["id"] for c in list_claims(db))
    a, b, c = ids
    set_status(db, a, "false", analyst="ravi", note="The budget says 55 million.")
    set_status(db, c, "true", analyst="mira", note="Checked.")
    at = desk()
    table = at.session_state["review_snapshots"][at.session_state["review_editor_key"]]
    assert len(table) == 3
    assert set(seen_in(table).values()) == {f"3 articles (group {table[0]['group_id']})"}
    at.selectbox(key="review_open").select(b).run()
    # shown on the claim with none: both verdicts, since the group's claims disagree
    assert any("different verdicts" in w.value and "False" in w.value and "True" in w.value for w in at.warning)
    at.selectbox(key="review_open").select(a).run()
    assert at.button(key=f"group_go_{a}").disabled  # nothing applied until the analyst confirms
    assert get_claim(db, b)["status"] == "unverified"
    assert any("another verdict" in w.value for w in at.warning)  # claim c keeps its own unless ticked
    at.checkbox(key=f"group_sure_{a}").check().run()
    at.button(key=f"group_go_{a}").click().run()
    assert get_claim(db, b)["status"] == "false" and get_claim(db, c)["status"] == "true"
    assert [(h.by, h.field, h.new) for h in history_of(db, b)][-2] == ("asha", "status", "false")
    assert any("Verdict given to 1 claims" in s.value and "1 kept their own verdict" in s.value for s in at.success)


def test_speakers_page_suggests_a_merge_with_its_evidence(db):
    """A store filled by an older release holds "Chief Minister"-titled persons apart; the page
    suggests the merge, says why, and merges only once confirmed."""
    ingest_text(db, "Arvind Kejriwal said schools would reopen in July.", article_key="a")
    ingest_text(db, "Sushil Modi said Bihar would vote in October.", article_key="b")
    with writing(db) as conn:  # as 0005 stored it: the title in the name, a person of its own
        old = conn.execute(
            insert(persons).values(
                name="Chief Minister Arvind Kejriwal",
                type="person",
                name_keys="chief minister arvind kejriwal",
                skeleton="kjrvl",
                aliases=json.dumps(["Chief Minister Arvind Kejriwal"]),
                roles="[]",
                created_at=now(),
            )
        ).inserted_primary_key[0]
    ingest_text(db, "Arvind Kejriwal said buses would run at half capacity.", article_key="c")
    claim = max(list_claims(db), key=lambda r: r["id"])
    with writing(db) as conn:  # one of its claims, as the old linker gave it
        conn.execute(claims.update().where(claims.c.id == claim["id"]).values(person_id=old))
    at = desk(page="speakers")
    shown = at.dataframe[1].value  # the speakers table, then the suggestions
    assert any("the same name once titles and roles are off" in e for e in shown["evidence"])
    at.selectbox(key="suggest_pick").set_value(0).run()
    assert at.button(key="suggest_go").disabled
    at.checkbox(key="suggest_sure").check().run()
    at.button(key="suggest_go").click().run()
    assert any("Merged" in s.value for s in at.success)
    names = {p["name"] for p in list_persons(db)}
    assert "Chief Minister Arvind Kejriwal" not in names and "Arvind Kejriwal" in names
