"""A verdict set on one claim, offered to the other claims of its group (claims.store.grouping).

Nothing is applied until the analyst confirms, and then each claim is its own edit through
:func:`claims.store.workflow.update_claim`: the acting user's role is checked in the store, every
field changed is a history row of that claim, and a claim changed since the analyst was shown it
comes back as a conflict. A claim an analyst already gave a *different* verdict is listed apart
and changed only when the analyst names it; its own note is never replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from claims.store.db import reading
from claims.store.grouping import group_members
from claims.store.schema import claims
from claims.store.statuses import Statuses, load_statuses
from claims.store.workflow import Conflict, EditError, update_claim


def has_verdict(row: dict, statuses: Statuses) -> bool:
    """Whether an analyst gave the claim a verdict (a status other than the default)."""
    return row["status"] != statuses.default.key


def group_of(engine: Engine, claim_id: int) -> int | None:
    """The group of ``claim_id`` (None when it is in none or does not exist)."""
    with reading(engine) as conn:
        return conn.execute(select(claims.c.group_id).where(claims.c.id == claim_id)).scalar()


def group_verdict(engine: Engine, group_id: int, statuses: Statuses | None = None) -> dict | None:
    """The verdict a group already has: its most recently edited claim with a status other than
    the default, as a member row (:func:`claims.store.grouping.group_members`, with
    ``updated_at``); None when no claim of the group has one."""
    statuses = statuses or load_statuses()
    judged = [r for r in group_members(engine, group_id) if has_verdict(r, statuses)]
    return max(judged, key=lambda r: (r["updated_at"], r["id"])) if judged else None


@dataclass
class Offer:
    """What giving ``source``'s verdict to the rest of its group would do: ``fill`` are the claims
    with no verdict yet, ``differ`` the claims an analyst gave another verdict (member rows);
    claims with the same status already are in neither."""

    source: dict
    fill: list[dict]
    differ: list[dict]


def offer_verdict(engine: Engine, claim_id: int, statuses: Statuses | None = None) -> Offer | None:
    """The offer for ``claim_id``'s verdict; None when the claim is in no group or has no verdict."""
    statuses = statuses or load_statuses()
    gid = group_of(engine, claim_id)
    if gid is None:
        return None
    members = group_members(engine, gid)
    source = next((r for r in members if r["id"] == claim_id), None)
    if source is None or not has_verdict(source, statuses):
        return None
    fill, differ = [], []
    for r in members:
        if r["id"] == claim_id or r["status"] == source["status"]:
            continue
        (differ if has_verdict(r, statuses) else fill).append(r)
    return Offer(source, fill, differ)


@dataclass
class Applied:
    """The outcome of :func:`apply_verdict`, claim by claim."""

    done: list[int] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # another verdict of their own, not named to overwrite


def apply_verdict(
    engine: Engine,
    claim_id: int,
    targets: Iterable[tuple[int, int]],
    *,
    analyst: str,
    overwrite: Iterable[int] = (),
    statuses: Statuses | None = None,
) -> Applied:
    """Give ``claim_id``'s verdict to ``targets`` — (claim id, version the analyst was shown) — of
    its group, as ``analyst``, once they confirmed. The status is set; a target with no note gets
    the source's note (or one saying where the verdict came from), a note of its own is kept; the
    source's evidence links are added to the target's. A target with a different verdict of its
    own is changed only when it is in ``overwrite`` (else listed in ``kept``).

    Raises ``EditError`` when ``claim_id`` has no verdict or is in no group, or a target is not
    another claim of that group; ``PermissionDenied`` when ``analyst`` may not edit (nothing is
    written). A conflict on one target leaves the others applied."""
    statuses = statuses or load_statuses()
    offer = offer_verdict(engine, claim_id, statuses)
    if offer is None:
        raise EditError(f"claim {claim_id} has no verdict to offer or is in no group")
    gid = group_of(engine, claim_id)
    members = {r["id"]: r for r in group_members(engine, gid)} if gid is not None else {}
    overwrite = set(overwrite)
    src = offer.source
    src_links = json.loads(src["evidence"] or "[]")
    out = Applied()
    for tid, version in targets:
        row = members.get(tid)
        if row is None or tid == claim_id:
            raise EditError(f"claim {tid} is not another claim of claim {claim_id}'s group")
        if row["status"] == src["status"]:
            continue
        if has_verdict(row, statuses) and tid not in overwrite:
            out.kept.append(tid)
            continue
        changes: dict = {"status": src["status"]}
        if not row["verdict_note"]:
            changes["verdict_note"] = (
                src["verdict_note"] or f"Verdict of claim {claim_id}, the same claim (group {gid})."
            )
        links = list(dict.fromkeys(json.loads(row["evidence"] or "[]") + src_links))
        if links != json.loads(row["evidence"] or "[]"):
            changes["evidence"] = links
        try:
            update_claim(engine, tid, base_version=version, analyst=analyst, statuses=statuses, **changes)
            out.done.append(tid)
        except Conflict as c:
            out.conflicts.append(c)
    return out
