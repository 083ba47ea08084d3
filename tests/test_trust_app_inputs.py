"""Issue 9, item 17: bad input that used to lose data, crash or take unbounded time and memory."""

from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claims.inputs import (
    MAX_ARTICLE_CHARS,
    Article,
    InputError,
    decode_html,
    iter_articles,
    page_text,
    read_bytes,
)

EN = "Mayor Ana Ruiz said taxes would not rise."
ROOT = Path(__file__).resolve().parent.parent


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "text"])
    w.writerows(rows)
    return buf.getvalue().encode()


def _ids(items) -> list[str]:
    return [i.article_id for i in items if isinstance(i, Article)]


def test_csv_field_over_the_csv_module_default_keeps_later_rows():
    # 131,072 characters is the csv module's default field limit; it used to end the file there
    items = list(read_bytes("b.csv", _csv([["one", EN], ["big", "x " * 100_000], ["three", EN], ["four", EN]])))
    assert _ids(items) == ["one", "big", "three", "four"]
    assert not [i for i in items if isinstance(i, InputError)]


def test_csv_row_over_the_article_limit_is_reported_and_the_next_row_read():
    items = list(read_bytes("b.csv", _csv([["big", "y" * (MAX_ARTICLE_CHARS + 1)], ["after", EN]])))
    assert _ids(items) == ["after"]
    (err,) = [i for i in items if isinstance(i, InputError)]
    assert err.origin == "b.csv:2" and "too large" in err.message


def test_unclosed_csv_quote_is_reported_not_merged():
    data = b'id,text\none,"Officials said the bridge was safe.\ntwo,Mayor Ana Ruiz said taxes would not rise.\n'
    items = list(read_bytes("b.csv", data))
    errors = [i for i in items if isinstance(i, InputError)]
    assert _ids(items) == []
    assert len(errors) == 1 and errors[0].origin == "b.csv:2" and "never closed" in errors[0].message


def test_jsonl_line_separators_inside_values_do_not_split_lines():
    rows = [{"id": "a", "text": f"{EN}\u2028Officials said the bridge was safe."}, {"id": "b", "text": f"{EN}\x85x"}]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    items = list(read_bytes("b.jsonl", data))
    assert [(i.article_id, i.text) for i in items] == [(r["id"], r["text"]) for r in rows]


def test_jsonl_in_utf16_with_bom():
    data = (json.dumps({"id": "a", "text": EN}) + "\n" + json.dumps({"id": "b", "text": EN}) + "\n").encode("utf-16")
    assert _ids(read_bytes("b.jsonl", data)) == ["a", "b"]


def test_utf32_with_bom_is_read_as_text_not_nuls():
    for enc in ("utf-32", "utf-32-be"):
        data = (codecs.BOM_UTF32_BE if enc.endswith("be") else b"") + EN.encode(enc)
        (item,) = read_bytes("a.txt", data)
        assert isinstance(item, Article) and item.text == EN, enc


def test_lone_surrogate_is_a_reported_row_not_a_traceback(tmp_path):
    # JSON allows the escape "\ud800"; Python decodes it to a lone surrogate that cannot be written
    (tmp_path / "b.jsonl").write_text(
        '{"id": "bad", "text": "Officials said \\ud800 the bridge was safe."}\n'
        + json.dumps({"id": "good", "text": EN})
        + "\n",
        "utf-8",
    )
    r = subprocess.run(
        [sys.executable, "-m", "claims.cli", "extract", str(tmp_path / "b.jsonl"), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 1
    assert "b.jsonl:1: 'text' holds a lone surrogate escape (\\ud800)" in r.stderr
    assert [json.loads(line)["article_id"] for line in r.stdout.splitlines()] == ["good"]


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("<p>Минис­тр сказал</p>".encode("cp1251"), "windows-1251", "Минис­тр сказал"),
        ("<p>naïve café said</p>".encode(), "x-no-such-charset", "naïve café said"),  # unknown label: skipped
        ('<meta charset="windows-1251"><p>Министр сказал</p>'.encode("cp1251"), "", "Министр сказал"),
        ("<p>naïve café</p>".encode(), "", "naïve café"),  # no charset: UTF-8, not Latin-1 mojibake
        ("<p>Le ministre a déclaré que la route serait prête.</p>".encode("latin-1"), "", "déclaré"),  # a guess
        (b"<p>x</p>", "base64", "<p>x</p>"),  # bytes-to-bytes codecs are not charsets
    ],
)
def test_page_charsets(data, declared, expected):
    assert expected in decode_html(data, declared)


def test_html_work_is_bounded():
    # used to take ~2.7 s CPU and ~45 MB per MB of markup (20 MB: 146 s, 813 MB in the issue)
    row = "<div class='c'><p>The minister number {n} said the road would be built by next year.</p></div>\n"
    page = "<html><body><article>" + "".join(row.format(n=n) for n in range(40_000)) + "</article></body></html>"
    t = time.process_time()
    with pytest.raises(ValueError, match="too large to read as HTML"):
        page_text(page.encode())
    assert time.process_time() - t < 3
    # scripts and styles do not count: a page that is mostly script is still read
    script = "<script>var state = " + json.dumps(["x" * 100] * 30_000) + ";</script><style>p{}</style>"
    text, _ = page_text(f"<html><head>{script}</head><body><article><p>{EN}</p></article></body></html>".encode())
    assert EN in text


def test_many_scripts_are_stripped_in_linear_time():
    # 40k small scripts: searching for each kind of tag separately took 144 s on this page
    row = "<div><p>The minister number {n} said the road would be built.</p><script>var a{n}=1;</script></div>\n"
    page = "<html><body><article>" + "".join(row.format(n=n) for n in range(40_000)) + "</article></body></html>"
    t = time.process_time()
    with pytest.raises(ValueError, match="too large to read as HTML"):
        page_text(page.encode())
    assert time.process_time() - t < 3


def test_jsonl_and_csv_are_streamed(tmp_path):
    """A 60 MB batch file is read in far less memory than its size (a 100 MB JSONL took 358 MB)."""
    line = json.dumps({"id": "x", "text": "Officials said the bridge was safe. " * 30}) + "\n"
    n = 60_000_000 // len(line)
    (tmp_path / "big.jsonl").write_text(line * n, "utf-8")
    with open(tmp_path / "big.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows([["x", "Officials said the bridge was safe. " * 30]] * n)
    script = (
        "import resource, sys\n"
        "from claims.inputs import iter_articles\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "n = sum(1 for _ in iter_articles([sys.argv[1]]))\n"
        "print(n, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)\n"
    )
    for name in ("big.jsonl", "big.csv"):
        out = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / name)], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.split()
        count, grown_mb = int(out[0]), int(out[1])
        assert count == n
        assert grown_mb < 20, f"{name}: reading grew the process by {grown_mb} MB"


def test_stdin_and_txt_read_at_most_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(4 * MAX_ARTICLE_CHARS + 100)  # sparse: 40 MB of NULs costs no disk
    (item,) = iter_articles([str(big)])
    assert isinstance(item, InputError) and "too large" in item.message
