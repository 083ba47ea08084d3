"""Bulk ingest (`claims ingest --bulk`): the same store as one article per transaction, on SQLite
and PostgreSQL (COPY), and no half-written article when the process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, func, select

from claims import extract_article
from claims.inputs import Article, InputError
from claims.store import open_store
from claims.store.bulk import bulk_ingest
from claims.store.ingest import ingest_text
from claims.store.schema import article_speakers, articles, claims, persons

ARTICLES = [
    ("a1", "Mayor Ana Ruiz said taxes would not rise. Ruiz told reporters the budget was balanced.", "City Times"),
    ("a2", 'Ruiz said on Tuesday that the bridge would reopen. "It is safe," the mayor told CNN.', ""),
    ("a3", "Mayor Ana Ruiz said taxes would not rise. Ruiz told reporters the budget was balanced.", ""),  # dup of a1
    ("a1", "Governor Tom Lee said the port would expand, according to a statement.", ""),  # a1 taken: suffixed
    ("h1", "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी। उन्होंने बताया कि काम जून में शुरू होगा।", ""),
    ("h2", "प्रसाद ने कहा कि पुल अगले महीने खुलेगा।", ""),
    ("long", "Officials said the plan was ready.", "x" * 300),  # outlet over its column: fails alone
    ("e5", "Lee said the port deal was signed. Ana Ruiz said she welcomed it.", ""),
]


def _items() -> list[Article | InputError]:
    out: list[Article | InputError] = [
        Article(key, text, f"in:{i}", {"outlet": outlet} if outlet else {})
        for i, (key, text, outlet) in enumerate(ARTICLES, 1)
    ]
    out.insert(3, InputError("in:bad", "empty"))
    return out


def _dump(engine) -> dict[str, list[tuple]]:
    """What the store holds, by keys and names (ids differ between runs and backends)."""
    with engine.connect() as c:
        akey = dict(c.execute(select(articles.c.id, articles.c.article_key)).all())
        pname = dict(c.execute(select(persons.c.id, persons.c.name)).all())
        return {
            "articles": sorted(
                c.execute(
                    select(
                        articles.c.article_key,
                        articles.c.text_hash,
                        articles.c.outlet,
                        articles.c.lang,
                        articles.c.text,
                    )
                ).all()
            ),
            "persons": sorted(
                c.execute(select(persons.c.name, persons.c.type, persons.c.name_keys, persons.c.aliases)).all()
            ),
            "speakers": sorted(
                (akey[r.article_id], r.local_id, r.name, r.aliases, r.roles, pname.get(r.person_id))
                for r in c.execute(select(article_speakers))
            ),
            "claims": sorted(
                (akey[r.article_id], r.claim_key, r.content, r.speaker, pname.get(r.person_id), r.status, r.version)
                + tuple(r._mapping[k] for k in ("flags", "content_folded", "speaker_lower", "stale", "kind"))
                for r in c.execute(select(claims))
            ),
        }


def test_bulk_store_equals_one_article_per_transaction(store_url, tmp_path):
    ref = open_store(f"sqlite:///{tmp_path / 'ref.db'}")
    outcomes = []
    for item in _items():
        if isinstance(item, InputError):
            continue
        try:
            outcomes.append(
                ingest_text(ref, item.text, article_key=item.article_id, outlet=item.meta.get("outlet", "")).outcome
            )
        except ValueError:
            outcomes.append("failed")
    assert outcomes.count("new") == 6 and outcomes.count("duplicate") == 1 and outcomes.count("failed") == 1

    engine = open_store(store_url)
    reports: list[str] = []
    counts = bulk_ingest(engine, _items(), batch_size=3, jobs=1, report=reports.append)
    assert (counts.new, counts.duplicate, counts.failed) == (6, 1, 2)
    assert any(r.startswith("in:7: the outlet is 300 characters") for r in reports) and "in:bad: empty" in reports
    got, want = _dump(engine), _dump(ref)
    assert got == want
    assert any(k.startswith("a1-") for k, *_ in got["articles"])  # the clash rule applied
    linked = [p for *_, p in got["speakers"] if p == "Ana Ruiz"]
    assert len(linked) >= 3  # one person over three articles, across batches
    # a rerun stores nothing new: every article is a duplicate now
    again = bulk_ingest(engine, _items(), batch_size=3, jobs=1)
    assert (again.new, again.duplicate) == (0, 7) and _dump(engine) == want
    engine.dispose()


def test_bulk_with_worker_processes_and_the_cli(store_url, tmp_path, capsys):
    from claims.cli import main

    rows = [
        (f"p{i}", f"Senator Maria Gomez{i} said the vote would pass. Gomez{i} told reporters it was close.")
        for i in range(30)
    ]
    pq.write_table(pa.table({"id": [r[0] for r in rows], "text": [r[1] for r in rows]}), tmp_path / "in.parquet")
    code = main(
        [
            "ingest",
            str(tmp_path / "in.parquet"),
            "--bulk",
            "-j",
            "2",
            "--batch-size",
            "7",
            "--no-progress",
            "--db",
            store_url,
            "--analyst",
            "bulk",
        ]
    )
    assert code == 0
    assert "30 new, 0 duplicate, 0 failed; 60 claims stored" in capsys.readouterr().err
    engine = open_store(store_url)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(claims)).scalar() == 60
        assert set(c.execute(select(articles.c.added_by)).scalars()) == {"bulk"}
    engine.dispose()


def test_killed_bulk_ingest_leaves_no_half_written_article_and_resumes(tmp_path):
    texts = [
        f"Minister Ravi Kumar{i} said the dam would open. Kumar{i} told reporters it was safe." for i in range(400)
    ]
    pq.write_table(pa.table({"id": [f"k{i}" for i in range(400)], "text": texts}), tmp_path / "in.parquet")
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    open_store(url).dispose()
    cmd = [
        sys.executable,
        "-m",
        "claims.cli",
        "ingest",
        str(tmp_path / "in.parquet"),
        "--bulk",
        "-j",
        "1",
        "--batch-size",
        "20",
        "--no-progress",
        "--db",
        url,
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    watch = create_engine(url)
    deadline = time.monotonic() + 120
    n = 0
    while time.monotonic() < deadline and proc.poll() is None:
        with watch.connect() as c:
            n = c.execute(select(func.count()).select_from(articles)).scalar()
        if n >= 40:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < n < 400, "the kill should land mid-run"
    per_article = len(extract_article(texts[0], article_id="k0").claims)
    with watch.connect() as c:
        stored = c.execute(select(func.count()).select_from(articles)).scalar()
        counts = c.execute(
            select(articles.c.article_key, func.count(claims.c.id)).outerjoin(claims).group_by(articles.c.id)
        ).all()
        speakers_per = (
            c.execute(select(func.count(article_speakers.c.id)).group_by(article_speakers.c.article_id)).scalars().all()
        )
    assert stored % 20 == 0  # whole batches only
    assert all(k == per_article for _, k in counts)  # every stored article has all its claims
    assert len(speakers_per) == stored
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"{400 - stored} new, {stored} duplicate, 0 failed" in r.stderr
    with watch.connect() as c:
        assert c.execute(select(func.count()).select_from(articles)).scalar() == 400
        assert c.execute(select(func.count()).select_from(claims)).scalar() == 400 * per_article
    watch.dispose()
