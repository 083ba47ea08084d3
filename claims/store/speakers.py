"""Archive-wide speakers: list with claim counts, merge two, split off a wrong alias.

Every change is logged in the history of each claim it touches (field ``person``), so an
analyst can see why a claim moved from one speaker to another. Each claim moved is a conditional
write of the version read under its row lock (:func:`claims.store.revisions.write_claim`), and
every merge or split holds the persons lock, as ingest and re-extraction do.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, Engine, func, insert, select, update

from claims.lang import available, load
from claims.pipeline.names import name_key, skeleton
from claims.store.accounts import check_can_edit
from claims.store.db import reading, writing
from claims.store.linking import lock_persons, now
from claims.store.revisions import write_claim
from claims.store.schema import article_speakers, claims, history, persons
from claims.store.speaker_search import find_persons
from claims.store.workflow import EditError


def list_persons(engine: Engine, search: str = "", limit: int = 200) -> list[dict]:
    """Speakers with their aliases and claim counts by status, most claims first."""
    with reading(engine) as conn:
        stmt = (
            select(persons.c.id, persons.c.name, persons.c.type, persons.c.aliases, func.count(claims.c.id).label("n"))
            .select_from(persons.outerjoin(claims, claims.c.person_id == persons.c.id))
            .where(persons.c.merged_into.is_(None))
            .group_by(persons.c.id, persons.c.name, persons.c.type, persons.c.aliases)
            .order_by(func.count(claims.c.id).desc(), persons.c.name)
            .limit(limit)
        )
        search = search.replace("\x00", "")  # PostgreSQL refuses NUL in a query; no name holds one
        if search.strip():  # a name in any script or spelling, or part of one as typed
            named = [pid for pid, _ in find_persons(engine, search)]
            stmt = stmt.where(
                persons.c.id.in_(named) | persons.c.name.ilike(f"%{search}%") | persons.c.aliases.ilike(f"%{search}%")
            )
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        ids = [r["id"] for r in rows]
        by_status: dict[int, dict[str, int]] = {}
        if ids:
            for pid, status, n in conn.execute(
                select(claims.c.person_id, claims.c.status, func.count())
                .where(claims.c.person_id.in_(ids))
                .group_by(claims.c.person_id, claims.c.status)
            ):
                by_status.setdefault(pid, {})[status] = n
    for r in rows:
        r["aliases"] = json.loads(r["aliases"])
        r["by_status"] = by_status.get(r["id"], {})
    return rows


def _move_claims(conn: Connection, where, new_person: int, analyst: str, old: str, new: str) -> int:
    """Move the claims matching ``where`` to ``new_person``, each as a new version with a history
    row, over the version read under the row lock (never an older one: an analyst saving at the
    same moment either goes first and is kept, or waits and then gets a conflict)."""
    ts = now()
    rows = conn.execute(
        select(claims.c.id, claims.c.version).where(where).order_by(claims.c.id).with_for_update()
    ).all()
    for row in rows:
        write_claim(conn, row, {"person_id": new_person}, by=analyst, at=ts, log=[("person", old, new)])
    return len(rows)


def _live(conn: Connection, person_id: int):
    p = conn.execute(select(persons).where(persons.c.id == person_id)).first()
    if p is None:
        raise EditError("no such speaker")
    if p.merged_into is not None:
        raise EditError(f"speaker #{person_id} was merged into #{p.merged_into} already")
    return p


def merge_persons(engine: Engine, keep_id: int, drop_id: int, *, analyst: str) -> int:
    """Merge speaker ``drop_id`` into ``keep_id``: its aliases, claims and article speakers move
    over (so a re-extraction keeps the merge). Returns the number of claims moved."""
    if not analyst.strip():
        raise EditError("an analyst name is required")
    if keep_id == drop_id:
        raise EditError("cannot merge a speaker into itself")
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        lock_persons(conn)  # no linker can pick the dropped person while we move everything off it
        keep, drop = _live(conn, keep_id), _live(conn, drop_id)
        aliases = list(dict.fromkeys(json.loads(keep.aliases) + [drop.name] + json.loads(drop.aliases)))
        conn.execute(
            update(persons).where(persons.c.id == keep_id).values(aliases=json.dumps(aliases, ensure_ascii=False))
        )
        conn.execute(update(persons).where(persons.c.id == drop_id).values(merged_into=keep_id))
        conn.execute(update(persons).where(persons.c.merged_into == drop_id).values(merged_into=keep_id))
        conn.execute(update(article_speakers).where(article_speakers.c.person_id == drop_id).values(person_id=keep_id))
        return _move_claims(conn, claims.c.person_id == drop_id, keep_id, analyst, drop.name, keep.name)


def unmerge_persons(engine: Engine, keep_id: int, drop_id: int, *, analyst: str) -> int:
    """Undo :func:`merge_persons`: ``drop_id`` is a speaker again, with the claims the merge moved
    (their last person change was that merge) and its article speakers; the names it brought are
    taken off ``keep_id``. Logged like the merge. Returns the number of claims moved back."""
    if not analyst.strip():
        raise EditError("an analyst name is required")
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        lock_persons(conn)
        keep = _live(conn, keep_id)
        drop = conn.execute(select(persons).where(persons.c.id == drop_id)).first()
        if drop is None or drop.merged_into != keep_id:
            raise EditError(f"speaker #{drop_id} is not merged into #{keep_id}")
        brought = set(json.loads(drop.aliases)) | {drop.name}
        own = [a for a in json.loads(keep.aliases) if a not in brought or a == keep.name]
        conn.execute(update(persons).where(persons.c.id == keep_id).values(aliases=json.dumps(own, ensure_ascii=False)))
        conn.execute(update(persons).where(persons.c.id == drop_id).values(merged_into=None))
        conn.execute(
            update(article_speakers)
            .where(article_speakers.c.person_id == keep_id, article_speakers.c.name.in_(brought))
            .values(person_id=drop_id)
        )
        # the claims whose latest person change is this merge (drop's name → keep's name)
        latest = (
            select(history.c.claim_id, func.max(history.c.id).label("last"))
            .where(history.c.field == "person")
            .group_by(history.c.claim_id)
            .subquery()
        )
        moved = (
            select(history.c.claim_id)
            .join(latest, latest.c.last == history.c.id)
            .where(history.c.old == drop.name, history.c.new == keep.name)
        )
        return _move_claims(
            conn, (claims.c.person_id == keep_id) & claims.c.id.in_(moved), drop_id, analyst, keep.name, drop.name
        )


def split_alias(engine: Engine, person_id: int, alias: str, *, analyst: str) -> int:
    """Split a wrongly merged alias off a speaker into a new speaker of its own; the claims whose
    speaker is that alias move with it, and so do the article speakers of that name (so a
    re-extraction keeps the split). Returns the new speaker's id."""
    if not analyst.strip():
        raise EditError("an analyst name is required")
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        lock_persons(conn)
        p = _live(conn, person_id)
        aliases = json.loads(p.aliases)
        if alias not in aliases:
            raise EditError(f"{alias!r} is not an alias of {p.name!r}")
        if alias == p.name:
            raise EditError("the speaker's own name cannot be split off; merge or rename instead")
        conn.execute(
            update(persons)
            .where(persons.c.id == person_id)
            .values(aliases=json.dumps([a for a in aliases if a != alias], ensure_ascii=False))
        )
        fixes = tuple(fx for code in available() for fx in load(code).romanise.items())
        keys = name_key([w for w in alias.split() if w[:1].isalnum()], fixes)
        new_id = conn.execute(
            insert(persons).values(
                name=alias,
                type=p.type,
                name_keys=" ".join(keys),
                skeleton=skeleton(keys[-1]) if keys else "",
                aliases=json.dumps([alias], ensure_ascii=False),
                created_at=now(),
            )
        ).inserted_primary_key[0]
        conn.execute(
            update(article_speakers)
            .where(article_speakers.c.person_id == person_id, article_speakers.c.name == alias)
            .values(person_id=new_id)
        )
        said_by_alias = (
            (claims.c.speaker == alias) | (claims.c.speaker_mention == alias) | (claims.c.corrected_speaker == alias)
        )
        # the claims said under the alias move, and show the alias as their speaker wherever a
        # claim's speaker is shown (table, detail, dashboard, CSV): one attributed to the old name
        # ("Tokayev" resolved to the full name) gets it as its corrected speaker, logged
        ts = now()
        rows = conn.execute(
            select(claims.c.id, claims.c.version, claims.c.speaker, claims.c.corrected_speaker)
            .where((claims.c.person_id == person_id) & said_by_alias)
            .order_by(claims.c.id)
            .with_for_update()
        ).all()
        for row in rows:
            values: dict = {"person_id": new_id}
            log = [("person", p.name, alias)]
            if (row.corrected_speaker or row.speaker) != alias:
                values["corrected_speaker"] = alias
                log.append(("corrected_speaker", row.corrected_speaker, alias))
            write_claim(conn, row, values, by=analyst, at=ts, log=log)
    return new_id
