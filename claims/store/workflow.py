"""The verification workflow: edits with full history and optimistic concurrency.

Every edit names the version it was based on. Edits merge by field: what the analyst changed
(fields whose value differs from that base version, read back from the history) is written on
top of whatever others changed since, so two analysts editing different fields of one claim both
keep their change. Only a field both changed to different values is a :class:`Conflict` (base,
theirs and mine side by side), as is any edit of a claim whose text the extractor changed since
(the verdict was about other words). The write is one conditional statement
(``… WHERE id = ? AND version = ?``) under a row lock; history rows are written in the same
transaction, and never updated or deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, Engine, insert, select, update

from claims.store.accounts import EDIT_ROLES, PermissionDenied, check_can_edit
from claims.store.db import reading, writing
from claims.store.ingest import now
from claims.store.revisions import write_claim
from claims.store.schema import claims, history, users
from claims.store.statuses import Statuses, load_statuses

EDITABLE = ("status", "verdict_note", "evidence", "assignee", "corrected_speaker", "corrected_start", "corrected_end")


@dataclass
class Change:
    by: str
    at: str
    field: str
    old: str
    new: str
    version: int


@dataclass
class FieldConflict:
    """One field both analysts changed since the base version: the three values side by side
    (as stored text; lists as JSON)."""

    field: str
    base: str
    theirs: str
    mine: str
    by: str  # who made "theirs" (the latest change of the field)


class Conflict(Exception):
    """The claim changed since the version an edit was based on, in a field the edit changes too
    (or in its text); nothing was written. ``fields`` holds the fields in conflict side by side,
    ``mine`` every change the analyst made (as given), to apply on top once they decide."""

    def __init__(
        self,
        claim_id: int,
        base_version: int,
        current_version: int,
        changes: list[Change],
        fields: list[FieldConflict] | None = None,
        mine: dict[str, Any] | None = None,
    ):
        self.claim_id, self.base_version, self.current_version, self.changes = (
            claim_id,
            base_version,
            current_version,
            changes,
        )
        self.fields = fields or []
        self.mine = dict(mine or {})
        who = "; ".join(f"{c.by} set {c.field} to {c.new!r}" for c in changes[-5:]) or "another update"
        super().__init__(f"claim {claim_id} changed since version {base_version} (now {current_version}): {who}")


# Changes others make to these fields do not touch an analyst's edit (a merge or split moving the
# claim to another person); a change to any other field that is not editable (content, cue,
# offsets, stale) means the claim itself changed under the analyst, and their edit is a conflict.
# An approval ("approval": pending -> approved) does not touch what an analyst edits either: an
# edit of the verdict after it asks for approval again (see _approval_values).
NEUTRAL_FIELDS = frozenset({"person", "approval"})
# what a reader of the verdict sees: changing any of them after approval asks for approval again
VERDICT_FIELDS = ("status", "verdict_note", "evidence")


class EditError(ValueError):
    """An edit that cannot be applied as given (unknown claim, bad value, no analyst)."""


def _acting(analyst: str | None) -> str:
    """The acting analyst's name; every change names one."""
    analyst = (analyst or "").strip()
    if not analyst:
        raise EditError("an analyst name is required for every change")
    return analyst


def _claim_for_update(conn: Connection, claim_id: int) -> Any:
    """The claim's row, locked for this transaction: on PostgreSQL a concurrent edit waits here
    instead of racing past the checks that follow."""
    row = conn.execute(select(claims).where(claims.c.id == claim_id).with_for_update()).first()
    if row is None:
        raise EditError(f"no claim {claim_id}")
    return row

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _validate(changes: dict[str, Any], statuses: Statuses, row) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise EditError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}")
    out = dict(changes)
    if "status" in out:
        statuses.get(out["status"])  # raises StatusError (a ValueError) for an unknown status
    if "evidence" in out:
        links = out["evidence"]
        if isinstance(links, str):
            links = [s.strip() for s in links.replace(",", "\n").splitlines() if s.strip()]
        for link in links:
            if urlparse(link).scheme not in ("http", "https"):
                raise EditError(f"evidence must be http(s) links, not {link!r}")
        out["evidence"] = json.dumps(list(dict.fromkeys(links)), ensure_ascii=False)
    for k in ("verdict_note", "assignee", "corrected_speaker"):
        if k in out:  # without NUL, which PostgreSQL cannot store (SQLite would): the same on both
            out[k] = str(out[k] or "").replace("\x00", "").strip()
    if len(out.get("assignee", "")) > claims.c.assignee.type.length:  # PostgreSQL enforces it; SQLite would not
        raise EditError(f"an assignee name is at most {claims.c.assignee.type.length} characters")
    if "corrected_start" in out or "corrected_end" in out:
        a, b = out.get("corrected_start", row.corrected_start), out.get("corrected_end", row.corrected_end)
        if (a is None) != (b is None) or (a is not None and not (0 <= a < b)):
            raise EditError("a corrected span needs 0 <= start < end")
    return out


