"""Storing articles and their claims; re-extraction that keeps every analyst's work.

One article is one transaction: an ingest killed halfway leaves no half-written article, and
running it again completes the rest (articles already stored are recognised as duplicates).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, text, update

from claims import __version__, extract_article
from claims.lang import load
from claims.model import Claim, Extraction, Speaker
from claims.pipeline.names import is_subname, name_key, skeleton
from claims.store.accounts import check_can_edit
from claims.store.db import writing
from claims.store.schema import article_speakers, articles, claims, history, persons
from claims.store.statuses import Statuses, load_statuses

LINKED_TYPES = ("person", "organization", "group")
PERSONS_LOCK = 0x636C61696D73  # "claims": the advisory lock key that serialises person linking
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


def now() -> datetime:
    return datetime.now(UTC)


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


# ---------------------------------------------------------------- persons across articles
class PersonLinker:
    """Archive-wide persons for the speakers of one article, found with one query.

    A speaker links to an existing person whose name it is a (spelling-variant, cross-script)
    sub-name of, or the reverse, when exactly one fits (an exact name wins); otherwise a new
    person is made, which later speakers of the same article can link to. New persons are
    inserted together by :meth:`flush`, which also applies name and alias updates.
    """

    def __init__(self, conn: Connection, speakers: list[Speaker], lang: str) -> None:
        self.conn = conn
        self.fixes = tuple(load(lang).romanise.items()) if lang else ()
        if conn.dialect.name == "postgresql":
            # one linker at a time until commit: two articles naming the same new person at once
            # would otherwise both create it (SQLite already serialises writers)
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PERSONS_LOCK})
        self.keys = {sp.speaker_id: self._keys(sp) for sp in speakers if self._linkable(sp)}
        skeletons = {skeleton(k[-1]) for k in self.keys.values() if k}
        self.rows: list[dict] = []
        if skeletons:
            self.rows = [
                dict(r._mapping, changed=False)
                for r in conn.execute(
                    select(
                        persons.c.id,
                        persons.c.name,
                        persons.c.type,
                        persons.c.skeleton,
                        persons.c.name_keys,
                        persons.c.aliases,
                    ).where(persons.c.skeleton.in_(sorted(skeletons)), persons.c.merged_into.is_(None))
                )
            ]

    @staticmethod
    def _linkable(sp: Speaker) -> bool:
        return sp.type in LINKED_TYPES and bool(sp.name.strip())

    def _keys(self, sp: Speaker) -> list[str]:
        return name_key([w for w in sp.name.split() if w[:1].isalnum()], self.fixes)

    def link(self, sp: Speaker) -> dict | None:
        """The person row (existing or to be made) for ``sp``; None for speakers not linked."""
        keys = self.keys.get(sp.speaker_id)
        if not keys:
            return None
        sk = skeleton(keys[-1])
        rows = [r for r in self.rows if r["skeleton"] == sk and r["type"] == sp.type]
        fits = [r for r in rows if is_subname(keys, r["name_keys"].split()) or is_subname(r["name_keys"].split(), keys)]
        exact = [r for r in fits if r["name_keys"].split() == keys]
        pick = exact[0] if exact else fits[0] if len(fits) == 1 else None
        if pick is None:
            pick = dict(id=None, name=sp.name, type=sp.type, skeleton=sk, name_keys=" ".join(keys), aliases="[]")
            pick["changed"] = False  # nothing to update: flush() inserts it whole
            self.rows.append(pick)
        aliases = json.loads(pick["aliases"])
        new_aliases = [a for a in sp.aliases if a not in aliases]
        if new_aliases:
            pick.update(aliases=json.dumps(aliases + new_aliases, ensure_ascii=False), changed=True)
        if len(keys) > len(pick["name_keys"].split()):
            pick.update(name=sp.name, name_keys=" ".join(keys), changed=True)
        return pick

    def flush(self) -> None:
        """Insert the new persons (their ids are set on the rows) and update the changed ones."""
        fresh = [r for r in self.rows if r["id"] is None]
        if fresh:
            ts = now()
            ids = (
                self.conn.execute(
                    insert(persons).returning(persons.c.id, sort_by_parameter_order=True),
                    [
                        dict(
                            name=r["name"],
                            type=r["type"],
                            name_keys=r["name_keys"],
                            skeleton=r["skeleton"],
                            aliases=r["aliases"],
                            created_at=ts,
                        )
                        for r in fresh
                    ],
                )
                .scalars()
                .all()
            )
            for r, pid in zip(fresh, ids, strict=True):
                r.update(id=pid, changed=False)
        for r in self.rows:
            if r["changed"]:
                self.conn.execute(
                    update(persons)
                    .where(persons.c.id == r["id"])
                    .values(name=r["name"], name_keys=r["name_keys"], aliases=r["aliases"])
                )
                r["changed"] = False


def _store_speakers(conn: Connection, article_id: int, ex: Extraction) -> dict[str, tuple[int, int | None]]:
    """Article speakers with their persons: local id → (article speaker id, person id)."""
    existing = {
        r.local_id: r
        for r in conn.execute(select(article_speakers).where(article_speakers.c.article_id == article_id)).all()
    }
    # a speaker stored before keeps its person; the others are linked now
    to_link = [sp for sp in ex.speakers if getattr(existing.get(sp.speaker_id), "person_id", None) is None]
    linker = PersonLinker(conn, to_link, ex.lang)
    linked = {sp.speaker_id: linker.link(sp) for sp in to_link}
    linker.flush()  # new persons get their ids
    person_id = {sp.speaker_id: existing[sp.speaker_id].person_id for sp in ex.speakers if sp.speaker_id not in linked}
    person_id.update({sid: person["id"] if person else None for sid, person in linked.items()})

    def values(sp: Speaker) -> dict:
        return dict(
            name=sp.name,
            type=sp.type,
            aliases=json.dumps(sp.aliases, ensure_ascii=False),
            roles=json.dumps(sp.roles, ensure_ascii=False),
            person_id=person_id[sp.speaker_id],
        )

    out = {}
    for sp in ex.speakers:
        if sp.speaker_id in existing:
            row_id = existing[sp.speaker_id].id
            conn.execute(update(article_speakers).where(article_speakers.c.id == row_id).values(**values(sp)))
            out[sp.speaker_id] = (row_id, person_id[sp.speaker_id])
    fresh = [sp for sp in ex.speakers if sp.speaker_id not in existing]
    if fresh:
        rows = [dict(article_id=article_id, local_id=sp.speaker_id, **values(sp)) for sp in fresh]
        ids = (
            conn.execute(insert(article_speakers).returning(article_speakers.c.id, sort_by_parameter_order=True), rows)
            .scalars()
            .all()
        )
        for sp, sid in zip(fresh, ids, strict=True):
            out[sp.speaker_id] = (sid, person_id[sp.speaker_id])
    return out


def _claim_values(c: Claim, speakers: dict[str, tuple[int, int | None]]) -> dict:
    sid, pid = speakers.get(c.speaker_id, (None, None))
    values = {f: getattr(c, f) for f in EXTRACTED}
    values.update(flags="|".join(c.flags), article_speaker_id=sid, person_id=pid, speaker_lower=c.speaker.lower())
    return values


def _new_claim(key: str, article_id: int, statuses: Statuses, ts: datetime, values: dict) -> dict:
    """A claim row as extraction first stores it: default status, no analyst work yet."""
    return dict(
        claim_key=key,
        article_id=article_id,
        status=statuses.default.key,
        verdict_note="",
        evidence="[]",
        assignee="",
        corrected_speaker="",
        stale=False,
        updated_by="extractor",
        updated_at=ts,
        version=1,
        **values,
    )


# ---------------------------------------------------------------- ingest and re-extract
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
    analyst: str | None = None,
) -> IngestResult:
    """Extract and store one article. The same text stored before is a duplicate (nothing changes);
    raises ``ValueError`` for empty text. ``analyst``: who adds it, checked when accounts are on
    (the CLI, run by whoever operates the database, passes none)."""
    if not text.strip():
        raise ValueError("empty article")
    h = text_hash(text)
    key = article_key or h[:16]
    with engine.connect() as conn:
        dup = conn.execute(select(articles.c.id, articles.c.article_key).where(articles.c.text_hash == h)).first()
    if dup:
        return IngestResult(dup.article_key, "duplicate", dup.id)
    ex = extract_article(text, lang=lang, article_id=key)  # outside the write lock: it is the slow part
    statuses = statuses or load_statuses()
    with writing(engine) as conn:
        if analyst is not None:
            check_can_edit(conn, analyst)
        dup = conn.execute(select(articles.c.id, articles.c.article_key).where(articles.c.text_hash == h)).first()
        if dup:  # stored meanwhile by another process
            return IngestResult(dup.article_key, "duplicate", dup.id)
        taken = conn.execute(select(articles.c.id).where(articles.c.article_key == key)).first()
        if taken:
            key = f"{key}-{h[:8]}"  # same name, different text: keep both
            ex = extract_article(text, lang=lang, article_id=key)
        article_id = conn.execute(
            insert(articles).values(
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
            )
        ).inserted_primary_key[0]
        speakers = _store_speakers(conn, article_id, ex)
        ts = now()
        rows = [_new_claim(c.claim_id, article_id, statuses, ts, _claim_values(c, speakers)) for c in ex.claims]
        if rows:
            conn.execute(insert(claims), rows)
    return IngestResult(key, "new", article_id, claims_new=len(rows))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if shorter > 0 else 0.0


def reextract(engine: Engine, article_id: int, *, statuses: Statuses | None = None) -> IngestResult:
    """Run the current extractor over a stored article again.

    Claims that still match (same id, same content, or content spans overlapping by half) keep
    their status, notes, evidence, assignee and corrections; only extraction fields change.
    Claims no longer found are kept and marked stale (logged in the history); new ones are added.
    """
    statuses = statuses or load_statuses()
    with engine.connect() as conn:
        art = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    if art is None:
        raise KeyError(f"no article {article_id}")
    ex = extract_article(art.text, lang=art.lang or None, article_id=art.article_key)
    result = IngestResult(art.article_key, "updated", article_id)
    with writing(engine) as conn:
        old = conn.execute(select(claims).where(claims.c.article_id == article_id)).all()
        speakers = _store_speakers(conn, article_id, ex)
        unmatched = {r.id: r for r in old}
        ts = now()
        for c in ex.claims:
            match = next((r for r in unmatched.values() if r.claim_key == c.claim_id), None)
            match = match or next((r for r in unmatched.values() if r.content == c.content), None)
            match = match or max(
                (
                    r
                    for r in unmatched.values()
                    if _overlap((r.content_start, r.content_end), (c.content_start, c.content_end)) >= 0.5
                ),
                key=lambda r: _overlap((r.content_start, r.content_end), (c.content_start, c.content_end)),
                default=None,
            )
            values = _claim_values(c, speakers)
            if match is not None:
                del unmatched[match.id]
                changed = {k: v for k, v in values.items() if getattr(match, k) != v}
                if match.stale:
                    changed["stale"] = False
                if changed:
                    conn.execute(update(claims).where(claims.c.id == match.id).values(**changed))
                result.claims_kept += 1
            else:
                key = c.claim_id
                if conn.execute(select(claims.c.id).where(claims.c.claim_key == key)).first():
                    key = hashlib.blake2b(f"{key}|{ts.isoformat()}".encode(), digest_size=8).hexdigest()
                conn.execute(insert(claims).values(**_new_claim(key, article_id, statuses, ts, values)))
                result.claims_new += 1
        for r in unmatched.values():
            if r.stale:
                continue
            conn.execute(update(claims).where(claims.c.id == r.id).values(stale=True, version=r.version + 1))
            conn.execute(
                insert(history).values(
                    claim_id=r.id, at=ts, by="extractor", field="stale", old="false", new="true", version=r.version + 1
                )
            )
            result.claims_stale += 1
        conn.execute(update(articles).where(articles.c.id == article_id).values(extractor_version=__version__))
    return result
