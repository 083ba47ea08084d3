"""The same claim across articles: claims that state the same thing, grouped as they are stored.

Ten outlets reporting one statement give ten claims; grouped, an analyst checks it once. A claim's
content is compared in the spelling the engine matches on (folded by
:mod:`claims.pipeline.normalise` and lower-cased, as search stores it). Candidates are found by an
index, never by comparing all pairs: every claim's content terms (stop words out, prefixed by the
language) are rows of ``claim_terms``, and a new claim is compared only with the stored claims that
share at least two of its :data:`BLOCK_TERMS` rarest terms. A candidate is the same claim when

- it is in the same language,
- it says "not" (or "doubt", "नहीं" …: the pack's ``negators`` and ``polarity``) as often,
- its numbers agree (those of the shorter claim all occur in the longer: "147 नए केस" is not
  "150 नए केस"),
- rapidfuzz's token-set similarity of the two folded texts is at least :data:`SAME_SPEAKER`
  (:data:`ANY_SPEAKER` when the speakers differ), the shorter claim's terms are mostly in the
  longer (:data:`MIN_OVERLAP`) and the longer's at least half in the shorter (:data:`MIN_COVER`:
  token-set similarity alone calls a three-word fragment of a long passage the same),
- and, when the speakers are different persons, the content holds no word whose meaning depends on
  who says it (the pack's ``speaker_bound``: "मैं इस्तीफा नहीं दूंगा" from two speakers is two
  claims).

A new claim joins the group of the best such candidate (a group is made for the pair when the
candidate had none, with the earlier claim as its representative). Nothing an analyst wrote is
touched here: a group's verdict is only *offered* to its other claims and applied per claim when
the analyst confirms (:mod:`claims.store.group_verdicts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex
from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql

from claims.lang import available, load
from claims.store.accounts import check_can_edit
from claims.store.db import reading, writing
from claims.store.linking import lock_persons, now
from claims.store.schema import articles, claim_groups, claim_terms, claims
from claims.store.search import search_key

SAME_SPEAKER = 80  # token-set similarity (0-100) for the same person's claims
ANY_SPEAKER = 88  # … and for claims of different or unknown speakers
MIN_OVERLAP = 0.6  # share of the shorter claim's terms found in the longer
MIN_COVER = 0.5  # … and of the longer claim's terms found in the shorter (a fragment is not the claim)
MIN_TERMS = 3  # claims with fewer content terms are too short to tell apart ("यह गलत है")
BLOCK_TERMS = 6  # a claim is looked up by this many of its rarest terms
MIN_SHARED = 2  # … and a candidate shares at least this many of them
MAX_POSTINGS = 5000  # a term in more stored claims than this finds no candidates (too common)
MAX_CANDIDATES = 40  # compared per claim, most shared terms first
PER_TERM = 200  # claims of one term counted per claim: a claim repeated 10,000 times stays linear
TERM_LENGTH = claim_terms.c.term.type.length
CHUNK = 900  # parameters per IN list on SQLite

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’.-][\p{L}\p{M}\p{N}]+)*")
_DIGITS = regex.compile(r"\p{Nd}+(?:[.,]\p{Nd}+)*")


@cache
def _words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """(stop words, speaker-bound words) of ``lang``'s pack, folded and lower-cased; empty sets
    for a language without a pack."""
    if lang not in available():
        return frozenset(), frozenset()
    p = load(lang)
    g = p.grammar
    stop = set(p.stop) | set(p.determiners)
    for k in ("postpositions", "conjunctions", "finite_verbs", "tense_auxiliaries", "passive_auxiliaries"):
        stop |= set(g.get(k, []))
    bound = {search_key(w) for w in g.get("speaker_bound", [])}
    return frozenset(search_key(w) for w in stop), frozenset(bound)


@cache
def _number_words(lang: str) -> dict[str, str]:
    """Numbers written as words in ``lang`` ("छह" → "6"), folded and lower-cased."""
    if lang not in available():
        return {}
    return {search_key(w): str(n) for w, n in load(lang).grammar.get("number_words", {}).items()}


@cache
def _polarity(lang: str) -> frozenset[str]:
    """Words that turn a statement round ("not", "नहीं", "doubt"), folded and lower-cased."""
    if lang not in available():
        return frozenset()
    g = load(lang).grammar
    return frozenset(search_key(w) for w in [*g.get("negators", []), *g.get("polarity", [])])


def _number(token: str) -> str:
    """A number as digits, whatever the script ("१४७" → "147"), separators dropped."""
    return "".join(str(int(ch)) if ch.isdigit() else "" for ch in token)


@dataclass
class ClaimText:
    """One claim as grouping compares it (built by :func:`prepare`)."""

    id: int
    lang: str
    norm: str  # folded, lower-cased words joined by spaces
    terms: list[str]  # content terms, in order, without repeats, language-prefixed
    numbers: frozenset[str]
    bound: bool  # holds a speaker-bound word
    polarity: int  # how many words that turn a statement round it holds
    person_id: int | None
    speaker: str  # as shown, lower-cased ("" when unknown)
    group_id: int | None = None
    article_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def prepare(
    claim_id: int,
    content: str,
    lang: str,
    *,
    person_id: int | None = None,
    speaker: str = "",
    group_id: int | None = None,
    article_id: int | None = None,
) -> ClaimText:
    """``content`` read for grouping. Terms longer than the index column are cut to fit."""
    folded = search_key(content)
    words = _WORD.findall(folded)
    stop, bound = _words(lang)
    terms = list(dict.fromkeys(f"{lang}:{w}"[:TERM_LENGTH] for w in words if w not in stop and len(w) > 1))
    spelled = _number_words(lang)
    numbers = frozenset(n for n in (_number(m) for m in _DIGITS.findall(folded)) if n) | {
        spelled[w] for w in words if w in spelled
    }
    return ClaimText(
        claim_id,
        lang,
        " ".join(words),
        terms,
        numbers,
        any(w in bound for w in words),
        sum(w in _polarity(lang) for w in words),
        person_id,
        speaker.strip().lower(),
        group_id,
        article_id,
    )


def similarity(a: ClaimText, b: ClaimText) -> float:
    """How alike two claims read (0-100): rapidfuzz token-set similarity of the folded words,
    0 when the shorter claim's terms are mostly not in the longer (see :data:`MIN_OVERLAP`)."""
    if not a.terms or not b.terms:
        return 0.0
    short, long_ = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    shared = len(set(short.terms) & set(long_.terms))
    if shared / len(short.terms) < MIN_OVERLAP or shared / len(long_.terms) < MIN_COVER:
        return 0.0
    return fuzz.token_set_ratio(a.norm, b.norm)


