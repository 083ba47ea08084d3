"""Bulk ingest: many articles per transaction, extraction on every core, COPY into PostgreSQL.

:func:`claims.store.ingest.ingest_text` stores one article per transaction, with a handful of
statements each; for an archive that is the bottleneck once extraction runs on every core. Here a
batch of articles is one transaction: the articles and claims go in with PostgreSQL ``COPY`` (via
psycopg 3) or one SQLite ``executemany``, and the speakers of the whole batch are linked to
persons with one look-up.

The semantics are ingest_text's, article by article in input order: a text stored before (or
earlier in the same batch) is a duplicate; an id taken by another text gets the hash suffix and
is extracted under that id; speakers link to persons made by earlier articles of the batch as to
stored ones; NUL characters are dropped; over-long fields fail that article only. A batch is all
or nothing, so a killed run leaves no article half-written, and running it again skips what was
committed (duplicates by text hash, found before any extraction) and stores the rest.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import operator
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, any_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql

from claims import __version__, extract_article
from claims.inputs import Article, InputError
from claims.model import Extraction, Speaker
from claims.parallel import map_ordered
from claims.pipeline.names import is_subname, skeleton
from claims.store.accounts import check_can_edit
from claims.store.db import copy_into, copy_text, next_ids, writing
from claims.store.extracted import ExtractedClaims
from claims.store.grouping import ClaimCache, ClaimText, group_units, prepare, write_grouped
from claims.store.ingest import (
    CLASH_SUFFIX,
    EXTRACTED,
    LIMITS,
    _check_lengths,
    _claim_values,
    _new_claim,
    checkworthy_values,
    text_hash,
)
from claims.store.linking import PersonLinker, SpeakerKeys, candidate_persons, lock_persons, now, speaker_keys
from claims.store.schema import article_speakers, articles, claims, persons
from claims.store.search import search_key
from claims.store.statuses import Statuses, load_statuses

# articles per transaction: each batch reads the index and the compared claims once, so larger
# batches read less per article as the store grows (10,000 replicated articles into PostgreSQL:
# 113 articles/s at 500, 146 at 1,000, 171 at 2,000); the persons lock is held for one batch
# (about ten seconds at 2,000), which an ingest from the desk waits for
BATCH_ARTICLES = 2000
# Python's cyclic collector is paused for a load and run once per batch instead (young objects),
# fully every this many batches: left to itself it traversed the claims held for grouping over
# and over (an eighth of a 10,000-article load's samples), and a batch makes little cyclic garbage
FULL_COLLECTION_EVERY = 10


@dataclass
class BulkCounts:
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    claims: int = 0
    batches: int = 0
    write_seconds: float = 0.0  # time in the write transactions alone (the bench's store load rate)
    # claims put in a group by the load: new ones, and stored ones a new claim made a group with
    # (counted once, whatever the batch size: a claim is put in a group once)
    grouped: int = 0
    scored_at_load: int = 0  # claims whose check-worthiness the writer computed (none carried)
    failures: list[str] = field(default_factory=list)
    unused_claims: list[str] = field(default_factory=list)  # with a claims file: ids no article took

    def add(self, other: BulkCounts) -> None:
        """Add every count (and list) of ``other`` to this one's: the writer thread counts apart."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class _Pending:
    """One article of a batch on its way into the store."""

    article: Article
    key: str
    text: str
    hash: str
    fields: dict[str, str]
    extraction: Extraction | None = None
    # per claim of the extraction, its check-worthiness as stored, computed where it was
    # extracted (a worker, the claims file); None (for all, or one claim): scored at the write
    checks: list[dict[str, Any] | None] | None = None
    shaped: _Shaped | None = None  # the extraction as the write stores it (then extraction is None)


@dataclass
class _Shaped:
    """An article's extraction as the write stores it, but for the store's ids (:func:`_shape`):
    worked out by the extracting worker, or by the writer while it waits on the server."""

    lang: str
    speakers: list[Speaker]  # for linking them to persons
    claim_speakers: list[str]  # each claim's speaker id in the article ("" for none)
    # its claim rows but for the store's ids (_claim_rows); None on PostgreSQL when ``copy`` holds
    # them (the write then keeps only the ids of each)
    rows: list[dict[str, Any]] | None
    texts: list[ClaimText]  # its claims read for grouping, but for the store's ids
    copy: tuple[tuple[str, ...], list[str]] | None  # PostgreSQL: (_copy_statics of rows)
    speaker_rows: list[dict[str, Any]]  # but for the ids (article, person, own)
    keys: SpeakerKeys  # its speakers' speaker_keys, for linking them to persons
    unscored: int  # claims scored here, not where they were extracted


