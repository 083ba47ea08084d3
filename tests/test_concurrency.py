"""Analysts racing on the same claims lose nothing: 8 threads (and, on PostgreSQL, 2 processes)
each apply hundreds of status changes to overlapping claims."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from claims.store import ClaimFilter, ingest_text, list_claims
from claims.store.schema import claims, history
from tests.concurrency_worker import work

TEXT = " ".join(f"Senator Number{i} said the bridge {i} was unsafe." for i in range(6))
PER_WORKER = 250


def check(engine, results):
    accepted = [a for acc, _ in results for a in acc]
    conflicts = sum(len(c) for _, c in results)
    assert len(accepted) + conflicts == PER_WORKER * len(results)
    assert conflicts > 0, "the test never produced a race; it would not catch a lost update"
    with engine.connect() as conn:
        hist = conn.execute(
            select(history.c.claim_id, history.c.version, history.c.field, history.c.new, history.c.by)
        ).all()
        final = {r.id: r for r in conn.execute(select(claims.c.id, claims.c.version, claims.c.verdict_note))}
    notes = {(h.claim_id, h.version): h.new for h in hist if h.field == "verdict_note"}
    # every accepted change is in the history, under the version it produced
    for cid, version, note in accepted:
        assert notes.get((cid, version)) == note
    # versions advanced by exactly one per accepted change: nothing applied twice or lost
    for cid, row in final.items():
        mine = sorted(v for c, v, _ in accepted if c == cid)
        assert mine == list(range(2, row.version + 1))
        if mine:  # the claim ends in the state of its last accepted change
            last_note = next(n for c, v, n in accepted if c == cid and v == row.version)
            assert row.verdict_note == last_note


def test_eight_threads(engine, store_url):
    ingest_text(engine, TEXT, article_key="race")
    ids = [r["id"] for r in list_claims(engine, ClaimFilter(), limit=100)]
    assert len(ids) == 6
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda w: work(store_url, f"t{w}", ids, PER_WORKER, w, engine), range(8)))
    check(engine, results)


@pytest.mark.postgres
def test_two_processes_on_postgres(pg_engine, pg_url):
    """Several app servers, one database: two processes."""
    engine, store_url = pg_engine, pg_url
    ingest_text(engine, TEXT, article_key="race")
    ids = [r["id"] for r in list_claims(engine, ClaimFilter(), limit=100)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        start_at = time.time() + 5  # both spawned and connected by then
        results = pool.starmap(work, [(store_url, f"p{w}", ids, PER_WORKER, 100 + w, None, start_at) for w in range(2)])
    check(engine, results)
