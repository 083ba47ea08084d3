"""The same claim across articles: claims that state the same thing, grouped as they are stored.

Ten outlets reporting one statement give ten claims; grouped, an analyst checks it once. A claim's
content is compared in the spelling the engine matches on (folded by
:mod:`claims.pipeline.normalise` and lower-cased, as search stores it). Candidates are found by an
index, never by comparing all pairs: every claim's content terms (stop words out, prefixed by the
language) are rows of ``claim_terms``, and a new claim is compared only with the stored claims that
share at least two of its :data:`BLOCK_TERMS` rarest terms. (On PostgreSQL a claim's terms are one
row of ``claim_term_sets`` and ``claim_terms`` holds only the postings grouping reads, the first
:data:`PER_TERM` claims of each term: migration 0012.) A candidate is the same claim when

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

import contextlib
import itertools
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, TypeVar

import regex
from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine, Integer, Text, bindparam, column, func, insert, select, table, text, update
from sqlalchemy.dialects import postgresql

from claims.lang import available, load
from claims.speedups import kernel
from claims.store.accounts import check_can_edit
from claims.store.db import copy_into, copy_text, next_ids, reading, writing
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

_ID = operator.attrgetter("id")
T = TypeVar("T")
# PostgreSQL's index (migration 0012): each indexed claim's terms, space-separated (a term holds
# none); not in the metadata, as SQLite indexes a claim by its rows in claim_terms alone
term_sets = table("claim_term_sets", column("claim_id", Integer), column("terms", Text))
_NO_IDS: list[int] = []  # a term no claim holds yet (never changed: a shared empty list)
_KERNEL = kernel()
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
    term_set: frozenset[str] = frozenset()  # ``terms`` as a set (compared with every candidate)
    content: str = ""  # as given to prepare (what a ClaimCache checks a row against)

    def __post_init__(self) -> None:
        if not self.term_set and self.terms:
            self.term_set = frozenset(self.terms)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # a bulk load's workers send every claim they read back: as a tuple of strings it
        # loads in a tenth of the time of a dataclass's state (a dict with two sets in it).
        # Terms and numbers hold no white space (_read_words).
        return (
            _unpickled,
            (
                self.id,
                self.lang,
                self.norm,
                " ".join(self.terms),
                " ".join(sorted(self.numbers)),
                self.bound,
                self.polarity,
                self.person_id,
                self.speaker,
                self.group_id,
                self.article_id,
                self.extra,
                self.content,
            ),
        )


def _unpickled(
    claim_id: int,
    lang: str,
    norm: str,
    terms: str,
    numbers: str,
    bound: bool,
    polarity: int,
    person_id: int | None,
    speaker: str,
    group_id: int | None,
    article_id: int | None,
    extra: dict[str, Any],
    content: str,
) -> ClaimText:
    return ClaimText(
        claim_id,
        lang,
        norm,
        terms.split(),
        frozenset(numbers.split()),
        bound,
        polarity,
        person_id,
        speaker,
        group_id,
        article_id,
        extra,
        content=content,
    )


def prepare(
    claim_id: int,
    content: str,
    lang: str,
    *,
    person_id: int | None = None,
    speaker: str = "",
    group_id: int | None = None,
    article_id: int | None = None,
    folded: str | None = None,
) -> ClaimText:
    """``content`` read for grouping. Terms longer than the index column are cut to fit.
    ``folded`` is ``search_key(content)`` when the caller has it (the stored ``content_folded``)."""
    folded = search_key(content) if folded is None else folded
    norm, terms, numbers, bound, polarity, term_set = _read_words(folded, lang)
    return ClaimText(
        claim_id,
        lang,
        norm,
        terms,
        numbers,
        bound,
        polarity,
        person_id,
        speaker.strip().lower(),
        group_id,
        article_id,
        term_set=term_set,
        content=content,
    )


@lru_cache(maxsize=65_536)  # an archive repeats its claims word for word (wire copies, re-runs)
def _read_words(folded: str, lang: str) -> tuple[str, list[str], frozenset[str], bool, int, frozenset[str]]:
    """What :func:`prepare` reads off the folded words: (norm, terms, numbers, bound, polarity,
    term set). The terms list is shared by the claims of the same words: it is never changed."""
    words = _WORD.findall(folded)
    stop, bound = _words(lang)
    terms = list(dict.fromkeys(f"{lang}:{w}"[:TERM_LENGTH] for w in words if w not in stop and len(w) > 1))
    spelled = _number_words(lang)
    numbers = frozenset(n for n in (_number(m) for m in _DIGITS.findall(folded)) if n) | {
        spelled[w] for w in words if w in spelled
    }
    polarity = _polarity(lang)
    return (
        " ".join(words),
        terms,
        numbers,
        any(w in bound for w in words),
        sum(w in polarity for w in words),
        frozenset(terms),
    )


def similarity(a: ClaimText, b: ClaimText) -> float:
    """How alike two claims read (0-100): rapidfuzz token-set similarity of the folded words,
    0 when the shorter claim's terms are mostly not in the longer (see :data:`MIN_OVERLAP`)."""
    if not a.terms or not b.terms:
        return 0.0
    if a.norm == b.norm:
        return 100.0  # what the rules below give the same words (an archive repeats its claims)
    short, long_ = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    shared = len(short.term_set & long_.term_set)
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