def _clean(a: Article) -> tuple[str, dict[str, str]]:
    """Text and metadata as ingest_text stores them (NULs removed: PostgreSQL cannot hold them)."""
    meta = a.meta
    fields = {
        "title": meta.get("title", ""),
        "url": meta.get("url", ""),
        "outlet": meta.get("outlet", ""),
        "published": meta.get("published", meta.get("date", "")),
    }
    return a.text.replace("\x00", ""), {k: v.replace("\x00", "") for k, v in fields.items()}


_Outcome = _Shaped | tuple[Extraction, list[dict[str, Any] | None]] | str


def _extract_chunk(chunk: list[Article], arg: tuple[str | None, Statuses, bool, bool]) -> list[_Outcome]:
    """Worker: each article's extraction (the article id is the key already resolved) with its
    claims' check-worthiness as stored (scored here, on every core, not in the writer), or why it
    failed. ``arg``: (lang, statuses, PostgreSQL?, shape?); with shape (a worker process), each
    is handed back :func:`_shape`-d: most of what the writer did per claim, and less to send
    back and load than the extraction (2,000 replicated articles on 2 processes: the loading
    process's CPU 4.56 -> 4.07 s)."""
    lang, statuses, pg, shape = arg
    out: list[_Outcome] = []
    for a in chunk:
        try:
            ex = extract_article(a.text, lang=lang, article_id=a.article_id)
        except Exception as e:  # one bad article never stops the batch
            out.append(f"extraction failed: {e!r}")
            continue
        checks = [checkworthy_values(c) for c in ex.claims]
        out.append(_shape(ex, checks, statuses, pg) if shape else (ex, checks))
    return out


def _claim_rows(ex: Extraction, checks: list[dict[str, Any] | None] | None, statuses: Statuses) -> list[dict]:
    """The claim rows of ``ex`` as far as they are known before the write: everything but the
    ids the store gives (article, speaker row, person, the claim's own) and the time, which
    :func:`_write_batch` fills in. Built for the next batch while the server inserts the claims
    of the one before (:meth:`_Writer._idle`): folding the texts and shaping the rows was a
    fifteenth of a load's writer time."""
    checks = checks or [None] * len(ex.claims)
    return [
        _new_claim(c.claim_id, 0, statuses, None, _claim_values(c, {}, check))
        for c, check in zip(ex.claims, checks, strict=True)
    ]


def _claim_texts(rows: list[dict[str, Any]]) -> list[ClaimText]:
    """The claims of ``rows`` read for grouping, the ids the store gives left for the write to
    set (``id``, ``person_id``, ``article_id``): reading the words is a claim's content alone."""
    return [
        prepare(0, r["content"], r["lang"], speaker=r["speaker"], folded=r["content_folded"])  # folded: search_key
        for r in rows
    ]


def _claim_copy(
    ex: Extraction, checks: list[dict[str, Any] | None] | None, statuses: Statuses
) -> tuple[tuple[str, ...], list[str], list[ClaimText]] | None:
    """What ``_copy_statics(_claim_rows(ex, checks, statuses))`` gives (but in the columns'
    order :func:`_claim_columns` gives), with the claims read for grouping, formatted straight
    from the claims: a row's dict cost more to build than its COPY text. None when a value is
    not one COPY text is written for here (the rows are then built and formatted)."""
    cols, head = _claim_columns(statuses)
    values = _EXTRACTED_VALUES
    lines: list[str] = []
    texts: list[ClaimText] = []
    try:
        for c, check in zip(ex.claims, checks or [None] * len(ex.claims), strict=True):
            if check is None:
                check = checkworthy_values(c)
            if len(check) != 2:
                return None  # other columns than checkworthy's two
            folded = search_key(c.content)
            tail = (
                "|".join(c.flags),
                c.speaker.lower(),
                folded,
                check["checkworthy"],
                check["checkworthy_reasons"],
            )
            lines.append(
                f"{copy_text(c.claim_id)}\t{head}\t{_TAB.join(map(_copy_field, values(c)))}"
                f"\t{_TAB.join(map(_copy_field, tail))}"
            )
            texts.append(prepare(0, c.content, c.lang, speaker=c.speaker, folded=folded))
    except TypeError:
        return None
    return cols, lines, texts


_TAB = "\t"
_EXTRACTED_VALUES = operator.attrgetter(*EXTRACTED)
_CLAIM_TAIL = ("flags", "speaker_lower", "content_folded", "checkworthy", "checkworthy_reasons")


@functools.lru_cache(maxsize=8)
def _claim_columns(statuses: Statuses) -> tuple[tuple[str, ...], str]:
    """(the claims' COPY columns but :data:`WRITTEN_COLUMNS`, the COPY text of the values every
    new claim has the same: its status, no analyst work) for :func:`_claim_copy`, read off
    :func:`_new_claim` so that the two never differ."""
    same = {
        k: v for k, v in _new_claim("", 0, statuses, None, {}).items() if k != "claim_key" and k not in WRITTEN_COLUMNS
    }
    head = "\t".join(_copy_field(v) for v in same.values())
    return ("claim_key", *same, *EXTRACTED, *_CLAIM_TAIL), head


