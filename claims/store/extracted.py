"""Claims extracted beforehand, for a bulk load that stores them without extracting again.

    claims extract articles.parquet --format parquet -o claims.parquet --jobs 16   # or claims.spark
    claims ingest articles.parquet --bulk --claims claims.parquet

The claims file is what ``claims extract --format parquet`` or :mod:`claims.spark` writes (the
output contract's columns; Spark's ``error`` column is allowed and its error rows are reported).
It is read once as an Arrow table sorted by article, so an article's claims are one slice however
the file was written (Spark writes partitions in no particular order). Each claim's
check-worthiness, computed where it was extracted (``checkworthy``, ``checkworthy_reasons``,
``checkworthy_scorer``), is stored as it is when the scorer's fingerprint is this one's; a file
without those columns (written by an older release) or from another scorer is scored at load.

An article's claims are used only when they fit its text: every claim's content, cue and speaker
mention must be the text at its offsets, or the article is refused (a claims file from other
texts, or from texts changed since, would otherwise store claims that point at the wrong words).
An article with no rows in the file has no claims, as the CLI writes nothing for such articles.
Speakers are rebuilt from the claims: one per ``speaker_id``, named as the claims name it, with
the mentions and roles the claims give (persons the article names without their speaking are not
in the file, and so are not stored; re-extraction brings them back).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from claims.formats import claim_schema, claims_file_schema
from claims.learn.checkworthy import SCORE_FIELDS, scorer_version
from claims.model import CLAIM_FIELDS, Claim, Extraction, Speaker
from claims.pipeline.names import is_subname, name_key

ERROR_COLUMN = "error"  # claims.spark's column for a row that could not be extracted


class ClaimsFileError(ValueError):
    """The claims file cannot be used at all (unreadable, or not the contract's columns)."""


class ExtractedClaims:
    """The claims of a Parquet or Arrow file, looked up by article id."""

    def __init__(self, path: str | Path) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        path = Path(path)
        table = _read(path)
        missing = [f for f in CLAIM_FIELDS if f not in table.column_names]
        if missing:
            raise ClaimsFileError(
                f"{path}: not a claims file (missing {', '.join(missing)}); "
                "write one with `claims extract … --format parquet`"
            )
        self.errors: dict[str, str] = {}  # article id -> why extraction failed (Spark's error rows)
        if ERROR_COLUMN in table.column_names:
            bad = table.filter(pc.is_valid(table[ERROR_COLUMN]))
            for aid, why in zip(bad["article_id"].to_pylist(), bad[ERROR_COLUMN].to_pylist(), strict=True):
                self.errors[str(aid)] = str(why)
            table = table.filter(pc.is_null(table[ERROR_COLUMN]))
        # the score extraction computed (claims_file_schema); a file written before it has none
        # and its claims are scored at load
        self.scored = all(f in table.column_names for f in SCORE_FIELDS)
        columns, schema = (
            ([*CLAIM_FIELDS, *SCORE_FIELDS], _lenient(claims_file_schema()))
            if self.scored
            else (list(CLAIM_FIELDS), claim_schema())
        )
        try:
            table = table.select(columns).cast(schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as e:
            raise ClaimsFileError(f"{path}: columns are not the claims contract's types ({e})") from e
        # one sort in Arrow, then each article's claims are the run of its id
        self._table = table.sort_by([("article_id", "ascending"), ("content_start", "ascending")]).combine_chunks()
        ids = self._table["article_id"].to_pylist()
        self._runs: dict[str, tuple[int, int]] = {}
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                self._runs[ids[start]] = (start, i - start)
                start = i
        self._used: set[str] = set()
        # an article's claims are read a column at a time (a slice of each, as Python lists):
        # three times cheaper than a dict per row (to_pylist of the slice) and then a Claim from it;
        # each column one array, not a chunked one (a fifth cheaper to slice and read)
        self._claim_columns = [self._table.column(f).combine_chunks() for f in CLAIM_FIELDS]
        self._score_columns = [self._table.column(f).combine_chunks() for f in SCORE_FIELDS] if self.scored else []

    def extraction(self, article_id: str, text: str) -> Extraction | str:
        """The stored form of ``article_id``'s claims on ``text``, or why they cannot be used."""
        return self.scored_extraction(article_id, text)[0]

    def scored_extraction(self, article_id: str, text: str) -> tuple[Extraction | str, list[dict[str, Any] | None]]:
        """:meth:`extraction` and, per claim in its order, the check-worthiness the file carries as
        the store keeps it (:func:`claims.store.ingest.stored_checkworthy`), or None for a claim
        to be scored at load: the file has no score columns, or its score was computed by another
        scorer (``checkworthy_scorer`` is not this one's :func:`scorer_version`: a retraining or a
        changed pack since). The list is empty when the article's claims cannot be used."""
        from claims.store.ingest import stored_checkworthy

        if article_id in self.errors:
            return f"the claims file records no extraction: {self.errors[article_id]}", []
        start, n = self._runs.get(article_id, (0, 0))

        def values(columns: list[Any]) -> Iterator[tuple[Any, ...]]:
            return zip(*(col.slice(start, n).to_pylist() for col in columns), strict=True) if n else iter(())

        claims = [Claim(*v) for v in values(self._claim_columns)]  # CLAIM_FIELDS is Claim's field order
        checks: list[dict[str, Any] | None] = [None] * len(claims)
        if self.scored:
            current = scorer_version()
            for i, (score, reasons, scorer) in enumerate(values(self._score_columns)):
                if scorer == current and score is not None and reasons is not None:
                    checks[i] = stored_checkworthy(score, reasons)
        for c in claims:
            problem = _misfit(c, text)
            if problem:
                return f"claims file does not fit this text ({problem}); extract it again or check the files", []
        langs = Counter(c.lang for c in claims if c.lang)
        lang = langs.most_common(1)[0][0] if langs else ""
        return Extraction(article_id, lang, claims, _speakers(claims)), checks

    def note(self, article_id: str) -> None:
        """Note that the input has an article with this id (stored, duplicate or failed)."""
        self._used.add(article_id)

    def unused(self) -> list[str]:
        """Article ids of the file that no input article has (a mismatched pair of files)."""
        return sorted((set(self._runs) | set(self.errors)) - self._used)


def _lenient(schema: Any) -> Any:
    """``schema`` with the score columns nullable: a claim row without a score is scored at load."""
    import pyarrow as pa

    return pa.schema([f.with_nullable(True) if f.name in SCORE_FIELDS else f for f in schema])


def _read(path: Path):
    import pyarrow as pa
    import pyarrow.ipc as ipc
    import pyarrow.parquet as pq

    try:
        if path.is_file() and path.suffix.lower() == ".parquet":
            # one file: read without pyarrow.dataset, whose import (pandas with it) takes 0.3 s
            return pq.ParquetFile(path).read()
        if path.suffix.lower() == ".parquet" or path.is_dir():
            return pq.read_table(path)  # a folder of parts (Spark's output)
        with pa.memory_map(str(path)) as src:
            try:
                return ipc.open_file(src).read_all()
            except pa.ArrowInvalid:
                src.seek(0)
                return ipc.open_stream(src).read_all()
    except (OSError, pa.ArrowException) as e:
        raise ClaimsFileError(f"{path}: cannot read claims ({e})") from e


def _misfit(c: Claim, text: str) -> str:
    """Why claim ``c`` does not point at ``text`` ("" when it does)."""
    spans = [("content", c.content, c.content_start, c.content_end), ("cue", c.cue, c.cue_start, c.cue_end)]
    if c.speaker_start >= 0:
        spans.append(("speaker mention", c.speaker_mention, c.speaker_start, c.speaker_end))
    for what, value, a, b in spans:
        if not (0 <= a <= b <= len(text)) or text[a:b] != value:
            return f"{what} of claim {c.claim_id} is not the text at {a}-{b}"
    return ""


def _speakers(claims: list[Claim]) -> list[Speaker]:
    """One speaker per ``speaker_id`` the claims name, in order of first claim."""
    out: dict[str, Speaker] = {}
    for c in claims:
        if not c.speaker_id:
            continue
        sp = out.get(c.speaker_id)
        if sp is None:
            sp = out[c.speaker_id] = Speaker(c.speaker_id, c.speaker, c.speaker_type, [c.speaker] if c.speaker else [])
        # a name form of the speaker, not a pronoun or role noun the mention resolved through
        if c.speaker_mention and c.speaker_mention not in sp.aliases and _is_name_form(c.speaker_mention, c.speaker):
            sp.aliases.append(c.speaker_mention)
        if c.speaker_role and c.speaker_role not in sp.roles:
            sp.roles.append(c.speaker_role)
    return list(out.values())


@lru_cache(maxsize=65_536)  # an archive repeats its speakers' names and mentions over and over
def _is_name_form(mention: str, name: str) -> bool:
    """Whether ``mention`` is part of ``name`` in any script ("Tokayev" of "कसीम-जोमार्ट टोकायव"),
    as the extractor's own speaker matching decides it."""
    short, full = name_key(mention.split()), name_key(name.split())
    return is_subname(short, full)
