"""A token that changes whenever anything is committed to the store, by any connection or process.

The desk caches what is costly to count (the Dashboard) under this token: the same token means
the same committed data, so a cached figure is never shown after someone else's write.

- SQLite: ``PRAGMA data_version`` read on a connection of its own that never writes. SQLite
  changes that number for a connection whenever another connection (in this process or any
  other) commits to the file; the file's device and inode are part of the token, so a file
  replaced under the desk (a restore) is a new token too.
- PostgreSQL: the current snapshot (``pg_current_snapshot()``: the oldest running transaction,
  the next transaction id and the ones in progress). Two equal snapshots see exactly the same
  committed transactions; any commit in the cluster gives a new one, reads never do.
- Any other backend, or an in-memory SQLite database: ``None`` (do not cache).
"""

from __future__ import annotations

import os
import sqlite3
import threading

from sqlalchemy import Engine, text

_watchers: dict[str, tuple[tuple[int, int], sqlite3.Connection]] = {}
_lock = threading.Lock()


def store_version(engine: Engine) -> str | None:
    """The store's change token now (see the module's docstring), or ``None`` when this backend
    cannot give one. Read it *before* reading what is cached under it: whatever is read after
    holds at least the data the token stands for, and a later commit gives a new token."""
    name = engine.dialect.name
    if name == "sqlite":
        return _sqlite_version(engine.url.database or "")
    if name == "postgresql":
        with engine.connect() as conn:
            major = (engine.dialect.server_version_info or (0,))[0]
            fn = "pg_current_snapshot" if major >= 13 else "txid_current_snapshot"
            return "pg:" + str(conn.execute(text(f"SELECT {fn}()::text")).scalar())
    return None


def _sqlite_version(path: str) -> str | None:
    if not path or path == ":memory:" or path.startswith("file:"):
        return None  # each connection of an in-memory store is its own database
    full = os.path.abspath(path)
    try:
        st = os.stat(full)
    except OSError:
        return None
    ident = (st.st_dev, st.st_ino)
    with _lock:  # one watcher per file, shared by the server's threads; sqlite3 is not re-entrant
        seen = _watchers.get(full)
        if seen is None or seen[0] != ident:
            if seen is not None:
                seen[1].close()
            watcher = sqlite3.connect(full, check_same_thread=False, isolation_level=None)
            _watchers[full] = seen = (ident, watcher)
        value = seen[1].execute("PRAGMA data_version").fetchone()[0]
    return f"sqlite:{ident[0]}:{ident[1]}:{value}"
