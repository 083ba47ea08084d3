"""Load: simulated analysts working at once against one running desk and one database, for a bounded time.

    python bench/load.py --db sqlite:////tmp/load.db --analysts 20 --seconds 60
    python bench/load.py --db postgresql://postgres@127.0.0.1/claims_load --analysts 20 --seconds 60

One server (`streamlit run app.py`, as `make app` starts it) and one Streamlit session per
analyst, each speaking the app's WebSocket protocol as the browser's front end does
(bench/stclient.py), so the load generator costs little and what is measured is the server. Each
analyst gives their name on the Review page, then again and again: opens a claim (a read: the
page of claims, the claim, its history), sets a status and a note and presses "Save claim" (a
write), and when another analyst got there first it reads the conflict message and keeps theirs.
About ``--think`` seconds (0.5 to 1.5 times, at random) pass between actions, as for a person.
Reported: requests served (actions answered; a save reruns the page, so it is two script runs),
errors (exceptions drawn on the page, broken connections, a save with no answer), p50/p95 latency
from sending an action to the end of the run it causes (reads and saves apart), saves confirmed
and conflicts shown; and the store is checked afterwards: every claim's version equals one plus
its recorded changes (no update lost), and every save the analysts saw confirmed is in the history.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.appserver import running_app  # noqa: E402
from bench.stclient import Page, Session  # noqa: E402

ARTICLE = " ".join(f"Senator Number{i} said the bridge number {i} was unsafe." for i in range(30))


def new_stats() -> dict:
    return {
        "requests": 0,
        "errors": 0,
        "latency_read": [],
        "latency_save": [],
        "saved": 0,
        "conflicts": 0,
        "messages": [],
    }


async def analyst(n: int, base: str, claim_ids: list[int], seconds: float, think: float) -> dict:
    """One analyst's session: ``seconds`` of opening and saving claims after giving their name."""
    rng = random.Random(n)
    stats = new_stats()
    session = None

    async def timed(action: Awaitable[Page], kind: str) -> Page | None:
        t = time.perf_counter()
        try:
            page = await action
        except Exception as e:  # noqa: BLE001 - counted and reported
            page = None
            stats["messages"].append(repr(e)[:300])
        stats[f"latency_{kind}"].append(time.perf_counter() - t)
        stats["requests"] += 1
        if page is None or page.exceptions:
            stats["errors"] += 1
            stats["messages"].extend(page.exceptions if page else [])
            return None
        return page

    async def pause() -> None:
        # people do not click in step: a think time around ``think``, different every time
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    try:
        await pause()  # and they do not all arrive at once
        session = await Session.open(base)
        await session.run()
        session.set("analyst_input", string_value=f"analyst{n:02}")
        await session.run()
        until = time.time() + seconds
        last = None
        while time.time() < until:
            claim_id = rng.choice([c for c in claim_ids if c != last])
            last = claim_id
            session.set("review_open", string_value=session.option("review_open", f"{claim_id}: "))
            if await timed(session.run(), "read") is None:
                continue
            await pause()
            status = rng.choice(session.page.widgets[f"detail_status_{claim_id}"].options[1:])
            session.set(f"detail_status_{claim_id}", string_value=status)
            session.set(f"detail_note_{claim_id}", string_value=f"a{n}-{time.time():.3f}")
            page = await timed(session.run(click="Save claim"), "save")
            if page is None:
                continue
            if page.has_text(f"Claim {claim_id} saved."):
                stats["saved"] += 1
            elif page.has_text(f"Conflict on claim {claim_id}:"):
                stats["conflicts"] += 1
                await pause()
                # keep theirs: the fields they did not touch (the status, when only the notes
                # clash) are still saved, and that save is confirmed on the page too
                kept = await timed(session.run(click=f"conflict_drop_{claim_id}"), "read")
                if kept is not None and kept.has_text(f"Claim {claim_id}: theirs kept; your other changes saved."):
                    stats["saved"] += 1
            else:
                stats["errors"] += 1
                stats["messages"].append(f"no answer to saving claim {claim_id}: {page.texts[:3]}")
            await pause()
    except Exception as e:  # noqa: BLE001 - this analyst could not start: counted, the others go on
        stats["errors"] += 1
        stats["messages"].append(repr(e)[:300])
    finally:
        if session is not None:
            await session.close()
    return stats


