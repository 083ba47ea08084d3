"""Connecting to the store: SQLite by default (WAL, busy timeout), PostgreSQL for teams."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import Copy
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///claims.db"
BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """The database URL: ``url``, else ``CLAIMS_DB_URL``, else ``claims.db`` in the working folder.

    ``postgresql://`` and ``postgres://`` URLs get the psycopg 3 driver.
    """
    url = url or os.environ.get("CLAIMS_DB_URL") or DEFAULT_URL
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, **kw) -> Engine:
    """An engine for the store. For SQLite: WAL journal, a 30 s busy timeout, foreign keys on,
    and write transactions that take the write lock up front (``BEGIN IMMEDIATE``), so that many
    analysts on one app server queue for the lock instead of failing with "database is locked"."""
    url = resolve_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kw)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection):
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    kw.setdefault("pool_pre_ping", True)  # a server restart costs one retry, not an error page
    return create_engine(url, **kw)


def _alembic_config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("claims.store") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Run the migrations up to ``revision``; creates a new database. Returns the revision."""
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
    return current_revision(engine)


def current_revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("claims.store") / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def open_store(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine on an up-to-date store (migrations run when the database is behind)."""
    engine = make_engine(url)
    if migrate and current_revision(engine) != head_revision():
        upgrade(engine)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (the SQLite write lock taken at BEGIN); commits on success."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def copy_into(conn: Connection, table: str, columns: Sequence[str], *, queued: bool = False) -> Iterator[Copy]:
    """PostgreSQL ``COPY table (columns) FROM STDIN`` on this transaction's connection, ended (and
    its work waited for) when the block is left. ``queued``: what is written is sent by a writer
    thread (psycopg's QueuedLibpqWriter), so the server inserts it while the block goes on."""
    raw = conn.connection.driver_connection  # the psycopg 3 connection of this transaction
    with (
        raw.cursor() as cur,
        cur.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN", writer=QueuedLibpqWriter(cur) if queued else None
        ) as copy,
    ):
        yield copy


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format (backslash, tab, newline and return escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def next_ids(conn: Connection, table: str, n: int) -> list[int]:
    """``n`` fresh ids from ``table``'s id sequence (PostgreSQL), in one round trip: rows COPY'd
    with their ids need not be read back to learn them."""
    if n == 0:
        return []
    seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar_one()
    return list(conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": n}).scalars())
