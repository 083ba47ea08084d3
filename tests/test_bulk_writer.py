"""The bulk writer shapes the next batch while the server inserts the claims of the one it writes:
it takes that batch from the queue once, shapes every article of it, collects the batch's
garbage once, and never runs past the end."""

from __future__ import annotations

import queue

from claims import extract_article
from claims.inputs import Article
from claims.store.bulk import BulkCounts, _Pending, _Writer
from claims.store.grouping import prepare
from claims.store.statuses import load_statuses

SAID = "Senator John Smith said that the new bridge will cost 40 million dollars and open in May next year."


class _Engine:
    class dialect:  # noqa: N801 - what _Writer reads of an engine
        name = "postgresql"


def _writer() -> _Writer:
    """A writer without its thread: only the queue and what _idle reads."""
    w = _Writer.__new__(_Writer)
    w.engine, w.statuses = _Engine(), load_statuses()
    w.queue, w.ahead = queue.Queue(), []
    w.counts, w.collections, w.collected = BulkCounts(), [], False
    w.collect = w.collections.append  # the collector's runs, by the number of the batch
    return w


def _pending(key: str) -> _Pending:
    p = _Pending(Article(key, SAID, key), key, SAID, key, {})
    p.extraction = extract_article(SAID, article_id=key)
    return p


def test_the_next_batch_is_taken_once_and_shaped():
    w = _writer()
    w._idle()
    assert w.ahead == []  # nothing read yet: nothing taken, the writer waits for it after
    first, second = [_pending("a"), _pending("b")], [_pending("c")]
    w.queue.put(first)
    w.queue.put(second)
    w._idle()
    w._idle()  # called again for the same batch: the batch after stays in the queue
    assert w.ahead == [first] and w.queue.get_nowait() is second
    assert w.collections == [1]  # the batch's garbage collected once, while the server inserts
    for p in first:
        sh = p.shaped
        assert p.extraction is None and sh is not None and sh.texts and sh.copy is not None
        assert sh.rows is None  # on PostgreSQL the COPY text stands for the rows
        assert [t.terms for t in sh.texts] == [prepare(0, SAID.split("that ")[1].rstrip("."), "en").terms]
        cols, lines = sh.copy
        assert len(lines) == len(sh.texts) and "content" in cols and "id" not in cols


def test_the_end_of_the_input_is_kept_not_passed():
    w = _writer()
    w.queue.put(None)
    w._idle()
    assert w.ahead == [None]  # the run loop ends on it rather than waiting for a batch that never comes
