"""Small helpers shared by the CLI modules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


@contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """A UTF-8 text file to write (``newline=""`` for CSV), or stdout for None or ``-``."""
    if not path or path == "-":
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        yield fh
