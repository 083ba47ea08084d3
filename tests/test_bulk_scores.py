"""Check-worthiness computed where claims are extracted (`claims extract --format parquet`, the
`--jobs` workers, Spark) and carried in the claims file, so `claims ingest --bulk --claims` stores
it without scoring again; the stored score is the normal ingest's, on SQLite and PostgreSQL. A
file without the score columns (an older release's), or scored by another scorer, is scored at
load."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims.cli import main
from claims.inputs import Article
from claims.learn.checkworthy import SCORE_FIELDS
from claims.model import CLAIM_FIELDS
from claims.store import ingest_text, list_claims, open_store
from claims.store.bulk import bulk_ingest
from claims.store.extracted import ExtractedClaims

TEXTS = {
    "en1": "Finance Minister John Smith said unemployment fell by 12 percent last year, more than in any year "
    "since 1990. Jane Doe said she thinks the weather will be nice tomorrow.",
    "en2": '"We must all stay calm," Smith urged the crowd. Officials said the deficit rose to $4 billion.',
    "hi1": "मुख्यमंत्री उद्धव ठाकरे ने कहा कि राज्य में संक्रमण के मामले 20 प्रतिशत घटकर 5000 रह गए हैं। "
    "राम ने कहा कि शायद कल बारिश होगी।",
}


def _articles() -> list[Article]:
    return [Article(k, t, f"{k}.txt") for k, t in TEXTS.items()]


def _scores(engine) -> dict[str, tuple[float, str]]:
    return {r["claim_key"]: (r["checkworthy"], r["checkworthy_reasons"]) for r in list_claims(engine, limit=500)}


def _reference(tmp_path) -> dict[str, tuple[float, str]]:
    """What the normal ingest stores, one article per transaction."""
    ref = open_store(f"sqlite:///{tmp_path / 'ref.db'}")
    for a in _articles():
        ingest_text(ref, a.text, article_key=a.article_id)
    got = _scores(ref)
    ref.dispose()
    assert len(got) >= 5
    return got


def _extract(tmp_path, jobs: str) -> str:
    src = tmp_path / "articles.parquet"
    pq.write_table(pa.table({"id": list(TEXTS), "text": list(TEXTS.values())}), src)
    out = tmp_path / f"claims{jobs}.parquet"
    assert main(["extract", str(src), "--format", "parquet", "-o", str(out), "--no-progress", "-j", jobs]) == 0
    return str(out)


def _refuse_scoring(monkeypatch) -> None:
    """Make any scoring in the load fail: what it stores must come from the file."""

    def refuse(_claim):
        raise AssertionError("scored at load")

    monkeypatch.setattr("claims.store.ingest.checkworthy_values", refuse)
    monkeypatch.setattr("claims.store.bulk.checkworthy_values", refuse)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_claims_file_carries_the_score_and_the_load_stores_it_as_ingest_does(store_url, tmp_path, monkeypatch, jobs):
    want = _reference(tmp_path)
    path = _extract(tmp_path, jobs)  # with "2", scored on the worker processes
    assert pq.read_schema(path).names == [*CLAIM_FIELDS, *SCORE_FIELDS]
    engine = open_store(store_url)
    _refuse_scoring(monkeypatch)
    counts = bulk_ingest(engine, _articles(), jobs=1, extracted=ExtractedClaims(path))
    assert (counts.new, counts.failed) == (3, 0)
    assert _scores(engine) == want
    engine.dispose()


def test_an_older_claims_file_without_scores_is_scored_at_load(store_url, tmp_path):
    want = _reference(tmp_path)
    old = tmp_path / "old.parquet"
    pq.write_table(pq.read_table(_extract(tmp_path, "1")).select(list(CLAIM_FIELDS)), old)  # an older release's
    engine = open_store(store_url)
    counts = bulk_ingest(engine, _articles(), jobs=1, extracted=ExtractedClaims(old))
    assert counts.new == 3
    assert _scores(engine) == want
    engine.dispose()


def test_a_score_from_another_scorer_is_not_stored(tmp_path):
    """A file scored before a retraining (another fingerprint) would store stale scores: the load
    scores those claims again; claims of the same file with this scorer's fingerprint are kept."""
    want = _reference(tmp_path)
    table = pq.read_table(_extract(tmp_path, "1"))
    n = table.num_rows
    stale = pa.array(["0000000000000000"] * (n // 2) + table["checkworthy_scorer"].to_pylist()[n // 2 :])
    table = table.set_column(table.schema.get_field_index("checkworthy"), "checkworthy", pa.array([0.5] * n))
    table = table.set_column(table.schema.get_field_index("checkworthy_scorer"), "checkworthy_scorer", stale)
    pq.write_table(table, tmp_path / "stale.parquet")
    engine = open_store(f"sqlite:///{tmp_path / 'bulk.db'}")
    bulk_ingest(engine, _articles(), jobs=1, extracted=ExtractedClaims(tmp_path / "stale.parquet"))
    got = _scores(engine)
    assert {k for k in got if got[k] != want[k]} == {  # the current-scorer rows keep the file's 0.5
        r["claim_id"] for r in table.slice(n // 2).to_pylist() if want[r["claim_id"]][0] != 0.5
    }
    stale_ids = {r["claim_id"] for r in table.slice(0, n // 2).to_pylist()}
    assert all(got[k] == want[k] for k in stale_ids)  # rescored, not the file's 0.5
    engine.dispose()


def test_an_extracting_bulk_load_scores_on_its_workers(store_url, tmp_path):
    want = _reference(tmp_path)
    engine = open_store(store_url)
    counts = bulk_ingest(engine, _articles() * 4, jobs=2, batch_size=2)  # 9 duplicates
    assert (counts.new, counts.duplicate) == (3, 9)
    assert _scores(engine) == want
    engine.dispose()


def test_the_scorer_fingerprint_is_the_same_from_a_zipped_package(tmp_path, zipped_package):
    """Spark ships the package as a zip (``--py-files``): the fingerprint is read from package
    resources, so executors and the loader agree on it."""
    import subprocess
    import sys

    from claims.learn.checkworthy import scorer_version

    shipped = zipped_package
    code = "import claims, claims.learn.checkworthy as c; assert '.zip' in claims.__file__; print(c.scorer_version())"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(shipped)}
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == scorer_version()
