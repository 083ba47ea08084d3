"""Migration 0007 (claim groups, persons' roles): from a 0005 store holding claims, with
``claims groups`` grouping what was stored before; down again to 0005; and applied after a 0006
that adds its own column to claims (the chain this branch is merged into). SQLite and PostgreSQL.
Migration 0009 (the index without a per-row key check on PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, inspect, select

from claims.cli import main
from claims.store import ingest_text, open_store
from claims.store.db import _alembic_config, current_revision, make_engine, upgrade
from claims.store.grouping import forget_index
from claims.store.schema import articles, claim_terms, claims

BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
BRIDGE_2 = "John Smith said on Tuesday that the new bridge will cost 40 million dollars and open in May next year."


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_upgrade_from_0006_then_group_what_was_stored(store_url, capsys):
    old = make_engine(store_url)
    upgrade(old, "0006")
    assert "group_id" not in _columns(old, "claims")
    upgrade(old, "head")
    assert current_revision(old) == "0013"
    assert {"group_id"} <= _columns(old, "claims") and "roles" in _columns(old, "persons")
    engine = open_store(store_url)
    for i, text in enumerate((BRIDGE, BRIDGE_2)):
        ingest_text(engine, text, article_key=f"a{i}")
    with engine.begin() as conn:  # as if stored by 0005: no index rows, no group
        conn.execute(claims.update().values(group_id=None))
        forget_index(conn)
    assert main(["groups", "--db", store_url, "--analyst", "asha"]) == 0
    assert "2 claims indexed; 2 claims are in a group" in capsys.readouterr().out
    with engine.connect() as conn:
        assert len({r.group_id for r in conn.execute(select(claims.c.group_id))}) == 1


def test_downgrade_to_0006(store_url):
    engine = make_engine(store_url)
    upgrade(engine, "head")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")
    assert current_revision(engine) == "0006"
    assert "group_id" not in _columns(engine, "claims") and "roles" not in _columns(engine, "persons")
    assert "claim_terms" not in inspect(engine).get_table_names()


def test_downgrade_to_0005_and_back_with_claims_history_and_groups(store_url):
    """A store in use (claims in a group, a verdict in the history, persons) goes down to the
    previous release's schema and up again without losing a claim: the downgrades drop columns in
    place rather than copying tables that other rows point at."""
    from claims.store.workflow import set_status

    engine = open_store(store_url)
    for i, text in enumerate((BRIDGE, BRIDGE_2)):
        ingest_text(engine, text, article_key=f"a{i}")
    with engine.connect() as conn:
        first = conn.execute(select(claims.c.id, claims.c.version)).first()
    set_status(engine, first.id, "false", base_version=first.version, analyst="asha")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0005")
    assert current_revision(engine) == "0005"
    upgrade(engine, "head")
    with engine.connect() as conn:
        rows = conn.execute(select(claims.c.id, claims.c.status)).all()
    assert len(rows) == 2 and dict(rows)[first.id] == "false"
    engine.dispose()


def _terms_per_article(engine) -> dict[str, int]:
    q = (
        select(articles.c.article_key, func.count())
        .select_from(claim_terms.join(claims, claims.c.id == claim_terms.c.claim_id).join(articles))
        .group_by(articles.c.article_key)
    )
    with engine.connect() as conn:
        orphans = conn.execute(
            select(func.count()).select_from(claim_terms).where(claim_terms.c.claim_id.not_in(select(claims.c.id)))
        ).scalar()
        assert orphans == 0
        return dict(conn.execute(q).all())


def test_a_deleted_articles_terms_go_with_its_claims(store_url):
    """0009 (PostgreSQL) took the per-row foreign key off the grouping index: deleting an
    article still takes its claims' index rows with it, before and after a downgrade to 0008."""
    engine = open_store(store_url)
    for i, text in enumerate((BRIDGE, BRIDGE_2, BRIDGE.replace("bridge", "tunnel"))):
        ingest_text(engine, text, article_key=f"a{i}")
    assert set(_terms_per_article(engine)) == {"a0", "a1", "a2"}
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.article_key == "a0"))
    assert set(_terms_per_article(engine)) == {"a1", "a2"}
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0008")
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.article_key == "a1"))
    assert set(_terms_per_article(engine)) == {"a2"}
    upgrade(engine, "head")
    with engine.begin() as conn:
        conn.execute(articles.delete().where(articles.c.article_key == "a2"))
    assert _terms_per_article(engine) == {}
    engine.dispose()