def changes_since(conn: Connection, claim_id: int, version: int) -> list[Change]:
    rows = conn.execute(
        select(history).where(history.c.claim_id == claim_id, history.c.version > version).order_by(history.c.id)
    ).all()
    return [Change(r.by, r.at.isoformat() if r.at else "", r.field, r.old, r.new, r.version) for r in rows]


def _merge(conn: Connection, row: Any, base_version: int, values: dict[str, Any], given: dict[str, Any]) -> dict:
    """The part of an edit based on ``base_version`` to write over the current ``row``: the fields
    the analyst changed from the base. Raises :class:`Conflict` for a field someone else changed
    too (to another value), or when the claim's own text changed since."""
    since = changes_since(conn, row.id, base_version)
    base: dict[str, str] = {}
    theirs: dict[str, Change] = {}
    for ch in since:  # the oldest change of a field holds its base value, the newest theirs
        base.setdefault(ch.field, ch.old)
        theirs[ch.field] = ch
    mine = {k: v for k, v in values.items() if _text(v) != base.get(k, _text(getattr(row, k)))}
    clashes = [
        FieldConflict(k, base[k], theirs[k].new, _text(v), theirs[k].by)
        for k, v in mine.items()
        if k in theirs and _text(v) != _text(getattr(row, k))
    ]
    substance = [ch for f, ch in theirs.items() if f not in EDITABLE and f not in NEUTRAL_FIELDS]
    if mine and (clashes or substance):
        clashes += [FieldConflict(ch.field, base[ch.field], ch.new, "", ch.by) for ch in substance]
        raise Conflict(row.id, base_version, row.version, since, clashes, {k: given[k] for k in mine})
    return mine


def update_claim(
    engine: Engine,
    claim_id: int,
    *,
    base_version: int,
    analyst: str,
    statuses: Statuses | None = None,
    **changes: Any,
) -> int:
    """Apply ``changes`` (fields of :data:`EDITABLE`) made by ``analyst`` to a claim last seen at
    ``base_version``. Returns the new version; a no-op edit returns the current version.

    When the claim moved on since ``base_version``, only the fields the analyst changed from that
    version are written, over the others' changes. Raises :class:`Conflict` when one of them was
    changed by someone else too (or the claim's text changed), :class:`EditError`
    (or ``StatusError``) for bad input, ``PermissionDenied`` when accounts are on and ``analyst``
    may not edit. In every case nothing is written.
    """
    analyst = _acting(analyst)
    statuses = statuses or load_statuses()
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        return _update(conn, claim_id, base_version, analyst, statuses, changes)


def _update(
    conn: Connection, claim_id: int, base_version: int, analyst: str, statuses: Statuses, changes: dict[str, Any]
) -> int:
    """:func:`update_claim` inside a write transaction whose caller checked the analyst's role.
    Raises before writing anything, so a caller may go on with other claims in the same
    transaction after a :class:`Conflict` or :class:`EditError`."""
    row = _claim_for_update(conn, claim_id)
    values = _validate(changes, statuses, row)
    if row.version != base_version:
        values = _merge(conn, row, base_version, values, changes)
    diff = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not diff:
        return row.version
    if "assignee" in diff:
        _check_assignee(conn, diff["assignee"])
    new_version = row.version + 1
    ts = now()
    approval, approval_log = _approval_values(row, diff, statuses, analyst)
    res = conn.execute(
        update(claims)
        .where(claims.c.id == claim_id, claims.c.version == row.version)
        .values(version=new_version, updated_by=analyst, updated_at=ts, **diff, **approval)
    )
    if res.rowcount != 1:  # cannot happen under the row lock; refuse rather than guess
        current = conn.execute(select(claims.c.version).where(claims.c.id == claim_id)).scalar()
        raise Conflict(claim_id, base_version, current or -1, changes_since(conn, claim_id, base_version))
    conn.execute(
        insert(history),
        [
            dict(
                claim_id=claim_id,
                at=ts,
                by=analyst,
                field=k,
                old=_text(getattr(row, k)),
                new=_text(v),
                version=new_version,
            )
            for k, v in [*diff.items(), *approval_log]
        ],
    )
    return new_version


