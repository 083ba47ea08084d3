"""Writing rows as JSONL and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP CSV injection): a string
    starting with ``= + - @``, tab or carriage return gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class RowWriter:
    """Streams dict rows to ``fh`` as ``jsonl`` or ``csv`` (header from ``columns``)."""

    def __init__(self, fh: IO[str], fmt: str, columns: Sequence[str]):
        if fmt not in ("jsonl", "csv"):
            raise ValueError(f"unknown format {fmt!r}; use jsonl or csv")
        self.fh, self.fmt, self.columns = fh, fmt, list(columns)
        self._csv: csv.DictWriter | None = None
        if fmt == "csv":
            self._csv = csv.DictWriter(fh, fieldnames=self.columns, extrasaction="ignore", lineterminator="\n")
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
