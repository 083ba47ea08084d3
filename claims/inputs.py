"""Reading articles from files: .txt, folders, stdin, .csv and .jsonl with ``id`` and ``text``.

Bad input never stops a batch: :func:`iter_articles` yields an :class:`InputError` naming the file
(and line) for each thing it skipped, and goes on with the rest.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_ARTICLE_CHARS = 10_000_000  # a 10 MB article is read; beyond that it is refused, not truncated


@dataclass
class Article:
    article_id: str
    text: str
    origin: str  # "file.txt", "batch.csv:12"
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class InputError:
    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def decode(data: bytes, origin: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Raises ``ValueError`` with a message a person can act on for binary or undecodable data.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise ValueError("looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"not valid UTF-8 (byte {e.start}: {data[e.start : e.start + 1]!r}); re-save the file as UTF-8"
        ) from None


def _check(text: str, origin: str) -> str | None:
    if not text.strip():
        return "empty"
    if len(text) > MAX_ARTICLE_CHARS:
        return f"too large ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,})"
    return None


def _text_article(article_id: str, data: bytes, origin: str) -> Article | InputError:
    try:
        text = decode(data, origin)
    except ValueError as e:
        return InputError(origin, str(e))
    problem = _check(text, origin)
    return InputError(origin, problem) if problem else Article(article_id, text, origin)


def _rows_csv(data: str, origin: str) -> Iterator[Article | InputError]:
    reader = csv.DictReader(io.StringIO(data, newline=""))
    cols = set(reader.fieldnames or [])
    if not {"id", "text"} <= cols:
        missing = ", ".join(sorted({"id", "text"} - cols))
        yield InputError(origin, f"missing column(s) {missing}; found {', '.join(sorted(cols)) or 'none'}")
        return
    try:
        for row in reader:
            where = f"{origin}:{reader.line_num}"
            if None in row or row.get("text") is None:
                yield InputError(where, "row has the wrong number of fields (truncated or unquoted comma?)")
                continue
            yield from _row(row, where)
    except csv.Error as e:
        yield InputError(f"{origin}:{reader.line_num}", f"malformed CSV: {e}")


def _rows_jsonl(data: str, origin: str) -> Iterator[Article | InputError]:
    for n, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(where, f"not valid JSON ({e.msg}, column {e.colno})")
            continue
        if not isinstance(row, dict) or "text" not in row or "id" not in row:
            yield InputError(where, "expected an object with 'id' and 'text'")
            continue
        yield from _row(row, where)


def _row(row: dict, where: str) -> Iterator[Article | InputError]:
    text = row.get("text")
    if not isinstance(text, str):
        yield InputError(where, "'text' is not a string")
        return
    problem = _check(text, where)
    if problem:
        yield InputError(where, problem)
        return
    meta = {k: str(v) for k, v in row.items() if k not in ("id", "text") and v not in (None, "")}
    yield Article(str(row.get("id") or "").strip() or where, text, where, meta)


def read_path(path: Path, origin: str | None = None) -> Iterator[Article | InputError]:
    """Articles from one file (by its suffix) or from every .txt/.csv/.jsonl below a folder."""
    origin = origin or str(path)
    if path.is_dir():
        kinds = (".txt", ".csv", ".jsonl", ".html", ".htm")
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in kinds)
        if not files:
            yield InputError(origin, "folder has no .txt, .csv, .jsonl or .html files")
        for p in files:
            yield from read_path(p)
        return
    try:
        data = path.read_bytes()
    except OSError as e:
        yield InputError(origin, f"cannot read: {e.strerror or e}")
        return
    yield from read_bytes(path.name, data, origin)


def html_to_text(data: str) -> tuple[str, dict[str, str]]:
    """Main text and metadata (title, url, date, outlet) of an HTML page, via trafilatura.

    Raises ``ValueError`` when no article text can be found.
    """
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - the app extra installs it
        raise ValueError("reading HTML needs trafilatura (pip install 'claims[app]')") from None
    text = trafilatura.extract(data, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ValueError("no article text found in the HTML")
    meta: dict[str, str] = {}
    doc = trafilatura.extract_metadata(data)
    if doc is not None:
        for key, attr in (("title", "title"), ("url", "url"), ("published", "date"), ("outlet", "sitename")):
            value = getattr(doc, attr, None)
            if value:
                meta[key] = str(value)
    return text, meta


def read_bytes(
    name: str, data: bytes, origin: str | None = None, *, unknown_as_text: bool = True
) -> Iterator[Article | InputError]:
    """Articles from one file's bytes, by its name's suffix: .txt (one article), .csv/.jsonl
    (one per row), .html/.htm (the page's main text). Another suffix is read as text, or refused
    when ``unknown_as_text`` is false (uploads, where it is usually the wrong file)."""
    origin = origin or name
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".jsonl", ".html", ".htm"):
        try:
            text = decode(data, origin)
        except ValueError as e:
            yield InputError(origin, str(e))
            return
        if not text.strip():
            yield InputError(origin, "empty")
            return
        if suffix in (".html", ".htm"):
            try:
                body, meta = html_to_text(text)
            except ValueError as e:
                yield InputError(origin, str(e))
                return
            yield Article(Path(name).stem, body, origin, meta)
            return
        yield from (_rows_csv if suffix == ".csv" else _rows_jsonl)(text, origin)
        return
    if not unknown_as_text and suffix not in ("", ".txt", ".text", ".md"):
        yield InputError(origin, f"unsupported file type {suffix!r}; use .txt, .csv, .jsonl or .html")
        return
    yield _text_article(Path(name).stem, data, origin)


def iter_articles(paths: Iterable[str], stdin: io.BufferedIOBase | None = None) -> Iterator[Article | InputError]:
    """Articles and errors from CLI-style paths; ``-`` reads one article from standard input."""
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield _text_article("stdin", data, "<stdin>")
            continue
        path = Path(p)
        if not path.exists():
            yield InputError(p, "no such file or folder")
            continue
        yield from read_path(path)
