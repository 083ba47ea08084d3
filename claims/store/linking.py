"""Archive-wide persons: linking each article's speakers to them, and the lock that serialises it.

A speaker is linked by its *canonical* name (:func:`canonical`): the name as extraction read it
with the role phrase before it ("दिल्ली के मुख्यमंत्री", "President") and words a name picks up
from its sentence ("मुझे", "दरअसल") taken off, compared romanised, so across scripts and spellings.
It links to the person of the same canonical name, else to the one person whose name it is a
sub-name of (or the reverse); when several fit, the roles it was named with decide if they point
to one of them; otherwise a new person is made. A "person" whose canonical name is empty (a role
alone: "स्वास्थ्य मंत्री") or holds a word that is never a name (the pack's ``not_names``) is no
person at all. Ingest, re-extraction, merges and splits all take :func:`lock_persons` first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache

from sqlalchemy import Connection, insert, select, text, update

from claims.lang import available, load
from claims.model import Extraction, Speaker
from claims.pipeline.names import is_subname, name_key, skeleton
from claims.store.schema import article_speakers, persons

LINKED_TYPES = ("person", "organization", "group")
PERSONS_LOCK = 0x636C61696D73  # "claims": the advisory lock key that serialises person linking


def now() -> datetime:
    return datetime.now(UTC)


def lock_persons(conn: Connection) -> None:
    """Serialise writers of persons, article speakers and article keys until commit.

    SQLite already has one writer at a time; on PostgreSQL a transaction-level advisory lock does
    the same for ingest, re-extraction, merges and splits, so that two articles naming the same new
    person make it once, a merge cannot race a linker onto the merged-away person, and a check for
    a stored text or a taken article id sees every article committed before it. Always taken before
    any claim row lock, so those paths cannot deadlock with each other or with analysts' edits.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PERSONS_LOCK})


