"""A bulk batch's grouping on PostgreSQL reads the stored claims on a second connection, so that
the index is written on the writing one meanwhile (the claims' term sets COPY'd on a thread while
the reads run, then the postings while the claims are compared), and the groups are the ones
grouping decides reading on the writing connection."""

from __future__ import annotations

import pytest
from psycopg import pq
from sqlalchemy import event, func, select

from claims.store import ingest_text
from claims.store.grouping import group_units, prepare
from claims.store.linking import lock_persons
from claims.store.schema import claims

pytestmark = pytest.mark.postgres

STORED = [
    "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year.",
    'Mary Jones said: "The hospital will hire two hundred nurses before the winter and open a new ward."',
]
NEW = [
    # one unit (article) per list; the first copies a stored claim, the second repeats the first
    ["the new bridge will cost 40 million dollars and open in may next year"],
    ["the new bridge will cost 40 million dollars and open in may next year", "the tunnel is closed for repairs"],
    ["the hospital will hire two hundred nurses before the winter and open a new ward"],
]


def _units(first_id: int) -> list[list]:
    ids = iter(range(first_id, first_id + 100))
    return [[prepare(next(ids), text, "en", speaker="John Smith") for text in unit] for unit in NEW]


def _grouping(engine, *, second: bool) -> tuple[list[frozenset[int]], list[bool]]:
    """The claims grouped together (each group as a set of claim ids), and for each statement run
    on the reading connection whether the writing one was in a COPY meanwhile. Rolled back."""
    copying: list[bool] = []
    with engine.connect() as read, engine.connect() as conn:
        raw = conn.connection.driver_connection

        @event.listens_for(read, "before_cursor_execute")
        def _seen(*_args):
            copying.append(raw.info.transaction_status == pq.TransactionStatus.ACTIVE)

        with conn.begin() as tx:
            lock_persons(conn)
            first = conn.execute(select(func.max(claims.c.id))).scalar_one() + 1
            grouped = (
                group_units(
                    conn, _units(first), stream_terms=True, read=read.execution_options(isolation_level="AUTOCOMMIT")
                )
                if second
                else group_units(conn, _units(first), stream_terms=True)
            )
            tx.rollback()
    groups: dict[int, set[int]] = {}
    for cid, gid in grouped.joined.items():
        groups.setdefault(gid, set()).add(cid - first)  # ids relative to the first new claim
    return sorted(frozenset(g) for g in groups.values()), copying


def test_reads_run_on_the_second_connection_while_the_index_is_written(pg_engine):
    for i, text in enumerate(STORED):
        ingest_text(pg_engine, text, article_key=f"s{i}")
    with pg_engine.connect() as c:  # stored claim ids, relative to the first new one, are negative
        assert c.execute(select(func.count()).select_from(claims)).scalar_one() == 2

    alone, none_read = _grouping(pg_engine, second=False)
    both, copying = _grouping(pg_engine, second=True)

    assert both == alone
    assert none_read == []  # without a second connection everything is read on the writing one
    # the index, its counts and the compared claims were read on the second connection (whether
    # the sets' COPY on the writing one is still running then is up to the server: not asserted)
    assert len(copying) >= 3
    # the copy and its repeat in the next article joined the stored bridge claim; the nurses
    # claim joined the stored one; the tunnel is alone
    assert len(both) == 2 and sorted(len(g) for g in both) == [2, 3]


def _group_with(engine, **kw):
    """group_units of NEW on a second connection with ``kw`` (ready, idle), rolled back."""
    with engine.connect() as read, engine.connect() as conn, conn.begin() as tx:
        lock_persons(conn)
        first = conn.execute(select(func.max(claims.c.id))).scalar_one() + 1
        try:
            return group_units(
                conn,
                _units(first),
                stream_terms=True,
                read=read.execution_options(isolation_level="AUTOCOMMIT"),
                **kw,
            )
        finally:
            tx.rollback()


def test_the_callers_copy_is_ended_once_and_its_idle_work_runs_while_the_reads_do(pg_engine):
    for i, text in enumerate(STORED):
        ingest_text(pg_engine, text, article_key=f"s{i}")
    ended: list[int] = []
    idled: list[bool] = []
    grouped = _group_with(
        pg_engine, ready=lambda: ended.append(1), idle=lambda busy: idled.append(busy() in (True, False))
    )
    assert ended == [1] and idled == [True]  # once each; idle given a test it can call
    assert len(set(grouped.joined.values())) == 2
    ended.clear()
    with pg_engine.connect() as conn, conn.begin() as tx:  # nothing to group: the COPY is ended all the same
        group_units(conn, [], stream_terms=True, ready=lambda: ended.append(1))
        tx.rollback()
    assert ended == [1]


def test_a_failure_while_the_reads_run_leaves_no_thread_on_the_connection(pg_engine, monkeypatch):
    import threading
    import time

    import claims.store.grouping as grouping

    for i, text in enumerate(STORED):
        ingest_text(pg_engine, text, article_key=f"s{i}")

    def broken(*_args):
        raise RuntimeError("out of memory")

    wanted = grouping._wanted

    def slow(*args):  # the reads' thread still at work when the writer's part fails
        time.sleep(0.5)
        return wanted(*args)

    monkeypatch.setattr(grouping, "_near", broken)
    monkeypatch.setattr(grouping, "_wanted", slow)
    with pytest.raises(RuntimeError, match="out of memory"):
        _group_with(pg_engine)
    assert not [t for t in threading.enumerate() if t.name.startswith(("claims-grouping-reads", "claims-term-sets"))]
