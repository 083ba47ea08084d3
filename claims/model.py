"""The output contract: one :class:`Claim` per attributed statement, one :class:`Speaker` per person.

Field order here is the column order of the CLI's CSV and JSONL output; other tools depend on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

KINDS = ("direct", "indirect", "mixed")
SPEAKER_TYPES = ("person", "organization", "group", "document", "anonymous", "author")
FLAGS = ("mental_state", "request", "author_voice", "unclosed_quote", "unresolved_speaker", "truncated")


@dataclass
class Claim:
    """A statement attributed to a speaker.

    Offsets index the text exactly as given (Python ``str`` indices), so
    ``text[content_start:content_end] == content`` and likewise for cue and speaker mention.
    Empty mention fields have start and end ``-1``.
    """

    article_id: str
    claim_id: str
    content: str
    content_start: int
    content_end: int
    kind: str
    cue: str
    cue_start: int
    cue_end: int
    speaker: str
    speaker_mention: str
    speaker_start: int
    speaker_end: int
    speaker_type: str
    speaker_role: str
    source: str
    date: str
    sentence_index: int
    confidence: float
    flags: list[str] = field(default_factory=list)
    lang: str = ""
    speaker_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_row(self) -> dict[str, Any]:
        """Flat row for CSV: flags joined with ``|``."""
        row = asdict(self)
        row["flags"] = "|".join(self.flags)
        return row


CLAIM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Claim))


@dataclass
class Speaker:
    """A speaker entity of one article: the canonical name and every form the article used."""

    speaker_id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    gender: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Extraction:
    """Everything extracted from one article."""

    article_id: str
    lang: str
    claims: list[Claim]
    speakers: list[Speaker]
