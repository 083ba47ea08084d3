"""PostgreSQL keeps each grouping term's count of claims in ``claim_term_counts`` (migration
0011), by triggers on the index: the counts are the index's after every kind of write (one
ingest, a bulk load, a re-extraction that changes a claim, a deleted article, rows changed by
hand, a TRUNCATE), from a store that had index rows before the migration, and gone on downgrade."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

from claims.inputs import Article
from claims.store import ingest_text, open_store
from claims.store.bulk import bulk_ingest
from claims.store.db import _alembic_config, make_engine, upgrade
from claims.store.schema import articles, claim_terms

pytestmark = pytest.mark.postgres

BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
TUNNEL = "John Smith said on Tuesday that the new tunnel will cost 40 million dollars and open in May next year."


def _same_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        index = dict(conn.execute(select(claim_terms.c.term, func.count()).group_by(claim_terms.c.term)).all())
        kept = dict(conn.execute(text("SELECT term, n FROM claim_term_counts WHERE n > 0")).all())
    assert kept == index
    return kept


def test_the_counts_follow_the_index_through_every_write(pg_url):
    before = make_engine(pg_url)
    upgrade(before, "0010")
    with before.begin() as conn:  # index rows stored before the counts were kept
        conn.execute(claim_terms.insert(), [dict(term="en:bridge", claim_id=i) for i in (900, 901)])
    before.dispose()
    engine = open_store(pg_url)
    assert _same_counts(engine) == {"en:bridge": 2}
    ingest_text(engine, BRIDGE, article_key="a0")
    ingest_text(engine, TUNNEL, article_key="a1")
    bulk_ingest(engine, [Article(f"b{i}", f"{BRIDGE} Item {i}.", f"b{i}") for i in range(3)], batch_size=2, jobs=1)
    counts = _same_counts(engine)
    assert counts["en:bridge"] == 2 + 4 and counts["en:tunnel"] == 1
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.article_key == "a1"))  # its claims' terms go
        conn.execute(claim_terms.update().where(claim_terms.c.claim_id == 900).values(term="en:viaduct"))
    counts = _same_counts(engine)
    assert "en:tunnel" not in counts and counts["en:viaduct"] == 1 and counts["en:bridge"] == 5
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE claim_terms"))
    assert _same_counts(engine) == {}
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0010")
    assert "claim_term_counts" not in inspect(engine).get_table_names()
    engine.dispose()
