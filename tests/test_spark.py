"""claims.spark in local mode (local[2]): the CLI's claims, bad rows in the errors column, the job entry point."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims.cli import main as cli_main
from claims.formats import claims_file_schema

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("CI"):  # `make test` installs one when root
    pytest.skip("no Java runtime (apt-get install default-jre-headless)", allow_module_level=True)

HI = "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी। उन्होंने बताया कि काम जून में शुरू होगा।"
EN = 'Mayor Ana Ruiz said taxes would not rise. "We will hold the line," she told reporters on Tuesday.'
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "kz_csto_hi.txt"


def _articles(tmp_path: Path) -> Path:
    texts = [EN, HI, "Officials said the bridge would reopen on Monday, according to the ministry.", "", None]
    ids = ["en1", "hi1", "en2", "blank", "null"]
    if SEED.exists():
        texts.append(SEED.read_text("utf-8"))
        ids.append("seed")
    path = tmp_path / "articles.parquet"
    pq.write_table(pa.table({"id": ids, "text": texts, "title": ["t"] * len(ids)}), path)
    return path


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors use this venv, as a cluster's image would
    session = (
        SparkSession.builder.master("local[2]")
        .appName("claims-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    yield session
    session.stop()


def _key(row: dict) -> tuple:
    return (row["article_id"], row["claim_id"])


def test_spark_gives_the_cli_claims_and_reports_bad_rows(spark, tmp_path, capsys):
    from claims.spark import extract_claims, split_errors

    src = _articles(tmp_path)
    out = tmp_path / "cli.parquet"
    assert cli_main(["extract", str(src), "--format", "parquet", "-o", str(out), "--no-progress", "-j", "1"]) == 1
    cli_rows = sorted(pq.read_table(out).to_pylist(), key=_key)

    df = spark.read.parquet(str(src)).repartition(2)  # two partitions: both executor slots work
    claims, errors = split_errors(extract_claims(df))
    assert claims.columns == claims_file_schema().names  # the contract's, then check-worthiness
    spark_rows = sorted(claims.toArrow().to_pylist(), key=_key)
    assert spark_rows == cli_rows and len(cli_rows) >= 3
    bad = {r["article_id"]: r["error"] for r in errors.collect()}
    assert bad == {"blank": "empty", "null": "'text' is empty or not a string"}


def test_missing_columns_are_refused(spark):
    from claims.spark import extract_claims

    with pytest.raises(ValueError, match="missing text"):
        extract_claims(spark.createDataFrame([("a",)], "id string"))


def test_spark_submit_entry_point(spark, tmp_path, capsys):
    """``python -m claims.spark INPUT OUTPUT``, run in this process so the suite starts one JVM: the
    entry point picks up the running session (as under spark-submit) and stops it, so it runs last."""
    from claims.spark import main as spark_main

    src = _articles(tmp_path)
    out = tmp_path / "claims_out"
    assert spark_main([str(src), str(out), "--master", "local[2]"]) == 1  # two bad rows
    assert "2 bad rows" in capsys.readouterr().err
    claims = pq.read_table(out)
    assert claims.schema.names == claims_file_schema().names
    assert {"en1", "hi1"} <= set(claims.column("article_id").to_pylist())
    errors = pq.read_table(str(out) + "_errors").to_pylist()
    assert sorted(e["article_id"] for e in errors) == ["blank", "null"]


def test_spark_submit_runs_the_job_with_the_package_shipped(tmp_path, zipped_package):
    """The cluster recipe on this machine: the package zipped as ``--py-files`` takes it (a wheel
    is such a zip), handed to ``spark-submit``, and the job script run by spark-submit itself in a
    process of its own. (The package is installed here too, so this checks the commands and the
    job under spark-submit; that executors import from the zip is Spark's part.)"""
    import subprocess

    submit = Path(sys.executable).with_name("spark-submit")
    if not submit.exists():
        pytest.skip("spark-submit is not beside this Python (pip install 'claims[spark]')")
    root, shipped = Path(__file__).resolve().parents[1], zipped_package
    src, out = _articles(tmp_path), tmp_path / "submitted"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    run = subprocess.run(
        [str(submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--py-files", str(shipped),
         str(root / "claims" / "spark.py"), str(src), str(out)],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr[-3000:]  # the two bad rows
    assert "2 bad rows" in run.stdout + run.stderr  # spark-submit passes the job's stderr to its stdout
    claims = pq.read_table(out).to_pylist()
    direct = tmp_path / "cli.parquet"
    assert cli_main(["extract", str(src), "--format", "parquet", "-o", str(direct), "--no-progress"]) == 1
    assert sorted(claims, key=_key) == sorted(pq.read_table(direct).to_pylist(), key=_key)