def _approval_values(row: Any, diff: dict[str, Any], statuses: Statuses, analyst: str) -> tuple[dict, list]:
    """What an edit does to the claim's approval: a verdict set or changed (status, note or
    evidence) under a status that needs approval is proposed by ``analyst`` and waits for
    another's approval; under a status that needs none, no approval is kept. Returns the
    columns to write and the history row ("approval", new state) when the state changes."""
    if not any(k in diff for k in VERDICT_FIELDS):
        return {}, []
    status = statuses.get(diff.get("status", row.status))
    if status.needs_approval:
        values = {"approval": "pending", "proposed_by": analyst, "approved_by": "", "approved_at": None}
    else:
        values = {"approval": "", "proposed_by": "", "approved_by": "", "approved_at": None}
    changed = values["approval"] != (row.approval or "") or values["proposed_by"] != (row.proposed_by or "")
    log = [("approval", values["approval"])] if changed else []
    return values, log


def _check_assignee(conn: Connection, assignee: str) -> None:
    """Once the store has accounts, a claim is assigned only to an account that may edit (an
    analyst or an admin); "" unassigns. Raises :class:`EditError`."""
    if not assignee or not conn.execute(select(users.c.id).limit(1)).first():
        return
    role = conn.execute(select(users.c.role).where(users.c.username == assignee)).scalar()
    if role is None:
        raise EditError(f"no account {assignee!r} to assign the claim to")
    if role not in EDIT_ROLES:
        raise EditError(f"{assignee!r} is a {role} and cannot be assigned claims")


def assign(
    engine: Engine, items: list[tuple[int, int]], assignee: str, *, analyst: str
) -> tuple[list[int], list[Conflict]]:
    """Assign many ``(claim id, base version)`` to ``assignee`` ("" unassigns), as ``analyst``;
    each is one logged, role-checked edit. Returns the ids changed and the conflicts (an
    assignee someone else changed meanwhile). Raises :class:`EditError` for an assignee who is
    no account that may edit, ``PermissionDenied`` for an acting user who may not edit."""
    done, conflicts = [], []
    for claim_id, version in items:
        try:
            update_claim(engine, claim_id, base_version=version, analyst=analyst, assignee=assignee)
            done.append(claim_id)
        except Conflict as c:
            conflicts.append(c)
    return done, conflicts


def proposer_of(conn: Connection, row: Any) -> str:
    """Who proposed the claim's current verdict: recorded since migration 0006, else whoever
    last set its status (a verdict set before approval was configured)."""
    if row.proposed_by:
        return row.proposed_by
    last = conn.execute(
        select(history.c.by)
        .where(history.c.claim_id == row.id, history.c.field == "status")
        .order_by(history.c.id.desc())
        .limit(1)
    ).scalar()
    return last or row.updated_by or ""


def approve(
    engine: Engine, claim_id: int, *, base_version: int, analyst: str, statuses: Statuses | None = None
) -> int:
    """Approve the verdict of a claim whose status needs approval, as ``analyst`` (an analyst or
    an admin once accounts exist, checked in the write transaction), who must not be the one who
    proposed it. ``base_version`` is the version the approver read: if the verdict (status, note,
    evidence) or the claim's text changed since, nothing is approved (:class:`Conflict`). Logged
    in the history as ``approval`` pending -> approved. Returns the new version.

    Raises :class:`EditError` when there is nothing to approve (no such claim, a status that
    needs no approval, approved already), ``PermissionDenied`` for the proposer or a viewer."""
    return _decide(engine, claim_id, "approved", base_version=base_version, analyst=analyst, statuses=statuses)


def send_back(
    engine: Engine, claim_id: int, *, base_version: int, analyst: str, statuses: Statuses | None = None
) -> int:
    """Return a proposed verdict to its proposer unapproved (``approval`` -> returned), under the
    same rules as :func:`approve`: another analyst or an admin, on the version they read. It stays
    out of exports; the proposer's next change of the verdict asks for approval again."""
    return _decide(engine, claim_id, "returned", base_version=base_version, analyst=analyst, statuses=statuses)


