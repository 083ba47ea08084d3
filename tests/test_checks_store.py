"""From claims to checks in the store (issue 13, items 3 and 4), on SQLite and PostgreSQL: the
check-worthiness stored on every path that writes claims, the "To check" queue order, assignment
to accounts, and approval of verdicts before they are final and exported."""

from __future__ import annotations

import csv
import io
import json

import pytest
from alembic import command
from sqlalchemy import select, update

from claims.inputs import Article
from claims.learn.checkworthy import assess
from claims.store import ClaimFilter, Conflict, EditError, get_claim, ingest_text, list_claims, update_claim
from claims.store.accounts import PermissionDenied, add_user
from claims.store.bulk import bulk_ingest
from claims.store.db import _alembic_config, upgrade
from claims.store.export import write_claimreview, write_rows
from claims.store.ingest import reextract, rescore
from claims.store.schema import claims, history
from claims.store.statuses import StatusError, load_statuses
from claims.store.workflow import approve, assign, history_of, send_back

EN = (
    "Finance Minister John Smith said on Tuesday that unemployment fell by 12 percent last year, "
    "more than in any year since 1990.\n"
    "Jane Doe, a local resident, said she thinks the weather will be nice tomorrow.\n"
    '"We must all stay calm," Smith urged the crowd.\n'
    "Officials said the budget deficit rose to $4 billion in 2023, the highest on record.\n"
)
HI = (
    "मुंबई, 5 मई। मुख्यमंत्री उद्धव ठाकरे ने कहा कि राज्य में संक्रमण के मामले 20 प्रतिशत घटकर 5000 रह गए हैं।\n"
    "राम ने कहा कि शायद कल बारिश होगी।\n"
)
APPROVAL = """
[[status]]
key = "unverified"
default = true
[[status]]
key = "in_progress"
[[status]]
key = "false"
label = "False"
final = true
rating = 1
needs_approval = true
[[status]]
key = "true"
label = "True"
final = true
rating = 5
"""
PASSWORD = "a long password"


@pytest.fixture
def approval_statuses(tmp_path):
    path = tmp_path / "statuses.toml"
    path.write_text(APPROVAL, "utf-8")
    return load_statuses(path)


def _scores(rows):
    return [r["checkworthy"] for r in rows]


def test_every_claim_is_scored_on_ingest_with_its_reasons(engine):
    ingest_text(engine, EN, article_key="en")
    ingest_text(engine, HI, article_key="hi")
    rows = list_claims(engine, limit=100)
    assert len(rows) >= 6
    for r in rows:
        expected = assess(
            r["content"],
            r["lang"],
            speaker=r["speaker"],
            speaker_type=r["speaker_type"],
            speaker_role=r["speaker_role"],
            flags=[f for f in r["flags"].split("|") if f],
        )
        assert r["checkworthy"] == expected.score
        assert json.loads(r["checkworthy_reasons"]) == expected.reasons
    assert all(h.field != "checkworthy" for r in rows for h in history_of(engine, r["id"]))


def test_the_queue_shows_unverified_claims_by_score(engine):
    ingest_text(engine, EN, article_key="en")
    ingest_text(engine, HI, article_key="hi")
    queue = list_claims(engine, ClaimFilter(statuses=["unverified"], include_stale=False), sort="checkworthy")
    scores = _scores(queue)
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.9 > scores[-1]
    assert "unemployment fell" in queue[0]["content"] or "deficit" in queue[0]["content"]
    # a claim given a status leaves the queue; the order of the rest stands
    top = queue[0]
    update_claim(engine, top["id"], base_version=top["version"], analyst="asha", status="in_progress")
    after = list_claims(engine, ClaimFilter(statuses=["unverified"], include_stale=False), sort="checkworthy")
    assert [r["id"] for r in after] == [r["id"] for r in queue[1:]]
    # ties are broken by id, so pages never overlap
    page1 = list_claims(engine, ClaimFilter(statuses=["unverified"]), sort="checkworthy", limit=2)
    page2 = list_claims(engine, ClaimFilter(statuses=["unverified"]), sort="checkworthy", limit=2, offset=2)
    assert not {r["id"] for r in page1} & {r["id"] for r in page2}


def test_bulk_ingest_stores_the_same_scores_as_ingest(engine, tmp_path):
    from claims.store import open_store

    other = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    ingest_text(other, EN, article_key="en")
    one = {r["claim_key"]: (r["checkworthy"], r["checkworthy_reasons"]) for r in list_claims(other, limit=100)}
    counts = bulk_ingest(engine, [Article("en", EN, "en.txt")], jobs=1)
    assert counts.new == 1
    bulk = {r["claim_key"]: (r["checkworthy"], r["checkworthy_reasons"]) for r in list_claims(engine, limit=100)}
    assert bulk == one and bulk
    other.dispose()


