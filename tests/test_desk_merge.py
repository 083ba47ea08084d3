"""Edits merge by field (issue 11, item 1): two analysts editing different fields of one claim
both keep their change; only a field both changed is a conflict, shown side by side."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from claims.store import Conflict, get_claim, history_of, ingest_text, list_claims, reextract, update_claim
from claims.store.schema import claims

EN = "Mayor Ana Ruiz said taxes would not rise. Officials said the deficit was small."


def _claim(engine) -> dict:
    ingest_text(engine, EN, article_key="ruiz", analyst="asha")
    return list_claims(engine, limit=1)[0]


def _form(c: dict, **changes) -> dict:
    """What the detail form sends: every field, as loaded, with the analyst's changes."""
    fields = {
        "status": c["status"],
        "verdict_note": c["verdict_note"],
        "evidence": "",
        "assignee": c["assignee"],
        "corrected_speaker": c["corrected_speaker"],
    }
    return {**fields, **changes}


def test_edits_to_different_fields_from_one_version_are_both_kept(engine):
    c = _claim(engine)
    # A saves evidence and an assignee
    update_claim(
        engine,
        c["id"],
        base_version=c["version"],
        analyst="asha",
        **_form(c, evidence="https://example.org/a", assignee="ravi"),
    )
    # B, from the version before, changed only the status: no conflict, and A's fields stay
    v = update_claim(engine, c["id"], base_version=c["version"], analyst="ravi", **_form(c, status="false"))
    now = get_claim(engine, c["id"])
    assert (now["status"], now["assignee"], now["evidence_links"]) == ("false", "ravi", ["https://example.org/a"])
    assert v == now["version"] == c["version"] + 2
    last = [(h.by, h.field) for h in history_of(engine, c["id"]) if h.version == v]
    assert last == [("ravi", "status")]  # B's save wrote only what B changed


def test_a_field_both_changed_is_a_conflict_side_by_side(engine):
    c = _claim(engine)
    update_claim(engine, c["id"], base_version=c["version"], analyst="asha", **_form(c, status="true", assignee="x"))
    with pytest.raises(Conflict) as err:
        update_claim(
            engine, c["id"], base_version=c["version"], analyst="ravi", **_form(c, status="false", verdict_note="n")
        )
    fields = {f.field: (f.base, f.theirs, f.mine, f.by) for f in err.value.fields}
    assert fields == {"status": ("unverified", "true", "false", "asha")}  # assignee is not in conflict
    assert err.value.mine == {"status": "false", "verdict_note": "n"}  # only what ravi changed
    assert get_claim(engine, c["id"])["verdict_note"] == ""  # nothing of ravi's written
    # "apply mine on top": only ravi's own changes, so asha's assignee is kept
    update_claim(engine, c["id"], base_version=err.value.current_version, analyst="ravi", **err.value.mine)
    now = get_claim(engine, c["id"])
    assert (now["status"], now["verdict_note"], now["assignee"]) == ("false", "n", "x")


def test_same_value_set_by_both_is_no_conflict(engine):
    c = _claim(engine)
    update_claim(engine, c["id"], base_version=c["version"], analyst="asha", status="true")
    v = update_claim(engine, c["id"], base_version=c["version"], analyst="ravi", status="true", verdict_note="ok")
    assert get_claim(engine, c["id"])["verdict_note"] == "ok" and v == c["version"] + 2


def test_an_edit_of_a_claim_whose_text_changed_since_is_a_conflict(engine):
    c = _claim(engine)
    with engine.begin() as conn:  # as an older extractor stored it; re-extraction puts it right
        conn.execute(update(claims).where(claims.c.id == c["id"]).values(content=c["content"] + " soon"))
    old = get_claim(engine, c["id"])
    reextract(engine, old["article_id"], analyst="asha")
    with pytest.raises(Conflict) as err:
        update_claim(engine, c["id"], base_version=old["version"], analyst="ravi", status="false")
    assert "content" in {f.field for f in err.value.fields}