def same_speaker(a: ClaimText, b: ClaimText) -> bool | None:
    """True for one person (or one speaker name), False for two, None when either is unknown."""
    if a.person_id is not None and b.person_id is not None:
        return a.person_id == b.person_id
    if a.speaker and b.speaker:
        return a.speaker == b.speaker
    return None


def same_claim(a: ClaimText, b: ClaimText) -> float:
    """The similarity of ``a`` and ``b`` when they state the same thing, else 0 (the rules of the
    module docstring)."""
    if a.lang != b.lang or len(a.terms) < MIN_TERMS or len(b.terms) < MIN_TERMS:
        return 0.0
    short, long_ = (a.numbers, b.numbers) if len(a.terms) <= len(b.terms) else (b.numbers, a.numbers)
    if not short <= long_:
        return 0.0
    if a.polarity != b.polarity:
        return 0.0  # "doubt that North Korea had the capability" is not "North Korea had the capability"
    speaker = same_speaker(a, b)
    if speaker is False and (a.bound or b.bound):
        return 0.0  # "I", "we", "you": the same words from another speaker mean something else
    score = similarity(a, b)
    return score if score >= (SAME_SPEAKER if speaker else ANY_SPEAKER) else 0.0


# ---------------------------------------------------------------- the index in the store
def _among(conn: Connection, column: Any, values: Sequence[Any]) -> Iterable[Any]:
    """Conditions ``column IN values`` a chunk at a time (one array on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        yield column == func.any(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
        return
    for i in range(0, len(values), CHUNK):
        yield column.in_(values[i : i + CHUNK])


def _df(conn: Connection, terms: Sequence[str]) -> Counter:
    counts: Counter = Counter()
    for cond in _among(conn, claim_terms.c.term, terms):
        counts.update(
            dict(conn.execute(select(claim_terms.c.term, func.count()).where(cond).group_by(claim_terms.c.term)).all())
        )
    return counts


def _postings(conn: Connection, terms: Sequence[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for cond in _among(conn, claim_terms.c.term, terms):
        for term, cid in conn.execute(select(claim_terms.c.term, claim_terms.c.claim_id).where(cond)):
            out.setdefault(term, []).append(cid)
    return out


STORED_COLUMNS = (
    claims.c.id,
    claims.c.content,
    claims.c.lang,
    claims.c.person_id,
    claims.c.speaker,
    claims.c.corrected_speaker,
    claims.c.group_id,
    claims.c.article_id,
)


def _from_row(r: Any) -> ClaimText:
    """A claim row of :data:`STORED_COLUMNS` read for comparison (its speaker as shown)."""
    return prepare(
        r.id,
        r.content,
        r.lang,
        person_id=r.person_id,
        speaker=r.corrected_speaker or r.speaker,
        group_id=r.group_id,
        article_id=r.article_id,
    )


def _stored(conn: Connection, ids: Sequence[int]) -> dict[int, ClaimText]:
    out = {}
    for cond in _among(conn, claims.c.id, ids):
        for r in conn.execute(select(*STORED_COLUMNS).where(cond)):
            out[r.id] = _from_row(r)
    return out


def _representatives(conn: Connection, group_ids: set[int]) -> dict[int, ClaimText]:
    """Group id → its representative claim, read for comparison."""
    if not group_ids:
        return {}
    rep_of: dict[int, int] = {}
    for cond in _among(conn, claim_groups.c.id, sorted(group_ids)):
        rep_of.update(dict(conn.execute(select(claim_groups.c.id, claim_groups.c.representative_id).where(cond)).all()))
    claims_read = _stored(conn, sorted(set(rep_of.values())))
    return {g: claims_read[r] for g, r in rep_of.items() if r in claims_read}


def _fits_group(c: ClaimText, member: ClaimText, reps: dict[int, ClaimText]) -> bool:
    rep = reps.get(member.group_id) if member.group_id is not None else None
    return rep is None or rep.id == member.id or same_claim(c, rep) > 0


def _need(block: list[str], df: Counter) -> int:
    """How many of its block terms a candidate must share: :data:`MIN_SHARED`, but only terms whose
    claims are all counted (in at most :data:`PER_TERM`) can be asked for — "देश में कोरोना हार रहा
    है" has one rare term, and its copy is found by that one."""
    complete = sum(1 for t in block if df[t] <= PER_TERM)
    return max(1, min(MIN_SHARED, complete))