def _shape(ex: Extraction, checks: list[dict[str, Any] | None] | None, statuses: Statuses, pg: bool) -> _Shaped:
    """``ex`` (its claims' check-worthiness ``checks``) as the write stores it: the claim rows,
    their words read for grouping and, on PostgreSQL, their COPY text (and then not the rows)
    but for the store's ids, its speaker rows but for the ids and its speakers' name keys."""
    fast = _claim_copy(ex, checks, statuses) if pg else None
    if fast is not None:
        cols, lines, texts = fast
        rows, copied = None, (cols, lines)
    else:
        rows = _claim_rows(ex, checks, statuses)
        texts = _claim_texts(rows)
        copied = _copy_statics(rows) if pg else None
    speakers = [
        dict(
            local_id=sp.speaker_id,
            name=sp.name,
            type=sp.type,
            aliases=_json_list(sp.aliases),
            roles=_json_list(sp.roles),
        )
        for sp in ex.speakers
    ]
    return _Shaped(
        ex.lang,
        ex.speakers,
        [c.speaker_id for c in ex.claims],
        rows if copied is None else None,
        texts,
        copied,
        speakers,
        speaker_keys(ex.speakers, ex.lang),
        sum(1 for check in checks if check is None) if checks is not None else len(ex.claims),
    )


# The claim columns only the write knows (the store's ids, the group, the time): first in the
# claims' COPY; the rest of a row is formatted as COPY text when it is read (_copy_statics)
_NULL = "\\N"  # COPY's text for NULL
WRITTEN_COLUMNS = ("id", "article_id", "article_speaker_id", "person_id", "group_id", "updated_at")


def _copy_statics(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[str]] | None:
    """(columns, each row's values of them as COPY text): every column of ``rows`` but
    :data:`WRITTEN_COLUMNS`, in the rows' order. Formatted off the writer thread, which then
    writes a row's own ids before it; None when a value is of a type :func:`_copy_field` does not
    write (psycopg's COPY then formats the rows)."""
    if not rows:
        return (), []
    cols = tuple(k for k in rows[0] if k not in WRITTEN_COLUMNS)
    try:
        return cols, ["\t".join([_copy_field(r[k]) for k in cols]) for r in rows]
    except TypeError:
        return None


def _copy_field(value: Any) -> str:
    """``value`` (None, a bool, int, float or str) as a field of COPY's text format, as psycopg
    writes it: ``\\N`` for NULL, ``t``/``f``, a float's shortest exact decimal (``repr``)."""
    if value is None:
        return _NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    kind = type(value)
    if kind is str:
        return copy_text(value)
    if kind is int:
        return str(value)
    if kind is float:
        return repr(value)
    raise TypeError(f"no COPY text for {kind.__name__}")


def _copy_claims(
    conn: Connection,
    rows: list[dict[str, Any]],
    statics: list[str],
    cols: tuple[str, ...],
    ts: datetime,
    idle: Callable[[Callable[[], bool] | None], None] = lambda _busy: None,
) -> None:
    """The claim ``rows`` into PostgreSQL with COPY: each row's :data:`WRITTEN_COLUMNS` from the
    row (its time ``ts``, the batch's), then its ``cols`` as the COPY text ``statics`` holds for
    it. ``idle(None)`` is called once all is sent, while the server inserts them (a bulk
    batch's longest wait on the server)."""
    if not rows:
        return
    when = ts.isoformat()  # psycopg's text for a datetime
    with copy_into(conn, claims.name, (*WRITTEN_COLUMNS, *cols), queued=True) as copy:
        lines: list[str] = []
        for r, rest in zip(rows, statics, strict=True):
            sid, pid, gid = r["article_speaker_id"], r["person_id"], r["group_id"]
            lines.append(
                f"{r['id']}\t{r['article_id']}\t{_NULL if sid is None else sid}\t{_NULL if pid is None else pid}"
                f"\t{_NULL if gid is None else gid}\t{when}\t{rest}\n"
            )
            if len(lines) >= 10_000:
                copy.write("".join(lines))
                lines = []
        if lines:
            copy.write("".join(lines))
        idle(None)


