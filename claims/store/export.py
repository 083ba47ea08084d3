"""Exports: spreadsheet-safe CSV, JSONL and schema.org ClaimReview JSON-LD.

A verdict whose status needs approval (``needs_approval = true`` in the statuses file) is
exported only once another analyst or an admin approved it: until then (pending, or sent back
to its proposer) a CSV/JSONL row shows the status ``pending_approval`` with no verdict note or
evidence (the claim itself, its speaker and article are there), and ClaimReview leaves it out.
"""

from __future__ import annotations

import json
import os
import string
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlsplit

import regex
from sqlalchemy import Engine, select

from claims.formats import RowWriter
from claims.store.db import reading
from claims.store.schema import persons
from claims.store.statuses import Statuses, load_statuses

PENDING = "pending_approval"  # the status an export shows for a verdict not approved yet

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
    "checkworthy",  # 0–1: how much the claim is worth checking (claims.learn.checkworthy)
    "checkworthy_reasons",  # the reasons, joined by " · "
    "approval",  # "" (none needed), pending or approved
    "approved_by",
    "approved_at",
)


def desk_link(claim_id: int, desk: str | None = None) -> str:
    """The desk's link to a claim: ``desk`` (else ``$CLAIMS_DESK_URL``) + ``/review?claim=ID``;
    "" when neither says where the desk is."""
    base = (desk if desk is not None else os.environ.get("CLAIMS_DESK_URL", "")).strip().rstrip("/")
    return f"{base}/review?claim={claim_id}" if base else ""


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else (value or "")


def is_pending(r: dict[str, Any], statuses: Statuses) -> bool:
    """Whether the claim's verdict needs approval and has none yet (then no export carries it)."""
    try:
        status = statuses.get(r["status"])
    except ValueError:  # a status the file no longer has: nothing to approve
        return False
    return status.needs_approval and r.get("approval") != "approved"


def export_row(r: dict[str, Any], desk: str | None = None, statuses: Statuses | None = None) -> dict[str, Any]:
    """A stored claim as an export row: contract ids, corrections applied, evidence as a list,
    and the claim's number and link in the desk (so a spreadsheet row and the desk meet). A
    verdict waiting for approval shows as ``pending_approval``, without its note and evidence."""
    evidence = json.loads(r.get("evidence") or "[]")
    updated = r.get("updated_at")
    pending = is_pending(r, statuses or load_statuses())
    try:
        reasons = json.loads(r.get("checkworthy_reasons") or "[]")
    except ValueError:
        reasons = []
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
        "status": PENDING if pending else r["status"],
        "verdict_note": "" if pending else r["verdict_note"],
        "evidence": "" if pending else " ".join(evidence),
        "assignee": r["assignee"],
        "corrected_speaker": r["corrected_speaker"],
        "stale": bool(r["stale"]),
        "updated_by": r["updated_by"],
        "updated_at": updated.isoformat() if isinstance(updated, datetime) else (updated or ""),
        "version": r["version"],
        "desk_id": r["id"],
        "desk_url": desk_link(r["id"], desk),
        "checkworthy": r.get("checkworthy", 0.0),
        "checkworthy_reasons": " · ".join(str(x) for x in reasons),
        # pending, or returned (sent back to its proposer); "" when no approval is needed
        "approval": (r.get("approval") if r.get("approval") == "returned" else "pending")
        if pending
        else (r.get("approval") or ""),
        "approved_by": "" if pending else (r.get("approved_by") or ""),
        "approved_at": "" if pending else _iso(r.get("approved_at")),
    }


def write_rows(
    rows: Iterable[dict[str, Any]], fh: IO[str], fmt: str, desk: str | None = None, statuses: Statuses | None = None
) -> int:
    """Stored claims to ``fh`` as ``csv`` (spreadsheet-safe) or ``jsonl``; returns the count.
    ``desk``: the desk's address for the links (default ``$CLAIMS_DESK_URL``); ``statuses``
    tell which verdicts wait for approval (default: the configured statuses file)."""
    statuses = statuses or load_statuses()
    return RowWriter(fh, fmt, EXPORT_COLUMNS).write_all(export_row(r, desk, statuses) for r in rows)


@dataclass(frozen=True)
class Publisher:
    """Who publishes the fact checks, and where: the ClaimReview ``author`` and ``url``.

    ``review_url`` is a template for each claim's fact-check page, with ``{claim_id}`` (the
    contract id), ``{desk_id}`` (the desk's number) or ``{article_id}``, e.g.
    ``https://example.org/fact-check/{claim_id}``; Google requires the page URL, on the
    publisher's domain. ``in_language`` is the language of the fact checks (BCP 47, e.g. "hi");
    empty: the claim's language."""

    name: str = "claims desk"
    url: str = ""
    review_url: str = ""
    in_language: str = ""
    logo: str = ""

    def page(self, row: dict[str, Any]) -> str:
        """The fact-check page URL of an export row ("" without a template)."""
        if not self.review_url:
            return ""
        ids = {"claim_id": row["claim_id"], "desk_id": row["desk_id"], "article_id": row["article_id"]}
        return self.review_url.format(**{k: quote(str(v), safe="") for k, v in ids.items()})


