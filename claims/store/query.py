"""Reading claims back: filtered, paginated in the database, counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, func, literal, or_, select
from sqlalchemy.sql.util import find_tables

from claims.lang import available, load
from claims.pipeline.names import is_subname, name_key, skeleton
from claims.store.db import reading
from claims.store.schema import article_speakers, articles, claims, history, persons
from claims.store.search import contains
from claims.store.speaker_search import find_persons

CLAIM_COLUMNS = [c for c in claims.c]
# the speaker a claim is shown with everywhere: an analyst's correction (or a split's) first
SHOWN_SPEAKER = func.coalesce(func.nullif(claims.c.corrected_speaker, ""), claims.c.speaker)
ARTICLE_COLUMNS = [
    articles.c.article_key,
    articles.c.title.label("article_title"),
    articles.c.url.label("article_url"),
    articles.c.outlet.label("article_outlet"),
    articles.c.published.label("article_published"),
]


@dataclass
class ClaimFilter:
    """What the Review page and ``claims export`` filter on. Empty fields do not filter."""

    statuses: list[str] = field(default_factory=list)
    speaker: str = ""  # a name: matches the archive-wide person (any spelling or script) or the speaker
    person_id: int | None = None
    article_id: int | None = None
    outlet: str = ""
    lang: str = ""
    published_from: str = ""
    published_to: str = ""
    text: str = ""  # words in the content
    include_stale: bool = True
    speaker_types: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # direct, indirect, mixed
    flag: str = ""  # one of the contract's flags (mental_state, request, …)
    assignee: str = ""  # exact name ("my queue" is the analyst's own)
    updated_by: str = ""  # the last editor, exact name
    # "pending", "approved", or "unapproved" (anything but approved: with the statuses that need
    # approval, the verdicts waiting for it, set before approval was turned on included)
    approval: str = ""


# How the Review table can be ordered (newest first unless asked): key → (column, descending)
SORTS = {
    "newest": ("id", True),
    "oldest": ("id", False),
    "confidence_low": ("confidence", False),
    "confidence_high": ("confidence", True),
    "published_new": ("published", True),
    "published_old": ("published", False),
    "status": ("status", False),
    "speaker": ("speaker", False),
    "assignee": ("assignee", False),
    "checkworthy": ("checkworthy", True),  # most worth checking first (claims.learn.checkworthy)
}


def persons_named(engine: Engine, name: str) -> list[int]:
    """Ids of the persons a typed name can mean: same romanised name or sub-name, any script, as
    the linker reads names, or as a search box forgives them (:mod:`claims.store.speaker_search`:
    "Sisodia", "Harsh Vardhan", "Tokaev")."""
    words = [w for w in plain(name).split() if w[:1].isalnum()]
    fixes = tuple(fx for code in available() for fx in load(code).romanise.items())
    keys = name_key(words, fixes)
    loose = {pid for pid, _ in find_persons(engine, plain(name))}
    if not keys:
        return sorted(loose)
    with reading(engine) as conn:
        rows = conn.execute(
            select(persons.c.id, persons.c.name_keys).where(
                persons.c.skeleton.in_({skeleton(k) for k in keys}), persons.c.merged_into.is_(None)
            )
        ).all()
    strict = {r.id for r in rows if is_subname(keys, r.name_keys.split()) or is_subname(r.name_keys.split(), keys)}
    return sorted(strict | loose)


def named_persons(engine: Engine, name: str) -> list[dict]:
    """The persons a typed name can mean (:func:`persons_named`), each with its name and claim
    count, most claims first: different people who share a name stay apart for the analyst."""
    ids = persons_named(engine, name)
    if not ids:
        return []
    with reading(engine) as conn:
        rows = conn.execute(
            select(persons.c.id, persons.c.name, func.count(claims.c.id).label("n"))
            .select_from(persons.outerjoin(claims, claims.c.person_id == persons.c.id))
            .where(persons.c.id.in_(ids))
            .group_by(persons.c.id, persons.c.name)
            .order_by(func.count(claims.c.id).desc(), persons.c.id)
        ).all()
    return [dict(r._mapping) for r in rows]


MAX_WORDS = 64  # a search box, not a document: SQLite refuses expressions nested ~1,000 deep


def plain(value: str) -> str:
    """A filter value as the store can compare it: stored text never holds NUL (ingest removes
    it), and PostgreSQL refuses a NUL in a query with an error, so it is dropped here too."""
    return value.replace("\x00", "")


def _clean(f: ClaimFilter) -> ClaimFilter:
    return replace(
        f,
        statuses=[plain(s) for s in f.statuses],
        speaker=plain(f.speaker),
        outlet=plain(f.outlet),
        lang=plain(f.lang),
        published_from=plain(f.published_from),
        published_to=plain(f.published_to),
        text=plain(f.text),
        speaker_types=[plain(s) for s in f.speaker_types],
        kinds=[plain(s) for s in f.kinds],
        flag=plain(f.flag),
        assignee=plain(f.assignee),
        updated_by=plain(f.updated_by),
        approval=plain(f.approval),
    )


def _where(engine: Engine, f: ClaimFilter) -> list:
    f = _clean(f)
    cond = []
    if f.statuses:
        cond.append(claims.c.status.in_(f.statuses))
    if f.person_id is not None:
        cond.append(claims.c.person_id == f.person_id)
    if f.speaker.strip():
        ids = persons_named(engine, f.speaker)
        by_name = claims.c.speaker_lower == f.speaker.strip().lower()
        cond.append(or_(claims.c.person_id.in_(ids), by_name) if ids else by_name)
    if f.article_id is not None:
        cond.append(claims.c.article_id == f.article_id)
    if f.lang:
        cond.append(claims.c.lang == f.lang)
    if f.outlet:
        cond.append(articles.c.outlet == f.outlet)
    if f.published_from:
        cond.append(articles.c.published >= f.published_from)
    if f.published_to:
        cond.append(articles.c.published <= f.published_to)
    if f.text.strip():
        for word in list(dict.fromkeys(f.text.split()))[:MAX_WORDS]:
            cond.append(contains(claims.c.content_folded, word))
    if not f.include_stale:
        cond.append(claims.c.stale.is_(False))
    if f.speaker_types:
        cond.append(claims.c.speaker_type.in_(f.speaker_types))
    if f.kinds:
        cond.append(claims.c.kind.in_(f.kinds))
    if f.flag.strip():  # flags are stored joined by "|": match a whole flag
        cond.append(contains(literal("|") + claims.c.flags + literal("|"), f"|{f.flag.strip()}|"))
    if f.assignee.strip():
        cond.append(claims.c.assignee == f.assignee.strip())
    if f.updated_by.strip():
        cond.append(claims.c.updated_by == f.updated_by.strip())
    if f.approval.strip() == "unapproved":
        cond.append(claims.c.approval != "approved")
    elif f.approval.strip():
        cond.append(claims.c.approval == f.approval.strip())
    return cond


def _select(
    engine: Engine, f: ClaimFilter, columns: list, *, join_articles: bool = False, cond: list | None = None
) -> Select:
    """The claims matching ``f`` with ``columns``; joined to their articles only when a column or
    a filter needs them (a count by status then reads an index, not every claim row). ``cond``:
    the filter's conditions made once already (:func:`_where`), for several reads of one filter."""
    needs_articles = join_articles or bool(f.outlet or f.published_from or f.published_to)
    needs_articles = needs_articles or any(articles in find_tables(c, check_columns=True) for c in columns)
    frm = claims.join(articles, articles.c.id == claims.c.article_id) if needs_articles else claims
    stmt = select(*columns).select_from(frm)
    cond = _where(engine, f) if cond is None else cond
    return stmt.where(and_(*cond)) if cond else stmt


