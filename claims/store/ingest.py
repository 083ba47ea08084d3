"""Storing articles and their claims; re-extraction that keeps every analyst's work.

One article is one transaction: an ingest killed halfway leaves no half-written article, and
running it again completes the rest (articles already stored are recognised as duplicates).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from claims import __version__, extract_article
from claims.learn.checkworthy import assess_claim
from claims.model import Claim
from claims.store.accounts import check_can_edit
from claims.store.db import writing
from claims.store.grouping import group_article_claims, regroup_changed
from claims.store.linking import lock_persons, now, store_speakers
from claims.store.revisions import write_claim
from claims.store.schema import articles, claims, persons
from claims.store.search import search_key
from claims.store.statuses import Statuses, load_statuses

EXTRACTED = (
    "content",
    "content_start",
    "content_end",
    "kind",
    "cue",
    "cue_start",
    "cue_end",
    "speaker",
    "speaker_mention",
    "speaker_start",
    "speaker_end",
    "speaker_type",
    "speaker_role",
    "source",
    "date",
    "sentence_index",
    "confidence",
    "lang",
)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class IngestResult:
    article_key: str
    outcome: str  # new | duplicate | updated
    article_id: int
    claims_new: int = 0
    claims_kept: int = 0
    claims_stale: int = 0
    notes: list[str] = field(default_factory=list)


def checkworthy_values(c: Any) -> dict[str, Any]:
    """The stored check-worthiness of a claim (a contract ``Claim`` or a stored row): its score
    and its reasons as a JSON list (:mod:`claims.learn.checkworthy`)."""
    check = assess_claim(c)
    return {"checkworthy": check.score, "checkworthy_reasons": json.dumps(check.reasons, ensure_ascii=False)}


# derived from the extraction fields, so re-extraction follows them without a history row each
DERIVED = ("speaker_lower", "content_folded", "checkworthy", "checkworthy_reasons")


def stored_checkworthy(score: float, reasons: list[str]) -> dict[str, Any]:
    """A score and its reasons computed elsewhere (an extraction worker, Spark: the claims file's
    ``checkworthy`` columns) as :func:`checkworthy_values` stores them."""
    return {"checkworthy": score, "checkworthy_reasons": _reasons_json(tuple(reasons))}


@lru_cache(maxsize=4096)  # a scorer gives few distinct lists of reasons; a claims file repeats them
def _reasons_json(reasons: tuple[str, ...]) -> str:
    return json.dumps(list(reasons), ensure_ascii=False)


def _claim_values(c: Claim, speakers: dict[str, tuple[int, int | None]], check: dict[str, Any] | None = None) -> dict:
    """The stored fields of claim ``c`` (its speaker row and person from ``speakers``); ``check``
    is its check-worthiness as :func:`checkworthy_values` gives it, computed here when None."""
    sid, pid = speakers.get(c.speaker_id, (None, None))
    values = {f: getattr(c, f) for f in EXTRACTED}
    values.update(
        flags="|".join(c.flags),
        article_speaker_id=sid,
        person_id=pid,
        speaker_lower=c.speaker.lower(),
        content_folded=search_key(c.content),
        **(check if check is not None else checkworthy_values(c)),
    )
    return values


def _new_claim(key: str, article_id: int, statuses: Statuses, ts: datetime | None, values: dict) -> dict:
    """A claim row as extraction first stores it: default status, no analyst work yet (``ts``,
    the time, None only for a row whose time the caller sets before storing it)."""
    return dict(
        claim_key=key,
        article_id=article_id,
        status=statuses.default.key,
        verdict_note="",
        evidence="[]",
        assignee="",
        corrected_speaker="",
        approval="",
        proposed_by="",
        approved_by="",
        approved_at=None,
        stale=False,
        updated_by="extractor",
        updated_at=ts,
        version=1,
        **values,
    )


# ---------------------------------------------------------------- ingest and re-extract
LIMITS = {  # the column widths of articles: PostgreSQL enforces them, SQLite would not
    "article id": articles.c.article_key.type.length,
    "outlet": articles.c.outlet.type.length,
    "published date": articles.c.published.type.length,
    "user name": articles.c.added_by.type.length,
}
CLASH_SUFFIX = 9  # "-" and 8 hex digits of the text hash, for a second text under a taken id


def _check_lengths(**fields: str) -> None:
    for name, value in fields.items():
        label = name.replace("_", " ")
        if len(value) > LIMITS[label]:
            raise ValueError(f"the {label} is {len(value)} characters long; at most {LIMITS[label]} are kept")


def _insert_article(conn: Connection, values: dict) -> int | None:
    """Insert an article unless its text or id is stored already (then None): one statement,
    ``ON CONFLICT DO NOTHING``, so a text stored meanwhile is a duplicate on both backends, never
    a UniqueViolation."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(articles).values(**values).on_conflict_do_nothing().returning(articles.c.id)
    return conn.execute(stmt).scalar()