def _df(
    conn: Connection, terms: Sequence[str], common: set[str] | None = None, xmins: dict[str, str] | None = None
) -> Counter:
    """Term → how many stored claims hold it, counted up to ``MAX_POSTINGS + 1`` only: a term in
    more claims than :data:`MAX_POSTINGS` is not used for blocking whatever its count, and a
    smaller count is exact, so the rules decide the same. On PostgreSQL the counts are read from
    ``claim_term_counts``, which triggers keep equal to the index's (migrations 0011, 0012: counting
    the index read thousands of entries for a common term, for every term of every batch).

    ``common`` (kept by a bulk load between its batches) holds terms found in more than
    :data:`MAX_POSTINGS` claims before: they are not counted again (a store only grows under a
    load, so they stay common; a claim deleted meanwhile is not noticed until the next load),
    and the terms found common here are added to it.

    ``xmins`` (PostgreSQL) gets, for each term counted, the transaction that last wrote its
    count row (``xmin`` as text): the last to change the term's postings too, which a load's
    :class:`ClaimCache` checks its held postings against."""
    counts: Counter = Counter()
    if common:
        counts.update({t: MAX_POSTINGS + 1 for t in terms if t in common})
        terms = [t for t in terms if t not in common]
    if not terms:
        return counts
    if conn.dialect.name == "postgresql":
        # the counts the index's triggers keep (migration 0011), one row per term
        rows = conn.execute(
            text(
                "SELECT term, least(n, :n), xmin::text FROM claim_term_counts"
                " WHERE term = ANY(CAST(:terms AS text[])) AND n > 0"
            ),
            {"terms": list(terms), "n": MAX_POSTINGS + 1},
        ).all()
        counts.update({t: n for t, n, _ in rows})
        if xmins is not None:
            xmins.update({t: x for t, _, x in rows})
    else:
        for cond in _among(conn, claim_terms.c.term, terms):
            counts.update(
                dict(
                    conn.execute(
                        select(claim_terms.c.term, func.count()).where(cond).group_by(claim_terms.c.term)
                    ).all()
                )
            )
    if common is not None:
        common.update(t for t in terms if counts[t] > MAX_POSTINGS)
    return counts


def _per_term(conn: Connection, value: str, terms: Sequence[str], n: int) -> Any:
    """PostgreSQL: ``(term, value)`` rows, ``value`` a scalar subquery over ``claim_terms`` for
    the term ``t.term`` reading at most ``:n`` index entries; one statement for all ``terms``."""
    sql = f"SELECT t.term, ({value}) FROM unnest(CAST(:terms AS text[])) AS t(term)"
    return conn.execute(text(sql), {"terms": list(terms), "n": n})


def _postings(conn: Connection, terms: Sequence[str]) -> dict[str, array[int]]:
    """Term → the first :data:`PER_TERM` claims indexed under it, oldest (lowest id) first: the
    claims a new claim's count of shared terms reads, the same whichever way the store was
    filled. On PostgreSQL one index range scan of at most PER_TERM rows per term (a term in
    thousands of claims is not read whole). Each term's claims are an ``array('q')``: the
    candidate-merge kernel reads them without converting an int object per id, for every claim
    that looks the term up."""
    out: dict[str, array[int]] = {}
    if not terms:
        return out
    if conn.dialect.name == "postgresql":
        # one row per term with its claims as an array: a batch reads hundreds of thousands of
        # postings, and a row each costs more in the driver than the scan costs the server
        query = "ARRAY(SELECT claim_id FROM claim_terms WHERE term = t.term ORDER BY claim_id LIMIT :n)"
        return {term: array("q", ids) for term, ids in _per_term(conn, query, terms, PER_TERM) if ids}
    for cond in _among(conn, claim_terms.c.term, terms):
        q = select(claim_terms.c.term, claim_terms.c.claim_id).where(cond)
        for term, cid in conn.execute(q.order_by(claim_terms.c.term, claim_terms.c.claim_id)):
            held = out.get(term)
            if held is None:
                out[term] = held = array("q")
            if len(held) < PER_TERM:
                held.append(cid)
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