class _BatchLinker(PersonLinker):
    """PersonLinker over the speakers of a whole batch: the stored persons for every name in the
    batch are read with one query, and a person made for one article is seen by the next, exactly
    as when each article is its own transaction."""

    def __init__(self, conn: Connection, keyed: list[SpeakerKeys]) -> None:
        """``keyed``: each article's :func:`speaker_keys`, in the batch's order (worked out
        before the write, see :func:`_shape`)."""
        self.conn = conn
        self.per_article = [keys for keys, _, _ in keyed]
        self.canon_per_article = [canon for _, canon, _ in keyed]
        self.roles_per_article = [roles for _, _, roles in keyed]
        # PersonLinker.__init__ with every speaker of the batch at once: keys are set per article below
        self.lang = ""
        self.keys = {f"{i}:{sid}": k for i, keys in enumerate(self.per_article) for sid, k in keys.items()}
        skeletons = {skeleton(k[-1]) for k in self.keys.values() if k}
        self.rows = candidate_persons(conn, _among(conn, persons.c.skeleton, sorted(skeletons))) if skeletons else []

        # rows by (skeleton, type): PersonLinker scans its list per speaker, which is fine for one
        # article's rows and quadratic for a batch's
        self.by_skeleton: dict[tuple[str, str], list[dict]] = {}
        for r in self.rows:
            self.by_skeleton.setdefault((r["skeleton"], r["type"]), []).append(r)

    def link_article(self, i: int, speakers: list[Speaker]) -> dict[str, dict | None]:
        """The person of each of the ``i``-th article's ``speakers`` (None: not linked)."""
        self.keys = self.per_article[i]
        self.canon, self.roles_of = self.canon_per_article[i], self.roles_per_article[i]
        return {sp.speaker_id: self.link(sp) for sp in speakers}

    def link(self, sp: Speaker) -> dict | None:
        """PersonLinker.link with the candidate rows looked up by skeleton instead of scanned;
        the same choice (an exact name, else the one row that fits, else a new person)."""
        keys = self.keys.get(sp.speaker_id)
        if not keys:
            return None
        sk = skeleton(keys[-1])
        rows = self.by_skeleton.setdefault((sk, sp.type), [])
        mine = tuple(keys)
        fits = [r for r in rows if _fits(mine, tuple(r["name_keys"].split()))]
        pick = self._choose(sp, sk, keys, fits)
        if pick["id"] is None and pick not in rows:
            rows.append(pick)  # a new person: the next article of the batch finds it by skeleton
        return pick

    def flush(self) -> None:
        """PersonLinker.flush, with the stored persons a batch changed (names, aliases) updated in
        one executemany rather than one statement each: a batch touches hundreds."""
        changed = [r for r in self.rows if r["changed"] and r["id"] is not None]
        if changed:
            self.conn.execute(
                update(persons)
                .where(persons.c.id == bindparam("pid"))
                .values(name=bindparam("n"), name_keys=bindparam("k"), aliases=bindparam("a"), roles=bindparam("ro")),
                [
                    dict(pid=r["id"], n=r["name"], k=r["name_keys"], a=r["aliases"], ro=r.get("roles", "[]"))
                    for r in changed
                ],
            )
            for r in changed:
                r["changed"] = False
        super().flush()  # inserts the new persons


