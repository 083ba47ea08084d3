"""Reading articles from files: .txt, folders, stdin, .csv and .jsonl with ``id`` and ``text``.

Bad input never stops a batch: :func:`iter_articles` yields an :class:`InputError` naming the file
(and line) for each thing it skipped, and goes on with the rest.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MAX_ARTICLE_CHARS = 10_000_000  # a 10 MB article is read; beyond that it is refused, not truncated
# The most bytes an article of MAX_ARTICLE_CHARS can take (4 bytes a character in UTF-8 or UTF-32):
# files are read up to this, so a huge file is refused without being read whole.
MAX_ARTICLE_BYTES = 4 * MAX_ARTICLE_CHARS + 4
# trafilatura takes about 2.7 s and 45 MB per MB of markup (bench: tests/test_trust_app_inputs.py),
# so HTML is bounded twice: the page as given, and its markup once scripts and styles are gone.
MAX_HTML_BYTES = 5_000_000
MAX_HTML_MARKUP = 2_000_000
# A CSV field may be longer than an article (it is then reported as too large and the next row
# read); only beyond this does the reader stop, saying so, because it cannot find the next row.
CSV_FIELD_LIMIT = 2 * MAX_ARTICLE_CHARS
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))

# Checked longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


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


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` announces (None without one)."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding
    return None


def decode(data: bytes, origin: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM) or BOM-marked UTF-16 or UTF-32.

    Raises ``ValueError`` with a message a person can act on for binary or undecodable data.
    """
    encoding = bom_encoding(data[:4])
    if encoding is None and b"\x00" in data[:8192]:
        raise ValueError("looks binary (contains NUL bytes); expected UTF-8 text")
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        name = "UTF-8" if encoding in (None, "utf-8-sig") else encoding.upper()
        raise ValueError(
            f"not valid {name} (byte {e.start}: {data[e.start : e.start + 1]!r}); re-save the file as UTF-8"
        ) from None


def _check(text: str, origin: str) -> str | None:
    if not text.strip():
        return "empty"
    if len(text) > MAX_ARTICLE_CHARS:
        return f"too large ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,})"
    return None


def check_text(text: str) -> str | None:
    """Why ``text`` cannot be an article (empty, over the limit), or None: the same rule for the
    CLI, uploads and the desk's paste box."""
    return _check(text, "")


def _text_article(article_id: str, data: bytes, origin: str) -> Article | InputError:
    if len(data) > MAX_ARTICLE_BYTES:
        return InputError(
            origin, f"too large (over {MAX_ARTICLE_BYTES:,} bytes; the limit is {MAX_ARTICLE_CHARS:,} characters)"
        )
    try:
        text = decode(data, origin)
    except ValueError as e:
        return InputError(origin, str(e))
    problem = _check(text, origin)
    return InputError(origin, problem) if problem else Article(article_id, text, origin)


def _sniff(stream: IO[bytes], origin: str) -> str:
    """The text encoding of a seekable byte stream (BOM, else UTF-8); ``ValueError`` if binary."""
    head = stream.read(8192)
    stream.seek(0)
    encoding = bom_encoding(head[:4])
    if encoding is None and b"\x00" in head:
        raise ValueError("looks binary (contains NUL bytes); expected UTF-8 text")
    if not head.strip():
        raise ValueError("empty")
    return encoding or "utf-8-sig"


def _rows_csv(stream: IO[bytes], origin: str) -> Iterator[Article | InputError]:
    """Rows of a CSV stream, read one at a time (memory follows the longest row, not the file)."""
    try:
        encoding = _sniff(stream, origin)
    except ValueError as e:
        yield InputError(origin, str(e))
        return
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    # strict: an unclosed quote is an error at the end of the file instead of one merged row
    reader = csv.DictReader(text, strict=True)
    try:
        cols = set(reader.fieldnames or [])
    except (csv.Error, UnicodeDecodeError) as e:
        yield InputError(f"{origin}:1", _csv_problem(e))
        return
    if not {"id", "text"} <= cols:
        missing = ", ".join(sorted({"id", "text"} - cols))
        yield InputError(origin, f"missing column(s) {missing}; found {', '.join(sorted(cols)) or 'none'}")
        return
    while True:
        first_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as e:
            yield InputError(f"{origin}:{first_line}", _csv_problem(e))
            if isinstance(e, UnicodeDecodeError) or "field limit" in str(e) or "end of data" in str(e):
                return  # the reader cannot find the next row: stop, having said so
            continue
        where = f"{origin}:{reader.line_num}"
        if None in row or row.get("text") is None:
            yield InputError(where, "row has the wrong number of fields (truncated or unquoted comma?)")
            continue
        yield from _row(row, where)


