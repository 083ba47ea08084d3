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


def _claims_file(items: list[Article | InputError], path) -> None:
    """What `claims extract --format parquet` writes for ``items`` (the first text of an id only:
    the claims of two texts under one id fit neither, and such an article is refused)."""
    from claims.formats import claim_schema

    first = {a.article_id: a for a in reversed(items) if isinstance(a, Article)}
    rows = [c.to_dict() for a in first.values() for c in extract_article(a.text, article_id=a.article_id).claims]
    pq.write_table(pa.Table.from_pylist(rows, schema=claim_schema()), path)


def _claim_rows(engine) -> list[tuple]:
    """The claims and speakers as analysts see them (article speakers made from claims have only
    the speaking entities, so the speaker rows themselves are not compared)."""
    got = _dump(engine)
    return sorted(got["claims"]), sorted(got["articles"])


def test_bulk_from_a_claims_file_stores_what_extraction_would(store_url, tmp_path):
    from claims.store.extracted import ExtractedClaims

    _claims_file(_items(), tmp_path / "claims.parquet")
    ref = open_store(f"sqlite:///{tmp_path / 'ref.db'}")
    bulk_ingest(ref, _items(), batch_size=3, jobs=1)
    engine = open_store(store_url)
    reports: list[str] = []
    file = ExtractedClaims(tmp_path / "claims.parquet")
    counts = bulk_ingest(engine, _items(), batch_size=3, jobs=1, report=reports.append, extracted=file)
    assert (counts.new, counts.duplicate, counts.failed) == (6, 1, 2)
    assert _claim_rows(engine) == _claim_rows(ref)
    # the second "a1" text, stored as "a1-…", was extracted again (claim ids derive from the stored id)
    assert counts.unused_claims == []
    with engine.connect() as c:
        ruiz = c.execute(select(persons.c.id).where(persons.c.name == "Ana Ruiz")).scalar_one()
        linked = c.execute(
            select(func.count(func.distinct(claims.c.article_id))).where(claims.c.person_id == ruiz)
        ).scalar()
    assert linked >= 3
    engine.dispose()


def test_a_claims_file_that_does_not_fit_its_text_refuses_that_article_only(tmp_path, capsys):
    from claims.cli import main

    good = [("g1", "Mayor Ana Ruiz said taxes would not rise."), ("g2", "Lee said the port deal was signed.")]
    pq.write_table(
        pa.table({"id": [k for k, _ in good], "text": [t for _, t in good]}), tmp_path / "articles.parquet"
    )
    items = [Article(k, t, k) for k, t in good]
    items.append(Article("elsewhere", "Officials said the plan was ready.", "x"))  # claims for no input article
    _claims_file(items, tmp_path / "claims.parquet")
    # the same ids, but g2's text changed since the claims were extracted
    changed = [good[0], ("g2", "Yesterday, Lee said the port deal was signed.")]
    pq.write_table(
        pa.table({"id": [k for k, _ in changed], "text": [t for _, t in changed]}), tmp_path / "changed.parquet"
    )
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = ["ingest", str(tmp_path / "changed.parquet"), "--bulk", "--claims", str(tmp_path / "claims.parquet")]
    code = main([*args, "--no-progress", "--db", db])
    err = capsys.readouterr().err
    assert code == 1
    assert "1 new, 0 duplicate, 1 failed" in err
    assert "claims file does not fit this text (content of claim" in err
    assert "1 articles of" in err and "elsewhere" in err
    engine = open_store(db)
    with engine.connect() as c:
        assert c.execute(select(articles.c.article_key)).scalars().all() == ["g1"]
        assert c.execute(select(claims.c.speaker)).scalars().all() == ["Ana Ruiz"]
    engine.dispose()


def test_claims_file_errors_are_plain(tmp_path, capsys):
    from claims.cli import main

    pq.write_table(pa.table({"id": ["a"], "text": ["Ruiz said so."]}), tmp_path / "articles.parquet")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    # an articles file given as the claims file
    code = main(
        ["ingest", str(tmp_path / "articles.parquet"), "--bulk", "--claims", str(tmp_path / "articles.parquet"),
         "--db", db, "--no-progress"]
    )  # fmt: skip
    assert code == 2 and "not a claims file (missing article_id" in capsys.readouterr().err
    code = main(["ingest", str(tmp_path / "articles.parquet"), "--claims", str(tmp_path / "x.parquet"), "--db", db])
    assert code == 2 and "add --bulk" in capsys.readouterr().err
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    code = main(
        ["ingest", str(tmp_path / "articles.parquet"), "--bulk", "--claims", str(tmp_path / "junk.parquet"),
         "--db", db, "--no-progress"]
    )  # fmt: skip
    assert code == 2 and "cannot read claims" in capsys.readouterr().err


