"""Archive-wide speakers: list with claim counts, merge two, split off a wrong alias.

Every change is logged in the history of each claim it touches (field ``person``), so an
analyst can see why a claim moved from one speaker to another.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, insert, select, update

from claims.lang import available, load
from claims.pipeline.names import name_key, skeleton
from claims.store.accounts import check_can_edit
from claims.store.db import reading, writing
from claims.store.ingest import now
from claims.store.schema import claims, history, persons
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
        if search.strip():
            stmt = stmt.where(persons.c.name.ilike(f"%{search}%") | persons.c.aliases.ilike(f"%{search}%"))
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


def _log(conn, claim_rows, analyst: str, old: str, new: str) -> None:
    ts = now()
    for c in claim_rows:
        conn.execute(update(claims).where(claims.c.id == c.id).values(version=c.version + 1))
        conn.execute(
            insert(history).values(
                claim_id=c.id, at=ts, by=analyst, field="person", old=old, new=new, version=c.version + 1
            )
        )


def merge_persons(engine: Engine, keep_id: int, drop_id: int, *, analyst: str) -> int:
    """Merge speaker ``drop_id`` into ``keep_id``: its aliases and claims move over. Returns the
    number of claims moved."""
    if not analyst.strip():
        raise EditError("an analyst name is required")
    if keep_id == drop_id:
        raise EditError("cannot merge a speaker into itself")
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        keep = conn.execute(select(persons).where(persons.c.id == keep_id)).first()
        drop = conn.execute(select(persons).where(persons.c.id == drop_id)).first()
        if keep is None or drop is None:
            raise EditError("no such speaker")
        aliases = list(dict.fromkeys(json.loads(keep.aliases) + [drop.name] + json.loads(drop.aliases)))
        conn.execute(
            update(persons).where(persons.c.id == keep_id).values(aliases=json.dumps(aliases, ensure_ascii=False))
        )
        conn.execute(update(persons).where(persons.c.id == drop_id).values(merged_into=keep_id))
        moved = conn.execute(select(claims.c.id, claims.c.version).where(claims.c.person_id == drop_id)).all()
        conn.execute(update(claims).where(claims.c.person_id == drop_id).values(person_id=keep_id))
        _log(conn, moved, analyst, drop.name, keep.name)
    return len(moved)


def split_alias(engine: Engine, person_id: int, alias: str, *, analyst: str) -> int:
    """Split a wrongly merged alias off a speaker into a new speaker of its own; the claims whose
    speaker is that alias move with it. Returns the new speaker's id."""
    if not analyst.strip():
        raise EditError("an analyst name is required")
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        p = conn.execute(select(persons).where(persons.c.id == person_id)).first()
        if p is None:
            raise EditError("no such speaker")
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
        moved = conn.execute(
            select(claims.c.id, claims.c.version).where(
                claims.c.person_id == person_id,
                (claims.c.speaker == alias)
                | (claims.c.speaker_mention == alias)
                | (claims.c.corrected_speaker == alias),
            )
        ).all()
        if moved:
            conn.execute(update(claims).where(claims.c.id.in_([m.id for m in moved])).values(person_id=new_id))
        _log(conn, moved, analyst, p.name, alias)
    return new_id