def list_claims(
    engine: Engine, f: ClaimFilter | None = None, *, limit: int = 50, offset: int = 0, sort: str = "newest"
) -> list[dict]:
    """One page of claims (newest first, or as :data:`SORTS` says), with their article's title,
    URL, outlet and date. Ties are broken by id, so pages never overlap."""
    f = f or ClaimFilter()
    name, desc = SORTS.get(sort, SORTS["newest"])
    special = {"published": articles.c.published, "speaker": SHOWN_SPEAKER}
    col = special[name] if name in special else claims.c[name]  # (a .get default is evaluated: KeyError)
    primary, tie = (col.desc(), claims.c.id.desc()) if desc else (col.asc(), claims.c.id.asc())
    order = [primary] if name == "id" else [primary, tie]
    stmt = _select(engine, f, CLAIM_COLUMNS + ARTICLE_COLUMNS).order_by(*order).limit(limit).offset(offset)
    with reading(engine) as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def iter_claims(engine: Engine, f: ClaimFilter | None = None, *, batch: int = 1000) -> Iterator[dict]:
    """Every matching claim, oldest first, fetched in keyset pages (memory stays flat)."""
    f = f or ClaimFilter()
    last = 0
    while True:
        stmt = (
            _select(engine, f, CLAIM_COLUMNS + ARTICLE_COLUMNS)
            .where(claims.c.id > last)
            .order_by(claims.c.id)
            .limit(batch)
        )
        with reading(engine) as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]["id"]


