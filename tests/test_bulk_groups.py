"""Grouping in a bulk load (`claims ingest --bulk`, with or without `--claims`) gives the groups of the
normal ingest, one article per transaction, for the same articles in the same order: on SQLite and
PostgreSQL, across the articles of one batch and across batches, from fixtures written for the
rules and from real news (the same statements reported by five Hindi papers)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, text

from claims import extract_article
from claims.inputs import Article, iter_articles
from claims.learn.checkworthy import score_fields
from claims.store import ingest_text, open_store
from claims.store.bulk import bulk_ingest
from claims.store.extracted import ExtractedClaims
from claims.store.schema import claim_groups, claim_terms, claims

from .store_fixtures import _pg_database

BRIDGE = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."
BRIDGE_2 = "John Smith said on Tuesday that the new bridge will cost 40 million dollars and open in May next year."
BRIDGE_3 = "Smith told reporters that the new bridge will cost 40 million dollars and will open in May next year."
OTHER_COST = "John Smith said that the new bridge will cost 55 million dollars and open in May next year."
RESIGN_A = 'John Smith said: "I will not resign from the committee before the elections in November."'
RESIGN_B = 'Mary Jones said: "I will not resign from the committee before the elections in November."'
HI = "मुख्यमंत्री अरविंद केजरीवाल ने कहा कि दिल्ली में कोरोना वायरस के 445 मामले सामने आए हैं और 40 केस लोकल ट्रांसमिशन के हैं।"
HI_2 = (
    "दिल्ली के मुख्यमंत्री अरविंद केजरीवाल ने बुधवार को कहा कि दिल्ली में कोरोना वायरस के 445 मामले सामने आए हैं "
    "और 40 केस लोकल ट्रांसमिशन के हैं।"
)
FIXTURES = [
    ("b1", BRIDGE),
    ("r1", RESIGN_A),
    ("b2", f"{BRIDGE_2} {BRIDGE_3}"),  # two copies in one article: the second joins within the article
    ("h1", HI),
    ("o1", OTHER_COST),
    ("r2", RESIGN_B),  # the same words from another person: not grouped
    ("b3", BRIDGE_3),
    ("h2", HI_2),
    ("b1", f"{BRIDGE} The mayor said the plan was fine."),  # id taken: stored suffixed
    ("b4", BRIDGE),  # a duplicate text
    ("b5", f"Officials said that {BRIDGE_2[len('John Smith said on Tuesday that ') :]}"),
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_stores(request, tmp_path):
    """Two fresh stores on one backend: the normal ingest's and the bulk load's."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'bulk.db'}"
        return
    made = [_pg_database(), _pg_database()]
    yield tuple(url.render_as_string(hide_password=False) for _, url, _ in made)
    for admin, _, name in made:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _groups(engine) -> dict[str, object]:
    """The groups by claim keys (ids differ between stores): each group as its representative and
    its members, and the index rows."""
    with engine.connect() as c:
        key = dict(c.execute(select(claims.c.id, claims.c.claim_key)).all())
        members: dict[int, list[str]] = {}
        for cid, gid in c.execute(select(claims.c.id, claims.c.group_id).where(claims.c.group_id.is_not(None))):
            members.setdefault(gid, []).append(key[cid])
        reps = dict(c.execute(select(claim_groups.c.id, claim_groups.c.representative_id)).all())
        terms = sorted((t, key[cid]) for t, cid in c.execute(select(claim_terms.c.term, claim_terms.c.claim_id)))
    return {
        "groups": sorted((key[reps[g]], tuple(sorted(m))) for g, m in members.items()),
        "empty groups": sorted(key.get(r, "?") for g, r in reps.items() if g not in members),
        "terms": terms,
    }


def _one_by_one(url: str, articles: list[Article]) -> dict[str, object]:
    engine = open_store(url)
    for a in articles:
        ingest_text(engine, a.text, article_key=a.article_id)
    got = _groups(engine)
    engine.dispose()
    return got


