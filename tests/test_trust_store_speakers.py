"""Re-extraction keeps every analyst decision, merges and splits of speakers included, and logs
what it changes (issue 9, item 5), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update

from claims.store import get_claim, history_of, ingest_text, reextract, update_claim
from claims.store.schema import articles, claims, persons
from claims.store.speakers import merge_persons, split_alias

RUIZ = "Senator Ana Ruiz said taxes would not rise. Ruiz said the budget was balanced."
ORTEGA = "Ana Ortega said the bridge was safe. Ortega said repairs would start in May."


def _claims(engine, article_id: int) -> list:
    with engine.connect() as conn:
        return conn.execute(select(claims).where(claims.c.article_id == article_id).order_by(claims.c.id)).all()


def _person(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(persons.c.id).where(persons.c.name == name, persons.c.merged_into.is_(None))
        ).scalar()


def _reextract_all(engine) -> None:
    with engine.connect() as conn:
        ids = conn.execute(select(articles.c.id)).scalars().all()
    for a in ids:
        reextract(engine, a, analyst="asha")


def test_reextraction_keeps_a_merge_then_a_split(engine):
    ruiz = ingest_text(engine, RUIZ, article_key="ruiz", analyst="asha").article_id
    ortega = ingest_text(engine, ORTEGA, article_key="ortega", analyst="asha").article_id
    keep, drop = _person(engine, "Ana Ruiz"), _person(engine, "Ana Ortega")
    assert keep and drop and keep != drop
    assert merge_persons(engine, keep, drop, analyst="asha") == 2
    _reextract_all(engine)
    assert {c.person_id for c in _claims(engine, ortega)} == {keep}  # was restored to the merged-away person
    assert {c.person_id for c in _claims(engine, ruiz)} == {keep}

    split = split_alias(engine, keep, "Ana Ortega", analyst="asha")
    _reextract_all(engine)
    assert {c.person_id for c in _claims(engine, ortega)} == {split}
    assert {c.person_id for c in _claims(engine, ruiz)} == {keep}
    for c in _claims(engine, ortega):
        # merge, split: two versions, both logged; re-extraction changed nothing, so wrote nothing
        assert c.version == 3
        assert [(h.field, h.version) for h in history_of(engine, c.id)] == [("person", 2), ("person", 3)]


def test_a_merge_made_before_this_fix_is_followed_too(engine):
    """Stores merged by the old code kept article speakers on the merged-away person."""
    ingest_text(engine, RUIZ, article_key="ruiz", analyst="asha")
    ortega = ingest_text(engine, ORTEGA, article_key="ortega", analyst="asha").article_id
    keep, drop = _person(engine, "Ana Ruiz"), _person(engine, "Ana Ortega")
    with engine.begin() as conn:  # what the old merge left behind
        conn.execute(update(persons).where(persons.c.id == drop).values(merged_into=keep))
        conn.execute(update(claims).where(claims.c.person_id == drop).values(person_id=keep))
    _reextract_all(engine)
    assert {c.person_id for c in _claims(engine, ortega)} == {keep}


def test_reextraction_that_changes_a_claim_writes_a_version_and_history(engine):
    art = ingest_text(engine, RUIZ, article_key="ruiz", analyst="asha").article_id
    first = _claims(engine, art)[0]
    v = update_claim(engine, first.id, base_version=1, analyst="asha", status="false", verdict_note="no")
    with engine.begin() as conn:  # as an older extractor stored it: other offsets and content
        conn.execute(
            update(claims)
            .where(claims.c.id == first.id)
            .values(content=first.content + " soon", content_end=first.content_end + 5)
        )
    reextract(engine, art, analyst="asha")
    now = get_claim(engine, first.id)
    assert (now["status"], now["verdict_note"], now["content"]) == ("false", "no", first.content)
    assert now["version"] == v + 1  # an analyst who read the old content gets a conflict, not a silent verdict
    changes = [h for h in history_of(engine, first.id) if h.version == v + 1]
    assert {h.field for h in changes} == {"content", "content_end"}
    assert {h.by for h in changes} == {"extractor (asha)"}
    assert next(h for h in changes if h.field == "content").new == first.content