def claim_versions(engine: Engine, f: ClaimFilter | None = None, *, limit: int | None = None) -> list[tuple[int, int]]:
    """``(id, version)`` of the claims matching ``f``, oldest first (at most ``limit``): what a
    bulk change of the whole filtered set is based on, so that a claim someone changes meanwhile
    comes back as a conflict instead of being overwritten."""
    stmt = _select(engine, f or ClaimFilter(), [claims.c.id, claims.c.version]).order_by(claims.c.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with reading(engine) as conn:
        return [(r[0], r[1]) for r in conn.execute(stmt)]


def count_claims(engine: Engine, f: ClaimFilter | None = None) -> int:
    with reading(engine) as conn:
        return conn.execute(_select(engine, f or ClaimFilter(), [func.count()])).scalar() or 0


def counts_by(engine: Engine, column: str, f: ClaimFilter | None = None, limit: int = 50) -> list[tuple[Any, int]]:
    """Claim counts grouped by ``status``, ``speaker`` (as shown: a correction first), ``person``
    (one row per archive-wide person, labelled by the speaker name shown), ``outlet``, ``lang``
    or ``month`` (of the article's publication, YYYY-MM, oldest first), largest first."""
    f = f or ClaimFilter()
    with reading(engine) as conn:
        return _counts(conn, engine, column, f, _where(engine, f), limit)


def _counts(conn: Connection, engine: Engine, column: str, f: ClaimFilter, cond: list, limit: int) -> list[tuple]:
    if column == "person":
        return _counts_by_person(conn, engine, f, cond, limit)
    if column == "month":
        # claims counted per article first (an index answers that), then the few thousand
        # articles read for their date: joining every claim to its article row cost 3x as much
        per_article = (
            _select(engine, f, [claims.c.article_id.label("aid"), func.count().label("n")], cond=cond)
            .group_by(claims.c.article_id)
            .subquery()
        )
        month = func.substr(articles.c.published, 1, 7)
        stmt = (
            select(month, func.sum(per_article.c.n))
            .select_from(per_article.join(articles, articles.c.id == per_article.c.aid))
            .group_by(month)
            .order_by(month)
        )
        return [(r[0], int(r[1])) for r in conn.execute(stmt)][-limit:]
    col = {
        "status": claims.c.status,
        "updated_by": claims.c.updated_by,
        "speaker": SHOWN_SPEAKER,
        "outlet": articles.c.outlet,
        "lang": claims.c.lang,
        "speaker_type": claims.c.speaker_type,
    }[column]
    stmt = (
        _select(engine, f, [col, func.count().label("n")], cond=cond)
        .group_by(col)
        .order_by(func.count().desc())
        .limit(limit)
    )
    return [(r[0], r[1]) for r in conn.execute(stmt)]


def reviews_by_analyst(engine: Engine, f: ClaimFilter | None = None, limit: int = 30) -> list[tuple[str, int]]:
    """Claims each analyst set a status on (from the history, whoever changed it last), most first."""
    f = f or ClaimFilter()
    with reading(engine) as conn:
        return _reviews_by_analyst(conn, engine, f, _where(engine, f), limit)


def _reviews_by_analyst(conn: Connection, engine: Engine, f: ClaimFilter, cond: list, limit: int) -> list[tuple]:
    reviewed = func.count(func.distinct(history.c.claim_id))
    matching = _select(engine, f, [claims.c.id], cond=cond).subquery()  # articles joined only if a filter needs them
    stmt = (
        select(history.c.by, reviewed)
        .select_from(history.join(matching, matching.c.id == history.c.claim_id))
        .where(history.c.field == "status")
        .group_by(history.c.by)
        .order_by(reviewed.desc(), history.c.by)
        .limit(limit)
    )
    return [(r[0], r[1]) for r in conn.execute(stmt)]


@dataclass
class DashboardCounts:
    """Everything the Dashboard counts for one filter (see :func:`dashboard_counts`)."""

    total: int
    by_status: dict[str, int]
    by_outlet: list[tuple[str, int]]
    by_person: list[tuple[str, int]]
    by_analyst: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


def dashboard_counts(
    engine: Engine, f: ClaimFilter | None = None, *, outlets: int = 15, speakers: int = 20, months: int = 36
) -> DashboardCounts:
    """The Dashboard's figures for the claims matching ``f``: the total, claims per status, the
    top ``outlets`` outlets and ``speakers`` persons, claims reviewed per analyst and the last
    ``months`` months. One connection, and the filter's conditions made once (a speaker name is
    looked up once, not once per figure)."""
    f = f or ClaimFilter()
    cond = _where(engine, f)
    with reading(engine) as conn:
        by_status = dict(_counts(conn, engine, "status", f, cond, 1000))
        return DashboardCounts(
            total=sum(by_status.values()),
            by_status=by_status,
            by_outlet=_counts(conn, engine, "outlet", f, cond, outlets),
            by_person=_counts(conn, engine, "person", f, cond, speakers),
            by_analyst=_reviews_by_analyst(conn, engine, f, cond, 30),
            by_month=_counts(conn, engine, "month", f, cond, months),
        )


def _counts_by_person(conn: Connection, engine: Engine, f: ClaimFilter, cond: list, limit: int) -> list[tuple]:
    """Claims per person, labelled with the person's name; a claim with a corrected speaker counts
    under that name, one without a person under its speaker. Three grouped reads that an index
    answers (person ids) or that touch only the few corrected or unlinked claims, instead of one
    that reads every claim row (0.4 s at 100,000 claims)."""
    per_person = dict(
        conn.execute(
            _select(engine, f, [claims.c.person_id, func.count()], cond=cond)
            .where(claims.c.person_id.is_not(None))
            .group_by(claims.c.person_id)
        ).all()
    )
    corrected = conn.execute(
        _select(engine, f, [claims.c.person_id, claims.c.corrected_speaker, func.count()], cond=cond)
        .where(claims.c.corrected_speaker != "")
        .group_by(claims.c.person_id, claims.c.corrected_speaker)
    ).all()
    unlinked = conn.execute(
        _select(engine, f, [claims.c.speaker, func.count()], cond=cond)
        .where(claims.c.person_id.is_(None), claims.c.corrected_speaker == "")
        .group_by(claims.c.speaker)
    ).all()
    counts: dict[tuple, int] = {("person", pid): n for pid, n in per_person.items()}
    for pid, name, n in corrected:
        if pid is not None:
            counts[("person", pid)] -= n
        counts[("name", name)] = counts.get(("name", name), 0) + n
    for name, n in unlinked:
        counts[("name", name)] = counts.get(("name", name), 0) + n
    top = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda kn: -kn[1])[:limit]
    ids = [k[1] for k, _ in top if k[0] == "person"]
    names = dict(conn.execute(select(persons.c.id, persons.c.name).where(persons.c.id.in_(ids))).all()) if ids else {}
    return [(names.get(k[1], "") if k[0] == "person" else k[1], n) for k, n in top]