def group_claims(conn: Connection, new: list[ClaimText]) -> dict[int, int]:
    """Index ``new`` (claims stored in this transaction, not indexed yet) and put each in the
    group of its best match among the claims indexed before it, this batch's earlier claims
    included. Returns claim id → group id for the claims that joined or made a group.

    Called by ingest (one article) and bulk ingest (one batch) inside their write transaction,
    after the persons lock, so two writers never index at once.
    """
    new = [c for c in new if c.terms]
    if not new:
        return {}
    all_terms = sorted({t for c in new for t in c.terms})
    df = _df(conn, all_terms)
    stored_df = Counter(df)
    df.update(t for c in new for t in c.terms)
    blocks = {}
    for c in new:
        usable = [t for t in c.terms if stored_df[t] <= MAX_POSTINGS]
        blocks[c.id] = sorted(usable, key=lambda t: (df[t], t))[:BLOCK_TERMS]
    postings = _postings(conn, sorted({t for b in blocks.values() for t in b if stored_df[t]}))
    wanted: dict[int, list[int]] = {}
    for c in new:
        if len(c.terms) < MIN_TERMS:
            continue
        shared = Counter(cid for t in blocks[c.id] for cid in postings.get(t, ())[:PER_TERM])
        need = _need(blocks[c.id], df)
        wanted[c.id] = [cid for cid, n in shared.most_common(MAX_CANDIDATES) if n >= need]
    stored = _stored(conn, sorted({cid for ids in wanted.values() for cid in ids}))
    reps = _representatives(conn, {o.group_id for o in stored.values() if o.group_id is not None})
    batch_postings: dict[str, list[ClaimText]] = {}
    joined: dict[int, int] = {}
    ts = now()
    for c in new:
        candidates = [stored[cid] for cid in wanted.get(c.id, ()) if cid in stored]
        near = [o for t in blocks[c.id] for o in batch_postings.get(t, ())]  # this batch's, once per shared term
        mine = Counter(map(id, near))
        earlier = {id(o): o for o in near}
        need = _need(blocks[c.id], df)
        candidates += [earlier[k] for k, n in mine.most_common(MAX_CANDIDATES) if n >= need]
        scored = sorted(
            ((same_claim(c, o), -o.id, o) for o in candidates if o.id != c.id), key=lambda x: x[:2], reverse=True
        )
        # a claim joins a group only if it is also the same claim as the group's representative:
        # matching any one member would let a chain of small differences join different claims
        match = next(
            (o for score, _, o in scored if score > 0 and (o.group_id is None or _fits_group(c, o, reps))), None
        )
        if match is not None:
            if match.group_id is None:
                match.group_id = conn.execute(
                    insert(claim_groups).values(representative_id=match.id, lang=match.lang, created_at=ts)
                ).inserted_primary_key[0]
                joined[match.id] = match.group_id
                reps[match.group_id] = match
            c.group_id = match.group_id
            joined[c.id] = c.group_id
        for t in c.terms:
            held = batch_postings.setdefault(t, [])
            if len(held) < PER_TERM:  # the first claims of a term are enough to find its group
                held.append(c)
    if joined:
        conn.execute(
            update(claims).where(claims.c.id == bindparam("cid")).values(group_id=bindparam("gid")),
            [dict(cid=k, gid=v) for k, v in joined.items()],
        )
    rows = [dict(term=t, claim_id=c.id) for c in new for t in c.terms]
    _insert_terms(conn, rows)
    return joined