async def _drive(base: str, analysts: int, claim_ids: list[int], seconds: float, think: float) -> list[dict]:
    return await asyncio.gather(*(analyst(n, base, claim_ids, seconds, think) for n in range(analysts)))


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds (0 for no samples)."""
    lat = sorted(seconds) or [0.0]
    return statistics.median(lat) * 1000, lat[int(0.95 * (len(lat) - 1))] * 1000


def check_store(eng) -> dict:
    """Lost updates (claims whose version is not one plus their recorded changes) and the number of
    distinct changes the analysts made, read back from the history."""
    from sqlalchemy import func, select

    from claims.store.schema import claims, history

    with eng.connect() as conn:
        versions = dict(conn.execute(select(claims.c.id, claims.c.version)).all())
        changes = dict(
            conn.execute(
                select(history.c.claim_id, func.count(func.distinct(history.c.version))).group_by(history.c.claim_id)
            ).all()
        )
        saves = select(history.c.claim_id, history.c.version).where(history.c.by.like("analyst%")).distinct()
        by_analysts = conn.execute(select(func.count()).select_from(saves.subquery())).scalar()
    return {
        "lost": sum(1 for cid, v in versions.items() if v != 1 + changes.get(cid, 0)),
        "recorded_saves": by_analysts,
    }


def run(db: str, analysts: int, seconds: float, think: float = 1.0) -> dict:
    """Start the desk on ``db``, store one 30-claim article, let ``analysts`` work for ``seconds``."""
    from sqlalchemy import func, select

    from claims.store import ingest_text, open_store
    from claims.store.schema import claims

    eng = open_store(db)
    article = ingest_text(eng, ARTICLE, article_key=f"load-{time.time()}").article_id
    with eng.connect() as conn:
        claim_ids = list(conn.execute(select(claims.c.id).where(claims.c.article_id == article)).scalars())
        total = conn.execute(select(func.count()).select_from(claims)).scalar()
    if total != len(claim_ids):
        raise SystemExit(f"{db} already holds other claims: give the load test an empty store")
    with tempfile.TemporaryDirectory() as tmp, running_app(db, Path(tmp)) as base:
        t0 = time.time()
        parts = asyncio.run(_drive(base, analysts, claim_ids, seconds, think))
        wall = time.time() - t0
    stats = new_stats()
    for part in parts:
        for k, v in part.items():
            stats[k] += v
    stats["wall"] = wall
    stats.update(check_store(eng))
    eng.dispose()
    return stats


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="an empty store (a new SQLite file, or an empty PostgreSQL database)")
    p.add_argument("--analysts", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60, help="working time of each analyst after signing in")
    p.add_argument("--think", type=float, default=1.0, help="seconds an analyst pauses between actions")
    args = p.parse_args()
    s = run(args.db, args.analysts, args.seconds, args.think)
    where = args.db.split("@")[-1]
    print(f"analysts      {args.analysts} sessions on one server, {args.seconds:.0f} s each, think {args.think:g} s")
    print(f"              ({s['wall']:.0f} s wall) on {where}")
    print(f"requests      {s['requests']} served, {s['errors']} errors")
    for label, samples, note in (
        ("latency", s["latency_read"] + s["latency_save"], " (action sent to run finished)"),
        ("  reads", s["latency_read"], ""),
        ("  saves", s["latency_save"], ""),
    ):
        p50, p95 = percentiles(samples)
        print(f"{label:<14}p50 {p50:.0f} ms, p95 {p95:.0f} ms{note}")
    print(
        f"saves         {s['saved']} confirmed, {s['conflicts']} conflicts shown, {s['recorded_saves']} in the history"
    )
    print(f"lost updates  {s['lost']}")
    for m in s["messages"][:5]:
        print("error:", m)


if __name__ == "__main__":
    main()
