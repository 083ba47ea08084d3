"""The review store: articles, claims, speakers and the analysts' verification work.

A library with no UI in it; the CLI and the app call the same functions::

    from claims.store import open_store, ingest_text, set_status, list_claims, ClaimFilter
    engine = open_store("sqlite:///desk.db")          # or CLAIMS_DB_URL, or ./claims.db
    ingest_text(engine, text, title="…", url="…", analyst="asha")   # the acting user's role is checked
    set_status(engine, claim_id, "false", analyst="asha", note="…")
"""

from claims.store.db import make_engine, open_store, resolve_url, upgrade
from claims.store.ingest import IngestResult, ingest_text, reextract
from claims.store.query import ClaimFilter, count_claims, counts_by, get_claim, iter_claims, list_claims
from claims.store.statuses import Status, StatusError, Statuses, load_statuses
from claims.store.workflow import Conflict, EditError, bulk_status, history_of, set_status, update_claim

__all__ = [
    "make_engine",
    "open_store",
    "resolve_url",
    "upgrade",
    "IngestResult",
    "ingest_text",
    "reextract",
    "ClaimFilter",
    "count_claims",
    "counts_by",
    "get_claim",
    "iter_claims",
    "list_claims",
    "Status",
    "Statuses",
    "StatusError",
    "load_statuses",
    "Conflict",
    "EditError",
    "bulk_status",
    "history_of",
    "set_status",
    "update_claim",
]
