"""Extraction on every core: a process pool fed a bounded window of articles, results in input order.

The engine is pure Python and holds the GIL, so threads would not help; processes do. Articles go
to the workers in small chunks (one article per message costs more in pickling than a short article
costs to read) and at most ``window`` chunks are in flight, so memory follows the window, not the
corpus: a million-row Parquet file streams through like a ten-row one. Results come back in the
order the articles were read, so the output is the same bytes as one process writes.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from claims.inputs import Article, InputError

CHUNK_ARTICLES = 8
# chunks in flight per worker: enough that a worker never waits for the parent to hand it work
WINDOW_PER_JOB = 4


@dataclass
class Extracted:
    """One article's outcome: its claim rows (contract dicts), or the reason it failed."""

    article: Article
    rows: list[dict[str, Any]]
    error: str | None = None
    pid: int = 0  # the process that extracted it (tests and the bench check the work was spread)
    # with ``render``: the rows already written as JSONL or CSV lines by the worker (``rows`` empty)
    text: str | None = None
    n_rows: int = 0


def default_jobs() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def extract_one(article: Article, lang: str | None, score: bool = False) -> Extracted:
    """Extract one article, turning an engine failure into a report (one bad article never stops a
    batch). With ``score`` each row also has the claim's check-worthiness
    (:func:`claims.learn.checkworthy.score_fields`: the claims file's columns), computed here on
    the worker so that a bulk load of the file need not."""
    from claims import extract_article

    try:
        ex = extract_article(article.text, lang=lang, article_id=article.article_id)
    except Exception as e:
        return Extracted(article, [], f"extraction failed: {e!r}", os.getpid())
    if score:
        from claims.learn.checkworthy import score_fields

        return Extracted(article, [{**c.to_dict(), **score_fields(c)} for c in ex.claims], None, os.getpid())
    return Extracted(article, [c.to_dict() for c in ex.claims], None, os.getpid())


def render_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows as the lines :class:`claims.formats.RowWriter` writes for them (no CSV header)."""
    from claims.formats import RowWriter
    from claims.model import CLAIM_FIELDS

    buf = io.StringIO()
    writer = RowWriter(buf, fmt, CLAIM_FIELDS)
    start = buf.tell()  # after the CSV header, which the parent writes once
    writer.write_all(rows)
    return buf.getvalue()[start:]


def _work(chunk: list[Article], arg: tuple[str | None, str | None, bool]) -> list[tuple[Any, str | None, int, int]]:
    # the article is not sent back: the parent still holds it, and texts are the bulk of the bytes.
    # With a text format the worker writes the lines too: the parent then only copies strings,
    # where decoding and encoding claim dicts would make it the bottleneck on a few cores
    lang, fmt, score = arg
    out: list[tuple[Any, str | None, int, int]] = []
    for a in chunk:
        r = extract_one(a, lang, score)
        if fmt is not None and r.error is None:
            out.append((render_rows(r.rows, fmt), None, r.pid, len(r.rows)))
        else:
            out.append((r.rows, r.error, r.pid, len(r.rows)))
    return out


def _warm() -> None:
    # load the language packs once per worker before the first chunk, not inside its timing
    from claims import extract_article

    extract_article("He said it would rain.", lang="en")
    extract_article("उन्होंने कहा कि बारिश होगी।", lang="hi")


def extract_items(
    items: Iterable[Article | InputError],
    lang: str | None,
    jobs: int = 1,
    chunk: int = CHUNK_ARTICLES,
    render: str | None = None,
    score: bool = False,
) -> Iterator[Extracted | InputError]:
    """Each input item's outcome, in input order: :class:`Extracted` for an article, the
    :class:`InputError` itself for input that could not be read. ``jobs`` > 1 uses a process pool.
    ``render`` ("jsonl" or "csv") has the claims come back as written lines (``Extracted.text``);
    ``score`` adds each claim's check-worthiness to its row (the claims file's columns)."""
    for out in map_ordered(_work, items, (lang, render, score), jobs=jobs, chunk=chunk):
        if isinstance(out, InputError):
            yield out
            continue
        article, (payload, error, pid, n) = out
        if isinstance(payload, str):
            yield Extracted(article, [], error, pid, payload, n)
        else:
            yield Extracted(article, payload, error, pid, None, n)


T = TypeVar("T")
R = TypeVar("R")
Passed = TypeVar("Passed")


def map_ordered(
    work: Callable[[list[T], Any], list[R]],
    items: Iterable[T | Passed],
    arg: Any,
    *,
    jobs: int,
    chunk: int = CHUNK_ARTICLES,
) -> Iterator[Passed | tuple[T, R]]:
    """``work(chunk_of_articles, arg)`` over the :class:`Article` items on ``jobs`` processes,
    yielding ``(article, result)`` in input order with every other item passed through in its
    place. ``work`` must be a module-level function (it is pickled by name) returning one result
    per article. At most ``jobs * WINDOW_PER_JOB`` chunks are in flight."""
    items = iter(items)
    if jobs > 1:
        # a pool costs about a second to start: input of one chunk or less is done here instead
        head: list[Any] = []
        for item in items:
            head.append(item)
            if sum(isinstance(h, Article) for h in head) > chunk:
                break
        else:
            jobs = 1
        items = itertools.chain(head, items)
    if jobs <= 1:
        for item in items:
            if isinstance(item, Article):
                yield item, work([item], arg)[0]
            else:
                yield item
        return
    # forkserver, not fork: the parent has a progress-bar thread and maybe a database pool, which a
    # forked child would inherit half-locked; the server process is clean and forks workers cheaply
    ctx = mp.get_context("forkserver")
    # in flight: (the items of one chunk, input errors among them, and its future) in input order
    pending: deque[tuple[list[Any], Future | None]] = deque()
    limit = max(2, jobs * WINDOW_PER_JOB)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm) as pool:

        def drain(until: int) -> Iterator[Any]:
            while len(pending) > until:
                batch, fut = pending.popleft()
                results = iter(fut.result() if fut is not None else ())
                for item in batch:
                    yield (item, next(results)) if isinstance(item, Article) else item

        batch: list[Any] = []
        n_articles = 0
        for item in items:
            batch.append(item)
            if isinstance(item, Article):
                n_articles += 1
            if n_articles >= chunk:
                arts = [a for a in batch if isinstance(a, Article)]
                pending.append((batch, pool.submit(work, arts, arg)))
                batch, n_articles = [], 0
                yield from drain(limit)
        if batch:
            arts = [a for a in batch if isinstance(a, Article)]
            pending.append((batch, pool.submit(work, arts, arg) if arts else None))
        yield from drain(0)