def _insert_terms(conn: Connection, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection  # COPY: a batch holds tens of thousands of terms
        with raw.cursor() as cur, cur.copy("COPY claim_terms (term, claim_id) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r["term"], r["claim_id"]))
        return
    conn.execute(insert(claim_terms), rows)


def group_article_claims(conn: Connection, article_ids: Sequence[int]) -> dict[int, int]:
    """:func:`group_claims` for every claim of ``article_ids`` not indexed yet (in id order)."""
    if not article_ids:
        return {}
    indexed = select(claim_terms.c.claim_id).where(claim_terms.c.claim_id == claims.c.id).exists()
    rows = []
    for cond in _among(conn, claims.c.article_id, list(article_ids)):
        rows += conn.execute(select(*STORED_COLUMNS).where(cond, ~indexed)).all()
    rows.sort(key=lambda r: r.id)
    return group_claims(
        conn,
        [_from_row(r) for r in rows],
    )


def regroup_changed(conn: Connection, changed_ids: Sequence[int]) -> None:
    """Re-index claims whose content a re-extraction changed: their old terms go, and a claim in
    no group may join one. A claim already in a group stays there (an analyst may rely on it)."""
    if not changed_ids:
        return
    for cond in _among(conn, claim_terms.c.claim_id, list(changed_ids)):
        conn.execute(claim_terms.delete().where(cond))
    rows = []
    for cond in _among(conn, claims.c.id, list(changed_ids)):
        rows += conn.execute(select(*STORED_COLUMNS).where(cond)).all()
    rows.sort(key=lambda r: r.id)
    group_claims(
        conn,
        [_from_row(r) for r in rows],
    )


def index_store(engine: Engine, *, batch: int = 2000, analyst: str = "") -> tuple[int, int]:
    """Group every claim not indexed yet (a store made before grouping, or claims added by an
    older release), oldest first, ``batch`` claims per transaction. Returns (claims indexed,
    claims in a group afterwards); a claim with no content terms is read but not counted (it
    has nothing to index, and is read again by the next run). The acting user's role is checked
    like any write (``PermissionDenied``)."""
    indexed = 0
    indexed_q = select(claim_terms.c.claim_id).where(claim_terms.c.claim_id == claims.c.id).exists()
    last = 0
    while True:
        with writing(engine) as conn:
            check_can_edit(conn, analyst)
            lock_persons(conn)  # as ingest: one indexer at a time
            rows = conn.execute(
                select(*STORED_COLUMNS).where(claims.c.id > last, ~indexed_q).order_by(claims.c.id).limit(batch)
            ).all()
            if not rows:
                break
            texts = [_from_row(r) for r in rows]
            group_claims(conn, texts)
            last = rows[-1].id
            indexed += sum(1 for t in texts if t.terms)  # a claim without content terms has nothing to index
    with reading(engine) as conn:
        grouped = conn.execute(select(func.count()).where(claims.c.group_id.is_not(None))).scalar() or 0
    return indexed, grouped


# ---------------------------------------------------------------- reading groups
def group_sizes(engine: Engine, group_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """For each group: (claims, distinct articles) — "seen in N articles"."""
    ids = sorted({g for g in group_ids if g is not None})
    if not ids:
        return {}
    out = {}
    with reading(engine) as conn:
        for cond in _among(conn, claims.c.group_id, ids):
            q = (
                select(claims.c.group_id, func.count(), func.count(func.distinct(claims.c.article_id)))
                .where(cond)
                .group_by(claims.c.group_id)
            )
            out.update({g: (n, a) for g, n, a in conn.execute(q)})
    return out


def group_members(engine: Engine, group_id: int) -> list[dict]:
    """The claims of a group, representative first then by id, with article title, outlet and date."""
    with reading(engine) as conn:
        rep = conn.execute(select(claim_groups.c.representative_id).where(claim_groups.c.id == group_id)).scalar()
        rows = conn.execute(
            select(
                claims.c.id,
                claims.c.content,
                claims.c.speaker,
                claims.c.corrected_speaker,
                claims.c.status,
                claims.c.verdict_note,
                claims.c.evidence,
                claims.c.version,
                claims.c.updated_by,
                claims.c.updated_at,
                claims.c.article_id,
                articles.c.title,
                articles.c.article_key,
                articles.c.outlet,
                articles.c.published,
            )
            .join(articles, articles.c.id == claims.c.article_id)
            .where(claims.c.group_id == group_id)
            .order_by(claims.c.id)
        ).all()
    out = [dict(r._mapping, representative=r.id == rep) for r in rows]
    out.sort(key=lambda r: (not r["representative"], r["id"]))
    return out
