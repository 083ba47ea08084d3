"""Exports: spreadsheet-safe CSV, JSONL and schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from claims.formats import RowWriter
from claims.store.statuses import Statuses

# Stable, documented column order of `claims export --format csv` (append only; never reorder).
EXPORT_COLUMNS = (
    "claim_id",
    "article_id",
    "content",
    "content_start",
    "content_end",
    "kind",
    "cue",
    "speaker",
    "speaker_mention",
    "speaker_type",
    "speaker_role",
    "source",
    "date",
    "confidence",
    "flags",
    "lang",
    "article_title",
    "article_url",
    "article_outlet",
    "article_published",
    "status",
    "verdict_note",
    "evidence",
    "assignee",
    "corrected_speaker",
    "stale",
    "updated_by",
    "updated_at",
    "version",
    "desk_id",  # the claim's number in the desk
    "desk_url",  # a link that opens it there (when the desk's address is known)
)


def desk_link(claim_id: int, desk: str | None = None) -> str:
    """The desk's link to a claim: ``desk`` (else ``$CLAIMS_DESK_URL``) + ``/review?claim=ID``;
    "" when neither says where the desk is."""
    base = (desk if desk is not None else os.environ.get("CLAIMS_DESK_URL", "")).strip().rstrip("/")
    return f"{base}/review?claim={claim_id}" if base else ""


def export_row(r: dict[str, Any], desk: str | None = None) -> dict[str, Any]:
    """A stored claim as an export row: contract ids, corrections applied, evidence as a list,
    and the claim's number and link in the desk (so a spreadsheet row and the desk meet)."""
    evidence = json.loads(r.get("evidence") or "[]")
    updated = r.get("updated_at")
    return {
        "claim_id": r["claim_key"],
        "article_id": r["article_key"],
        "content": r["content"],
        "content_start": r["content_start"],
        "content_end": r["content_end"],
        "kind": r["kind"],
        "cue": r["cue"],
        "speaker": r["corrected_speaker"] or r["speaker"],
        "speaker_mention": r["speaker_mention"],
        "speaker_type": r["speaker_type"],
        "speaker_role": r["speaker_role"],
        "source": r["source"],
        "date": r["date"],
        "confidence": r["confidence"],
        "flags": r["flags"],
        "lang": r["lang"],
        "article_title": r["article_title"],
        "article_url": r["article_url"],
        "article_outlet": r["article_outlet"],
        "article_published": r["article_published"],
        "status": r["status"],
        "verdict_note": r["verdict_note"],
        "evidence": " ".join(evidence),
        "assignee": r["assignee"],
        "corrected_speaker": r["corrected_speaker"],
        "stale": bool(r["stale"]),
        "updated_by": r["updated_by"],
        "updated_at": updated.isoformat() if isinstance(updated, datetime) else (updated or ""),
        "version": r["version"],
        "desk_id": r["id"],
        "desk_url": desk_link(r["id"], desk),
    }


def write_rows(rows: Iterable[dict[str, Any]], fh: IO[str], fmt: str, desk: str | None = None) -> int:
    """Stored claims to ``fh`` as ``csv`` (spreadsheet-safe) or ``jsonl``; returns the count.
    ``desk``: the desk's address for the links (default ``$CLAIMS_DESK_URL``)."""
    return RowWriter(fh, fmt, EXPORT_COLUMNS).write_all(export_row(r, desk) for r in rows)


def claim_review(r: dict[str, Any], statuses: Statuses, publisher: str = "claims desk") -> dict[str, Any] | None:
    """A schema.org ClaimReview for a claim with a final verdict (None otherwise)."""
    status = statuses.get(r["status"])
    if not status.final:
        return None
    row = export_row(r)
    speaker_type = "Organization" if row["speaker_type"] in ("organization", "group", "document") else "Person"
    appearance = {"@type": "CreativeWork"}
    if row["article_url"]:
        appearance["url"] = row["article_url"]
    if row["article_title"]:
        appearance["headline"] = row["article_title"]
    if row["article_published"]:
        appearance["datePublished"] = row["article_published"]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": status.alternate_name or status.label}
    if status.rating:
        rating.update(ratingValue=status.rating, bestRating=5, worstRating=1)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": row["content"],
        "datePublished": row["updated_at"][:10],
        "author": {"@type": "Organization", "name": publisher},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": speaker_type, "name": row["speaker"] or "unknown"},
            "appearance": [appearance],
        },
        "reviewRating": rating,
    }
    if row["verdict_note"]:
        review["reviewBody"] = row["verdict_note"]
    if row["evidence"]:
        review["citation"] = row["evidence"].split()
    return review


# Inside an HTML <script type="application/ld+json"> the text must not contain "</script", "<!--"
# (which puts the parser in a state where a later "<script>" swallows the page) or, for old
# script parsers, raw line separators. Outside strings JSON has none of these characters, so
# escaping them everywhere gives the same JSON value.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_safe_json(value: Any, **kwargs: Any) -> str:
    """``value`` as JSON that can sit inside an HTML ``<script>`` element as is."""
    return json.dumps(value, ensure_ascii=False, **kwargs).translate(_SCRIPT_SAFE)


def write_claimreview(
    rows: Iterable[dict[str, Any]], fh: IO[str], statuses: Statuses, publisher: str = "claims desk"
) -> int:
    """A JSON array of ClaimReview objects, script-safe (``<``, ``>``, ``&`` as ``\\u003c``…) so
    it can sit inside an HTML ``<script type="application/ld+json">`` whatever the claims say."""
    reviews = [rv for r in rows if (rv := claim_review(r, statuses, publisher)) is not None]
    fh.write(script_safe_json(reviews, indent=2))
    fh.write("\n")
    return len(reviews)