def test_reextraction_and_rescore_follow_the_scorer_without_touching_analyst_work(engine):
    res = ingest_text(engine, EN, article_key="en")
    rows = list_claims(engine, limit=100)
    cid = rows[0]["id"]
    update_claim(engine, cid, base_version=rows[0]["version"], analyst="asha", verdict_note="checking")
    with engine.begin() as conn:  # as an older scorer left them
        conn.execute(update(claims).values(checkworthy=0.0, checkworthy_reasons="[]"))
    reextract(engine, res.article_id, analyst="asha")
    again = {r["id"]: r for r in list_claims(engine, limit=100)}
    assert all(r["checkworthy"] > 0 for r in again.values())
    assert again[cid]["verdict_note"] == "checking"
    with engine.begin() as conn:
        conn.execute(update(claims).values(checkworthy=0.5, checkworthy_reasons="[]"))
        versions = dict(conn.execute(select(claims.c.id, claims.c.version)).all())
        n_history = len(conn.execute(select(history.c.id)).all())
    seen, changed = rescore(engine, analyst="asha")
    assert seen == changed == len(again)
    with engine.begin() as conn:
        assert dict(conn.execute(select(claims.c.id, claims.c.version)).all()) == versions  # no new versions
        assert len(conn.execute(select(history.c.id)).all()) == n_history
    assert {r["id"]: r["checkworthy"] for r in list_claims(engine, limit=100)} == {
        i: r["checkworthy"] for i, r in again.items()
    }
    add_user(engine, "guest", PASSWORD, "viewer")
    with pytest.raises(PermissionDenied):
        rescore(engine, analyst="guest")


def test_migration_0006_backfills_existing_claims(store_url):
    from claims.store import open_store

    engine = open_store(store_url)
    ingest_text(engine, EN, article_key="en")
    before = {r["claim_key"]: r["checkworthy"] for r in list_claims(engine, limit=100)}
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0005")  # the store as the previous release left it
    upgrade(engine)
    after = {r["claim_key"]: r["checkworthy"] for r in list_claims(engine, limit=100)}
    assert after == before and max(after.values()) > 0.9
    engine.dispose()


# ---------------------------------------------------------------- assignment
def test_assign_many_claims_to_an_account_and_find_them_in_my_queue(engine):
    ingest_text(engine, EN, article_key="en")
    add_user(engine, "asha", PASSWORD, "admin")
    add_user(engine, "ravi", PASSWORD, "analyst")
    add_user(engine, "guest", PASSWORD, "viewer")
    rows = list_claims(engine, limit=100)
    items = [(r["id"], r["version"]) for r in rows[:3]]
    done, conflicts = assign(engine, items, "ravi", analyst="asha")
    assert sorted(done) == sorted(i for i, _ in items) and not conflicts
    mine = list_claims(engine, ClaimFilter(assignee="ravi"), sort="checkworthy")
    assert sorted(r["id"] for r in mine) == sorted(done)
    assert all(h.by == "asha" for i in done for h in history_of(engine, i) if h.field == "assignee")
    fresh = {r["id"]: r["version"] for r in list_claims(engine, limit=100)}
    with pytest.raises(EditError, match="viewer"):
        assign(engine, [(rows[3]["id"], fresh[rows[3]["id"]])], "guest", analyst="asha")
    with pytest.raises(EditError, match="no account"):
        assign(engine, [(rows[3]["id"], fresh[rows[3]["id"]])], "nobody", analyst="asha")
    with pytest.raises(PermissionDenied):
        assign(engine, [(rows[3]["id"], fresh[rows[3]["id"]])], "ravi", analyst="guest")
    # a stale version where someone else assigned meanwhile is a conflict, not an overwrite
    done, conflicts = assign(engine, [(rows[0]["id"], rows[0]["version"])], "asha", analyst="asha")
    assert not done and len(conflicts) == 1
    assert get_claim(engine, rows[0]["id"])["assignee"] == "ravi"


# ---------------------------------------------------------------- approval
def _csv(engine, statuses):
    from claims.store.query import iter_claims

    buf = io.StringIO()
    write_rows(iter_claims(engine), buf, "csv", statuses=statuses)
    return {r["desk_id"]: r for r in csv.DictReader(io.StringIO(buf.getvalue()))}


def _reviews(engine, statuses):
    from claims.store.query import iter_claims

    buf = io.StringIO()
    write_claimreview(iter_claims(engine), buf, statuses, publisher="Desk")
    return json.loads(buf.getvalue())