def _csv_problem(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"not valid {e.encoding.upper()} here; this row and the rest of the file were not read"
    msg = str(e)
    if "end of data" in msg:
        return "a quote opened in this row is never closed; this row and the rest of the file were not read"
    if "field limit" in msg:
        return (
            f"a field is over {CSV_FIELD_LIMIT:,} characters (an article may have {MAX_ARTICLE_CHARS:,}); "
            "this row and the rest of the file were not read"
        )
    return f"malformed CSV: {msg}; row skipped"


def _rows_jsonl(stream: IO[bytes], origin: str) -> Iterator[Article | InputError]:
    """One object per line. Lines end at "\n" only: U+2028 or U+0085 inside a value are text,
    not line ends (str.splitlines would split there). Read one line at a time."""
    try:
        encoding = _sniff(stream, origin)
    except ValueError as e:
        yield InputError(origin, str(e))
        return
    if encoding in ("utf-8", "utf-8-sig"):
        lines: Iterable[bytes | str] = stream  # binary lines end at b"\n" only
    else:
        lines = io.TextIOWrapper(stream, encoding=encoding, newline="\n")
    n = 0
    try:
        for n, raw in enumerate(lines, 1):  # n names the line after a decode error too
            if isinstance(raw, bytes):
                try:
                    line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError as e:
                    yield InputError(f"{origin}:{n}", f"not valid UTF-8 (byte {e.start} of the line); line skipped")
                    continue
            else:
                line = raw
            yield from _json_line(line, f"{origin}:{n}")
    except UnicodeDecodeError:
        yield InputError(f"{origin}:{n + 1}", f"not valid {encoding.upper()}; the rest of the file was not read")


def _json_line(line: str, where: str) -> Iterator[Article | InputError]:
    if not line.strip():
        return
    try:
        row = json.loads(line)
    except json.JSONDecodeError as e:
        yield InputError(where, f"not valid JSON ({e.msg}, column {e.colno})")
        return
    except RecursionError:
        yield InputError(where, "not valid JSON (nested too deeply)")
        return
    if not isinstance(row, dict) or "text" not in row or "id" not in row:
        yield InputError(where, "expected an object with 'id' and 'text'")
        return
    yield from _row(row, where)


def _bad_unicode(value: str) -> str | None:
    """The first lone surrogate in ``value`` (JSON's "\ud800" escapes decode to one), else None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"\\u{ord(value[e.start]):04x}"
    return None


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
    article_id = str(row.get("id") or "").strip() or where
    for name, value in (("text", text), ("id", article_id), *meta.items()):
        if bad := _bad_unicode(str(name)) or _bad_unicode(value):
            yield InputError(where, f"{name!r} holds a lone surrogate escape ({bad}), which is not a character")
            return
    yield Article(article_id, text, where, meta)


ARROW_SUFFIXES = (".parquet", ".arrow", ".feather", ".ipc")
ARROW_BATCH_ROWS = 1024  # rows decoded at a time: memory follows a batch, not the file


def _rows_arrow(path: Path, origin: str) -> Iterator[Article | InputError]:
    """Rows of a Parquet file or an Arrow IPC file/stream with ``id`` and ``text`` columns (and any
    of the metadata columns CSV input knows: ``title``, ``url``, ``outlet``, ``published``,
    ``date``, ``lang``), read one record batch at a time. Row numbers in reports count from 1."""
    try:
        import pyarrow as pa
        import pyarrow.ipc as ipc
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - a core dependency
        yield InputError(origin, "reading Parquet or Arrow needs pyarrow (pip install pyarrow)")
        return
    try:
        if path.suffix.lower() == ".parquet":
            pf = pq.ParquetFile(path)
            names = pf.schema_arrow.names
            wanted = [c for c in names if c in ARROW_COLUMNS]
            batches: Iterator[Any] = pf.iter_batches(batch_size=ARROW_BATCH_ROWS, columns=wanted)
        else:
            source = pa.memory_map(str(path))
            try:
                reader: Any = ipc.open_file(source)
                names = reader.schema.names
                batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
            except pa.ArrowInvalid:  # not the file format: the streaming format has no footer
                source = pa.memory_map(str(path))
                reader = ipc.open_stream(source)
                names = reader.schema.names
                batches = iter(reader)
    except (OSError, pa.ArrowException) as e:
        yield InputError(origin, f"not a readable {path.suffix.lower()[1:]} file ({e})")
        return
    if not {"id", "text"} <= set(names):
        missing = ", ".join(sorted({"id", "text"} - set(names)))
        yield InputError(origin, f"missing column(s) {missing}; found {', '.join(sorted(names)) or 'none'}")
        return
    n = 0
    try:
        for batch in batches:
            cols = [c for c in batch.schema.names if c in ARROW_COLUMNS]
            for row in batch.select(cols).to_pylist():
                n += 1
                row = {k: v for k, v in row.items() if v is not None}
                if not isinstance(row.get("text"), str):
                    yield InputError(f"{origin}:{n}", "'text' is empty or not a string")
                    continue
                yield from _row(row, f"{origin}:{n}")
    except (OSError, pa.ArrowException) as e:
        yield InputError(f"{origin}:{n + 1}", f"unreadable from here on ({e}); the rest of the file was not read")


# the columns Parquet/Arrow input reads; others (a corpus's own fields) are not decoded at all
ARROW_COLUMNS = ("id", "text", "title", "url", "outlet", "published", "date", "lang")


def read_path(path: Path, origin: str | None = None) -> Iterator[Article | InputError]:
    """Articles from one file (by its suffix) or from every readable file below a folder."""
    origin = origin or str(path)
    if path.is_dir():
        kinds = (".txt", ".csv", ".jsonl", ".html", ".htm", *ARROW_SUFFIXES)
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in kinds)
        if not files:
            yield InputError(origin, "folder has no .txt, .csv, .jsonl, .html or .parquet files")
        for p in files:
            yield from read_path(p)
        return
    suffix = path.suffix.lower()
    if suffix in ARROW_SUFFIXES:
        yield from _rows_arrow(path, origin)
        return
    try:
        if suffix in (".csv", ".jsonl"):  # streamed: a batch file may be far larger than memory wants
            with path.open("rb") as fh:
                yield from (_rows_csv if suffix == ".csv" else _rows_jsonl)(fh, origin)
            return
        limit = MAX_HTML_BYTES if suffix in (".html", ".htm") else MAX_ARTICLE_BYTES
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # one byte over says "too large" without reading the rest
    except OSError as e:
        yield InputError(origin, f"cannot read: {e.strerror or e}")
        return
    yield from read_bytes(path.name, data, origin)


_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
# one pattern for every opening: searching for each kind separately rescanned the rest of the
# page for the kinds that never occur, once per script (quadratic on a page of many scripts)
_HEAVY_OPEN = re.compile(r"<(script|style|svg|template)\b|<!--")


def _codec(name: str) -> str | None:
    """A text codec Python knows for a charset label, else None (unknown labels, bytes-to-bytes
    codecs such as base64, and UTF-7, which browsers refuse)."""
    try:
        info = codecs.lookup(name.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name == "utf-7":
        return None
    return info.name


def decode_html(data: bytes, declared: str = "") -> str:
    """Text of an HTML page the way browsers choose: byte-order mark, then the charset the server
    declared, then the page's own ``<meta charset>``, then UTF-8, then a guess (charset_normalizer,
    which trafilatura brings). A label Python does not know is skipped, never an exception."""
    candidates = [bom_encoding(data[:4]), _codec(declared) if declared else None]
    if m := _META_CHARSET.search(data[:8192]):
        candidates.append(_codec(m.group(1).decode("ascii")))
    candidates.append("utf-8")
    for encoding in candidates:
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except ImportError:  # pragma: no cover - installed with trafilatura
        pass
    return data.decode("utf-8", errors="replace")


def strip_heavy_markup(page: str) -> str:
    """The page without scripts, styles, inline SVG and comments (never article text, often most
    of a page's bytes). Linear: each search starts where the last one ended."""
    low = page.lower()
    out: list[str] = []
    pos = 0
    while m := _HEAVY_OPEN.search(low, pos):
        out.append(page[pos : m.start()])
        tag = m.group(1)
        close = low.find(f"</{tag}" if tag else "-->", m.end())
        if close < 0:
            return "".join(out)  # unclosed to the end: nothing after it is text anyway
        end = low.find(">", close)
        pos = len(page) if end < 0 else end + 1
    out.append(page[pos:])
    return "".join(out)


def html_to_text(data: str) -> tuple[str, dict[str, str]]:
    """Main text and metadata (title, url, date, outlet) of an HTML page, via trafilatura.

    Raises ``ValueError`` when no article text can be found or the page is too large to read in
    bounded time (trafilatura's time and memory grow with the markup).
    """
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - the app extra installs it
        raise ValueError("reading HTML needs trafilatura (pip install 'claims[app]')") from None
    data = strip_heavy_markup(data)
    if len(data) > MAX_HTML_MARKUP:
        raise ValueError(
            f"the page is too large to read as HTML ({len(data):,} characters of markup; the limit is "
            f"{MAX_HTML_MARKUP:,}); save the article text as .txt instead"
        )
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


def page_text(data: bytes, content_type: str = "text/html", charset: str = "") -> tuple[str, dict[str, str]]:
    """Article text and metadata of a fetched page (HTML, or plain text as is); ``ValueError``
    when it has none or is too large."""
    if len(data) > MAX_HTML_BYTES:
        raise ValueError(f"the page is larger than {MAX_HTML_BYTES:,} bytes; save it and upload the text")
    text = decode_html(data, charset)
    if content_type == "text/plain":
        problem = _check(text, "")
        if problem:
            raise ValueError(problem)
        return text, {}
    return html_to_text(text)


def read_bytes(
    name: str, data: bytes, origin: str | None = None, *, unknown_as_text: bool = True
) -> Iterator[Article | InputError]:
    """Articles from one file's bytes, by its name's suffix: .txt (one article), .csv/.jsonl
    (one per row), .html/.htm (the page's main text). Another suffix is read as text, or refused
    when ``unknown_as_text`` is false (uploads, where it is usually the wrong file)."""
    origin = origin or name
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".jsonl"):
        yield from (_rows_csv if suffix == ".csv" else _rows_jsonl)(io.BytesIO(data), origin)
        return
    if suffix in (".html", ".htm"):
        if not data.strip():
            yield InputError(origin, "empty")
            return
        if bom_encoding(data[:4]) is None and b"\x00" in data[:8192]:
            yield InputError(origin, "looks binary (contains NUL bytes); expected HTML text")
            return
        try:
            body, meta = page_text(data)
        except ValueError as e:
            yield InputError(origin, str(e))
            return
        yield Article(Path(name).stem, body, origin, meta)
        return
    if not unknown_as_text and suffix not in ("", ".txt", ".text", ".md"):
        yield InputError(origin, f"unsupported file type {suffix!r}; use .txt, .csv, .jsonl or .html")
        return
    yield _text_article(Path(name).stem, data, origin)


def iter_articles(paths: Iterable[str], stdin: io.BufferedIOBase | None = None) -> Iterator[Article | InputError]:
    """Articles and errors from CLI-style paths; ``-`` reads one article from standard input."""
    for p in paths:
        if p == "-":
            data = (stdin or sys.stdin.buffer).read(MAX_ARTICLE_BYTES + 1)
            yield _text_article("stdin", data, "<stdin>")
            continue
        path = Path(p)
        if not path.exists():
            yield InputError(p, "no such file or folder")
            continue
        yield from read_path(path)