def ingest_text(
    engine: Engine,
    text: str,
    *,
    article_key: str | None = None,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published: str = "",
    lang: str | None = None,
    statuses: Statuses | None = None,
    analyst: str = "",
) -> IngestResult:
    """Extract and store one article, recording ``analyst`` as who added it.

    The role check runs in the write transaction whatever the caller: once the store has
    accounts, ``analyst`` must be one that may edit (an empty name is refused), else
    ``PermissionDenied``. The same text stored before is a duplicate (nothing changes). NUL
    characters, which PostgreSQL cannot store, are removed from the text and fields on both
    backends. Raises ``ValueError`` with a plain message for empty text or a field longer than
    its column (:data:`LIMITS`).
    """
    text, title, url, outlet, published = (v.replace("\x00", "") for v in (text, title, url, outlet, published))
    key_given = (article_key or "").replace("\x00", "")
    if not text.strip():
        raise ValueError("empty article")
    analyst = (analyst or "").strip()
    _check_lengths(article_id=key_given, outlet=outlet, published_date=published, user_name=analyst)
    h = text_hash(text)
    key = key_given or h[:16]
    with engine.connect() as conn:
        dup = conn.execute(select(articles.c.id, articles.c.article_key).where(articles.c.text_hash == h)).first()
    if dup:
        return IngestResult(dup.article_key, "duplicate", dup.id)
    ex = extract_article(text, lang=lang, article_id=key)  # outside the write lock: it is the slow part
    statuses = statuses or load_statuses()
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        lock_persons(conn)  # from here on every article committed before is seen, none is half-way
        dup = conn.execute(select(articles.c.id, articles.c.article_key).where(articles.c.text_hash == h)).first()
        if dup:  # stored meanwhile by another process
            return IngestResult(dup.article_key, "duplicate", dup.id)
        if conn.execute(select(articles.c.id).where(articles.c.article_key == key)).first():
            key = f"{key[: LIMITS['article id'] - CLASH_SUFFIX]}-{h[:8]}"  # same name, different text: keep both
            ex = extract_article(text, lang=lang, article_id=key)
        row = dict(
            article_key=key,
            text_hash=h,
            text=text,
            title=title,
            url=url,
            outlet=outlet,
            published=published,
            lang=ex.lang,
            extractor_version=__version__,
            created_at=now(),
            added_by=analyst,
        )
        article_id = _insert_article(conn, row)
        if article_id is None:  # cannot happen under the lock above; say so rather than fail obscurely
            raise RuntimeError(f"article {key!r} was stored by another writer at the same moment; run again")
        speakers = store_speakers(conn, article_id, ex)
        ts = now()
        rows = [_new_claim(c.claim_id, article_id, statuses, ts, _claim_values(c, speakers)) for c in ex.claims]
        if rows:
            conn.execute(insert(claims), rows)
            group_article_claims(conn, [article_id])  # the same claim in other articles: its group
    return IngestResult(key, "new", article_id, claims_new=len(rows))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if shorter > 0 else 0.0


def _match(unmatched: dict[int, Any], c: Claim) -> Any:
    """The stored claim a new extraction's claim is: same id, same content, or the span that
    overlaps it most (by at least half)."""
    span = (c.content_start, c.content_end)
    return (
        next((r for r in unmatched.values() if r.claim_key == c.claim_id), None)
        or next((r for r in unmatched.values() if r.content == c.content), None)
        or max(
            (r for r in unmatched.values() if _overlap((r.content_start, r.content_end), span) >= 0.5),
            key=lambda r: _overlap((r.content_start, r.content_end), span),
            default=None,
        )
    )


