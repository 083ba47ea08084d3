"""Writing rows as JSONL and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@")
# Spreadsheets skip leading blanks before deciding a cell is a formula, and some read the
# fullwidth "＝" as "=": so a cell is judged by its first character that is not a space,
# separator, control or format character (NBSP, zero-width space, BOM, newline…), compatibility
# forms folded (NFKC: ＝ ＋ － ＠ and the small forms are = + - @).
_SKIPPED = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP CSV injection): a string
    whose first visible character is ``= + - @`` (or a fullwidth or small form of one), or that
    starts with a tab, CR or LF, gets a leading apostrophe."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r\n":
        return "'" + value
    for ch in value:
        if unicodedata.category(ch) in _SKIPPED:
            continue
        return "'" + value if unicodedata.normalize("NFKC", ch).startswith(_FORMULA_START) else value
    return value


class RowWriter:
    """Streams dict rows to ``fh`` as ``jsonl`` or ``csv`` (header from ``columns``)."""

    def __init__(self, fh: IO[str], fmt: str, columns: Sequence[str]):
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown format {fmt!r}; use jsonl or csv")
        self.fh, self.fmt, self.columns = fh, fmt, list(columns)
        self._csv: csv.DictWriter | None = None
        if fmt == "csv":
            # RFC 4180 line ends: the csv module quotes a field only for the characters of its line
            # terminator, so with "\n" alone a bare CR was written unquoted and split the row
            self._csv = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="ignore", lineterminator="\r\n")
            self._csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self._csv is not None:
            flat = {k: ("|".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
            self._csv.writerow({k: csv_safe(flat.get(k, "")) for k in self.columns})
        else:
            self.fh.write(json.dumps({k: row.get(k) for k in self.columns}, ensure_ascii=False) + "\n")

    def write_all(self, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        for row in rows:
            self.write(row)
            n += 1
        return n


def claim_schema() -> Any:
    """The Arrow (and Parquet) schema of the output contract: the columns of :data:`CLAIM_FIELDS`
    in order; offsets and indices int64 (-1 for an absent mention), confidence float64, flags a
    list of strings (not CSV's ``|``-joined text). The same schema :mod:`claims.spark` returns."""
    import pyarrow as pa

    from claims.model import CLAIM_FIELDS, Claim

    kinds = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "list[str]": pa.list_(pa.string())}
    hints = Claim.__annotations__  # strings under `from __future__ import annotations`
    return pa.schema([pa.field(name, kinds[str(hints[name])], nullable=False) for name in CLAIM_FIELDS])


def claims_file_schema() -> Any:
    """The schema of a claims file (``claims extract --format parquet``, :mod:`claims.spark`): the
    contract's columns (:func:`claim_schema`), then each claim's check-worthiness as extraction
    computed it (:data:`claims.learn.checkworthy.SCORE_FIELDS`): ``checkworthy`` float64 in [0, 1],
    ``checkworthy_reasons`` a list of strings, ``checkworthy_scorer`` the scorer's fingerprint. A
    bulk load stores the score without computing it again when the fingerprint is the loader's."""
    import pyarrow as pa

    extra = [
        pa.field("checkworthy", pa.float64(), nullable=False),
        pa.field("checkworthy_reasons", pa.list_(pa.string()), nullable=False),
        pa.field("checkworthy_scorer", pa.string(), nullable=False),
    ]
    return pa.schema([*claim_schema(), *extra])


class ParquetRowWriter:
    """Streams dict rows to a Parquet file in row groups of ``batch_rows`` (memory follows one
    row group of rows, not the output: 50,000 claims held 90 MB more than 10,000 on a 4,000-article
    run). ``close`` writes the footer; a file without one is unreadable, so an interrupted run
    leaves no file that looks complete."""

    def __init__(self, sink: Any, columns: Sequence[str], batch_rows: int = 10_000):
        import pyarrow.parquet as pq

        self.schema = claims_file_schema()
        if list(columns) != self.schema.names:
            raise ValueError("Parquet output is written in the claims file's columns only (claims_file_schema)")
        self.columns, self.batch_rows = list(columns), batch_rows
        self._rows: list[dict[str, Any]] = []
        self._writer = pq.ParquetWriter(sink, self.schema, compression="zstd")

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.batch_rows:
            self._flush()

    def write_all(self, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        for row in rows:
            self.write(row)
            n += 1
        return n

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