def get_claim(engine: Engine, claim_id: int) -> dict | None:
    stmt = (
        select(*CLAIM_COLUMNS, *ARTICLE_COLUMNS, articles.c.text.label("article_text"))
        .select_from(claims.join(articles, articles.c.id == claims.c.article_id))
        .where(claims.c.id == claim_id)
    )
    with reading(engine) as conn:
        row = conn.execute(stmt).first()
        if row is None:
            return None
        out = dict(row._mapping)
        if out["article_speaker_id"]:
            sp = conn.execute(
                select(article_speakers).where(article_speakers.c.id == out["article_speaker_id"])
            ).first()
            out["speaker_aliases"] = json.loads(sp.aliases) if sp else []
            out["speaker_roles"] = json.loads(sp.roles) if sp else []
        else:
            out["speaker_aliases"], out["speaker_roles"] = [], []
        out["evidence_links"] = json.loads(out["evidence"] or "[]")
    return out


def list_articles(engine: Engine, *, limit: int = 100, offset: int = 0, search: str = "") -> list[dict]:
    stmt = (
        select(
            articles.c.id,
            articles.c.article_key,
            articles.c.title,
            articles.c.outlet,
            articles.c.published,
            articles.c.lang,
            articles.c.created_at,
        )
        .order_by(articles.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    search = plain(search)
    if search.strip():
        stmt = stmt.where(or_(articles.c.title.ilike(f"%{search}%"), articles.c.article_key.ilike(f"%{search}%")))
    with reading(engine) as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def get_article(engine: Engine, article_id: int) -> dict | None:
    with reading(engine) as conn:
        row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            return None
        out = dict(row._mapping)
        out["claims"] = [
            dict(r._mapping)
            for r in conn.execute(
                select(claims).where(claims.c.article_id == article_id).order_by(claims.c.content_start)
            )
        ]
    return out


def distinct_values(engine: Engine, column: str) -> list[str]:
    col = {"outlet": articles.c.outlet, "lang": articles.c.lang}[column]
    with reading(engine) as conn:
        return [r[0] for r in conn.execute(select(col).distinct().order_by(col)) if r[0]]