@dataclass(frozen=True)
class Canonical:
    """A speaker's name as persons are linked by: the name's own words (``words``, as written)
    and their romanised ``keys``; ``roles`` the role words taken off it (romanised); ``name`` ""
    when nothing of a name is left or it is not a person's name."""

    words: tuple[str, ...]
    keys: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def name(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class _Lexicon:
    fixes: tuple[tuple[str, str], ...] = ()
    roles: frozenset[str] = frozenset()  # romanised titles and role words
    noise: frozenset[str] = frozenset()  # romanised words a name picks up from its sentence
    not_names: frozenset[str] = frozenset()
    same_role: tuple[tuple[str, str], ...] = ()  # "piem" → "prdhanmntri": one role, two words
    org_words: frozenset[str] = frozenset()  # "सरकार", "मंत्रालय": a name ending so is no person's

    def role(self, key: str) -> str:
        return dict(self.same_role).get(key, key)


@cache
def _lexicon(lang: str) -> _Lexicon:
    """What linking reads from ``lang``'s pack, romanised so that a misspelt role
    ("मु्ख्यमंत्री", "राषट्रपति") is still one."""
    if lang not in available():
        return _Lexicon()
    p = load(lang)
    fixes = tuple(p.romanise.items())
    g = p.grammar

    def keys(words) -> frozenset[str]:
        return frozenset(k for w in words for k in name_key(w.split(), fixes))

    synonyms = {**g.get("role_synonyms", {}), **g.get("name_titles", {})}
    same_role = []
    for short, full in synonyms.items():
        a, b = name_key(short.split(), fixes), name_key(full.split(), fixes)
        if len(a) == 1 and b:
            same_role.append((a[0], b[-1]))
    noise = keys(
        [*g.get("name_noise", []), *p.stop, *p.determiners, *g.get("subject_adverbs", []), *g.get("clause_openers", [])]
    )
    return _Lexicon(
        fixes,
        keys([*p.titles, *p.roles, *synonyms]),
        noise,
        keys(g.get("not_names", [])),
        tuple(same_role),
        keys(p.organizations),
    )


@lru_cache(maxsize=8192)
def _json_set(items: str) -> frozenset[str]:
    """A person's ``aliases`` or ``roles`` (a JSON list) as a set: read for every speaker linked
    to the person, and a person an archive quotes often has hundreds (a tenth of a bulk load's
    linking was parsing them again)."""
    return frozenset(json.loads(items))


@lru_cache(maxsize=65536)  # an archive names the same people over and over
def canonical(name: str, type_: str, lang: str) -> Canonical:
    """``name`` of a speaker of ``type_`` in ``lang`` with its role phrase and stray words taken
    off (see the module docstring). Organisations and groups keep role words ("स्वास्थ्य मंत्रालय"
    is the name); only the stray words before them go. Without a pack, the name as it is."""
    lex = _lexicon(lang)
    fixes, roles, noise, not_names = lex.fixes, lex.roles, lex.noise, lex.not_names
    # per word as written ("Kassym-Jomart" stays one word), with the keys of its parts
    given = name.split()
    labels = [i for i, w in enumerate(given) if w.endswith(":")]  # "पालन करें: केजरीवाल": a headline label
    given = given[labels[-1] + 1 :] if labels else given
    words = [w for w in given if w[:1].isalnum() and not any(ch.isdigit() for ch in w)]  # "दि6" is no name
    parts = [name_key([w], fixes) for w in words]
    words, parts = [w for w, p in zip(words, parts, strict=True) if p], [p for p in parts if p]
    taken: list[str] = []
    if type_ == "person":
        last_role = max((i for i, p in enumerate(parts) if any(k in roles for k in p)), default=-1)
        if last_role >= 0:
            taken = [lex.role(k) for p in parts[: last_role + 1] for k in p if k in roles]
            words, parts = words[last_role + 1 :], parts[last_role + 1 :]
    while parts and all(k in noise or (type_ == "person" and k in roles) for k in parts[0]):
        words, parts = words[1:], parts[1:]
    while type_ == "person" and len(parts) > 1 and all(k in noise for k in parts[-1]):  # "… सोमवार", "… जी"
        words, parts = words[:-1], parts[:-1]
    keys = [k for p in parts for k in p]
    if type_ == "person" and (any(k in not_names for k in keys) or (keys and keys[-1] in lex.org_words)):
        # "केजरीवाल सरकार" said something: a government, not the person
        words, keys = [], []
    return Canonical(tuple(words), tuple(keys), tuple(dict.fromkeys(taken)))


def speaker_roles(sp: Speaker, canon: Canonical, lang: str) -> list[str]:
    """The romanised role words a speaker was named with: those taken off its name and its roles
    (a synonym read as the role it stands for: "पीएम" is "प्रधानमंत्री")."""
    lex = _lexicon(lang)
    own = [lex.role(k) for r in sp.roles for k in name_key(r.split(), lex.fixes) if k in lex.roles]
    return list(dict.fromkeys([*canon.roles, *own]))


def candidate_persons(conn: Connection, by_skeleton) -> list[dict]:
    """The live persons a batch of speakers may link to, selected by ``by_skeleton`` (a condition
    on ``persons.skeleton``), as rows the linker updates in place (``changed`` marks the ones to
    write back)."""
    columns = (
        persons.c.id,
        persons.c.name,
        persons.c.type,
        persons.c.skeleton,
        persons.c.name_keys,
        persons.c.aliases,
        persons.c.roles,
    )
    query = select(*columns).where(by_skeleton, persons.c.merged_into.is_(None))
    return [dict(r._mapping, changed=False) for r in conn.execute(query)]


SpeakerKeys = tuple[dict[str, list[str]], dict[str, Canonical], dict[str, list[str]]]


def speaker_keys(speakers: list[Speaker], lang: str) -> SpeakerKeys:
    """What linking reads off an article's speakers before any person is looked up, by speaker
    id: (the canonical name's keys, the canonical name, the speaker's roles), for the speakers
    linked to persons (people and organisations with a name); the rest are in none of the three."""
    keys: dict[str, list[str]] = {}
    canon: dict[str, Canonical] = {}
    roles: dict[str, list[str]] = {}
    for sp in speakers:
        if sp.type in LINKED_TYPES and sp.name.strip():
            c = canonical(sp.name, sp.type, lang)
            canon[sp.speaker_id] = c
            roles[sp.speaker_id] = speaker_roles(sp, c, lang)
            keys[sp.speaker_id] = list(c.keys)
    return keys, canon, roles


class PersonLinker:
    """Archive-wide persons for the speakers of one article, found with one query.

    A speaker links to an existing person whose name it is a (spelling-variant, cross-script)
    sub-name of, or the reverse, when exactly one fits (an exact name wins); otherwise a new
    person is made, which later speakers of the same article can link to. New persons are
    inserted together by :meth:`flush`, which also applies name and alias updates.
    """

    roles_of: dict[str, list[str]]

    def __init__(self, conn: Connection, speakers: list[Speaker], lang: str) -> None:
        self.conn = conn
        self.lang = lang
        lock_persons(conn)  # held already by every caller; taking it again costs nothing
        self.keys, self.canon, self.roles_of = speaker_keys(speakers, lang)
        skeletons = {skeleton(k[-1]) for k in self.keys.values() if k}
        self.rows: list[dict] = candidate_persons(conn, persons.c.skeleton.in_(sorted(skeletons))) if skeletons else []

    def link(self, sp: Speaker) -> dict | None:
        """The person row (existing or to be made) for ``sp``; None for speakers not linked."""
        keys = self.keys.get(sp.speaker_id)
        if not keys:
            return None
        sk = skeleton(keys[-1])
        rows = [r for r in self.rows if r["skeleton"] == sk and r["type"] == sp.type]
        fits = [r for r in rows if is_subname(keys, r["name_keys"].split()) or is_subname(r["name_keys"].split(), keys)]
        return self._choose(sp, sk, keys, fits)

    def _choose(self, sp: Speaker, sk: str, keys: list[str], fits: list[dict]) -> dict:
        """Among the rows that fit ``sp``: the exact canonical name, else the only one, else the
        only one the speaker's roles point to, else a new person; the chosen row takes the
        speaker's new aliases and roles and, when fuller, its canonical name."""
        canon = self.canon.get(sp.speaker_id)
        name = canon.name if canon and canon.name else sp.name
        roles = self.roles_of.get(sp.speaker_id, [])
        exact = [r for r in fits if r["name_keys"].split() == keys]
        by_role = [r for r in fits if not _json_set(r.get("roles") or "[]").isdisjoint(roles)] if roles else []
        pick = None
        if len(keys) == 1 and len(fits) > 1 and len(by_role) == 1:
            # "मोदी" said as "प्रधानमंत्री": the one person who holds the role, even where a
            # person named "मोदी" alone was made before (a surname is not a canonical name)
            pick = by_role[0]
        elif exact:
            pick = exact[0]
        elif len(fits) == 1:
            pick = fits[0]
        elif len(by_role) == 1:
            pick = by_role[0]
        if pick is None:
            pick = dict(
                id=None, name=name, type=sp.type, skeleton=sk, name_keys=" ".join(keys), aliases="[]", roles="[]"
            )
            pick["changed"] = False  # nothing to update: flush() inserts it whole
            self.rows.append(pick)
        aliases = _json_set(pick["aliases"])
        new_aliases = [a for a in dict.fromkeys([*sp.aliases, sp.name]) if a not in aliases]
        if new_aliases:
            pick.update(aliases=json.dumps(json.loads(pick["aliases"]) + new_aliases, ensure_ascii=False), changed=True)
        known = pick.get("roles") or "[]"
        if not _json_set(known).issuperset(roles):
            merged = list(dict.fromkeys(json.loads(known) + roles))
            pick.update(roles=json.dumps(merged, ensure_ascii=False), changed=True)
        if len(keys) > len(pick["name_keys"].split()):
            pick.update(name=name, name_keys=" ".join(keys), changed=True)
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
                            roles=r.get("roles", "[]"),
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
                    .values(name=r["name"], name_keys=r["name_keys"], aliases=r["aliases"], roles=r.get("roles", "[]"))
                )
                r["changed"] = False


