"""Store benchmarks: ingest throughput, and the time to fetch one page of 50 claims filtered by
status and speaker from a store of 200,000 claims.

    python bench/store_speed.py --db sqlite:////tmp/bench.db ../shared/data/polnear/dev/text
    python bench/store_speed.py --db postgresql://postgres@127.0.0.1/bench ../shared/data/polnear/dev/text

The 200,000 claims are the ingested ones multiplied with synthetic speakers and statuses, bulk
inserted (the page query does not care how they got there). The database is emptied first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from claims.store import ClaimFilter, count_claims, ingest_text, list_claims, open_store  # noqa: E402
from claims.store.schema import articles, claims, metadata, persons  # noqa: E402

FIRST = ["Anna", "Boris", "Chen", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ivan", "Julia", "Kamal", "Lena"]
LAST = ["Petrova", "Okafor", "Nakamura", "Sokolov", "Haddad", "Moreau", "Kowalski", "Lindqvist", "Mehta", "Silva"]


def reset(engine) -> None:
    with engine.begin() as conn:
        for t in reversed(metadata.sorted_tables):
            conn.execute(t.delete())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("folder", type=Path)
    p.add_argument("--db", required=True)
    p.add_argument("--claims", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=50)
    args = p.parse_args()
    engine = open_store(args.db)
    reset(engine)
    files = sorted(args.folder.rglob("*.txt"))
    t0 = time.perf_counter()
    stored = 0
    for f in files:
        r = ingest_text(engine, f.read_text("utf-8", errors="replace"), article_key=f.stem)
        stored += r.claims_new
    dt = time.perf_counter() - t0
    print(f"database      {engine.url.render_as_string(hide_password=True)}")
    print(f"ingest        {len(files)} articles, {stored} claims in {dt:.2f}s: {len(files) / dt:.0f} articles/s")

    rng = random.Random(7)
    with engine.begin() as conn:
        article_ids = [r[0] for r in conn.execute(select(articles.c.id))]
        template = [dict(r._mapping) for r in conn.execute(select(claims).limit(500))]
        names = [f"{a} {b}" for a in FIRST for b in LAST]
        ts = datetime.now(UTC)
        pids = []
        for n in names:
            pids.append(
                conn.execute(
                    insert(persons).values(
                        name=n,
                        type="person",
                        name_keys=n.lower(),
                        skeleton="",
                        aliases="[]",
                        created_at=ts,
                    )
                ).inserted_primary_key[0]
            )
        from claims.pipeline.names import name_key, skeleton

        for pid, n in zip(pids, names, strict=True):
            keys = name_key(n.split())
            conn.execute(
                persons.update()
                .where(persons.c.id == pid)
                .values(name_keys=" ".join(keys), skeleton=skeleton(keys[-1]))
            )
        have = conn.execute(select(func.count()).select_from(claims)).scalar()
        batch, made = [], have
        statuses = ["unverified"] * 6 + ["in_progress", "true", "false", "misleading", "unverifiable"]
        while made < args.claims:
            row = dict(rng.choice(template))
            row.pop("id")
            k = rng.randrange(len(names))
            row.update(
                claim_key=f"syn{made}",
                article_id=rng.choice(article_ids),
                speaker=names[k],
                speaker_lower=names[k].lower(),
                person_id=pids[k],
                status=rng.choice(statuses),
            )
            batch.append(row)
            made += 1
            if len(batch) == 5000:
                conn.execute(insert(claims), batch)
                batch = []
        if batch:
            conn.execute(insert(claims), batch)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    total = count_claims(engine)
    times = []
    for _ in range(args.queries):
        f = ClaimFilter(statuses=[rng.choice(["false", "true", "unverified"])], speaker=rng.choice(names))
        t = time.perf_counter()
        page = list_claims(engine, f, limit=50)
        times.append((time.perf_counter() - t) * 1000)
        assert len(page) <= 50
    print(f"store         {total:,} claims")
    print(
        f"page of 50    median {statistics.median(times):.1f} ms, p95 {sorted(times)[int(0.95 * len(times))]:.1f} ms"
        f" (status + speaker filter, {args.queries} queries)"
    )
    f = ClaimFilter(statuses=["false"])
    t = time.perf_counter()
    list_claims(engine, f, limit=50, offset=1000)
    print(f"page 21       {(time.perf_counter() - t) * 1000:.1f} ms (status filter, offset 1000)")


if __name__ == "__main__":
    main()
