"""Load: simulated analysts working at once against one app and one database, for a bounded time.

    python bench/load.py --db sqlite:////tmp/load.db --analysts 20 --seconds 30
    python bench/load.py --db postgresql://postgres@127.0.0.1/claims_load --analysts 20 --seconds 30

Each analyst is a real session of the desk (Streamlit's AppTest runs the app's own script, with
its own session state) in its own process (AppTest keeps one runtime per process): it loads the
Review page, edits one claim's status and note through the table and saves, again and again.
Reported: requests served (page runs), errors (exceptions), p50/p95 latency, saves accepted and
conflicts shown; and the store is checked afterwards:
every claim's version equals one plus its recorded changes, so no update was lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGE = """
from claims.app.main import PAGES
from claims.app import state
state.analyst_box()
PAGES["review"][0]()
"""
ARTICLE = " ".join(f"Senator Number{i} said the bridge number {i} was unsafe." for i in range(30))
STATUSES = ["in_progress", "true", "false", "misleading", "unverifiable"]


def analyst(n: int, db: str, seconds: float) -> dict:
    """One analyst's session for ``seconds`` after it has started (at least one read and one save);
    returns its counters."""
    os.environ["CLAIMS_DB_URL"] = db
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    rng = random.Random(n)
    stats = {"requests": 0, "errors": 0, "latency": [], "saved": 0, "conflicts": 0, "messages": []}
    at = AppTest.from_string(PAGE, default_timeout=120)
    at.session_state["analyst"] = f"analyst{n:02}"
    at.run()  # warm-up: the first run imports and compiles the app; not counted
    until = time.time() + seconds
    while True:
        for step in ("read", "save"):
            t = time.perf_counter()
            try:
                if step == "read":
                    at.run()
                else:
                    key = at.session_state["review_editor_key"]
                    edit = {"status": rng.choice(STATUSES), "verdict_note": f"a{n}-{time.time()}"}
                    at.session_state[key] = {
                        "edited_rows": {rng.randrange(30): edit},
                        "added_rows": [],
                        "deleted_rows": [],
                    }
                    at.button(key="review_save").click().run()
                ok = not at.exception
            except Exception as e:  # noqa: BLE001 - counted and reported
                ok = False
                stats["messages"].append(repr(e)[:200])
            stats["latency"].append(time.perf_counter() - t)
            stats["requests"] += 1
            stats["errors"] += 0 if ok else 1
            if step == "save" and ok:
                for w in list(at.success) + list(at.warning):
                    if w.value.startswith("Saved "):
                        saved, conflicts = w.value.split(" claims; ")
                        stats["saved"] += int(saved.split()[1])
                        stats["conflicts"] += int(conflicts.split()[0])
                at.session_state["conflicts"] = {}  # this analyst drops its conflicts and reloads
        if time.time() >= until:
            return stats


def run(db: str, analysts: int, seconds: float) -> dict:
    os.environ["CLAIMS_DB_URL"] = db
    from sqlalchemy import func, select

    from claims.store import ingest_text, open_store
    from claims.store.schema import claims, history

    eng = open_store(db)
    ingest_text(eng, ARTICLE, article_key=f"load-{time.time()}")
    t0 = time.time()
    with multiprocessing.get_context("spawn").Pool(analysts) as pool:
        parts = pool.starmap(analyst, [(n, db, seconds) for n in range(analysts)])
    stats: dict = {"requests": 0, "errors": 0, "latency": [], "saved": 0, "conflicts": 0, "messages": []}
    for part in parts:
        for k, v in part.items():
            stats[k] += v
    stats["wall"] = time.time() - t0
    with eng.connect() as conn:
        versions = dict(conn.execute(select(claims.c.id, claims.c.version)).all())
        changes = dict(
            conn.execute(
                select(history.c.claim_id, func.count(func.distinct(history.c.version))).group_by(history.c.claim_id)
            ).all()
        )
        by_analysts = conn.execute(
            select(func.count(func.distinct(history.c.claim_id * 1000000 + history.c.version))).where(
                history.c.by.like("analyst%")
            )
        ).scalar()
    stats["lost"] = sum(1 for cid, v in versions.items() if v != 1 + changes.get(cid, 0))
    stats["recorded_saves"] = by_analysts
    return stats


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--analysts", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30)
    args = p.parse_args()
    s = run(args.db, args.analysts, args.seconds)
    lat = sorted(s["latency"])
    print(
        f"analysts      {args.analysts}, {args.seconds:.0f} s each ({s['wall']:.0f} s wall with start-up) on {args.db.split('@')[-1]}"
    )
    print(f"requests      {s['requests']} served, {s['errors']} errors")
    print(
        f"latency       p50 {statistics.median(lat) * 1000:.0f} ms, p95 {lat[int(0.95 * (len(lat) - 1))] * 1000:.0f} ms"
    )
    print(
        f"saves         {s['saved']} accepted, {s['conflicts']} conflicts shown, {s['recorded_saves']} in the history"
    )
    print(f"lost updates  {s['lost']}")
    for m in s["messages"][:5]:
        print("error:", m)


if __name__ == "__main__":
    main()