def _live_persons(conn: Connection, ids: set[int]) -> dict[int, int]:
    """For persons merged into others: id → the person they now are (merges of merges followed).
    Article speakers stored before merges moved them still point at merged-away persons."""
    merged: dict[int, int] = {}
    todo = set(ids)
    for _ in range(50):  # a longer chain would be a cycle: stop rather than spin
        if not todo:
            break
        step = {
            r.id: r.merged_into
            for r in conn.execute(
                select(persons.c.id, persons.c.merged_into).where(
                    persons.c.id.in_(sorted(todo)), persons.c.merged_into.is_not(None)
                )
            )
        }
        merged.update(step)
        todo = {t for t in step.values() if t not in merged}

    def final(pid: int) -> int:
        seen = set()
        while pid in merged and pid not in seen:
            seen.add(pid)
            pid = merged[pid]
        return pid

    return {pid: final(pid) for pid in ids if pid in merged}


def store_speakers(conn: Connection, article_id: int, ex: Extraction) -> dict[str, tuple[int, int | None]]:
    """Article speakers with their persons: local id → (article speaker id, person id)."""
    existing = {
        r.local_id: r
        for r in conn.execute(select(article_speakers).where(article_speakers.c.article_id == article_id)).all()
    }
    live = _live_persons(conn, {r.person_id for r in existing.values() if r.person_id is not None})
    stored_person = {k: live.get(r.person_id, r.person_id) for k, r in existing.items()}
    # a speaker stored before keeps its person (the one it was merged into, if so); the others are linked now
    to_link = [sp for sp in ex.speakers if stored_person.get(sp.speaker_id) is None]
    linker = PersonLinker(conn, to_link, ex.lang)
    linked = {sp.speaker_id: linker.link(sp) for sp in to_link}
    linker.flush()  # new persons get their ids
    person_id = {sp.speaker_id: stored_person[sp.speaker_id] for sp in ex.speakers if sp.speaker_id not in linked}
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
