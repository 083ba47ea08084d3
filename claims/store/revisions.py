"""Writing a claim outside the analysts' edit form: the conditional update every path shares.

Re-extraction, speaker merges and splits change claims that analysts may be editing at the same
moment. Each of them reads the claim under a row lock (``SELECT … FOR UPDATE``) and then writes
through :func:`write_claim`, which only updates the version it read (``WHERE version = ?``) and
appends the history rows of that version; if the row moved on anyway it refuses the whole
transaction instead of writing an older version over a newer one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, update

from claims.store.schema import claims, history


class LostRace(RuntimeError):
    """A claim changed between the locked read and the write; nothing was written."""


def write_claim(
    conn: Connection, row: Any, values: dict[str, Any], *, by: str, at: datetime, log: list[tuple[str, str, str]]
) -> int:
    """Update claim ``row`` (as read, with its ``id`` and ``version``) to ``values`` as the next
    version, with one history row per ``(field, old, new)`` in ``log``. Returns the new version."""
    version = row.version + 1
    res = conn.execute(
        update(claims).where(claims.c.id == row.id, claims.c.version == row.version).values(version=version, **values)
    )
    if res.rowcount != 1:
        raise LostRace(f"claim {row.id} changed since version {row.version} was read; nothing written")
    if not log:
        return version
    conn.execute(
        insert(history),
        [dict(claim_id=row.id, at=at, by=by, field=f, old=old, new=new, version=version) for f, old, new in log],
    )
    return version