@functools.lru_cache(maxsize=65_536)
def _fits(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    # an archive names the same people over and over: the fuzzy sub-name test is worth remembering
    return is_subname(list(a), list(b)) or is_subname(list(b), list(a))


def _among(conn: Connection, column: Any, values: Iterable[Any]) -> Any:
    """``column IN values`` for a batch's worth of values: on PostgreSQL one array parameter
    (``= ANY``), since an IN list of 500 parameters costs more to build and parse than to run."""
    values = list(values)
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _copy_rows(conn: Connection, table: Any, rows: list[dict]) -> None:
    """Rows into ``table`` with PostgreSQL COPY (one stream; no statement per row)."""
    with _copied(conn, table, rows, queued=False):
        pass  # the rows are the whole COPY: nothing to do while it runs


@contextlib.contextmanager
def _copied(conn: Connection, table: Any, rows: list[dict], *, queued: bool = True) -> Iterator[None]:
    """Rows into ``table`` with PostgreSQL COPY, ended (and waited for) when the block is left;
    nothing when there are no rows. ``queued``: the server inserts them while the block runs."""
    if not rows:
        yield
        return
    cols = list(rows[0])
    values = operator.itemgetter(*cols)  # a row's values in column order, picked in C
    with copy_into(conn, table.name, cols, queued=queued) as copy:
        for r in rows:
            copy.write_row(values(r))
        yield


def _json_list(items: list[str]) -> str:
    """``items`` as the JSON the speaker rows store; most speakers have no aliases or roles."""
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def _write_batch(
    conn: Connection,
    batch: list[_Pending],
    statuses: Statuses,
    analyst: str,
    lang: str | None,
    counts: BulkCounts,
    cache: ClaimCache | None = None,
    idle: Callable[[Callable[[], bool] | None], None] = lambda _busy: None,
    read: Connection | None = None,
) -> list[_Pending]:
    """Store the extracted articles of ``batch`` in this transaction, their claims grouped as one
    article per transaction would group them; returns those stored. ``cache`` keeps the claims
    read for grouping between the batches of one load; ``idle`` is called while grouping's
    reads run (with a test of whether they still do) and, with None, while the server inserts
    the batch's claims (the writer shapes the next batch then). ``read`` (PostgreSQL):
    a second connection that grouping reads the stored claims on while the index rows are COPY'd
    on this one (see :func:`group_units`)."""
    pg = conn.dialect.name == "postgresql"
    check_can_edit(conn, analyst)
    lock_persons(conn)  # as ingest_text: every article committed before is seen, none half-way
    if pg and cache is not None:
        cache.written_by(conn)  # the claims it holds are what this load wrote them as
    hashes = [p.hash for p in batch]
    stored = set(conn.execute(select(articles.c.text_hash).where(_among(conn, articles.c.text_hash, hashes))).scalars())
    taken = set(
        conn.execute(
            select(articles.c.article_key).where(_among(conn, articles.c.article_key, [p.key for p in batch]))
        ).scalars()
    )
    todo: list[_Pending] = []
    for p in batch:
        if p.hash in stored:  # stored meanwhile by another writer
            counts.duplicate += 1
            continue
        if p.key in taken:  # taken meanwhile: the same rule as ingest_text, extracted again under the new id
            p.key = f"{p.key[: LIMITS['article id'] - CLASH_SUFFIX]}-{p.hash[:8]}"
            p.extraction = extract_article(p.text, lang=lang, article_id=p.key)
            p.checks = p.shaped = None  # scored and shaped below
        stored.add(p.hash)
        taken.add(p.key)
        todo.append(p)
    if not todo:
        return []
    for p in todo:
        if p.extraction is not None and p.shaped is None:  # not shaped ahead, or extracted again above
            p.shaped, p.extraction = _shape(p.extraction, p.checks, statuses, pg), None
    ts = now()
    art_rows = [
        dict(
            article_key=p.key,
            text_hash=p.hash,
            text=p.text,
            **p.fields,
            lang=p.shaped.lang if p.shaped else "",
            extractor_version=__version__,
            created_at=ts,
            added_by=analyst,
        )
        for p in todo
    ]
    shaped = [p.shaped for p in todo if p.shaped is not None]
    # PostgreSQL: every id from its sequence first, so that the articles and their speaker rows
    # are COPY'd while this thread shapes the next rows (the server inserting them meanwhile)
    if pg:
        art_ids = next_ids(conn, articles.name, len(art_rows))
    else:
        art_ids = list(
            conn.execute(insert(articles).returning(articles.c.id, sort_by_parameter_order=True), art_rows).scalars()
        )
    linker = _BatchLinker(conn, [sh.keys for sh in shaped])
    picks = [linker.link_article(i, sh.speakers) for i, sh in enumerate(shaped)]
    linker.flush()  # new persons get their ids
    if pg:
        sp_ids = next_ids(conn, article_speakers.name, sum(len(sh.speaker_rows) for sh in shaped))
        claim_ids = next_ids(conn, claims.name, sum(len(sh.claim_speakers) for sh in shaped))
    pg_art_rows = [dict(id=i, **r) for i, r in zip(art_ids, art_rows, strict=True)] if pg else []
    with _copied(conn, articles, pg_art_rows):
        sp_rows = [
            dict(article_id=aid, **row, person_id=(pick[row["local_id"]] or {}).get("id"))
            for aid, sh, pick in zip(art_ids, shaped, picks, strict=True)
            for row in sh.speaker_rows
        ]
    if pg:
        for r, sid in zip(sp_rows, sp_ids, strict=True):
            r["id"] = sid
    elif sp_rows:
        sp_ids = list(
            conn.execute(
                insert(article_speakers).returning(article_speakers.c.id, sort_by_parameter_order=True), sp_rows
            ).scalars()
        )
    else:
        sp_ids = []
    with contextlib.ExitStack() as copying:
        copying.enter_context(_copied(conn, article_speakers, sp_rows if pg else []))
        # article id -> local speaker id -> (article speaker row id, person id), as store_speakers gives
        speakers: dict[int, dict[str, tuple[int, int | None]]] = {aid: {} for aid in art_ids}
        for r, sid in zip(sp_rows, sp_ids, strict=True):
            speakers[r["article_id"]][r["local_id"]] = (sid, r["person_id"])
        claim_rows = []
        claim_texts: list[ClaimText] = []
        # PostgreSQL: columns -> (rows, their COPY text but for WRITTEN_COLUMNS); rows whose
        # values psycopg must format under None (one COPY each)
        copies: dict[tuple[str, ...] | None, tuple[list[dict[str, Any]], list[str]]] = {}
        no_speaker = (None, None)
        for aid, sh in zip(art_ids, shaped, strict=True):
            local = speakers[aid]
            counts.scored_at_load += sh.unscored
            # with the COPY text shaped, a claim's row holds only what the write gives it
            rows = sh.rows if sh.rows is not None else [{} for _ in sh.claim_speakers]
            for speaker_id, r in zip(sh.claim_speakers, rows, strict=True):
                r["article_id"], r["updated_at"] = aid, ts
                r["article_speaker_id"], r["person_id"] = local.get(speaker_id, no_speaker)
            claim_rows.extend(rows)
            claim_texts.extend(sh.texts)
            if pg and rows:
                cols, lines = sh.copy if sh.copy is not None else (None, [])
                held = copies.setdefault(cols, ([], []))
                held[0].extend(rows)
                held[1].extend(lines)
        # Grouping, each article as its own transaction would group it (group_units), decided
        # before the claims are written on PostgreSQL so that each row is COPY'd with its group
        # id: the claims' ids came from the sequence. SQLite inserts them and updates those that joined.
        if pg:
            for r, cid in zip(claim_rows, claim_ids, strict=True):
                r["id"] = cid
        elif claim_rows:
            ids = conn.execute(
                insert(claims).returning(claims.c.id, sort_by_parameter_order=True), claim_rows
            ).scalars()
            for r, cid in zip(claim_rows, list(ids), strict=True):
                r["id"] = cid
        units: dict[int, list[ClaimText]] = {aid: [] for aid in art_ids}
        for r, t in zip(claim_rows, claim_texts, strict=True):
            t.id, t.person_id, t.article_id = r["id"], r["person_id"], r["article_id"]
            units[t.article_id].append(t)
        # the speaker rows' COPY is ended by grouping, while it reads the index on ``read``
        speakers_copied = copying.pop_all().close
    # on PostgreSQL the index rows go in while the claims are compared (they point to claims
    # COPY'd below: the index has no foreign key there, migration 0009)
    grouped = group_units(
        conn, list(units.values()), cache=cache, stream_terms=pg, read=read, ready=speakers_copied, idle=idle
    )
    if pg:
        for r in claim_rows:
            r["group_id"] = grouped.joined.get(r["id"])
        for cols, (rows, lines) in copies.items():
            if cols is None:
                _copy_rows(conn, claims, rows)
            else:
                _copy_claims(conn, rows, lines, cols, ts, idle)
    new_ids = {r["id"] for r in claim_rows}
    write_grouped(conn, grouped, written=new_ids if pg else frozenset())
    if pg and cache is not None:
        # stored claims given a group: the update went on top of whatever was committed since
        # they were read, which the cache would not see again (ClaimCache.written_by)
        cache.forget([cid for cid in grouped.joined if cid not in new_ids])
    counts.grouped += len(grouped.joined)
    counts.new += len(todo)
    counts.claims += len(claim_rows)
    return todo


def bulk_ingest(
    engine: Engine,
    items: Iterable[Article | InputError],
    *,
    lang: str | None = None,
    jobs: int = 1,
    batch_size: int = BATCH_ARTICLES,
    statuses: Statuses | None = None,
    analyst: str = "",
    report: Callable[[str], None] = lambda _msg: None,
    progress: Callable[[int], None] = lambda _n: None,
    extracted: ExtractedClaims | None = None,
) -> BulkCounts:
    """Ingest ``items`` in transactions of ``batch_size`` articles, extracting on ``jobs``
    processes, or, with ``extracted``, storing the claims of that file instead of extracting
    (see :mod:`claims.store.extracted`; ``counts.unused_claims`` then lists the article ids
    whose claims no article of ``items`` took). ``report`` gets a line per skipped item
    ("ORIGIN: why"), ``progress`` the number of items done after each one. Raises
    ``PermissionDenied`` (before anything is written) when ``analyst`` may not edit."""
    statuses = statuses or load_statuses()
    analyst = (analyst or "").strip()
    lang = None if lang in (None, "", "auto") else lang
    counts = BulkCounts()
    with writing(engine) as conn:  # refuse a viewer before extracting anything
        check_can_edit(conn, analyst)

    def fail(origin: str, why: str) -> None:
        counts.failed += 1
        counts.failures.append(f"{origin}: {why}")
        report(f"{origin}: {why}")

    with _collections_per_batch() as collect:
        writer = _Writer(engine, statuses, analyst, lang, collect)
        batch: list[_Pending] = []
        if extracted is not None:
            items = _noted(items, extracted)
        resolved = _resolve(engine, items, analyst, counts, fail)
        # on more than one process the workers shape what they extract; in this one the writer
        # does, while it waits on the server
        how = (lang, statuses, engine.dialect.name == "postgresql", jobs > 1)
        if extracted is None:
            outcomes = map_ordered(_extract_chunk, resolved, how, jobs=jobs)
        else:
            # read here: sending a claims file's rows to workers and the shaped claims back cost
            # the loading process as much as shaping them (measured: 10,000 articles, 2 cores)
            outcomes = _from_file(resolved, extracted, how)
        done = False
        try:
            for out in outcomes:
                if isinstance(out, _Passed):
                    progress(1)
                    continue
                article, result = out
                pending = article.pending
                if isinstance(result, str):
                    fail(article.origin, result)
                else:
                    if isinstance(result, _Shaped):
                        pending.shaped = result
                    else:
                        pending.extraction, pending.checks = result
                    batch.append(pending)
                progress(1)
                if len(batch) >= batch_size:
                    writer.put(batch)
                    batch = []
            if batch:
                writer.put(batch)
            done = True
        finally:
            # never return while a batch is still being written; a failure of the reading side
            # stays the one raised
            writer.close(counts, raise_error=done)
    if extracted is not None:
        counts.unused_claims = extracted.unused()
    return counts


def _noted(items: Iterable[Article | InputError], extracted: ExtractedClaims) -> Iterator[Article | InputError]:
    """``items`` unchanged, each article's id noted in ``extracted`` (for its unused claims)."""
    for item in items:
        if isinstance(item, Article):
            extracted.note(item.article_id)
        yield item


def _from_file(
    items: Iterable[_Keyed | _Passed], extracted: ExtractedClaims, how: tuple[str | None, Statuses, bool, bool]
) -> Iterator[_Passed | tuple[_Keyed, _Outcome]]:
    """The outcomes map_ordered would give, read from a claims file instead of extracted. An
    article stored under another id than its own (its id taken by another text) is extracted
    here after all: its claim ids derive from the id it is stored under."""
    lang, statuses, pg, _ = how
    for item in items:
        if isinstance(item, _Passed):
            yield item
        elif item.article_id != item.pending.article.article_id.replace("\x00", ""):
            yield item, _extract_chunk([item], (lang, statuses, pg, False))[0]
        else:
            ex, checks = extracted.scored_extraction(item.article_id, item.text)
            yield item, ex if isinstance(ex, str) else (ex, checks)


class _Writer:
    """Commits batches on a thread of its own while the next batch is read or extracted: the
    database's share of a batch (COPY, index updates, the commit) then overlaps the work of the
    next one instead of following it. One batch waits at most, so memory holds two batches; the
    batches commit in input order, each whole or not at all, and a failure in a commit is raised
    in the caller at its next ``put`` or at ``close``."""

    def __init__(
        self, engine: Engine, statuses: Statuses, analyst: str, lang: str | None, collect: Callable[[int], None]
    ) -> None:
        self.engine, self.statuses, self.analyst, self.lang = engine, statuses, analyst, lang
        self.collect = collect  # called with the number of batches written after each
        self.counts = BulkCounts()  # the writer's own: the reading side counts in its own object
        self.cache = ClaimCache()  # claims read for grouping, kept from batch to batch
        self.error: BaseException | None = None
        self.ahead: list[list[_Pending] | None] = []  # the batch after the one written, once _idle took it
        self.collected = False  # the batch being written collected its garbage (in _idle)
        self.queue: queue.Queue[list[_Pending] | None] = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._run, name="claims-bulk-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.ExitStack() as stack:
            read = None
            if self.engine.dialect.name == "postgresql":
                # grouping's reads, each statement its own transaction: it sees every batch
                # committed before, and the persons lock keeps other writers out meanwhile
                try:
                    read = stack.enter_context(self.engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
                except BaseException as e:  # handed to the caller; the batches are drained unwritten
                    self.error = e
            self._write_all(read)

    def _write_all(self, read: Connection | None) -> None:
        batch = self.queue.get()
        while batch is not None:
            self.ahead = []
            self.collected = False
            if self.error is None:  # else drain: nothing after a failed batch is written
                try:
                    t0 = time.perf_counter()
                    self._prepare(batch)
                    with writing(self.engine) as conn:
                        _write_batch(
                            conn,
                            batch,
                            self.statuses,
                            self.analyst,
                            self.lang,
                            self.counts,
                            self.cache,
                            self._idle,
                            read,
                        )
                    self.counts.write_seconds += time.perf_counter() - t0
                    self.counts.batches += 1
                    if not self.collected:  # not done while the server inserted the claims
                        self.collect(self.counts.batches)
                except BaseException as e:  # handed to the caller, which raises it
                    self.error = e
            batch = self.ahead[0] if self.ahead else self.queue.get()

    def _idle(self, busy: Callable[[], bool] | None = None) -> None:
        """While the server works for this batch: take the next batch, if it is read, and shape
        its rows (:func:`_shape`), an article at a time while ``busy()`` (grouping's reads, see
        :func:`group_units`), or all that is left and then collect the batch's cyclic garbage
        (``busy`` None: the server inserts the claims). Done here rather than by the reading
        thread, whose work on the next batch otherwise fell in this thread's busiest part and
        held the GIL, or after the commit, with the server idle."""
        if not self.ahead:
            with contextlib.suppress(queue.Empty):
                self.ahead.append(self.queue.get_nowait())
        if self.ahead and self.ahead[0] is not None:
            with contextlib.suppress(Exception):  # a failure is met again in that batch's own turn
                self._prepare(self.ahead[0], busy)
        if busy is None and not self.collected:
            self.collect(self.counts.batches + 1)
            self.collected = True

    def _prepare(self, batch: list[_Pending], busy: Callable[[], bool] | None = None) -> None:
        """:func:`_shape` each extracted article of ``batch`` not shaped yet (while ``busy()``)."""
        pg = self.engine.dialect.name == "postgresql"
        for p in batch:
            if busy is not None and not busy():
                return
            if p.extraction is not None and p.shaped is None:
                p.shaped, p.extraction = _shape(p.extraction, p.checks, self.statuses, pg), None

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, batch: list[_Pending]) -> None:
        self._raise()
        self.queue.put(batch)

    def close(self, counts: BulkCounts, raise_error: bool = True) -> None:
        """Wait for every batch, add the writer's counts to ``counts`` and raise its failure."""
        self.queue.put(None)
        self.thread.join()
        counts.add(self.counts)
        if raise_error:
            self._raise()


@contextlib.contextmanager
def _collections_per_batch() -> Iterator[Callable[[int], None]]:
    """Pause the cyclic collector for a load (see :data:`FULL_COLLECTION_EVERY`); yields what the
    writer calls after each batch. A caller that had paused it keeps it paused, uncollected."""
    if not gc.isenabled():
        yield lambda _n: None
        return

    def collect(batches: int) -> None:
        gc.collect(2 if batches % FULL_COLLECTION_EVERY == 0 else 1)

    gc.disable()
    try:
        yield collect
    finally:
        gc.enable()


@dataclass
class _Passed:
    """An item that needs no extraction (unreadable input, duplicate, bad field): counted already."""


@dataclass
class _Keyed(Article):
    """An article whose store key is resolved; ``article_id`` is that key (claim ids derive from it)."""

    pending: Any = None

    def __reduce__(self) -> tuple[Any, tuple[str, str, str]]:
        # a worker needs the id and text only: the rest stays in the parent, not pickled each way
        return (Article, (self.article_id, self.text, self.origin))


def _resolve(
    engine: Engine, items: Iterable[Article | InputError], analyst: str, counts: BulkCounts, fail: Callable
) -> Iterator[_Keyed | _Passed]:
    """Articles with their keys resolved, duplicates and bad input counted and passed through.

    Looked up a window at a time (one query each for hashes and keys), so a rerun after a kill
    skips what is stored without extracting it. The write re-checks under the lock."""
    window: list[Article | InputError] = []

    def flush() -> Iterator[_Keyed | _Passed]:
        cleaned: list[tuple[Article, str, dict[str, str], str] | None] = []
        for a in window:
            if isinstance(a, InputError):
                fail(a.origin, a.message)
                cleaned.append(None)
                continue
            text, fields = _clean(a)
            try:
                if not text.strip():
                    raise ValueError("empty article")
                _check_lengths(
                    article_id=a.article_id.replace("\x00", ""),
                    outlet=fields["outlet"],
                    published_date=fields["published"],
                    user_name=analyst,
                )
            except ValueError as e:
                fail(a.origin, str(e))
                cleaned.append(None)
                continue
            cleaned.append((a, text, fields, text_hash(text)))
        live = [c for c in cleaned if c]
        with engine.connect() as conn:
            stored = set(
                conn.execute(
                    select(articles.c.text_hash).where(_among(conn, articles.c.text_hash, [c[3] for c in live]))
                )
                .scalars()
                .all()
            )
            keys = {c[0].article_id.replace("\x00", "") or c[3][:16] for c in live}
            taken = set(
                conn.execute(select(articles.c.article_key).where(_among(conn, articles.c.article_key, keys))).scalars()
            )
        for c in cleaned:
            if c is None:
                yield _Passed()
                continue
            a, text, fields, h = c
            if h in stored:
                counts.duplicate += 1
                yield _Passed()
                continue
            stored.add(h)  # the same text later in the input is a duplicate of this one
            key = a.article_id.replace("\x00", "") or h[:16]
            if key in taken:
                key = f"{key[: LIMITS['article id'] - CLASH_SUFFIX]}-{h[:8]}"
            taken.add(key)
            pending = _Pending(a, key, text, h, fields)
            yield _Keyed(key, text, a.origin, {}, pending)
        window.clear()

    for item in items:
        window.append(item)
        if len(window) >= 500:
            yield from flush()
    if window:
        yield from flush()