def _as_text(value: Any) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _person_names(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(conn.execute(select(persons.c.id, persons.c.name).where(persons.c.id.in_(sorted(ids)))).all())


def reextract(engine: Engine, article_id: int, *, statuses: Statuses | None = None, analyst: str = "") -> IngestResult:
    """Run the current extractor over a stored article again, as ``analyst`` (role-checked like
    every write).

    Claims that still match (same id, same content, or content spans overlapping by half) keep
    every analyst decision: status, notes, evidence, assignee, corrections, and the speaker a merge
    or split gave them (while extraction keeps them with the same article speaker). When the
    extraction fields change, the claim gets a new version with a history row per field, written
    only over the version read under the row lock. Claims no longer found are kept and marked
    stale (logged the same way); new ones are added.
    """
    statuses = statuses or load_statuses()
    analyst = (analyst or "").strip()
    with engine.connect() as conn:
        art = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    if art is None:
        raise KeyError(f"no article {article_id}")
    ex = extract_article(art.text, lang=art.lang or None, article_id=art.article_key)
    result = IngestResult(art.article_key, "updated", article_id)
    by = f"extractor ({analyst})"[: LIMITS["user name"]] if analyst else "extractor"
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        lock_persons(conn)  # before the claim row locks, as every writer of persons takes them
        old = conn.execute(
            select(claims).where(claims.c.article_id == article_id).order_by(claims.c.id).with_for_update()
        ).all()
        speakers = store_speakers(conn, article_id, ex)
        unmatched = {r.id: r for r in old}
        ts = now()
        updates: list[tuple[Any, dict]] = []
        for c in ex.claims:
            match = _match(unmatched, c)
            values = _claim_values(c, speakers)
            if match is None:
                key = c.claim_id
                if conn.execute(select(claims.c.id).where(claims.c.claim_key == key)).first():
                    key = hashlib.blake2b(f"{key}|{ts.isoformat()}".encode(), digest_size=8).hexdigest()
                conn.execute(insert(claims).values(**_new_claim(key, article_id, statuses, ts, values)))
                result.claims_new += 1
                continue
            del unmatched[match.id]
            result.claims_kept += 1
            if values["article_speaker_id"] == match.article_speaker_id:
                values["person_id"] = match.person_id  # a merge or split of this speaker stands
            changed = {k: v for k, v in values.items() if getattr(match, k) != v}
            if match.stale:
                changed["stale"] = False
            if changed:
                updates.append((match, changed))
        names = _person_names(
            conn, {p for row, ch in updates if "person_id" in ch for p in (row.person_id, ch["person_id"]) if p}
        )
        for row, changed in updates:
            log = [
                ("person", names.get(row.person_id, ""), names.get(v, ""))
                if k == "person_id"
                else (k, _as_text(getattr(row, k)), _as_text(v))
                for k, v in changed.items()
                if k not in DERIVED  # follow speaker and content
            ]
            write_claim(conn, row, changed, by=by, at=ts, log=log)
        for r in unmatched.values():
            if r.stale:
                continue
            write_claim(conn, r, {"stale": True}, by=by, at=ts, log=[("stale", "false", "true")])
            result.claims_stale += 1
        # grouping: claims whose words changed are indexed again, new ones for the first time
        regroup_changed(conn, [row.id for row, changed in updates if "content" in changed])
        group_article_claims(conn, [article_id])
        conn.execute(update(articles).where(articles.c.id == article_id).values(extractor_version=__version__))
    return result


def rescore(engine: Engine, *, analyst: str = "", batch: int = 2000) -> tuple[int, int]:
    """Score every stored claim's check-worthiness again with the shipped scorer (after
    ``claims train checkworthy`` or a change to a pack's ``[checkworthy]`` table), as ``analyst``
    (role-checked like every write). The score is derived from the extraction, not analyst work:
    it is written without a new version or history row. Returns (claims read, claims changed)."""
    analyst = (analyst or "").strip()
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
    cols = [claims.c[k] for k in ("id", "content", "lang", "speaker", "speaker_type", "speaker_role", "flags")]
    cols += [claims.c.checkworthy, claims.c.checkworthy_reasons]
    last = seen = changed = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(*cols).where(claims.c.id > last).order_by(claims.c.id).limit(batch)).all()
        if not rows:
            return seen, changed
        seen += len(rows)
        last = rows[-1].id
        updates = []
        for r in rows:
            v = checkworthy_values(r)
            if v["checkworthy"] != r.checkworthy or v["checkworthy_reasons"] != r.checkworthy_reasons:
                updates.append({"cid": r.id, "s": v["checkworthy"], "why": v["checkworthy_reasons"]})
        if updates:
            with writing(engine) as conn:
                check_can_edit(conn, analyst)
                conn.execute(
                    update(claims)
                    .where(claims.c.id == bindparam("cid"))
                    .values(checkworthy=bindparam("s"), checkworthy_reasons=bindparam("why")),
                    updates,
                )
            changed += len(updates)
