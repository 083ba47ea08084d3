"""Verification statuses, from a TOML file a newsroom can replace."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, func, select

from claims.store.db import reading
from claims.store.schema import claims


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    color: str
    final: bool
    rating: int | None = None
    alternate_name: str = ""
    default: bool = False
    # a verdict with this status is proposed by one analyst and approved by another (or an
    # admin) before it is final: exported, and published as ClaimReview, only once approved
    needs_approval: bool = False


class StatusError(ValueError):
    pass


@dataclass(frozen=True)
class Statuses:
    items: tuple[Status, ...]

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.items]

    @property
    def default(self) -> Status:
        return next((s for s in self.items if s.default), self.items[0])

    def get(self, key: str) -> Status:
        for s in self.items:
            if s.key == key:
                return s
        raise StatusError(f"unknown status {key!r}; choose one of: {', '.join(self.keys)}")


def load_statuses(path: str | Path | None = None) -> Statuses:
    """Statuses from ``path``, else ``CLAIMS_STATUSES``, else the built-in default list.

    Raises ``StatusError`` for a file with no statuses, duplicate keys or a missing field.
    """
    path = path or os.environ.get("CLAIMS_STATUSES")
    raw = Path(path).read_text("utf-8") if path else (resources.files(__package__) / "statuses.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    items = []
    for n, s in enumerate(data.get("status", []), 1):
        try:
            items.append(
                Status(
                    key=s["key"],
                    label=s.get("label", s["key"]),
                    color=s.get("color", "#9e9e9e"),
                    final=bool(s.get("final", False)),
                    rating=s.get("rating"),
                    alternate_name=s.get("alternate_name", s.get("label", s["key"])),
                    default=bool(s.get("default")),
                    needs_approval=bool(s.get("needs_approval", False)),
                )
            )
        except KeyError as e:
            raise StatusError(f"status #{n} has no {e.args[0]!r}") from None
    if not items:
        raise StatusError("the status file defines no [[status]]")
    keys = [s.key for s in items]
    for s in items:
        if s.needs_approval and s.default:
            raise StatusError(f"status {s.key!r} is the default and cannot need approval")
    if len(set(keys)) != len(keys):
        raise StatusError(f"duplicate status keys in {keys}")
    return Statuses(tuple(items))


def check_in_use(engine: Engine, statuses: Statuses) -> None:
    """Refuse a status list that drops a status some claim still has."""
    with reading(engine) as conn:
        used = conn.execute(select(claims.c.status, func.count()).group_by(claims.c.status)).all()
    missing = {k: n for k, n in used if k not in statuses.keys}
    if missing:
        detail = ", ".join(f"{k} ({n} claims)" for k, n in sorted(missing.items()))
        raise StatusError(f"statuses still in use cannot be removed: {detail}")
