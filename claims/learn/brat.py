"""Brat standoff (PolNeAR) read for training: every attribution's cue spans per article."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Labelled:
    """One article and the character spans annotators marked as cues."""

    article_id: str
    text: str
    cues: list[tuple[int, int]]


def _spans(where: str) -> list[tuple[int, int]]:
    out = []
    for part in where.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_cues(text: str, ann: str) -> list[tuple[int, int]]:
    """Cue spans of the attributions in one ``.ann`` file (only cues tied to an attribution
    with a content: a lone cue annotation is not a finished one)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    kinds: dict[str, str] = {}
    out: list[tuple[int, int]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            try:
                spans[parts[0]] = _spans(where)
            except ValueError:
                continue
            kinds[parts[0]] = kind
        elif line.startswith("E") and len(parts) >= 2:
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            if not any(k.startswith("Content") for k in args):
                continue
            for k, v in args.items():
                if k.startswith("Cue") and v in spans:
                    out.extend(s for s in spans[v] if 0 <= s[0] < s[1] <= len(text))
    return sorted(set(out))


def read_dir(root: Path, limit: int | None = None) -> Iterator[Labelled]:
    """Articles of a PolNeAR folder (``text/`` and ``attributions/``) in name order; with several
    annotators' files for one article, the first in name order (as ``claims evaluate`` does)."""
    by_article: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        stem = ann.stem
        base = stem.rsplit("_", 1)[0] if (root / "text" / f"{stem.rsplit('_', 1)[0]}.txt").exists() else stem
        by_article.setdefault(base, ann)
    for n, (base, ann) in enumerate(sorted(by_article.items())):
        if limit is not None and n >= limit:
            break
        text_path = root / "text" / f"{base}.txt"
        if text_path.exists():
            text = text_path.read_text("utf-8")
            yield Labelled(base, text, read_cues(text, ann.read_text("utf-8")))
