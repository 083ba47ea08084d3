"""The CLI, as a user runs it: inputs of every kind, bad files skipped and reported."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pandas as pd

from claims.cli import main

HI = "मंत्री राम प्रसाद ने कहा कि सड़क बनेगी।"
EN = "Mayor Ana Ruiz said taxes would not rise."


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_extract_txt_to_jsonl(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(HI, "utf-8")
    code, out, err = run(["extract", str(tmp_path / "a.txt"), "--no-progress"], capsys)
    assert code == 0
    row = json.loads(out.splitlines()[0])
    assert row["article_id"] == "a" and row["speaker"] == "राम प्रसाद"
    assert "1 articles, 1 claims, 0 skipped" in err


def test_folder_csv_output_and_bad_files_skipped(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(EN, "utf-8")
    (tmp_path / "empty.txt").write_text("   \n", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 said".encode("latin-1"))
    out_file = tmp_path / "out.csv"
    code, _, err = run(["extract", str(tmp_path), "--format", "csv", "-o", str(out_file), "--no-progress"], capsys)
    assert code == 1  # some input failed
    assert "empty.txt: empty" in err
    assert "binary.txt: looks binary" in err
    assert "latin1.txt: not valid UTF-8" in err
    df = pd.read_csv(out_file)
    assert list(df["speaker"]) == ["Ana Ruiz"]
    assert df.loc[0, "content"] == "taxes would not rise"


def test_csv_and_jsonl_batches_with_broken_rows(tmp_path, capsys):
    with open(tmp_path / "batch.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "title"])
        w.writerow(["one", EN, "Budget"])
        w.writerow(["two", "", ""])
    (tmp_path / "batch.jsonl").write_text(
        json.dumps({"id": "three", "text": HI}, ensure_ascii=False) + "\n{not json\n" + json.dumps({"x": 1}) + "\n",
        "utf-8",
    )
    (tmp_path / "nocols.csv").write_text("a,b\n1,2\n", "utf-8")
    code, out, err = run(
        [
            "extract",
            str(tmp_path / "batch.csv"),
            str(tmp_path / "batch.jsonl"),
            str(tmp_path / "nocols.csv"),
            "--no-progress",
        ],
        capsys,
    )
    ids = [json.loads(line)["article_id"] for line in out.splitlines()]
    assert ids == ["one", "three"]
    assert code == 1
    assert "batch.csv:3: empty" in err
    assert "batch.jsonl:2: not valid JSON" in err
    assert "batch.jsonl:3: expected an object with 'id' and 'text'" in err
    assert "nocols.csv: missing column(s) id, text" in err


def test_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(EN.encode())))
    code, out, _ = run(["extract", "-", "--no-progress"], capsys)
    assert code == 0 and json.loads(out)["article_id"] == "stdin"


def test_missing_path(capsys):
    code, _, err = run(["extract", "/no/such/file.txt", "--no-progress"], capsys)
    assert code == 1 and "no such file" in err


def test_csv_cells_are_spreadsheet_safe(tmp_path, capsys):
    (tmp_path / "f.txt").write_text(
        "=HYPERLINK(1) said the vote was fair.\nOfficials said =1+1 was the answer to everything.", "utf-8"
    )
    run(["extract", str(tmp_path / "f.txt"), "--format", "csv", "-o", str(tmp_path / "o.csv"), "--no-progress"], capsys)
    text = (tmp_path / "o.csv").read_text("utf-8")
    assert ",=1+1" not in text and "'=1+1" in text


def test_evaluate_own_fixtures(fixtures, capsys):
    code, out, _ = run(["evaluate", str(fixtures / "gold"), "--json"], capsys)
    assert code == 0
    total = json.loads(out)["total"]
    assert total["f1"] == 1.0 and total["speaker_accuracy"] == 1.0 and total["trap_hits"] == 0
    code, out, _ = run(["evaluate", str(fixtures / "brat"), "--json"], capsys)
    assert json.loads(out)["total"]["end_to_end_f1"] == 1.0


def test_console_script_installed():
    r = subprocess.run([sys.executable, "-m", "claims.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "extract" in r.stdout
