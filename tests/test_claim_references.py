"""A claim refers to its article, its speaker row and its person, and the store keeps those
references whole on both backends: SQLite with foreign keys, PostgreSQL with the statement-level
triggers of migration 0010 (a check per statement rather than per row, for bulk loads). The same
refusals and the same cascade either way, and a downgrade to 0009 gives PostgreSQL its keys back."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from claims.store import ingest_text, open_store
from claims.store.db import _alembic_config, upgrade
from claims.store.schema import article_speakers, articles, claims, history, persons
from claims.store.workflow import set_status

TEXTS = (
    "Mayor Ana Ruiz said taxes would not rise next year in the city.",
    "Governor Tom Lee said the port would expand, according to a statement.",
)


def _store(url: str):
    engine = open_store(url)
    for i, t in enumerate(TEXTS):
        ingest_text(engine, t, article_key=f"a{i}")
    return engine


def _a_claim(conn) -> dict:
    row = dict(conn.execute(select(claims).where(claims.c.person_id.is_not(None)).limit(1)).one()._mapping)
    row.pop("id")
    row["claim_key"] = "another"
    return row


@pytest.mark.parametrize(
    "column", ["article_id", "article_speaker_id", "person_id"], ids=["article", "speaker row", "person"]
)
def test_a_claim_cannot_refer_to_what_is_not_stored(store_url, column):
    engine = _store(store_url)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(claims)).scalar()
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(claims.insert().values(**{**_a_claim(conn), column: 999_999}))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(claims.update().where(claims.c.claim_key.is_not(None)).values({column: 999_999}))
    with engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(claims)).scalar() == before
        assert conn.execute(select(func.count()).where(claims.c[column] == 999_999)).scalar() == 0
        conn.execute(claims.insert().values(**_a_claim(conn)))  # what refers to stored rows goes in
    engine.dispose()


def test_an_article_takes_its_claims_and_a_referred_person_or_speaker_stays(store_url):
    engine = _store(store_url)
    with engine.connect() as conn:
        cid, aid, sid, pid = conn.execute(
            select(claims.c.id, claims.c.article_id, claims.c.article_speaker_id, claims.c.person_id)
            .where(claims.c.person_id.is_not(None))
            .order_by(claims.c.id)
            .limit(1)
        ).one()
    set_status(engine, cid, "false", analyst="asha", note="checked")  # a history row too
    for table, key in ((persons, pid), (article_speakers, sid)):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(table.delete().where(table.c.id == key))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == key).values(id=key + 1000))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(articles.update().where(articles.c.id == aid).values(id=aid + 1000))
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.id == aid))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(claims.c.article_id == aid)).scalar() == 0
        assert conn.execute(select(func.count()).where(history.c.claim_id == cid)).scalar() == 0
        assert conn.execute(select(func.count()).where(article_speakers.c.article_id == aid)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(claims)).scalar() > 0  # the other article's
    with engine.begin() as conn:  # nothing refers to the person now
        conn.execute(persons.delete().where(persons.c.id == pid, ~persons.c.id.in_(select(claims.c.person_id))))
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_downgrade_gives_the_claims_their_keys_back(pg_url):
    engine = _store(pg_url)
    assert inspect(engine).get_foreign_keys("claims") == []  # 0010: triggers instead
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0009")
    keys = {(k["constrained_columns"][0], k["referred_table"]) for k in inspect(engine).get_foreign_keys("claims")}
    assert keys == {("article_id", "articles"), ("article_speaker_id", "article_speakers"), ("person_id", "persons")}
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(claims.insert().values(**{**_a_claim(conn), "person_id": 999_999}))
    upgrade(engine, "head")
    engine.dispose()
    engine = open_store(pg_url)
    assert inspect(engine).get_foreign_keys("claims") == []
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(claims.insert().values(**{**_a_claim(conn), "person_id": 999_999}))
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("column", "label"),
    [("article_id", "article"), ("article_speaker_id", "article speaker"), ("person_id", "person")],
)
def test_postgresql_names_the_missing_reference_among_many_claims(pg_url, column, label):
    """Migration 0013 checks a statement's claims by their distinct references: one claim of many
    pointing nowhere fails the statement, named as 0010 named it; none is stored."""
    engine = _store(pg_url)
    with engine.connect() as conn:
        base = _a_claim(conn)
        before = conn.execute(select(func.count()).select_from(claims)).scalar()
    rows = [{**base, "claim_key": f"k{i}"} for i in range(5)]
    rows[3][column] = 999_999
    named = f"a claim refers to {label} 999999 which is not stored"
    with pytest.raises(IntegrityError, match=named), engine.begin() as conn:
        conn.execute(claims.insert(), rows)
    with engine.begin() as conn:
        assert conn.execute(select(func.count()).select_from(claims)).scalar() == before
        conn.execute(claims.insert(), [{**r, column: base[column]} for r in rows])  # all stored rows: in
        assert conn.execute(select(func.count()).select_from(claims)).scalar() == before + 5
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0012")  # 0010's check again
    with pytest.raises(IntegrityError, match=f"a claim refers to {label} 999999"), engine.begin() as conn:
        conn.execute(claims.insert(), [{**base, "claim_key": "z", column: 999_999}])
    upgrade(engine, "head")
    engine.dispose()