def test_spark_error_rows_in_a_claims_file_are_reported_as_failures(tmp_path):
    from claims.spark import result_arrow_schema
    from claims.store.extracted import ExtractedClaims

    ok = extract_article("Mayor Ana Ruiz said taxes would not rise.", article_id="a").claims
    rows = [{**c.to_dict(), "error": None} for c in ok]
    rows.append({**dict.fromkeys(result_arrow_schema().names), "article_id": "b", "error": "'text' is empty"})
    pq.write_table(pa.Table.from_pylist(rows, schema=result_arrow_schema()), tmp_path / "spark.parquet")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    items = [Article("a", "Mayor Ana Ruiz said taxes would not rise.", "a"), Article("b", "Lee said so.", "b")]
    reports: list[str] = []
    file = ExtractedClaims(tmp_path / "spark.parquet")
    counts = bulk_ingest(engine, items, jobs=1, extracted=file, report=reports.append)
    assert (counts.new, counts.failed) == (1, 1)
    assert reports == ["b: the claims file records no extraction: 'text' is empty"]
    engine.dispose()


def test_a_failed_batch_commit_is_raised_and_nothing_after_it_is_written(tmp_path, monkeypatch):
    import pytest

    import claims.store.bulk as bulk

    real, calls = bulk._write_batch, []

    def flaky(conn, batch, *args):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(conn, batch, *args)

    monkeypatch.setattr(bulk, "_write_batch", flaky)
    engine = open_store(f"sqlite:///{tmp_path / 'f.db'}")
    items = [Article(f"f{i}", f"Mayor Ana Ruiz{i} said taxes would not rise.", f"f{i}") for i in range(10)]
    with pytest.raises(RuntimeError, match="disk full"):
        bulk_ingest(engine, items, batch_size=2, jobs=1)
    with engine.connect() as c:
        assert sorted(c.execute(select(articles.c.article_key)).scalars()) == ["f0", "f1"]
    assert len(calls) == 2  # the batches read after the failure were not written
    engine.dispose()


def test_a_bulk_load_runs_the_collector_per_batch_and_gives_it_back(tmp_path, monkeypatch):
    """The cyclic collector is paused for a load and run after each batch (fully every
    FULL_COLLECTION_EVERY batches); it is on again afterwards, also when a batch fails, and a
    caller that had turned it off finds it off."""
    import gc

    import pytest

    import claims.store.bulk as bulk

    monkeypatch.setattr(bulk, "FULL_COLLECTION_EVERY", 2)
    real, seen = bulk._write_batch, []
    generations: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: generations.append(generation) or 0)

    def watched(conn, batch, *args):
        seen.append(gc.isenabled())
        if batch[0].key == "boom":
            raise RuntimeError("disk full")
        return real(conn, batch, *args)

    monkeypatch.setattr(bulk, "_write_batch", watched)
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    items = [Article(f"g{i}", f"Mayor Ana Ruiz{i} said taxes would not rise.", f"g{i}") for i in range(5)]
    assert gc.isenabled()
    counts = bulk_ingest(engine, items, batch_size=1, jobs=1)
    assert counts.new == 5 and seen == [False] * 5 and gc.isenabled()
    assert generations == [1, 2, 1, 2, 1]  # young objects per batch, everything every second one
    with pytest.raises(RuntimeError, match="disk full"):
        bulk_ingest(engine, [Article("boom", "Lee said the port deal was signed.", "b")], jobs=1)
    assert gc.isenabled()
    gc.disable()
    try:
        generations.clear()
        bulk_ingest(engine, [Article("h1", "Lee said the bridge would open.", "h")], jobs=1)
        assert gc.isenabled() is False and generations == []
    finally:
        gc.enable()
    engine.dispose()