def _claims_file(articles: list[Article], path: Path) -> ExtractedClaims:
    """What `claims extract --format parquet` writes for ``articles`` (the first text of an id)."""
    from claims.formats import claims_file_schema

    first: dict[str, Article] = {}
    for a in articles:
        first.setdefault(a.article_id, a)
    rows = [
        {**c.to_dict(), **score_fields(c)}
        for a in first.values()
        for c in extract_article(a.text, article_id=a.article_id).claims
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=claims_file_schema()), path)
    return ExtractedClaims(path)


@pytest.mark.parametrize("batch_size", [1, 3, 500])
def test_bulk_groups_are_the_normal_ingests(two_stores, tmp_path, batch_size):
    articles = [Article(k, t, f"{k}.txt") for k, t in FIXTURES]
    want = _one_by_one(two_stores[0], articles)
    assert len(want["groups"]) >= 2 and max(len(m) for _, m in want["groups"]) >= 4  # the rules at work
    engine = open_store(two_stores[1])
    counts = bulk_ingest(engine, articles, batch_size=batch_size, jobs=1)
    assert (counts.new, counts.duplicate) == (10, 1)
    assert _groups(engine) == want
    # every claim the load put in a group is counted once, whichever batch its partner came in
    assert counts.grouped == sum(len(members) for _, members in want["groups"])
    engine.dispose()


def test_bulk_from_a_claims_file_groups_as_the_normal_ingest(two_stores, tmp_path):
    articles = [Article(k, t, f"{k}.txt") for k, t in FIXTURES]
    want = _one_by_one(two_stores[0], articles)
    engine = open_store(two_stores[1])
    counts = bulk_ingest(
        engine, articles, batch_size=4, jobs=1, extracted=_claims_file(articles, tmp_path / "c.parquet")
    )
    assert counts.new == 10
    assert _groups(engine) == want
    engine.dispose()


def test_a_bulk_load_into_a_store_with_groups_joins_them(two_stores, tmp_path):
    """Groups made by earlier ingests are joined (their representatives compared) as by ingest."""
    articles = [Article(k, t, f"{k}.txt") for k, t in FIXTURES]
    want = _one_by_one(two_stores[0], articles)
    engine = open_store(two_stores[1])
    for a in articles[:4]:
        ingest_text(engine, a.text, article_key=a.article_id)
    bulk_ingest(engine, articles[4:], batch_size=2, jobs=1)
    assert _groups(engine) == want
    engine.dispose()


def test_real_news_groups_the_same_in_bulk(shared, two_stores, tmp_path):
    """Five papers' March 2020 files: statements reported by several papers, a term in many claims,
    batches of 16 articles."""
    root = shared / "data" / "hindi-news-2020"
    files = sorted(p for p in root.rglob("*.txt") if "2020-MAR" in str(p) and not p.name.startswith("README"))
    per_paper: dict[str, list[Path]] = {}
    for f in files:
        per_paper.setdefault(f.relative_to(root).parts[0], []).append(f)
    picked = [f for paper in sorted(per_paper) for f in per_paper[paper][:12]]
    articles = [a for a in iter_articles([str(f) for f in picked]) if isinstance(a, Article)]
    assert len(articles) >= 40
    want = _one_by_one(two_stores[0], articles)
    assert len(want["groups"]) >= 10
    engine = open_store(two_stores[1])
    bulk_ingest(engine, articles, batch_size=16, jobs=1)
    assert _groups(engine) == want
    engine.dispose()


