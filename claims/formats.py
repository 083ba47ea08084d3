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