def _decide(
    engine: Engine,
    claim_id: int,
    decision: str,
    *,
    base_version: int,
    analyst: str,
    statuses: Statuses | None = None,
) -> int:
    """Record ``decision`` (approved | returned) on a proposed verdict: :func:`approve`."""
    analyst = _acting(analyst)
    statuses = statuses or load_statuses()
    with writing(engine) as conn:
        check_can_edit(conn, analyst)
        row = _claim_for_update(conn, claim_id)
        status = statuses.get(row.status)
        if not status.needs_approval:
            raise EditError(f"claim {claim_id} is {status.label!r}, which needs no approval")
        if row.approval == "approved":
            raise EditError(f"claim {claim_id} was approved already, by {row.approved_by}")
        if row.approval == "returned" and decision == "returned":
            raise EditError(f"claim {claim_id} was sent back already; its proposer has not changed it since")
        proposer = proposer_of(conn, row)
        if proposer == analyst:
            raise PermissionDenied(f"{analyst!r} proposed this verdict; another analyst or an admin must approve it")
        if row.version != base_version:
            since = changes_since(conn, claim_id, base_version)
            moved = [ch for ch in since if ch.field not in ("assignee", "person")]
            if moved:
                raise Conflict(claim_id, base_version, row.version, since)
        ts = now()
        values: dict[str, Any] = {"approval": decision, "updated_by": analyst, "updated_at": ts}
        if decision == "approved":
            values.update(approved_by=analyst, approved_at=ts)
        if not row.proposed_by:
            values["proposed_by"] = proposer
        return write_claim(conn, row, values, by=analyst, at=ts, log=[("approval", row.approval or "", decision)])



def set_status(
    engine: Engine,
    claim_id: int,
    status: str,
    *,
    analyst: str,
    note: str | None = None,
    base_version: int | None = None,
    statuses: Statuses | None = None,
) -> int:
    """Set a claim's status (and note). Without ``base_version`` the current version is used:
    for scripts that mean "whatever it is now", and still safe against a concurrent edit."""
    if base_version is None:
        with reading(engine) as conn:
            v = conn.execute(select(claims.c.version).where(claims.c.id == claim_id)).scalar()
        if v is None:
            raise EditError(f"no claim {claim_id}")
        base_version = v
    changes: dict[str, Any] = {"status": status}
    if note is not None:
        changes["verdict_note"] = note
    return update_claim(engine, claim_id, base_version=base_version, analyst=analyst, statuses=statuses, **changes)


BULK_CHUNK = 200  # claims per write transaction in a bulk change (short enough not to hold others up)


def bulk_status(
    engine: Engine,
    items: list[tuple[int, int]],
    status: str,
    *,
    analyst: str,
    statuses: Statuses | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[list[int], list[Conflict]]:
    """Set one status on many ``(claim id, base version)``; returns the ids changed (or already
    so) and the conflicts. Each claim is written as :func:`update_claim` would (merged by field,
    a history row each); ``BULK_CHUNK`` claims per transaction, the analyst's role checked in
    each. A claim gone meanwhile is skipped. ``progress(done)`` is called after each chunk.
    Raises ``PermissionDenied`` (nothing written) when the analyst may not edit, ``StatusError``
    for an unknown status."""
    analyst = _acting(analyst)
    statuses = statuses or load_statuses()
    statuses.get(status)  # an unknown status is refused before anything is written
    done: list[int] = []
    conflicts: list[Conflict] = []
    for start in range(0, len(items), BULK_CHUNK):
        with writing(engine) as conn:
            check_can_edit(conn, analyst)
            for claim_id, version in items[start : start + BULK_CHUNK]:
                try:
                    _update(conn, claim_id, version, analyst, statuses, {"status": status})
                    done.append(claim_id)
                except Conflict as c:
                    conflicts.append(c)
                except EditError:
                    continue  # removed since it was listed: nothing to change
        if progress is not None:
            progress(min(len(items), start + BULK_CHUNK))
    return done, conflicts


def history_of(engine: Engine, claim_id: int) -> list[Change]:
    with reading(engine) as conn:
        return changes_since(conn, claim_id, 0)


def claim_id_for_key(engine: Engine, key: str) -> int:
    """The database id of a claim given its contract ``claim_id`` (or the numeric id as text)."""
    key = key.replace("\x00", "")  # PostgreSQL refuses NUL in a query; no key holds one
    with reading(engine) as conn:
        found = conn.execute(select(claims.c.id).where(claims.c.claim_key == key)).scalar()
        if found is None and key.isdigit():
            found = conn.execute(select(claims.c.id).where(claims.c.id == int(key))).scalar()
    if found is None:
        raise EditError(f"no claim {key!r}")
    return found
