"""Figures the desk reads often and computes at some cost, kept per store version.

An entry is keyed by the store's change token (:func:`claims.store.version.store_version`),
read before the figures are computed: a write by anyone — this server, another app server, a
``claims`` command — gives a new token, so the next read computes afresh and a cached figure is
never shown after a write. Entries are shared by every session of the server (one analyst's
Dashboard warms it for the next); entries of older tokens can never be asked for again and are
dropped as soon as a newer one is stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from claims.store.version import store_version

T = TypeVar("T")
MAX_ENTRIES = 64  # filters kept per store version (each entry is a few small lists)

_entries: OrderedDict[tuple[str, str, str], object] = OrderedDict()
_lock = threading.Lock()


def cached(engine: Engine, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before for ``key`` while nothing was committed to the
    store since. Without a change token (an in-memory store, another backend) it always
    computes. The value is shared between sessions: callers must not change it."""
    version = store_version(engine)
    if version is None:
        return compute()
    store = engine.url.render_as_string(hide_password=True)
    k = (store, version, key)
    with _lock:
        if k in _entries:
            _entries.move_to_end(k)
            return _entries[k]  # type: ignore[return-value]
    value = compute()  # outside the lock: another session's figures need not wait for these
    with _lock:
        for old in [e for e in _entries if e[0] == store and e[1] != version]:
            del _entries[old]  # that version is gone for good
        _entries[k] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every entry (tests; a server that swapped its store)."""
    with _lock:
        _entries.clear()