def test_a_verdict_needing_approval_is_final_and_exported_only_once_another_analyst_approves(engine, approval_statuses):
    sts = approval_statuses
    ingest_text(engine, EN, article_key="en", statuses=sts)
    add_user(engine, "asha", PASSWORD, "analyst")
    add_user(engine, "ravi", PASSWORD, "analyst")
    add_user(engine, "boss", PASSWORD, "admin")
    add_user(engine, "guest", PASSWORD, "viewer")
    cid = list_claims(engine, sort="checkworthy")[0]["id"]
    v = update_claim(engine, cid, base_version=1, analyst="asha", statuses=sts, status="false", verdict_note="No.")
    c = get_claim(engine, cid)
    assert (c["status"], c["approval"], c["proposed_by"], c["approved_by"]) == ("false", "pending", "asha", "")
    # pending: CSV shows it as pending without the verdict's note; ClaimReview leaves it out
    row = _csv(engine, sts)[str(cid)]
    assert (row["status"], row["verdict_note"], row["approval"]) == ("pending_approval", "", "pending")
    assert _reviews(engine, sts) == []
    # the proposer cannot approve their own verdict; a viewer cannot approve at all
    with pytest.raises(PermissionDenied, match="proposed"):
        approve(engine, cid, base_version=v, analyst="asha", statuses=sts)
    with pytest.raises(PermissionDenied):
        approve(engine, cid, base_version=v, analyst="guest", statuses=sts)
    v2 = approve(engine, cid, base_version=v, analyst="ravi", statuses=sts)
    c = get_claim(engine, cid)
    assert (c["approval"], c["approved_by"], c["version"]) == ("approved", "ravi", v2)
    assert c["approved_at"] is not None
    steps = [(h.by, h.field, h.old, h.new) for h in history_of(engine, cid) if h.field in ("status", "approval")]
    assert steps == [
        ("asha", "status", "unverified", "false"),
        ("asha", "approval", "", "pending"),
        ("ravi", "approval", "pending", "approved"),
    ]
    row = _csv(engine, sts)[str(cid)]
    assert (row["status"], row["verdict_note"], row["approved_by"]) == ("false", "No.", "ravi")
    [review] = _reviews(engine, sts)
    assert review["reviewRating"]["alternateName"] == "False"
    with pytest.raises(EditError, match="approved already"):
        approve(engine, cid, base_version=v2, analyst="boss", statuses=sts)
    # changing the verdict (here its note) after approval asks for approval again
    v3 = update_claim(engine, cid, base_version=v2, analyst="ravi", statuses=sts, verdict_note="No, twice.")
    c = get_claim(engine, cid)
    assert (c["approval"], c["proposed_by"], c["approved_by"]) == ("pending", "ravi", "")
    assert _reviews(engine, sts) == []
    # an admin may approve too
    approve(engine, cid, base_version=v3, analyst="boss", statuses=sts)
    assert get_claim(engine, cid)["approved_by"] == "boss"


def test_an_approval_of_a_verdict_changed_since_is_refused(engine, approval_statuses):
    sts = approval_statuses
    ingest_text(engine, EN, article_key="en", statuses=sts)
    cid = list_claims(engine)[0]["id"]
    v = update_claim(engine, cid, base_version=1, analyst="asha", statuses=sts, status="false")
    v2 = update_claim(engine, cid, base_version=v, analyst="asha", statuses=sts, verdict_note="because")
    with pytest.raises(Conflict):
        approve(engine, cid, base_version=v, analyst="ravi", statuses=sts)  # ravi read the verdict without the note
    assert get_claim(engine, cid)["approval"] == "pending"
    # an assignment meanwhile does not change the verdict: the approval stands
    v3 = update_claim(engine, cid, base_version=v2, analyst="asha", statuses=sts, assignee="ravi")
    assert approve(engine, cid, base_version=v2, analyst="ravi", statuses=sts) == v3 + 1


def test_statuses_without_needs_approval_are_final_at_once(engine, approval_statuses):
    sts = approval_statuses
    ingest_text(engine, EN, article_key="en", statuses=sts)
    cid = list_claims(engine)[0]["id"]
    update_claim(engine, cid, base_version=1, analyst="asha", statuses=sts, status="true")
    c = get_claim(engine, cid)
    assert c["approval"] == "" and _csv(engine, sts)[str(cid)]["status"] == "true"
    assert len(_reviews(engine, sts)) == 1
    with pytest.raises(EditError, match="needs no approval"):
        approve(engine, cid, base_version=c["version"], analyst="ravi", statuses=sts)


