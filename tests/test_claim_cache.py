"""A bulk load holds the claims it wrote between its batches (ClaimCache) and, on PostgreSQL,
does not read them again while their rows are as it wrote them: a row another transaction wrote
since (an analyst's correction, a merge) or deleted is read again, or found gone."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from claims.store import ingest_text
from claims.store.grouping import ClaimCache, _stored, prepare
from claims.store.schema import claims

pytestmark = pytest.mark.postgres

TEXTS = [
    "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year.",
    'Mary Jones said: "The hospital will hire two hundred nurses before the winter and open a new ward."',
    "Mayor Ana Ruiz said that taxes would not rise this year because the city had saved enough money.",
]


def _held(engine) -> tuple[ClaimCache, list[int]]:
    """A cache holding every stored claim, as a load's batch holds the claims it wrote: the rows
    written (here: touched) by the transaction the cache noted."""
    cache = ClaimCache()
    with engine.begin() as conn:
        cache.written_by(conn)
        conn.execute(update(claims).values(verdict_note=""))  # every row now last written here
        rows = conn.execute(select(claims.c.id, claims.c.content, claims.c.lang, claims.c.speaker)).all()
    for r in rows:
        cache.keep(prepare(r.id, r.content, r.lang, speaker=r.speaker))
    return cache, sorted(r.id for r in rows)


def test_held_claims_are_taken_as_held_until_another_transaction_writes_them(pg_engine):
    for i, text in enumerate(TEXTS):
        ingest_text(pg_engine, text, article_key=f"c{i}")
    cache, ids = _held(pg_engine)
    assert len(ids) == 3
    with pg_engine.connect() as read:
        assert sorted(cache.unchanged(read, ids)) == ids  # as written: none is read again
        first = _stored(read, ids, cache)
    assert sorted(first) == ids

    corrected, gone, kept = ids
    with pg_engine.begin() as other:  # an analyst corrects a speaker, another claim is deleted
        other.execute(update(claims).where(claims.c.id == corrected).values(corrected_speaker="Jane Doe"))
        other.execute(delete(claims).where(claims.c.id == gone))

    with pg_engine.connect() as read:
        assert sorted(cache.unchanged(read, ids)) == [kept]
        now = _stored(read, ids, cache)
    assert sorted(now) == [corrected, kept]  # the deleted claim is not compared any more
    assert now[corrected].speaker == "jane doe"  # the correction is read, not the held speaker
    assert now[kept] is first[kept]  # the untouched claim is the one held


def test_a_cache_that_noted_no_transaction_reads_every_claim(pg_engine):
    for i, text in enumerate(TEXTS):
        ingest_text(pg_engine, text, article_key=f"n{i}")
    cache = ClaimCache()
    with pg_engine.connect() as read:
        ids = sorted(read.execute(select(claims.c.id)).scalars())
        for c in _stored(read, ids, cache).values():
            cache.keep(c)
        assert cache.unchanged(read, ids) == {}  # held, but what wrote them is unknown


def test_a_load_forgets_the_stored_claims_it_gives_a_group(pg_engine, monkeypatch):
    """A batch that puts a stored claim in a group updates its row on top of whatever another
    transaction committed since it was read; the row then shows the load's transaction, so the
    load must not hold the claim: the next batch reads it."""
    import claims.store.bulk as bulk
    from claims.inputs import Article

    caches: list[ClaimCache] = []
    real = bulk.ClaimCache

    def kept(*args, **kwargs):
        caches.append(real(*args, **kwargs))
        return caches[-1]

    monkeypatch.setattr(bulk, "ClaimCache", kept)
    first, copy = TEXTS[0], TEXTS[0].replace("Senator John Smith said", "Senator Smith told reporters")
    items = [Article("g0", first, "g0"), Article("g1", copy, "g1"), Article("g2", TEXTS[1], "g2")]
    bulk.bulk_ingest(pg_engine, items, batch_size=1, jobs=1)
    with pg_engine.connect() as c:
        rows = c.execute(select(claims.c.id, claims.c.group_id).order_by(claims.c.id)).all()
    (a, ga), (b, gb) = rows[0], rows[1]
    assert ga is not None and ga == gb  # the copy joined the first claim, which was stored then
    (cache,) = caches
    held = set(cache.items) | set(cache.fresh)
    assert a not in held  # updated by the second batch: read again if compared
    assert b in held  # written by the load whole: held


def test_taking_held_claims_past_the_cache_limit_keeps_every_one(pg_engine):
    """Claims taken as held go to the part read over and over, which drops its oldest half when
    full: taking many at once must not lose one of them half-way."""
    for i in range(5):
        ingest_text(
            pg_engine,
            f"Mayor Ana Ruiz{i} said that the new park number {i} would open in the spring.",
            article_key=f"l{i}",
        )
    full, ids = _held(pg_engine)
    cache = ClaimCache(limit=4, fresh=10)
    cache.xids = full.xids
    for i in ids:
        cache.keep(full.fresh[i])
    with pg_engine.connect() as read:
        cache.unchanged(read, ids[3:])  # the last two now read over and over, the oldest there
        assert sorted(cache.unchanged(read, ids)) == ids


def _loaded_cache(engine, monkeypatch, items) -> tuple[ClaimCache, list[list[str]]]:
    """Load ``items`` one article per batch; the load's cache and the terms each batch read
    postings of from the index."""
    import claims.store.bulk as bulk
    from claims.store import grouping

    caches: list[ClaimCache] = []
    real_cache, real_postings = bulk.ClaimCache, grouping._postings
    read: list[list[str]] = []

    def kept(*args, **kwargs):
        caches.append(real_cache(*args, **kwargs))
        return caches[-1]

    def postings(conn, terms):
        read.append(list(terms))
        return real_postings(conn, terms)

    monkeypatch.setattr(bulk, "ClaimCache", kept)
    monkeypatch.setattr(grouping, "_postings", postings)
    bulk.bulk_ingest(engine, items, batch_size=1, jobs=1)
    (cache,) = caches
    return cache, read


def _index_postings(conn, term: str) -> list[int]:
    from sqlalchemy import text

    sql = "SELECT claim_id FROM claim_terms WHERE term = :t ORDER BY claim_id LIMIT 200"
    return list(conn.execute(text(sql), {"t": term}).scalars())


def test_a_load_reads_the_postings_of_a_term_once_and_holds_what_the_index_holds(pg_engine, monkeypatch):
    from claims.inputs import Article

    copy = TEXTS[0].replace("Senator John Smith said", "Senator Smith told reporters")
    items = [Article("p0", TEXTS[0], "p0"), Article("p1", copy, "p1"), Article("p2", copy + " Again.", "p2")]
    cache, read = _loaded_cache(pg_engine, monkeypatch, items)
    assert cache.postings
    with pg_engine.connect() as c:
        for term, held in cache.postings.items():
            assert list(held) == _index_postings(c, term)  # as the index has them after the load
    # the first batch found an empty index; the later ones read no term the earlier ones wrote
    assert all(not terms for terms in read)


def test_held_postings_are_read_again_once_another_writer_changes_the_term(pg_engine, monkeypatch):
    from sqlalchemy import text

    from claims.inputs import Article
    from claims.store.grouping import _df

    items = [Article("q0", TEXTS[0], "q0"), Article("q1", TEXTS[1], "q1")]
    cache, _ = _loaded_cache(pg_engine, monkeypatch, items)
    terms = sorted(cache.postings)

    def held() -> set[str]:
        xmins: dict[str, str] = {}
        with pg_engine.connect() as c:
            df = _df(c, terms, None, xmins)
            return set(cache.held_postings(terms, df, xmins))

    assert held() == set(terms)
    with pg_engine.begin() as c:  # another transaction writes Mary's counts again, unchanged
        mary = c.execute(select(claims.c.id).where(claims.c.content.like("%nurses%"))).scalar_one()
        mary_terms = set(
            c.execute(text("SELECT terms FROM claim_term_sets WHERE claim_id = :i"), {"i": mary}).scalar_one().split()
        )
        c.execute(text("UPDATE claim_term_sets SET terms = terms WHERE claim_id = :i"), {"i": mary})
    assert mary_terms and held() == set(terms) - mary_terms  # same counts, but not the load's writing
    # another writer indexes a claim with the senator's words: those terms' postings change
    ingest_text(pg_engine, "Senator John Smith said that the new bridge will cost 40 million dollars.", article_key="w")
    with pg_engine.connect() as c:
        changed = {t for t in terms if _index_postings(c, t) != list(cache.postings[t])}
    assert changed and not changed & mary_terms
    assert held() == set(terms) - mary_terms - changed
