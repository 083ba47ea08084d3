"""Claims on Apache Spark: a DataFrame of articles in, a DataFrame of claims out.

    from claims.spark import extract_claims, split_errors
    result = extract_claims(spark.read.parquet("articles/"))      # id, text [, lang, title, ...]
    claims, errors = split_errors(result)

Each partition is read as Arrow record batches (``mapInArrow``: no row-by-row conversion through
the JVM) and every article goes through the same :func:`claims.extract_article` as the CLI, so the
claims are the CLI's. A bad row (no text, empty, over the size limit, or one the engine fails on)
does not fail the job: it comes out as one row with ``article_id`` and ``error`` set and the
claim columns null. Each claim row carries its check-worthiness (``checkworthy``,
``checkworthy_reasons``, ``checkworthy_scorer``), computed on the executors. The executors need
this package installed (a wheel; see README "Scale").

As a job: ``spark-submit -m claims.spark INPUT OUTPUT`` or ``python -m claims.spark INPUT OUTPUT``
reads Parquet articles and writes Parquet claims to OUTPUT and bad rows to OUTPUT_errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from claims.formats import claims_file_schema
from claims.inputs import check_text

if TYPE_CHECKING:  # pyspark is the optional "spark" extra; the module imports without it
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

ERROR_COLUMN = "error"


def result_arrow_schema() -> pa.Schema:
    """The claims file's columns (the contract's, then check-worthiness: :func:`claims_file_schema`),
    nullable for error rows, and the ``error`` column."""
    import pyarrow as pa

    fields = [f.with_nullable(True) for f in claims_file_schema()]
    return pa.schema([*fields, pa.field(ERROR_COLUMN, pa.string(), nullable=True)])


def result_spark_schema() -> Any:
    """:func:`result_arrow_schema` as a Spark ``StructType``."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(result_arrow_schema())


def _extract_batches(batches: Iterator[pa.RecordBatch], lang: str | None) -> Iterator[pa.RecordBatch]:
    """The function each executor runs: article batches in, claim batches out (same order)."""
    import pyarrow as pa

    from claims import extract_article
    from claims.learn.checkworthy import score_fields

    schema = result_arrow_schema()
    blank = dict.fromkeys(schema.names)
    for batch in batches:
        cols = batch.schema.names
        ids = batch.column("id").to_pylist()
        texts = batch.column("text").to_pylist()
        langs = batch.column("lang").to_pylist() if "lang" in cols else [None] * len(ids)
        rows: list[dict[str, Any]] = []
        for raw_id, text, row_lang in zip(ids, texts, langs, strict=True):
            article_id = "" if raw_id is None else str(raw_id).strip()
            problem = "'text' is empty or not a string" if not isinstance(text, str) else check_text(text)
            if not article_id and problem is None:
                problem = "'id' is empty"
            if problem is None:
                try:
                    ex = extract_article(text, lang=row_lang or lang, article_id=article_id)
                except Exception as e:  # one bad article never fails the job
                    problem = f"extraction failed: {e!r}"
                else:
                    # scored here, on the executors: a bulk load of the output stores the score as is
                    rows.extend({**c.to_dict(), **score_fields(c), ERROR_COLUMN: None} for c in ex.claims)
                    continue
            rows.append({**blank, "article_id": article_id, ERROR_COLUMN: problem})
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def extract_claims(articles: DataFrame, lang: str | None = None) -> DataFrame:
    """Claims of a DataFrame of articles (``id``, ``text``, optional ``lang`` per row; other
    columns are ignored): the contract's columns in order plus ``error`` (null on claim rows).
    ``lang`` applies to rows without their own (None: detected per paragraph, as the CLI)."""
    missing = {"id", "text"} - set(articles.columns)
    if missing:
        raise ValueError(f"articles need columns id and text; missing {', '.join(sorted(missing))}")
    wanted = [c for c in ("id", "text", "lang") if c in articles.columns]
    lang = None if lang in (None, "", "auto") else lang

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _extract_batches(batches, lang)

    return articles.select(*wanted).mapInArrow(run, result_spark_schema())


def split_errors(result: DataFrame) -> tuple[DataFrame, DataFrame]:
    """(claims in the contract's schema, bad rows as ``article_id``, ``error``)."""
    from pyspark.sql import functions as F

    ok = result.where(F.col(ERROR_COLUMN).isNull()).drop(ERROR_COLUMN)
    bad = result.where(F.col(ERROR_COLUMN).isNotNull()).select("article_id", ERROR_COLUMN)
    return ok, bad


def run_job(spark: SparkSession, source: str, target: str, *, lang: str | None = None, overwrite: bool = False) -> int:
    """Parquet articles at ``source`` → Parquet claims at ``target``, bad rows at ``target``_errors;
    returns the number of bad rows. The result is cached so extraction runs once for both writes."""
    articles = spark.read.parquet(source)
    # a Parquet file smaller than a split is one partition, i.e. one core: spread it over every
    # slot (twice over, so a slow partition does not leave the other slots idle at the end)
    slots = spark.sparkContext.defaultParallelism
    if articles.rdd.getNumPartitions() < 2 * slots:
        articles = articles.repartition(2 * slots)
    result = extract_claims(articles, lang=lang).cache()
    claims, errors = split_errors(result)
    mode = "overwrite" if overwrite else "errorifexists"
    claims.write.mode(mode).parquet(target)
    errors.write.mode(mode).parquet(target.rstrip("/") + "_errors")
    result.unpersist()
    # counted from what was written, not by running the plan again
    return spark.read.parquet(target.rstrip("/") + "_errors").count()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m claims.spark", description="Extract claims with Apache Spark.")
    p.add_argument("input", help="Parquet articles (a file or folder; columns id, text, optional lang)")
    p.add_argument("output", help="folder for Parquet claims; bad rows go to OUTPUT_errors")
    p.add_argument("--lang", default="auto", help="language for rows without a lang column value (default: auto)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT and OUTPUT_errors if they exist")
    p.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[4])")
    args = p.parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("claims")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        n_bad = run_job(spark, args.input, args.output, lang=args.lang, overwrite=args.overwrite)
    finally:
        spark.stop()
    if n_bad:
        print(f"{n_bad} bad rows; see {args.output.rstrip('/')}_errors", file=sys.stderr)
    return 1 if n_bad else 0


if __name__ == "__main__":
    sys.exit(main())
