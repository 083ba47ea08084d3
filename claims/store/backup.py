"""Backups: a consistent SQLite copy (the online backup API), pg_dump guidance for PostgreSQL.

A backup is checked before it is trusted: ``PRAGMA integrity_check`` and the schema of a known
migration revision (every table with exactly its columns), before anything is replaced. A restore
without ``--force`` only goes into a store that is truly empty (no articles, claims, speakers,
history or accounts), and a backup of a corrupt store is refused rather than written.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from claims.redact import redact
from claims.store.db import _alembic_config, make_engine, resolve_url, upgrade

COUNTED = ("articles", "claims", "persons", "history", "users")  # any row in these: not empty


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    return Path(u.database) if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") else None


def _open_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def integrity_problem(path: Path) -> str:
    """Empty when the SQLite file at ``path`` passes ``PRAGMA integrity_check``, else what is wrong."""
    try:
        con = _open_ro(path)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return f"damaged, or not a SQLite database ({e})"
    return "" if rows == ["ok"] else "; ".join(rows[:5])


@cache
def _expected(revision: str) -> dict[str, frozenset[str]]:
    """Tables and their columns at ``revision``, as the migrations make them (on an in-memory store)."""
    engine = make_engine("sqlite://")
    try:
        upgrade(engine, revision)
        insp = inspect(engine)
        return {t: frozenset(c["name"] for c in insp.get_columns(t)) for t in insp.get_table_names()}
    finally:
        engine.dispose()


def _known_revisions() -> set[str]:
    with make_engine("sqlite://").connect() as conn:
        script = ScriptDirectory.from_config(_alembic_config(conn))
    return {s.revision for s in script.walk_revisions()}


def check_backup(source: Path) -> str:
    """The migration revision of a valid claims backup; ``ValueError`` saying why it is not one."""
    if not source.is_file():
        raise FileNotFoundError(f"no backup at {source}")
    if problem := integrity_problem(source):
        raise ValueError(f"{source} failed its integrity check: {problem}")
    con = _open_ro(source)
    try:
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            revision = None
        if revision is None or revision[0] not in _known_revisions():
            raise ValueError(f"{source} is not a claims backup: no known schema revision")
        tables = {
            t: frozenset(r[1] for r in con.execute(f'PRAGMA table_info("{t}")'))
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        con.close()
    for table, columns in _expected(revision[0]).items():
        if tables.get(table) != columns:
            raise ValueError(f"{source} is not a claims backup: table {table!r} is missing or has other columns")
    return revision[0]


def _rows(db_path: Path) -> dict[str, int]:
    """Rows per table of :data:`COUNTED` in an existing store; ``ValueError`` if it cannot be read."""
    try:
        con = _open_ro(db_path)
        try:
            have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COUNTED if t in have}
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise ValueError(f"cannot read {db_path} ({e}); pass --force to replace it") from None


def backup_sqlite(db_path: Path, target: Path) -> None:
    """Copy a live SQLite store to ``target`` consistently, even while analysts write to it.
    The copy is checked before it replaces ``target``: a corrupt store gives no backup."""
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    try:
        src, dst = sqlite3.connect(db_path), sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.DatabaseError as e:
        tmp.unlink(missing_ok=True)
        raise ValueError(f"{db_path} could not be read ({e}); no backup written") from None
    if problem := integrity_problem(tmp):
        tmp.unlink(missing_ok=True)
        raise ValueError(f"{db_path} failed its integrity check: {problem}; no backup written")
    tmp.replace(target)


def restore_sqlite(source: Path, db_path: Path, force: bool = False) -> None:
    """Restore a backup into ``db_path``. The backup is validated first; without ``force`` a
    store holding anything at all (articles, claims, speakers, history, accounts) is kept."""
    check_backup(source)
    if db_path.exists() and not force:
        held = {t: n for t, n in _rows(db_path).items() if n}
        if held:
            what = ", ".join(f"{n} {t}" for t, n in held.items())
            raise ValueError(f"{db_path} is not empty ({what}); pass --force to replace it")
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
    path = sqlite_path(url)
    if path is None:
        # masked: the guidance is printed; pg_dump takes the password from PGPASSWORD or ~/.pgpass
        plain = redact(url.replace("+psycopg", ""))
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
