"""A worker for the concurrency test: applies status changes to overlapping claims, reporting
every accepted change and every conflict. Runs in a thread or in its own process."""

from __future__ import annotations

import random
import time

from claims.store import Conflict, get_claim, load_statuses, open_store, update_claim

STATUSES = ["in_progress", "true", "false", "misleading", "unverifiable"]


def work(url: str, worker: str, claim_ids: list[int], n: int, seed: int, engine=None, start_at: float = 0.0):
    """Returns (accepted, conflicts): accepted = [(claim_id, new_version, note)], conflicts = [claim_id].
    ``start_at``: a time.time() to wait for once connected, so that workers started one after the
    other (processes take a while to spawn) all edit at the same time."""
    rng = random.Random(seed)
    own = engine is None
    engine = engine or open_store(url, migrate=False)
    statuses = load_statuses()
    get_claim(engine, claim_ids[0])  # connected before the start
    time.sleep(max(0.0, start_at - time.time()))
    accepted, conflicts = [], []
    try:
        for i in range(n):
            cid = rng.choice(claim_ids)
            version = get_claim(engine, cid)["version"]
            note = f"{worker}-{i}"
            try:
                v = update_claim(
                    engine,
                    cid,
                    base_version=version,
                    analyst=worker,
                    statuses=statuses,
                    status=rng.choice(STATUSES),
                    verdict_note=note,
                )
                accepted.append((cid, v, note))
            except Conflict:
                conflicts.append(cid)
    finally:
        if own:
            engine.dispose()
    return accepted, conflicts
