"""A worker for the concurrency test: applies status changes to overlapping claims, reporting
every accepted change and every conflict. Runs in a thread or in its own process."""

from __future__ import annotations

import random

from claims.store import Conflict, get_claim, load_statuses, open_store, update_claim

STATUSES = ["in_progress", "true", "false", "misleading", "unverifiable"]


def work(url: str, worker: str, claim_ids: list[int], n: int, seed: int, engine=None):
    """Returns (accepted, conflicts): accepted = [(claim_id, new_version, note)], conflicts = [claim_id]."""
    rng = random.Random(seed)
    own = engine is None
    engine = engine or open_store(url, migrate=False)
    statuses = load_statuses()
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