class PublisherError(ValueError):
    """A ClaimReview configuration that would publish broken links or no publisher."""


FIELDS = ("name", "url", "review_url", "in_language", "logo")
PLACEHOLDERS = frozenset({"claim_id", "desk_id", "article_id"})


def _check_url(label: str, value: str) -> None:
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
        raise PublisherError(f"the {label} must be an absolute http(s) URL, not {value!r}")


def check_publisher(p: Publisher) -> Publisher:
    """``p`` if it can be published: a name, absolute http(s) URLs, a page template whose only
    placeholders are :data:`PLACEHOLDERS` and that names one (else every claim would get the
    same page). Raises :class:`PublisherError` saying what is wrong."""
    if not p.name.strip():
        raise PublisherError("the publisher needs a name")
    _check_url("publisher URL", p.url)
    _check_url("logo", p.logo)
    if p.review_url:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(p.review_url) if f is not None}
        except ValueError as e:
            raise PublisherError(f"the fact-check URL template {p.review_url!r} is not valid: {e}") from None
        unknown = names - PLACEHOLDERS
        if unknown:
            raise PublisherError(
                f"the fact-check URL template uses {', '.join(sorted(unknown))}; "
                f"it may use {{claim_id}}, {{desk_id}} or {{article_id}}"
            )
        if not names:
            raise PublisherError("the fact-check URL template needs {claim_id} (or {desk_id}): one page per claim")
        _check_url("fact-check URL template", p.review_url.format(claim_id="x", desk_id="1", article_id="a"))
    return p


def load_publisher(path: str | Path | None = None, **overrides: str | None) -> Publisher:
    """The ClaimReview publisher from the ``[claimreview]`` table of a TOML file (``path``, else
    ``$CLAIMS_CLAIMREVIEW``, else none), with ``overrides`` (CLI options; None is "not given")
    on top. Keys: ``name``, ``url``, ``review_url``, ``in_language``, ``logo``. Raises
    :class:`PublisherError` for an unreadable file, an unknown key or a value that cannot be
    published (:func:`check_publisher`)."""
    path = path or os.environ.get("CLAIMS_CLAIMREVIEW") or None
    values: dict[str, str] = {}
    if path:
        try:
            table = tomllib.loads(Path(path).read_text("utf-8")).get("claimreview", {})
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise PublisherError(f"cannot read the ClaimReview configuration {path}: {e}") from None
        unknown = set(table) - set(FIELDS)
        if unknown:
            raise PublisherError(
                f"{path}: unknown [claimreview] keys {', '.join(sorted(unknown))}; known: {', '.join(FIELDS)}"
            )
        values = {k: str(v) for k, v in table.items()}
    values.update({k: v for k, v in overrides.items() if v is not None and k in FIELDS})
    return check_publisher(replace(Publisher(), **values))


CLAIM_REVIEWED_MAX = 75  # Google: "try to keep this less than 75 characters" (mobile wrapping)
_GRAPHEMES = regex.compile(r"\X")


