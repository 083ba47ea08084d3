"""`claims extract --jobs N`: a process pool whose output, reports and exit status are one process's."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from claims.cli import main
from claims.inputs import Article, InputError, iter_articles
from claims.parallel import Extracted, default_jobs, extract_items

HI = "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी। उन्होंने बताया कि काम जून में शुरू होगा।"
EN = "Mayor Ana Ruiz said taxes would not rise. \"We will hold the line,\" she told reporters on Tuesday."


def _corpus(root: Path) -> Path:
    """A folder mixing good articles, bad files and a CSV batch with broken rows, so the order of
    reports and rows is tested, not only the rows."""
    root.mkdir()
    for i in range(14):
        (root / f"a{i:02d}.txt").write_text((HI if i % 2 else EN) + f" Story {i}.", "utf-8")
    (root / "a03b.txt").write_text("  \n", "utf-8")
    (root / "a07b.txt").write_bytes(b"\x00\x01binary")
    with open(root / "batch.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "title"])
        for i in range(9):
            w.writerow([f"row{i}", EN if i % 3 else "", f"t{i}"])
    return root


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_jobs_output_is_byte_identical_to_one_process(tmp_path, capsys, fmt):
    corpus = _corpus(tmp_path / "in")
    outs, errs, codes = [], [], []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.{fmt}"
        codes.append(main(["extract", str(corpus), "--format", fmt, "-o", str(out), "--no-progress", "-j", str(jobs)]))
        outs.append(out.read_bytes())
        errs.append(capsys.readouterr().err)
    assert outs[0] == outs[1] and outs[0]
    assert errs[0] == errs[1]  # the same reports, in the same order
    assert codes == [1, 1]  # bad input skipped: exit 1 either way
    assert "a03b.txt: empty" in errs[0] and "batch.csv:2: empty" in errs[0]
    assert "20 articles" in errs[0] and "5 skipped" in errs[0]
    if fmt == "jsonl":
        ids = [json.loads(line)["article_id"] for line in outs[1].decode().splitlines()]
        assert ids == sorted(ids, key=lambda a: (not a.startswith("a"), a))  # input order kept


def test_pool_spreads_work_over_processes_in_input_order(tmp_path):
    # long enough that the first worker to start cannot finish them all while the other warms up
    long = " ".join(EN.replace("Ruiz", f"Ruiz{j}") for j in range(60))
    items: list[Article | InputError] = [Article(f"x{i}", long, f"x{i}") for i in range(24)]
    items.insert(5, InputError("bad", "empty"))
    got = list(extract_items(iter(items), "en", jobs=2, chunk=1))
    assert [g.origin if isinstance(g, InputError) else g.article.article_id for g in got] == [
        it.origin if isinstance(it, InputError) else it.article_id for it in items
    ]
    pids = {g.pid for g in got if isinstance(g, Extracted)}
    assert len(pids) == 2 and os.getpid() not in pids  # both workers did some, the parent none
    assert all(g.rows for g in got if isinstance(g, Extracted))


def test_input_is_streamed_not_read_whole(tmp_path):
    """The pool pulls input only a window ahead of what it has written out."""
    pulled = 0

    def source():
        nonlocal pulled
        for i in range(400):
            pulled += 1
            yield Article(f"s{i}", EN, f"s{i}")

    gen = extract_items(source(), "en", jobs=2, chunk=4)
    next(gen)
    assert pulled < 100
    gen.close()


def test_default_jobs_is_the_usable_cores(tmp_path, capsys):
    assert default_jobs() == len(os.sched_getaffinity(0))
    (tmp_path / "a.txt").write_text(EN, "utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), "--no-progress"]) == 0
    assert main(["extract", str(tmp_path / "a.txt"), "--no-progress", "--jobs", "0"]) == 2
    assert list(iter_articles([str(tmp_path / "a.txt")]))
