"""Parquet and Arrow: `--format parquet` in the contract's schema, and Parquet/Arrow articles as input."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from claims.cli import main
from claims.formats import claim_schema, claims_file_schema
from claims.inputs import Article, InputError, iter_articles
from claims.learn.checkworthy import SCORE_FIELDS, assess_claim, scorer_version
from claims.model import CLAIM_FIELDS, Claim

HI = "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी।"
EN = "Mayor Ana Ruiz said taxes would not rise."


def _articles_table() -> pa.Table:
    return pa.table(
        {
            "id": ["one", "two", "three", "four"],
            "text": [EN, "", HI, None],
            "title": ["Budget", None, "सड़क", "x"],
            "published": ["2020-01-02", None, None, None],
            "extra": [1, 2, 3, 4],  # a corpus's own column: ignored
        }
    )


def test_parquet_output_has_the_contract_schema_and_the_jsonl_rows(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in (("e", EN), ("h", HI))), "utf-8"
    )
    assert main(["extract", str(src), "-o", str(tmp_path / "c.jsonl"), "--no-progress"]) == 0
    assert main(["extract", str(src), "--format", "parquet", "-o", str(tmp_path / "c.parquet"), "--no-progress"]) == 0
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.schema.names == [*CLAIM_FIELDS, *SCORE_FIELDS]  # the contract, then check-worthiness
    assert table.schema.equals(claims_file_schema())
    assert table.select(list(CLAIM_FIELDS)).schema.equals(claim_schema())
    assert table.schema.field("flags").type == pa.list_(pa.string())
    assert table.schema.field("content_start").type == pa.int64()
    jsonl = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text("utf-8").splitlines()]
    assert table.select(list(CLAIM_FIELDS)).to_pylist() == jsonl and len(jsonl) == 2
    for row in table.to_pylist():  # the score extraction computed is the scorer's, with its fingerprint
        check = assess_claim(Claim(**{k: row[k] for k in CLAIM_FIELDS}))
        assert (row["checkworthy"], row["checkworthy_reasons"]) == (check.score, check.reasons)
        assert row["checkworthy_scorer"] == scorer_version()


def test_parquet_input_rows_metadata_and_bad_rows(tmp_path):
    pq.write_table(_articles_table(), tmp_path / "batch.parquet", row_group_size=2)
    got = list(iter_articles([str(tmp_path / "batch.parquet")]))
    arts = [g for g in got if isinstance(g, Article)]
    errs = [str(g) for g in got if isinstance(g, InputError)]
    assert [a.article_id for a in arts] == ["one", "three"]
    assert arts[0].meta == {"title": "Budget", "published": "2020-01-02"}  # "extra" not read
    assert arts[1].origin.endswith("batch.parquet:3")
    where = tmp_path / "batch.parquet"
    assert errs == [f"{where}:2: empty", f"{where}:4: 'text' is empty or not a string"]


def test_arrow_file_and_stream_input(tmp_path):
    table = _articles_table()
    with ipc.new_file(tmp_path / "f.arrow", table.schema) as w:
        w.write_table(table)
    with ipc.new_stream(tmp_path / "s.arrows.ipc", table.schema) as w:
        w.write_table(table)
    for name in ("f.arrow", "s.arrows.ipc"):
        arts = [g for g in iter_articles([str(tmp_path / name)]) if isinstance(g, Article)]
        assert [a.article_id for a in arts] == ["one", "three"]


def test_parquet_in_parquet_out_and_unreadable_files(tmp_path, capsys):
    pq.write_table(pa.table({"id": [1, 2], "text": [EN, HI]}), tmp_path / "ok.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    pq.write_table(pa.table({"body": [EN]}), tmp_path / "nocols.parquet")
    out = tmp_path.parent / f"{tmp_path.name}-out.parquet"  # not inside the folder being read
    code = main(["extract", str(tmp_path), "--format", "parquet", "-o", str(out), "--no-progress", "-j", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "broken.parquet: not a readable parquet file" in err
    assert "nocols.parquet: missing column(s) id, text; found body" in err
    rows = pq.read_table(out).to_pylist()
    assert [r["article_id"] for r in rows] == ["1", "2"]
    assert rows[1]["speaker"] == "राम प्रसाद"
