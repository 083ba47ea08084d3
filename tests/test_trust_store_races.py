"""Every path that writes claims races analysts without losing an update (issue 9, item 4).

Analyst threads edit the claims of one article again and again (read the version, save status
and note on it) while one more thread re-extracts the article, or merges and splits its
speakers, over and over. On SQLite and PostgreSQL, afterwards: every accepted edit is in the
history under the version it produced, each version was written by exactly one change, versions
only go up, and every write of the racing path is logged too. Run alone, it prints the figures:
``.venv/bin/pytest -s tests/test_trust_store_races.py``.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from claims.store import Conflict, ingest_text, load_statuses, reextract, update_claim
from claims.store.schema import claims, history, persons
from claims.store.speakers import merge_persons, split_alias

NAMES = ["Ana Ruiz", "Ben Okafor", "Carla Mendes"]
TEXT = " ".join(
    f"Senator {n} said the bridge {i} was unsafe. {n.split()[1]} said the road {i} was closed. "
    f"{n.split()[1]} also said the tunnel {i} would open in May."
    for i, n in enumerate(NAMES)
)
ANALYSTS = 4
ROUNDS = 12
STATUSES = ["in_progress", "true", "false", "misleading"]


def _claim_ids(engine) -> list[int]:
    with engine.connect() as conn:
        return conn.execute(select(claims.c.id)).scalars().all()


ATTEMPTS = [0]  # saves tried by all analysts so far: each round waits for a few more


def _analyst(engine, name: str, done: threading.Event, seed: int, out: dict) -> None:
    rng, statuses = random.Random(seed), load_statuses()
    accepted, conflicts = [], 0
    ids, n = _claim_ids(engine), 0
    while not done.is_set():
        n += 1
        ATTEMPTS[0] += 1
        if n % 25 == 0:
            ids = _claim_ids(engine)  # re-extraction adds claims
        cid = rng.choice(ids)
        with engine.connect() as conn:
            version = conn.execute(select(claims.c.version).where(claims.c.id == cid)).scalar()
        note = f"{name}-{n}"
        try:
            v = update_claim(
                engine,
                cid,
                base_version=version,
                analyst=name,
                statuses=statuses,
                status=rng.choice(STATUSES),
                verdict_note=note,
            )
            accepted.append((cid, v, note))
        except Conflict:
            conflicts += 1
    out[name] = (accepted, conflicts)


def _race(engine, path: Callable[[int], None]) -> tuple[list, int]:
    """Analysts edit while ``path(round)`` runs ROUNDS times; returns (accepted edits, conflicts)."""
    done, out = threading.Event(), {}
    threads = [
        threading.Thread(target=_analyst, args=(engine, f"a{i}", done, i, out), daemon=True) for i in range(ANALYSTS)
    ]
    for t in threads:
        t.start()
    try:
        for r in range(ROUNDS):
            # let the analysts in between rounds: SQLite's lock queue is not fair, and a path that
            # runs back to back could starve them, leaving nothing raced
            seen, deadline = ATTEMPTS[0], time.monotonic() + 10
            while ATTEMPTS[0] < seen + 2 * ANALYSTS and time.monotonic() < deadline:
                time.sleep(0.005)
            path(r)
    finally:
        done.set()
        for t in threads:
            t.join(120)
    assert len(out) == ANALYSTS, "an analyst thread failed"
    return [a for acc, _ in out.values() for a in acc], sum(c for _, c in out.values())


def _check(engine, accepted: list, conflicts: int, path_by: str) -> dict:
    with engine.connect() as conn:
        hist = conn.execute(select(history).order_by(history.c.id)).all()
        final = {r.id: r for r in conn.execute(select(claims.c.id, claims.c.version, claims.c.verdict_note))}
    by_claim = defaultdict(list)
    for h in hist:
        by_claim[h.claim_id].append(h)
    for cid, rows in by_claim.items():
        writers: dict[int, tuple] = {}
        order: list[int] = []
        for h in rows:
            assert writers.setdefault(h.version, (h.by, h.at)) == (h.by, h.at), (
                f"claim {cid}: version {h.version} written by two changes: {writers[h.version]} and {(h.by, h.at)}"
            )
            if not order or order[-1] != h.version:
                order.append(h.version)
        assert order == sorted(set(order)), f"claim {cid}: history versions went {order}"
        assert order == list(range(2, final[cid].version + 1)), f"claim {cid}: versions {order}, now {final[cid]}"
    notes = {(h.claim_id, h.version): h.new for h in hist if h.field == "verdict_note"}
    lost = [a for a in accepted if notes.get((a[0], a[1])) != a[2]]
    assert not lost, f"{len(lost)} accepted edits lost, e.g. {lost[:3]}"
    for cid, row in final.items():
        mine = [a for a in accepted if a[0] == cid]
        if mine:
            assert row.verdict_note == max(mine, key=lambda a: a[1])[2]
    path_writes = len({(h.claim_id, h.version) for h in hist if h.by.startswith(path_by)})
    assert conflicts > 0 and path_writes > 0, "no race happened; the test would not catch a lost update"
    return {"analyst saves": len(accepted), "conflicts": conflicts, "path writes": path_writes, "lost": len(lost)}


def _tamper(engine, article_id: int, r: int) -> None:
    """As an older extractor stored the article: every claim's cue one character off, and one
    claim that the current extractor no longer finds (atomic increments, logged as versions)."""
    with engine.begin() as conn:
        rows = conn.execute(
            update(claims)
            .where(claims.c.article_id == article_id, claims.c.stale.is_(False))
            .values(cue_start=claims.c.cue_start + 1, version=claims.c.version + 1)
            .returning(claims.c.id, claims.c.version, claims.c.cue_start)
        ).all()
        rows.sort()
        gone = rows[r % len(rows)]
        conn.execute(
            update(claims)
            .where(claims.c.id == gone.id)
            .values(claim_key=f"gone-{r}", content=f"gone {r}", content_start=0, content_end=1)
        )
        at = datetime.now(UTC)
        conn.execute(
            insert(history),
            [
                dict(
                    claim_id=x.id,
                    at=at,
                    by="tamper",
                    field="cue_start",
                    old="",
                    new=str(x.cue_start),
                    version=x.version,
                )
                for x in rows
            ],
        )


def test_reextraction_races_analysts(engine, store_url):
    art = ingest_text(engine, TEXT, article_key="race", analyst="setup").article_id

    def path(r: int) -> None:
        _tamper(engine, art, r)
        reextract(engine, art, analyst="asha")

    accepted, conflicts = _race(engine, path)
    fig = _check(engine, accepted, conflicts, "extractor")
    with engine.connect() as conn:
        tampered = conn.execute(select(history.c.id).where(history.c.by == "tamper")).all()
        undone = conn.execute(
            select(history.c.id).where(history.c.by.startswith("extractor"), history.c.field == "cue_start")
        ).all()
        stale = conn.execute(select(claims.c.id).where(claims.c.stale.is_(True))).all()
    assert len(undone) == len(tampered) - ROUNDS  # each shifted cue put back, logged (the vanished ones go stale)
    assert len(stale) == ROUNDS
    print(f"\nre-extraction vs {ANALYSTS} analysts on {engine.dialect.name}: {fig}")


def test_merges_and_splits_race_analysts(engine, store_url):
    ingest_text(engine, TEXT, article_key="race", analyst="setup")
    with engine.connect() as conn:
        ids = dict(conn.execute(select(persons.c.name, persons.c.id)).all())
    keep = ids["Ana Ruiz"]
    others = {name: ids[name] for name in NAMES[1:]}

    def path(r: int) -> None:
        name = NAMES[1 + r % 2]
        merge_persons(engine, keep, others[name], analyst="merger")
        others[name] = split_alias(engine, keep, name, analyst="merger")

    accepted, conflicts = _race(engine, path)
    fig = _check(engine, accepted, conflicts, "merger")
    assert fig["path writes"] == ROUNDS * 2 * 3  # three claims moved by each merge and each split
    print(f"\nmerges and splits vs {ANALYSTS} analysts on {engine.dialect.name}: {fig}")