def test_a_verdict_set_before_approval_was_configured_waits_for_approval(engine, approval_statuses, tmp_path):
    plain = load_statuses()  # the default file: no status needs approval
    ingest_text(engine, EN, article_key="en")
    cid = list_claims(engine)[0]["id"]
    v = update_claim(engine, cid, base_version=1, analyst="asha", statuses=plain, status="false")
    assert len(_reviews(engine, plain)) == 1
    sts = approval_statuses  # the newsroom turns approval on for "false"
    assert _reviews(engine, sts) == []
    with pytest.raises(PermissionDenied):  # asha set it: her own verdict, by the history
        approve(engine, cid, base_version=v, analyst="asha", statuses=sts)
    approve(engine, cid, base_version=v, analyst="ravi", statuses=sts)
    assert len(_reviews(engine, sts)) == 1


def test_the_default_status_cannot_need_approval(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[status]]\nkey = "new"\ndefault = true\nneeds_approval = true\n', "utf-8")
    with pytest.raises(StatusError, match="default"):
        load_statuses(path)


def test_assign_approve_and_rescore_from_the_command_line(tmp_path):
    import subprocess
    import sys

    from claims.store import open_store

    db = f"sqlite:///{tmp_path / 'c.db'}"
    statuses = tmp_path / "statuses.toml"
    statuses.write_text(APPROVAL, "utf-8")
    engine = open_store(db)
    sts = load_statuses(statuses)
    ingest_text(engine, EN, article_key="en", statuses=sts)
    add_user(engine, "asha", PASSWORD, "analyst")
    add_user(engine, "ravi", PASSWORD, "analyst")
    rows = list_claims(engine, sort="checkworthy")
    key = rows[0]["claim_key"]
    update_claim(engine, rows[0]["id"], base_version=1, analyst="asha", statuses=sts, status="false")

    def claims_cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "claims.cli", *args, "--db", db], capture_output=True, text=True, timeout=120
        )

    ok = claims_cli("assign", rows[1]["claim_key"], rows[2]["claim_key"], "--to", "ravi", "--analyst", "asha")
    assert ok.returncode == 0 and "2 claims assigned to ravi" in ok.stdout, ok.stderr
    bad = claims_cli("assign", rows[1]["claim_key"], "--to", "nobody", "--analyst", "asha")
    assert bad.returncode == 1 and "no account" in bad.stderr
    own = claims_cli("approve", key, "--analyst", "asha", "--statuses", str(statuses))
    assert own.returncode == 1 and "proposed this verdict" in own.stderr
    ok = claims_cli("approve", key, "--analyst", "ravi", "--statuses", str(statuses))
    assert ok.returncode == 0 and "approved by ravi" in ok.stdout, ok.stderr
    assert get_claim(engine, rows[0]["id"])["approved_by"] == "ravi"
    ok = claims_cli("rescore", "--analyst", "asha")
    assert ok.returncode == 0 and f"{len(rows)} claims scored, 0 changed" in ok.stderr, ok.stderr
    engine.dispose()


def test_a_verdict_sent_back_stays_unpublished_until_proposed_again_and_approved(engine, approval_statuses):
    sts = approval_statuses
    ingest_text(engine, EN, article_key="en", statuses=sts)
    cid = list_claims(engine)[0]["id"]
    v = update_claim(engine, cid, base_version=1, analyst="asha", statuses=sts, status="false", verdict_note="No.")
    with pytest.raises(PermissionDenied):
        send_back(engine, cid, base_version=v, analyst="asha", statuses=sts)
    v2 = send_back(engine, cid, base_version=v, analyst="ravi", statuses=sts)
    assert get_claim(engine, cid)["approval"] == "returned"
    row = _csv(engine, sts)[str(cid)]
    assert (row["status"], row["approval"], row["verdict_note"]) == ("pending_approval", "returned", "")
    assert _reviews(engine, sts) == []
    with pytest.raises(EditError, match="sent back already"):
        send_back(engine, cid, base_version=v2, analyst="ravi", statuses=sts)
    v3 = update_claim(engine, cid, base_version=v2, analyst="asha", statuses=sts, verdict_note="No: see the census.")
    assert get_claim(engine, cid)["approval"] == "pending"
    approve(engine, cid, base_version=v3, analyst="ravi", statuses=sts)
    assert len(_reviews(engine, sts)) == 1
    steps = [(h.by, h.old, h.new) for h in history_of(engine, cid) if h.field == "approval"]
    assert steps == [
        ("asha", "", "pending"),
        ("ravi", "pending", "returned"),
        ("asha", "returned", "pending"),
        ("ravi", "pending", "approved"),
    ]
