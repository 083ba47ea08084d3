"""Archive-wide persons: linking each article's speakers to them, and the lock that serialises it.

A speaker links to an existing person whose name it is a (spelling-variant, cross-script)
sub-name of, or the reverse; otherwise a new person is made. Ingest, re-extraction, merges and
splits all take :func:`lock_persons` first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, text, update

from claims.lang import load
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


def candidate_persons(conn: Connection, by_skeleton) -> list[dict]:
    """The live persons a batch of speakers may link to, selected by ``by_skeleton`` (a condition
    on ``persons.skeleton``), as rows the linker updates in place (``changed`` marks the ones to
    write back)."""
    columns = (persons.c.id, persons.c.name, persons.c.type, persons.c.skeleton, persons.c.name_keys, persons.c.aliases)
    query = select(*columns).where(by_skeleton, persons.c.merged_into.is_(None))
    return [dict(r._mapping, changed=False) for r in conn.execute(query)]


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
        lock_persons(conn)  # held already by every caller; taking it again costs nothing
        self.keys = {sp.speaker_id: self._keys(sp) for sp in speakers if self._linkable(sp)}
        skeletons = {skeleton(k[-1]) for k in self.keys.values() if k}
        self.rows: list[dict] = candidate_persons(conn, persons.c.skeleton.in_(sorted(skeletons))) if skeletons else []

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
        return self._choose(sp, sk, keys, fits)

    def _choose(self, sp: Speaker, sk: str, keys: list[str], fits: list[dict]) -> dict:
        """Among the rows that fit ``sp``: the exact name, else the only one, else a new person;
        the chosen row takes the speaker's new aliases and, when fuller, its name."""
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