class ClaimCache:
    """Claims read for comparison, kept between the transactions of one bulk load: an archive's
    claims are compared with the claims of its earlier batches over and over, and reading a
    claim's words (:func:`prepare`) costs more than fetching its row. Only what the content and
    language give is reused, and only while they are what the row holds; the speaker, person and
    group are always the row's.

    Two parts: the claims read (``items``, at most ``limit``, the least recently read going
    first) and the claims a batch just stored (at most ``fresh``, the oldest going first, moved
    to ``items`` when read; a batch of 2,000 articles stores about 30,000). A held claim takes
    about 1.4 kB, so the defaults hold about 230 MB at most. Stored claims are read only when
    they are among a term's first :data:`PER_TERM` claims, so most are never read: held in one
    part, each batch's new claims pushed out the claims read over and over (10,000 replicated
    articles: 185,337 of 287,489 reads prepared again with one part, 6,157 with two).

    On PostgreSQL it also holds the postings of the terms the load looked up (at most
    ``postings`` terms, a term at most :data:`PER_TERM` ids), as its batches left them: a batch
    reads from the index only the terms it has not seen or another writer indexed since
    (:meth:`held_postings`)."""

    def __init__(self, limit: int = 100_000, fresh: int = 60_000, postings: int = 100_000) -> None:
        self.limit, self.fresh_limit, self.postings_limit = limit, fresh, postings
        self.postings: dict[str, array[int]] = {}  # term -> its first claims, as this load wrote them
        self.items: dict[int, ClaimText] = {}
        self.fresh: dict[int, ClaimText] = {}
        self.common: set[str] = set()  # terms in more than MAX_POSTINGS stored claims (see _df)
        # PostgreSQL: the transactions that wrote the claims held (this load's batches, see
        # written_by); a held claim whose row no other transaction wrote since is not read again
        self.xids: list[str] = []

    def written_by(self, conn: Connection) -> None:
        """Note ``conn``'s transaction (PostgreSQL) as the one writing the claims it will hold,
        with the values it holds for them. Only a writer whose every claim write is seen by the
        held claims (the bulk load's, whose grouping sets them) may call it, and it must
        :meth:`forget` the stored claims it updates: an update is made on top of what another
        transaction committed since the claim was read, and would then show as this one's. A
        transaction that rolls back leaves no row it wrote, so noting it is harmless."""
        xid = conn.execute(text("SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text")).scalar_one()
        self.xids.append(xid)

    def held_postings(
        self, terms: Iterable[str], df: Mapping[str, int], xmins: Mapping[str, str]
    ) -> dict[str, array[int]]:
        """The held postings of ``terms`` that are what the index holds now, as copies (the caller
        appends a batch's claims to them). A term's postings change only with its count row
        (:func:`_df` reads both ``df`` and the row's ``xmins``), so they are as held when that
        row was last written by one of :attr:`xids` (every batch of the load refreshes or drops
        what is held of each term it indexes: :meth:`keep_postings`) and hold as many claims as
        the count says (``min(df, PER_TERM)``: a claim deleted since leaves fewer)."""
        xids = set(self.xids)
        out = {}
        for t in terms:
            held = self.postings.get(t)
            if held is not None and xmins.get(t) in xids and len(held) == min(df[t], PER_TERM):
                out[t] = array("q", held)
        return out

    def keep_postings(self, postings: Mapping[str, array[int]], exact: set[str], terms: Iterable[str]) -> None:
        """After a batch that indexes claims of ``terms``: hold ``postings`` of the terms in
        ``exact`` (each term's first claims as the batch leaves the index) and drop what is held
        of its other terms, whose postings the batch may have changed unseen."""
        for t in terms:
            self.postings.pop(t, None)
            if t in exact:
                self.postings[t] = postings[t]
        if len(self.postings) > self.postings_limit:  # the terms looked up longest ago go
            for k in list(itertools.islice(self.postings, len(self.postings) - self.postings_limit // 2)):
                del self.postings[k]

    def forget(self, ids: Iterable[int]) -> None:
        """Hold the claims of ``ids`` no more: the next batch that compares them reads them."""
        for i in ids:
            self.items.pop(i, None)
            self.fresh.pop(i, None)

    def unchanged(self, conn: Connection, ids: Sequence[int]) -> dict[int, ClaimText]:
        """The held claims among ``ids`` whose rows were last written by a transaction of
        :attr:`xids` (its ``xmin``), taken as held without reading them; the rest (not held,
        written since by anyone else, deleted, or frozen by VACUUM, which shows as another
        ``xmin``) the caller reads. PostgreSQL only; none without noted transactions."""
        if not self.xids or conn.dialect.name != "postgresql":
            return {}
        held = [i for i in ids if i in self.items or i in self.fresh]
        if not held:
            return {}
        changed = set(
            conn.execute(
                _CHANGED, {"ids": "{" + ",".join(map(str, held)) + "}", "xids": "{" + ",".join(self.xids) + "}"}
            ).scalars()
        )
        out = {}
        for i in held:
            if i not in changed:
                c = self.items.pop(i, None)
                out[i] = c if c is not None else self.fresh.pop(i)
        for c in out.values():  # held again, the last to go (after taking all: holding drops some)
            self._hold(self.items, c, self.limit)
        return out

    def read(self, r: Any) -> ClaimText:
        """The claim of row ``r`` (:data:`STORED_COLUMNS`), prepared again only when not held."""
        c = self.items.pop(r.id, None) or self.fresh.pop(r.id, None)
        if c is None or c.content != r.content or c.lang != r.lang:
            c = _from_row(r)
        else:
            c.person_id, c.group_id, c.article_id = r.person_id, r.group_id, r.article_id
            c.speaker = (r.corrected_speaker or r.speaker).strip().lower()
        self._hold(self.items, c, self.limit)  # read again: the last to go
        return c

    def keep(self, c: ClaimText) -> None:
        """Hold ``c``, a claim just stored (prepared from its row's values), until it is read."""
        self.items.pop(c.id, None)
        self._hold(self.fresh, c, self.fresh_limit)

    @staticmethod
    def _hold(part: dict[int, ClaimText], c: ClaimText, limit: int) -> None:
        part[c.id] = c
        if len(part) > limit:  # half of it goes at once: a pass per claim would be quadratic
            for k in list(itertools.islice(part, len(part) - limit // 2)):
                del part[k]


# the ids (a text array: psycopg formats a long list of ints in Python) whose claims are gone or
# were written by a transaction not listed (xmin as text: xid has no ordering or array type
# cast); NOT IN a subquery is a hashed lookup, where <> ALL compared each row with every batch
# of the load (500 of them: 0.19 -> 0.13 s for 30,000 ids)
_CHANGED = text(
    "SELECT u.id FROM unnest(CAST(:ids AS int[])) AS u(id) LEFT JOIN claims c ON c.id = u.id "
    "WHERE c.id IS NULL OR c.xmin::text NOT IN (SELECT unnest(CAST(:xids AS text[])))"
)


def _stored(conn: Connection, ids: Sequence[int], cache: ClaimCache | None = None) -> dict[int, ClaimText]:
    out = {}
    if cache is not None:
        out = cache.unchanged(conn, ids)
        if out:
            ids = [i for i in ids if i not in out]
            if not ids:
                return out
    read = cache.read if cache is not None else _from_row
    for cond in _among(conn, claims.c.id, ids):
        for r in conn.execute(select(*STORED_COLUMNS).where(cond)):
            out[r.id] = read(r)
    return out


def _representatives(conn: Connection, group_ids: set[int], cache: ClaimCache | None = None) -> dict[int, ClaimText]:
    """Group id → its representative claim, read for comparison."""
    if not group_ids:
        return {}
    rep_of: dict[int, int] = {}
    for cond in _among(conn, claim_groups.c.id, sorted(group_ids)):
        rep_of.update(dict(conn.execute(select(claim_groups.c.id, claim_groups.c.representative_id).where(cond)).all()))
    claims_read = _stored(conn, sorted(set(rep_of.values())), cache)
    return {g: claims_read[r] for g, r in rep_of.items() if r in claims_read}


def _fits_group(c: ClaimText, member: ClaimText, reps: dict[int, ClaimText]) -> bool:
    rep = reps.get(member.group_id) if member.group_id is not None else None
    return rep is None or rep.id == member.id or same_claim(c, rep) > 0


def _need(block: list[str], df: dict[str, int]) -> int:
    """How many of its block terms a candidate must share: :data:`MIN_SHARED`, but only terms whose
    claims are all counted (in at most :data:`PER_TERM`) can be asked for — "देश में कोरोना हार रहा
    है" has one rare term, and its copy is found by that one."""
    complete = sum(1 for t in block if df[t] <= PER_TERM)
    return max(1, min(MIN_SHARED, complete))


@dataclass
class Grouped:
    """What :func:`group_units` decided: the groups are stored; the claims' ``group_id`` and the
    index rows are for the caller to write (:func:`write_grouped`), since a bulk load writes new
    claims with their group id in the row instead of updating them after."""

    joined: dict[int, int] = field(default_factory=dict)  # claim id -> group id, for those that joined or made one
    terms: list[tuple[str, int]] = field(default_factory=list)  # claim_terms rows: (term, claim id)


def _blocks(units: list[list[ClaimText]], stored_df: Counter) -> tuple[dict[int, list[str]], dict[int, int]]:
    """Each claim's block terms (its :data:`BLOCK_TERMS` rarest usable terms) and how many of them
    a candidate must share, each unit counted as its own transaction counts: the stored claims
    (``stored_df``: the index before the first unit) and the earlier units, plus its own claims."""
    running = dict(stored_df)
    blocks: dict[int, list[str]] = {}
    needs: dict[int, int] = {}
    for unit in units:
        own: dict[str, int] = {}
        for c in unit:
            for t in c.terms:
                own[t] = own.get(t, 0) + 1
        # the unit's terms as its transaction counts them; the sort keys made once per term,
        # not by a key function for each term of each claim
        df = {t: running.get(t, 0) + n for t, n in own.items()}
        key = {t: (n, t) for t, n in df.items()}
        usable = {t for t in own if running.get(t, 0) <= MAX_POSTINGS}
        for c in unit:
            blocks[c.id] = block = sorted([t for t in c.terms if t in usable], key=key.__getitem__)[:BLOCK_TERMS]
            needs[c.id] = _need(block, df)
        for t, n in own.items():
            running[t] = running.get(t, 0) + n
    return blocks, needs


def _wanted(
    units: list[list[ClaimText]], blocks: dict[int, list[str]], needs: dict[int, int], postings: dict[str, array[int]]
) -> dict[int, list[int]]:
    """Claim id → the ids of the stored claims it is compared with (most shared block terms
    first, at most :data:`MAX_CANDIDATES`): ``postings`` holds the first :data:`PER_TERM` stored
    claims of each block term, and each unit's claims are added to it (while a term has fewer)
    before the next unit, which would find them indexed."""
    block_terms = {t for b in blocks.values() for t in b}
    wanted: dict[int, list[int]] = {}
    for unit in units:
        for c in unit:
            if len(c.terms) < MIN_TERMS:
                continue  # too short to be the same claim as anything (same_claim)
            wanted[c.id] = _shared_ids([postings.get(t, _NO_IDS) for t in blocks[c.id]], needs[c.id])
        for c in unit:
            for t in c.terms:
                if t in block_terms:
                    held = postings.get(t)
                    if held is None:
                        postings[t] = held = array("q")
                    if len(held) < PER_TERM:
                        held.append(c.id)
    return wanted


def _shared_ids(lists: list[Sequence[int]], need: int) -> list[int]:
    """The ids in at least ``need`` of ``lists`` (postings: increasing claim ids, as lists or
    ``array('q')``), those in most lists first, ties in order of first appearance; at most
    :data:`MAX_CANDIDATES`. The compiled kernel counts them in C (``_speedups.shared_ids``), this
    with a ``Counter``."""
    if _KERNEL is not None:
        got = _KERNEL.shared_ids(lists, need, MAX_CANDIDATES)
        if got is not None:
            return got
    return _most_shared(Counter(itertools.chain.from_iterable(lists)), need)


def _most_shared(shared: Counter, need: int) -> list[int]:
    """``[k for k, n in shared.most_common(MAX_CANDIDATES) if n >= need]``, cheaper: most keys are
    shared once, and dropping them before sorting leaves the same list (the sort is stable, so
    equal counts keep the order they were first counted in, as ``most_common``'s)."""
    kept = [(k, n) for k, n in shared.items() if n >= need]
    kept.sort(key=operator.itemgetter(1), reverse=True)
    return [k for k, _ in kept[:MAX_CANDIDATES]]


def group_units(
    conn: Connection,
    units: list[list[ClaimText]],
    *,
    cache: ClaimCache | None = None,
    stream_terms: bool = False,
    read: Connection | None = None,
    ready: Callable[[], None] = lambda: None,
    idle: Callable[[Callable[[], bool]], None] = lambda _busy: None,
) -> Grouped:
    """Group the claims of ``units`` (each unit the claims of one article, or of one
    :func:`index_store` pass, in id order; ids above every stored claim's, none indexed yet),
    unit after unit exactly as when each unit is its own transaction: a claim is compared with
    the stored claims and those of earlier units sharing its rarest terms, and with its own
    unit's earlier claims, and joins the group of the best that is the same claim (and the same
    claim as that group's representative). The new groups are stored; see :class:`Grouped`.

    Called inside the caller's write transaction, after the persons lock, so two writers never
    group at once. Set-based where it can be: the index counts, the postings and the compared
    claims are each read once for all units. With ``stream_terms`` on PostgreSQL the index rows
    are written here, COPY'd while the claims are compared (the server inserts them, a bulk
    batch's largest cost there, while this process computes), and ``Grouped.terms`` is empty;
    the claims the rows point to may be written after, in the same transaction.

    ``read``, with ``stream_terms`` on PostgreSQL: another connection to the same database, on
    which the index, its counts, the compared claims and the groups are read, so that the index
    rows' COPY starts before them (a connection in COPY runs nothing else) and the server
    inserts them all the while. It sees what ``conn`` sees of those tables only when ``conn``'s
    transaction has written none of them yet, and nobody else writes them meanwhile (the persons
    lock, taken on ``conn``, keeps other writers out).

    ``ready`` ends what the caller still has running on ``conn`` (a COPY the server is
    inserting): called before anything is written on ``conn``, with ``read`` on the thread
    that writes the term sets, so the index is read meanwhile; always called once. ``idle``,
    with ``read``: called while the stored claims are looked up on a thread, with a test of
    whether that still runs (the bulk writer shapes its next batch meanwhile)."""
    units = [u for u in ([c for c in unit if c.terms] for unit in units) if u]
    out = Grouped()
    streamed = stream_terms and conn.dialect.name == "postgresql"
    early = streamed and read is not None and bool(units)
    if not early:
        ready()
    if not units:
        return out
    terms = [] if streamed else [(t, c.id) for unit in units for c in unit for t in c.terms]
    if early:
        # the term sets (their triggers count them: half a second a batch) go in on ``conn`` on a
        # thread while the index is read on ``read``; then the postings, while the claims are compared
        wait = _copy_sets_behind(conn, list(_sets_of(units)), ready)
        waited = False

        def index(stored_df: Counter) -> contextlib.AbstractContextManager:
            nonlocal waited
            waited = True
            wait()
            return _postings_copied(conn, _claims_by_term(units), stored_df, queued=True)

        try:
            made = _decide(read, units, out, cache, index, idle)
        finally:
            if not waited:  # a failed read: the sets' thread is not left running on ``conn``
                with contextlib.suppress(Exception):
                    wait()
    elif streamed:
        made = _decide(
            conn,
            units,
            out,
            cache,
            lambda df: _index_copied(conn, list(_sets_of(units)), _claims_by_term(units), df, queued=True),
        )
    else:
        made = _decide(conn, units, out, cache)
    real = _store_groups(conn, made)
    for o in itertools.chain(made, itertools.chain.from_iterable(units)):  # all that hold a group made here
        if o.group_id is not None and o.group_id < 0:
            o.group_id = real[-o.group_id - 1]
    out.joined = {cid: real[-g - 1] if g < 0 else g for cid, g in out.joined.items()}
    out.terms = terms
    if cache is not None:
        for unit in units:
            for c in unit:
                cache.keep(c)
    return out


def _decide(
    conn: Connection,
    units: list[list[ClaimText]],
    out: Grouped,
    cache: ClaimCache | None,
    index: Callable[[Counter], contextlib.AbstractContextManager] | None = None,
    idle: Callable[[Callable[[], bool]], None] = lambda _busy: None,
) -> list[ClaimText]:
    """:func:`group_units`' comparisons, the stored claims read on ``conn``: each claim that joins
    or makes a group is noted in ``out.joined`` (and its ``group_id`` set), a group made here as
    ``-(i + 1)``; returns the representatives of the groups made, in order (group ``-(i + 1)``
    is the ``i``-th). ``index``: called with the index's counts of the units' terms once the
    reads are done, it gives the context the claims are compared in (the units' index rows
    COPY'd meanwhile). ``idle`` (PostgreSQL): called while the stored claims are looked up, with
    a test of whether that is still going on, for the caller's own work meanwhile."""
    terms = _terms_of(units)
    xmins: dict[str, str] = {}  # term -> the transaction that last wrote its count (PostgreSQL)
    stored_df = _df(conn, terms, cache.common if cache is not None else None, xmins)
    blocks, needs = _blocks(units, stored_df)
    mine = {c.id: c for unit in units for c in unit}
    block_terms = {t for b in blocks.values() for t in b}
    short: set[str] = set()  # terms whose postings read hold fewer claims than counted (see keep_postings)

    def stored_side() -> tuple[dict[int, list[int]], dict[int, ClaimText], dict[int, ClaimText]]:
        looked_up = sorted(t for t in block_terms if stored_df[t])
        postings = cache.held_postings(looked_up, stored_df, xmins) if cache is not None else {}
        read = _postings(conn, [t for t in looked_up if t not in postings])
        short.update(t for t in looked_up if t not in postings and len(read.get(t, ())) != min(stored_df[t], PER_TERM))
        postings.update(read)
        wanted = _wanted(units, blocks, needs, postings)
        if cache is not None:  # each block term's first claims, this batch's appended
            cache.keep_postings(postings, block_terms - short, terms)
        stored = _stored(conn, sorted({cid for ids in wanted.values() for cid in ids if cid not in mine}), cache)
        reps = _representatives(conn, {o.group_id for o in stored.values() if o.group_id is not None}, cache)
        return wanted, stored, reps

    # PostgreSQL: the stored claims are looked up on a thread (three reads the server answers)
    # while the units' own candidates are merged here: nothing of the one depends on the other
    side = _behind(stored_side, "claims-grouping-reads") if conn.dialect.name == "postgresql" else None
    try:
        near = _near(units, blocks, needs)
        if side is not None:
            idle(lambda: not side.done())
    except BaseException:
        if side is not None:  # the reads' thread is not left running on ``conn``
            with contextlib.suppress(BaseException):
                side.result()
        raise
    wanted, stored, reps = side.result() if side is not None else stored_side()
    stored.update(mine)  # a later unit finds an earlier one's claims stored
    made: list[ClaimText] = []  # representatives of the groups made here; group -(i + 1) until stored
    with index(stored_df) if index is not None else contextlib.nullcontext():
        for unit in units:
            for c in unit:
                if len(c.terms) < MIN_TERMS:
                    continue
                candidates = [stored[cid] for cid in wanted[c.id] if cid in stored]
                own = near[c.id]
                match = _best(c, candidates + [mine[cid] for cid in own] if own else candidates, reps)
                if match is not None:
                    if match.group_id is None:
                        made.append(match)
                        match.group_id = -len(made)
                        out.joined[match.id] = match.group_id
                        reps[match.group_id] = match
                    c.group_id = match.group_id
                    out.joined[c.id] = c.group_id
    return made


def _near(units: list[list[ClaimText]], blocks: dict[int, list[str]], needs: dict[int, int]) -> dict[int, list[int]]:
    """Claim id → the ids of its unit's earlier claims it is compared with (those sharing its
    block terms, counted as the stored claims' are): what the unit's own transaction would
    find indexed before it. Claims too short to compare get none."""
    near: dict[int, list[int]] = {}
    for unit in units:
        held: dict[str, list[int]] = {}  # this unit's earlier claims by term (ids increasing)
        for c in unit:
            if len(c.terms) >= MIN_TERMS:
                near[c.id] = _shared_ids([held.get(t, _NO_IDS) for t in blocks[c.id]], needs[c.id])
            for t in c.terms:
                ids = held.get(t)
                if ids is None:
                    held[t] = [c.id]
                elif len(ids) < PER_TERM:  # the first claims of a term are enough to find its group
                    ids.append(c.id)
    return near


def _best(c: ClaimText, candidates: list[ClaimText], reps: dict[int, ClaimText]) -> ClaimText | None:
    """The claim ``c`` joins among ``candidates`` (the stored claims and its unit's earlier
    claims sharing its block terms): the most similar that is the same claim, lowest id first on
    a tie, and whose group's representative is the same claim too."""
    # The best is the highest score, the lowest id on a tie: read in id order, a candidate that
    # scores 100 (the most there is) and fits ends the search, as no later one can beat it. An
    # archive repeats its claims word for word, and the first copy is then the first candidate.
    best: ClaimText | None = None
    top = 0.0
    for o in sorted(candidates, key=_ID):
        if o.id == c.id:
            continue
        score = same_claim(c, o)
        # a claim joins a group only if it is also the same claim as the group's representative:
        # matching any one member would let a chain of small differences join different claims
        if score > top and (o.group_id is None or _fits_group(c, o, reps)):
            best, top = o, score
            if score >= 100.0:
                break
    return best


def _store_groups(conn: Connection, reps: list[ClaimText]) -> list[int]:
    """Store a group for each representative, in order; their ids. PostgreSQL takes the ids from
    the sequence in one round trip and COPYs the rows (a batch makes thousands of groups)."""
    if not reps:
        return []
    ts = now()
    rows = [dict(representative_id=r.id, lang=r.lang, created_at=ts) for r in reps]
    if conn.dialect.name == "postgresql":
        ids = next_ids(conn, claim_groups.name, len(rows))
        with copy_into(conn, claim_groups.name, ("id", "representative_id", "lang", "created_at")) as copy:
            for i, r in zip(ids, rows, strict=True):
                copy.write_row((i, r["representative_id"], r["lang"], r["created_at"]))
        return ids
    return list(
        conn.execute(insert(claim_groups).returning(claim_groups.c.id, sort_by_parameter_order=True), rows).scalars()
    )


def write_grouped(conn: Connection, grouped: Grouped, *, written: frozenset[int] | set[int] = frozenset()) -> None:
    """Write what :func:`group_units` decided: each claim's group (but for the ``written`` ids,
    whose rows the caller stores with it) and the index rows (after the claims: they point to them)."""
    updates = [dict(cid=k, gid=v) for k, v in grouped.joined.items() if k not in written]
    if updates:
        conn.execute(update(claims).where(claims.c.id == bindparam("cid")).values(group_id=bindparam("gid")), updates)
    _insert_terms(conn, grouped.terms)


def group_claims(conn: Connection, new: list[ClaimText]) -> dict[int, int]:
    """Index ``new`` (claims stored in this transaction, not indexed yet) and put each in the
    group of its best match among the claims indexed before it, this batch's earlier claims
    included (one unit of :func:`group_units`). Returns claim id → group id for the claims that
    joined or made a group."""
    grouped = group_units(conn, [new])
    write_grouped(conn, grouped)
    return grouped.joined


def _insert_terms(conn: Connection, rows: list[tuple[str, int]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        sets: dict[int, list[str]] = {}
        for t, cid in rows:
            sets.setdefault(cid, []).append(t)
        by_term = _by_term(rows)
        stored = _df(conn, sorted(by_term))  # before the sets go in: their triggers count them
        with _index_copied(conn, list(sets.items()), by_term, stored):
            pass  # the rows are the whole COPY: nothing to do while it runs
        return
    conn.execute(insert(claim_terms), [dict(term=t, claim_id=c) for t, c in rows])


def _terms_of(units: list[list[ClaimText]]) -> list[str]:
    """The distinct terms of the claims of ``units``, sorted."""
    return sorted({t for unit in units for c in unit for t in c.terms})


def _sets_of(units: list[list[ClaimText]]) -> Iterator[tuple[int, list[str]]]:
    """(claim id, its terms) for each claim of ``units``: their rows of ``claim_term_sets``."""
    return ((c.id, c.terms) for unit in units for c in unit)


def _copy_sets(conn: Connection, sets: list[tuple[int, Sequence[str]]]) -> None:
    """PostgreSQL: each claim's terms as its ``claim_term_sets`` row (migration 0012), COPY'd and
    waited for (the sets' triggers count the terms then)."""
    with copy_into(conn, term_sets.name, ("claim_id", "terms")) as copy:
        for k in range(0, len(sets), 10_000):
            copy.write("".join(f"{cid}\t{copy_text(' '.join(terms))}\n" for cid, terms in sets[k : k + 10_000]))


def _behind(work: Callable[[], T], name: str) -> Future[T]:
    """``work`` run on a thread of its own (named ``name``, as a one-worker pool names it:
    ``name_0``), which ends once it is done; the future's ``result()`` raises what it raised.
    Worth it for work that waits on the server: the caller computes meanwhile (the GIL is
    released while a statement runs)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)


def _copy_sets_behind(
    conn: Connection, sets: list[tuple[int, Sequence[str]]], ready: Callable[[], None] = lambda: None
) -> Callable[[], None]:
    """``ready()`` (the end of the caller's COPY on ``conn``), then :func:`_copy_sets`, on a
    thread of its own; returns the wait for it, which raises what either raised. ``conn`` is the
    thread's until the wait returns."""

    def run() -> None:
        ready()  # a failed COPY raises here: the sets are not written into a lost transaction
        _copy_sets(conn, sets)

    return _behind(run, "claims-term-sets").result


def _postings_copied(
    conn: Connection, by_term: dict[str, list[int]], stored: Mapping[str, int], *, queued: bool = False
) -> contextlib.AbstractContextManager:
    """The postings of ``by_term`` (term -> new claims' ids, increasing) that fall among the first
    :data:`PER_TERM` claims of their term, ``stored`` giving how many stored claims hold each
    (at least PER_TERM where more): :func:`_terms_copied` of those (PostgreSQL, migration 0012)."""
    postings = {}
    for t, ids in by_term.items():
        room = PER_TERM - stored.get(t, 0)
        if room > 0:
            postings[t] = ids[:room]
    return _terms_copied(conn, postings, queued=queued)


@contextlib.contextmanager
def _index_copied(
    conn: Connection,
    sets: list[tuple[int, Sequence[str]]],
    by_term: dict[str, list[int]],
    stored: Mapping[str, int],
    *,
    queued: bool = False,
) -> Iterator[None]:
    """PostgreSQL: index claims, the COPYs ended when the block is left: their term sets
    (:func:`_copy_sets`), then their postings (:func:`_postings_copied`), inserted while the
    block runs with ``queued``."""
    _copy_sets(conn, sets)
    with _postings_copied(conn, by_term, stored, queued=queued):
        yield


@contextlib.contextmanager
def _terms_copied(conn: Connection, by_term: dict[str, list[int]], *, queued: bool = False) -> Iterator[None]:
    """``claim_terms`` rows (term → its claim ids) COPY'd to PostgreSQL, the COPY ended (and its
    work waited for) when the block is left. ``queued``: the rows are handed to a writer thread
    (psycopg's QueuedLibpqWriter), so the server inserts them while the block runs; worth a
    thread only when the block has work of its own (a bulk batch's comparisons), not for one
    ingest's rows."""
    with copy_into(conn, claim_terms.name, ("term", "claim_id"), queued=queued) as copy:
        # the COPY text written a term at a time rather than a write_row call per row (a batch
        # has ~300,000), in term order: the index on (term, claim_id) then takes them leaf after
        # leaf instead of at random across all of it (PostgreSQL's CPU for a 10,000-article load
        # 24 -> 20 s)
        parts: list[str] = []
        size = 0
        for t in sorted(by_term):
            head = f"{copy_text(t)}\t"
            ids = by_term[t]
            parts.append(head + f"\n{head}".join(map(str, ids)) + "\n")
            size += len(ids)
            if size >= 50_000:
                copy.write("".join(parts))
                parts, size = [], 0
        if parts:
            copy.write("".join(parts))
        yield


def _by_term(rows: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """``claim_terms`` rows as term → claim ids, in the order the rows give them."""
    out: dict[str, list[int]] = {}
    for t, cid in rows:  # one ingest's rows: few enough for setdefault's new list each
        out.setdefault(t, []).append(cid)
    return out


def _claims_by_term(units: list[list[ClaimText]]) -> dict[str, list[int]]:
    """The index rows of the claims of ``units`` as term → claim ids (ids increasing within a
    term, as the units are in id order)."""
    out: dict[str, list[int]] = {}
    for unit in units:
        for c in unit:
            cid = c.id
            for t in c.terms:
                ids = out.get(t)
                if ids is None:
                    out[t] = [cid]
                else:
                    ids.append(cid)
    return out


def _indexed(conn: Connection) -> Any:
    """``EXISTS`` (correlated with ``claims``): the claim is in the grouping index."""
    if conn.dialect.name == "postgresql":
        return select(term_sets.c.claim_id).where(term_sets.c.claim_id == claims.c.id).exists()
    return select(claim_terms.c.claim_id).where(claim_terms.c.claim_id == claims.c.id).exists()


def forget_index(conn: Connection, claim_ids: Sequence[int] | None = None) -> None:
    """Take ``claim_ids`` (all claims when None) out of the grouping index: their terms, postings
    and counts go, and :func:`index_store` or a re-extraction indexes them again."""
    if conn.dialect.name == "postgresql":
        table_, col = term_sets, term_sets.c.claim_id
    else:
        table_, col = claim_terms, claim_terms.c.claim_id
    if claim_ids is None:
        conn.execute(table_.delete())
        return
    for cond in _among(conn, col, list(claim_ids)):
        conn.execute(table_.delete().where(cond))


def group_article_claims(conn: Connection, article_ids: Sequence[int]) -> dict[int, int]:
    """:func:`group_claims` for every claim of ``article_ids`` not indexed yet (in id order)."""
    if not article_ids:
        return {}
    indexed = _indexed(conn)
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
    forget_index(conn, changed_ids)
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
    last = 0
    while True:
        with writing(engine) as conn:
            check_can_edit(conn, analyst)
            lock_persons(conn)  # as ingest: one indexer at a time
            rows = conn.execute(
                select(*STORED_COLUMNS).where(claims.c.id > last, ~_indexed(conn)).order_by(claims.c.id).limit(batch)
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
