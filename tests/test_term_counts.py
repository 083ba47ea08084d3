"""PostgreSQL's grouping index (migrations 0011, 0012): each indexed claim's terms are one row of
``claim_term_sets``, each term's count of claims is kept in ``claim_term_counts`` by triggers on
those rows, and ``claim_terms`` keeps only the postings grouping reads, the first ``PER_TERM``
claims (lowest ids) of each term. The counts are the sets' after every kind of write (one ingest,
a bulk load, a re-extraction, a deleted article, rows changed by hand, a TRUNCATE), from a store
indexed before either migration, and the full rows come back on downgrade."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text

import claims.store.grouping as grouping
from claims.inputs import Article
from claims.store import ingest_text, open_store
from claims.store.bulk import bulk_ingest
from claims.store.db import _alembic_config, make_engine, upgrade
from claims.store.schema import articles, claim_terms

pytestmark = pytest.mark.postgres

BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
TUNNEL = "John Smith said on Tuesday that the new tunnel will cost 40 million dollars and open in May next year."
SETS_COUNTED = (
    "SELECT u.term, count(*) FROM claim_term_sets, unnest(string_to_array(terms, ' ')) AS u(term) GROUP BY u.term"
)


def _same_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        index = dict(conn.execute(text(SETS_COUNTED)).all())
        kept = dict(conn.execute(text("SELECT term, n FROM claim_term_counts WHERE n > 0")).all())
    assert kept == index
    return kept


def _postings(engine, term: str) -> list[int]:
    with engine.connect() as conn:
        q = select(claim_terms.c.claim_id).where(claim_terms.c.term == term).order_by(claim_terms.c.claim_id)
        return list(conn.execute(q).scalars())


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
        conn.execute(text("UPDATE claim_term_sets SET terms = 'en:viaduct' WHERE claim_id = 900"))
    counts = _same_counts(engine)
    assert "en:tunnel" not in counts and counts["en:viaduct"] == 1 and counts["en:bridge"] == 5
    assert not _postings(engine, "en:tunnel") and 900 not in _postings(engine, "en:bridge")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0011")  # a row per claim and term again
    with engine.connect() as conn:
        rows = dict(conn.execute(select(claim_terms.c.term, func.count()).group_by(claim_terms.c.term)).all())
        assert rows == dict(conn.execute(text("SELECT term, n FROM claim_term_counts WHERE n > 0")).all())
    assert rows["en:bridge"] == 5
    upgrade(engine, "head")
    assert _same_counts(engine)["en:bridge"] == 5
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE claims CASCADE"))  # the claims gone without a row trigger
    assert _same_counts(engine) == {} and not _postings(engine, "en:bridge")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0010")
    assert "claim_term_counts" not in inspect(engine).get_table_names()
    assert "claim_term_sets" not in inspect(engine).get_table_names()
    engine.dispose()


def test_a_terms_postings_stop_at_the_first_per_term_claims(pg_url, monkeypatch):
    """A term's claims beyond the first PER_TERM are counted but get no posting, by a bulk load
    and by one ingest alike; the migration drops the postings past the first 200 of a store."""
    before = make_engine(pg_url)
    upgrade(before, "0011")
    with before.begin() as conn:
        conn.execute(claim_terms.insert(), [dict(term="en:pier", claim_id=1000 + i) for i in range(203)])
    before.dispose()
    engine = open_store(pg_url)
    assert _same_counts(engine)["en:pier"] == 203
    assert _postings(engine, "en:pier") == [1000 + i for i in range(200)]

    monkeypatch.setattr(grouping, "PER_TERM", 2)
    bulk_ingest(engine, [Article(f"b{i}", f"{BRIDGE} Item {i}.", f"b{i}") for i in range(3)], batch_size=2, jobs=1)
    ingest_text(engine, f"{BRIDGE} Item 9.", article_key="a9")
    assert _same_counts(engine)["en:bridge"] == 4
    with engine.connect() as conn:
        first = list(conn.execute(text("SELECT id FROM claims ORDER BY id LIMIT 2")).scalars())
    assert _postings(engine, "en:bridge") == first
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.article_key == "b0"))
    assert _same_counts(engine)["en:bridge"] == 3
    with engine.begin() as conn:  # the index named with the claims, as bench/scale.py empties a store
        conn.execute(text("TRUNCATE articles, claim_terms, claims RESTART IDENTITY CASCADE"))
    assert _same_counts(engine) == {} and not _postings(engine, "en:pier")
    engine.dispose()
