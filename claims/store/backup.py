"""Backups: a consistent SQLite copy (the online backup API), pg_dump guidance for PostgreSQL."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from claims.store.db import resolve_url


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    return Path(u.database) if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") else None


def backup_sqlite(db_path: Path, target: Path) -> None:
    """Copy a live SQLite store to ``target`` consistently, even while analysts write to it."""
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    src, dst = sqlite3.connect(db_path), sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    tmp.replace(target)


def restore_sqlite(source: Path, db_path: Path, force: bool = False) -> None:
    """Restore a backup into ``db_path``; refuses to replace a store that has articles unless forced."""
    if not source.exists():
        raise FileNotFoundError(f"no backup at {source}")
    check = sqlite3.connect(source)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        check.execute("SELECT count(*) FROM claims").fetchone()
    except sqlite3.DatabaseError as e:
        raise ValueError(f"{source} is not a claims backup: {e}") from None
    finally:
        check.close()
    if ok != "ok":
        raise ValueError(f"{source} failed its integrity check: {ok}")
    if db_path.exists() and not force:
        cur = sqlite3.connect(db_path)
        try:
            n = cur.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.DatabaseError:
            n = 0
        finally:
            cur.close()
        if n:
            raise ValueError(f"{db_path} holds {n} articles; pass --force to replace it")
    src, dst = sqlite3.connect(source), sqlite3.connect(db_path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


PG_GUIDANCE = """PostgreSQL: back up with pg_dump, restore with pg_restore, e.g.
  pg_dump --format=custom --file={target} '{url}'
  pg_restore --clean --if-exists --dbname='{url}' {target}"""


def run(args: argparse.Namespace) -> int:
    url = resolve_url(args.db)
    path = _sqlite_path(url)
    if path is None:
        plain = url.replace("+psycopg", "")
        print(PG_GUIDANCE.format(target=getattr(args, "target", getattr(args, "source", "backup.dump")), url=plain))
        return 0
    try:
        if args.db_command == "backup":
            backup_sqlite(path, Path(args.target))
            print(f"backed up {path} to {args.target}")
        else:
            restore_sqlite(Path(args.source), path, force=args.force)
            print(f"restored {args.source} into {path}")
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
