"""Long extraction off the desk's server process.

Every session of the desk runs in one server process, so extracting a long article in a session's
own thread takes CPU (and the interpreter lock) from every other analyst for as long as it runs.
An article longer than ``OFFLOAD_CHARS`` is therefore extracted and stored by a child process,
one at a time per server (the other core stays with the sessions), and killed after
``EXTRACT_SECONDS``; the session only waits. Short articles, the common case, are stored in
process: starting a child costs about a second.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any

from claims.store import IngestResult, ingest_text, load_statuses, open_store

OFFLOAD_CHARS = 100_000
EXTRACT_SECONDS = 300.0
# one long extraction at a time per server process; a second waits for the first
_SLOT = threading.BoundedSemaphore(1)


class ExtractionTimeout(Exception):
    """The article took longer than EXTRACT_SECONDS to extract and store; nothing was stored."""


def _child(db_url: str, text: str, kwargs: dict[str, Any], out: mp.Queue) -> None:
    try:
        engine = open_store(db_url)
        statuses = load_statuses(os.environ.get("CLAIMS_STATUSES") or None)
        out.put(("ok", ingest_text(engine, text, statuses=statuses, **kwargs)))
    except Exception as e:  # sent back as text: the exception class may not unpickle in the parent
        out.put(("error", f"{e}"))


def ingest_in_child(db_url: str, text: str, **kwargs: Any) -> IngestResult:
    """``ingest_text`` in a fresh process (spawned: forking a threaded server is unsafe).

    Raises ``ExtractionTimeout`` after EXTRACT_SECONDS (the child is killed, its transaction
    rolled back by the database) and ``RuntimeError`` with the child's message on failure."""
    ctx = mp.get_context("spawn")
    with _SLOT:
        out: mp.Queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(db_url, text, kwargs, out), daemon=True)
        proc.start()
        try:
            kind, value = _wait(proc, out, time.monotonic() + EXTRACT_SECONDS)
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(10)
            out.close()
    if kind == "error":
        raise RuntimeError(value)
    return value


def _wait(proc: Any, out: mp.Queue, deadline: float) -> tuple[str, Any]:
    """The child's answer; a child that died without one (killed, out of memory) is an error at
    once rather than after the whole time limit."""
    while True:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            pass
        if not proc.is_alive():
            try:  # it may have answered just as it ended
                return out.get(timeout=1)
            except queue.Empty:
                raise RuntimeError(f"the extraction process ended without an answer (exit {proc.exitcode})") from None
        if time.monotonic() > deadline:
            raise ExtractionTimeout(f"extraction took longer than {EXTRACT_SECONDS:.0f} s")