def short_claim(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """``text`` shortened for ``claimReviewed``: whole, when under ``limit`` characters; else cut
    at the last word boundary before it (never inside a word or a Devanagari cluster) with "…"."""
    text = " ".join(text.split())
    if len(text) < limit:
        return text
    kept, n = [], 0
    for g in _GRAPHEMES.findall(text):
        if n + len(g) > limit - 2:  # room for "…", the whole under the limit
            break
        kept.append(g)
        n += len(g)
    cut = "".join(kept)
    space = cut.rfind(" ")
    if space > limit // 3:  # a word boundary not too far back
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def _date(value: str) -> str:
    """An ISO date (YYYY-MM-DD…) as given, else "" (free-text dates are not schema.org dates)."""
    return value[:10] if regex.match(r"\d{4}-\d{2}-\d{2}", value or "") else ""


def is_published(r: dict[str, Any], statuses: Statuses) -> bool:
    """Whether a stored claim's verdict is final and, where its status needs it, approved."""
    try:
        status = statuses.get(r["status"])
    except ValueError:
        return False
    return status.final and not is_pending(r, statuses)


def claim_review(
    r: dict[str, Any], statuses: Statuses, publisher: str | Publisher = "claims desk"
) -> dict[str, Any] | None:
    """A schema.org ClaimReview for a claim with a final verdict, approved where its status
    needs approval (None otherwise). ``publisher``: a :class:`Publisher` (or just its name).

    The speaker is the claim's archive-wide person by its canonical name (``person_name`` on the
    row, see :func:`with_person_names`) unless an analyst corrected it, typed Organization for
    organisations, groups and documents, else Person."""
    if not is_published(r, statuses):
        return None
    pub = publisher if isinstance(publisher, Publisher) else Publisher(name=publisher)
    status = statuses.get(r["status"])
    row = export_row(r, statuses=statuses)
    speaker = row["corrected_speaker"] or r.get("person_name") or row["speaker"] or "unknown"
    speaker_type = "Organization" if row["speaker_type"] in ("organization", "group", "document") else "Person"
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if row["article_url"]:
        appearance["url"] = row["article_url"]
    if row["article_title"]:
        appearance["headline"] = row["article_title"]
    if _date(row["article_published"]):
        appearance["datePublished"] = _date(row["article_published"])
    if row["article_outlet"]:
        appearance["publisher"] = {"@type": "Organization", "name": row["article_outlet"]}
    label = status.alternate_name or status.label
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label, "name": label}
    if status.rating:
        rating.update(ratingValue=status.rating, bestRating=5, worstRating=1)
    author: dict[str, Any] = {"@type": "Organization", "name": pub.name}
    if pub.url:
        author["url"] = pub.url
    if pub.logo:
        author["logo"] = {"@type": "ImageObject", "url": pub.logo}
    claim: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": speaker_type, "name": speaker},
        "appearance": [appearance],
    }
    if appearance.get("url"):
        claim["firstAppearance"] = appearance
    if _date(row["article_published"]):
        claim["datePublished"] = _date(row["article_published"])
    if row["speaker_role"] and speaker_type == "Person":
        claim["author"]["jobTitle"] = row["speaker_role"]
    published = row["approved_at"] or row["updated_at"]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": short_claim(row["content"]),
        "datePublished": published[:10],
        "author": author,
        "itemReviewed": claim,
        "reviewRating": rating,
    }
    if page := pub.page(row):
        review["url"] = page
    lang = pub.in_language or row["lang"]
    if lang:
        review["inLanguage"] = lang
    if row["verdict_note"]:
        review["reviewBody"] = row["verdict_note"]
    if row["evidence"]:
        review["citation"] = row["evidence"].split()
    return review


def with_person_names(engine: Engine, rows: Iterable[dict[str, Any]], batch: int = 500) -> Iterator[dict[str, Any]]:
    """``rows`` (stored claims) with ``person_name``: the canonical name of the archive-wide
    person each claim's speaker is linked to (a merged person followed to the one it went
    into), read a batch at a time."""
    chunk: list[dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        names: dict[int, tuple[str, int | None]] = {}
        frontier = {r["person_id"] for r in chunk if r.get("person_id")}
        with reading(engine) as conn:
            for _ in range(20):  # merge chains are short; bounded should one ever loop
                todo = sorted(frontier - set(names))
                if not todo:
                    break
                frontier = set()
                for pid, name, into in conn.execute(
                    select(persons.c.id, persons.c.name, persons.c.merged_into).where(persons.c.id.in_(todo))
                ):
                    names[pid] = (name, into)
                    if into is not None:
                        frontier.add(into)
        for r in chunk:
            pid, seen = r.get("person_id"), set()
            while pid in names and names[pid][1] is not None and pid not in seen:
                seen.add(pid)
                pid = names[pid][1]
            yield {**r, "person_name": names[pid][0] if pid in names else ""}
        chunk.clear()

    for r in rows:
        chunk.append(r)
        if len(chunk) >= batch:
            yield from flush()
    if chunk:
        yield from flush()


# Inside an HTML <script type="application/ld+json"> the text must not contain "</script", "<!--"
# (which puts the parser in a state where a later "<script>" swallows the page) or, for old
# script parsers, raw line separators. Outside strings JSON has none of these characters, so
# escaping them everywhere gives the same JSON value.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_safe_json(value: Any, **kwargs: Any) -> str:
    """``value`` as JSON that can sit inside an HTML ``<script>`` element as is."""
    return json.dumps(value, ensure_ascii=False, **kwargs).translate(_SCRIPT_SAFE)


def write_claimreview(
    rows: Iterable[dict[str, Any]], fh: IO[str], statuses: Statuses, publisher: str | Publisher | None = None
) -> int:
    """A JSON array of ClaimReview objects, script-safe (``<``, ``>``, ``&`` as ``\\u003c``…) so
    it can sit inside an HTML ``<script type="application/ld+json">`` whatever the claims say.
    ``publisher``: default the configured one (:func:`load_publisher`)."""
    publisher = load_publisher() if publisher is None else publisher
    reviews = [rv for r in rows if (rv := claim_review(r, statuses, publisher)) is not None]
    fh.write(script_safe_json(reviews, indent=2))
    fh.write("\n")
    return len(reviews)