def test_the_claim_cache_reuses_only_what_the_content_gives():
    """Between batches a claim's row may change (a corrected speaker, a merge, a re-extraction's
    new content): the cache takes speaker, person and group from the row every time, and reads
    the words again when the content is not the one it holds."""
    from types import SimpleNamespace

    from claims.store.grouping import ClaimCache, prepare

    def row(**kw):
        base = dict(
            id=7,
            content="the new bridge will cost 40 million dollars",
            lang="en",
            person_id=1,
            speaker="John Smith",
            corrected_speaker="",
            group_id=None,
            article_id=3,
        )
        return SimpleNamespace(**{**base, **kw})

    cache = ClaimCache(limit=4, fresh=4)
    first = cache.read(row())
    again = cache.read(row(person_id=2, corrected_speaker="Mary Jones", group_id=9))
    assert again is first and (again.person_id, again.speaker, again.group_id) == (2, "mary jones", 9)
    now_says = "the new bridge will cost 55 million dollars"
    changed = cache.read(row(content=now_says))
    assert changed is not first and "55" in changed.numbers and "40" not in changed.numbers
    for i in range(10):  # bounded: the least recently read go first
        cache.read(row(id=100 + i))
        cache.read(row(content=now_says))
    assert len(cache.items) <= 4 and cache.read(row(content=now_says)) is changed
    for i in range(10):  # claims just stored are held apart: they push out none of those read
        cache.keep(prepare(200 + i, "the old bridge cost 10 million dollars", "en"))
    assert len(cache.fresh) <= 4 and cache.read(row(content=now_says)) is changed
    kept = cache.fresh[209]
    assert cache.read(row(id=209, content=kept.content)) is kept and 209 in cache.items and 209 not in cache.fresh


@pytest.mark.postgres
def test_postgresql_counts_a_term_only_as_far_as_the_rules_read(tmp_path, monkeypatch):
    """PostgreSQL counts a term's claims up to MAX_POSTINGS + 1 (a common term's full count grew
    with the store); SQLite counts them all. Above MAX_POSTINGS a term is not used either way, so
    with a limit small enough for the fixtures to pass it the groups are the same."""
    import claims.store.grouping as grouping

    monkeypatch.setattr(grouping, "MAX_POSTINGS", 2)
    articles = [Article(k, t, f"{k}.txt") for k, t in FIXTURES]
    exact = _one_by_one(f"sqlite:///{tmp_path / 'exact.db'}", articles)
    admin, url, name = _pg_database()
    try:
        pg = url.render_as_string(hide_password=False)
        assert _one_by_one(pg, articles) == exact
        engine = open_store(pg)
        with engine.connect() as conn:
            common = conn.execute(
                select(claim_terms.c.term).group_by(claim_terms.c.term).having(text("count(*) > 3")).limit(1)
            ).scalar()
            assert common is not None  # a term the limit cuts
            assert grouping._df(conn, [common])[common] == 3
        engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_bulk_load_counts_a_term_known_common_once(two_stores, monkeypatch):
    """A term found in more than MAX_POSTINGS stored claims is not counted again by the later
    batches of a load (the store only grows under it): the groups are the normal ingest's, and a
    term the load holds as common reads as common without a look at the index."""
    import claims.store.grouping as grouping

    monkeypatch.setattr(grouping, "MAX_POSTINGS", 2)
    articles = [Article(k, t, f"{k}.txt") for k, t in FIXTURES]
    want = _one_by_one(two_stores[0], articles)
    engine = open_store(two_stores[1])
    bulk_ingest(engine, articles, batch_size=1, jobs=1)
    assert _groups(engine) == want
    with engine.begin() as conn:
        common = conn.execute(
            select(claim_terms.c.term).group_by(claim_terms.c.term).having(text("count(*) > 3")).limit(1)
        ).scalar()
        rare = conn.execute(
            select(claim_terms.c.term).group_by(claim_terms.c.term).having(text("count(*) = 1")).limit(1)
        ).scalar()
        known: set[str] = set()
        assert grouping._df(conn, [common, rare], known) == grouping._df(conn, [common, rare])
        assert known == {common}  # learnt: counted past the limit
        holders = conn.execute(select(claim_terms.c.claim_id).where(claim_terms.c.term == common)).scalars().all()
        grouping.forget_index(conn, holders)  # no claim holds it now
        assert grouping._df(conn, [common], known)[common] == 3  # held, not counted again
        assert grouping._df(conn, [common])[common] == 0  # what the index says now
    engine.dispose()
