"""Tables of the review store (SQLAlchemy Core). Migrations in ``migrations/`` create them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_key", String(200), nullable=False, unique=True),  # the id given or derived
    Column("text_hash", String(64), nullable=False, unique=True),  # dedupe: same text, same article
    Column("text", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("outlet", String(200), nullable=False, default=""),
    Column("published", String(40), nullable=False, default=""),
    Column("lang", String(8), nullable=False, default=""),
    Column("extractor_version", String(40), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(200), nullable=False, default=""),  # the acting user; "" before 0003
    # the Outlet and Language filter lists read these, not the rows (migration 0005)
    Index("ix_articles_outlet", "outlet"),
    Index("ix_articles_lang", "lang"),
    Index("ix_articles_published", "published"),  # claims over time, sort by date (migration 0008)
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("name_keys", Text, nullable=False, default=""),  # romanised name tokens, space-separated
    Column("skeleton", String(80), nullable=False, default=""),  # of the last name token, for look-up
    Column("aliases", Text, nullable=False, default="[]"),  # JSON list
    Column("merged_into", Integer, ForeignKey("persons.id"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # roles the person was named with ("मुख्यमंत्री", "health minister"), JSON list: evidence for
    # linking a short name and for merge suggestions (migration 0007)
    Column("roles", Text, nullable=False, default="[]"),
    Index("ix_persons_skeleton", "skeleton"),
)

article_speakers = Table(
    "article_speakers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("local_id", String(220), nullable=False),
    Column("name", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("aliases", Text, nullable=False, default="[]"),
    Column("roles", Text, nullable=False, default="[]"),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=True),
    UniqueConstraint("article_id", "local_id"),
)

# On PostgreSQL the three foreign keys of a claim (article, speaker row, person) are kept by
# statement-level triggers instead of a check per row (migration 0010: two fifths of inserting a
# bulk batch's claims); the same refusals and the same cascade from a deleted article.
claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_key", String(64), nullable=False, unique=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    # extraction output (the contract's fields)
    Column("content", Text, nullable=False),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("cue", Text, nullable=False),
    Column("cue_start", Integer, nullable=False),
    Column("cue_end", Integer, nullable=False),
    Column("speaker", Text, nullable=False),
    Column("speaker_mention", Text, nullable=False),
    Column("speaker_start", Integer, nullable=False),
    Column("speaker_end", Integer, nullable=False),
    Column("speaker_type", String(20), nullable=False),
    Column("speaker_role", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("date", Text, nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("flags", Text, nullable=False, default=""),
    Column("lang", String(8), nullable=False, default=""),
    Column("article_speaker_id", Integer, ForeignKey("article_speakers.id"), nullable=True),
    Column("person_id", Integer, ForeignKey("persons.id"), nullable=True),
    Column("speaker_lower", Text, nullable=False, default=""),  # for case-insensitive filters
    Column("content_folded", Text, nullable=False, default=""),  # for text search (claims.store.search)
    # analyst work, never overwritten by extraction
    Column("status", String(40), nullable=False),
    Column("verdict_note", Text, nullable=False, default=""),
    Column("evidence", Text, nullable=False, default="[]"),  # JSON list of URLs
    Column("assignee", String(200), nullable=False, default=""),
    Column("corrected_speaker", Text, nullable=False, default=""),
    Column("corrected_start", Integer, nullable=True),
    Column("corrected_end", Integer, nullable=True),
    Column("stale", Boolean, nullable=False, default=False),  # gone from the latest extraction
    Column("updated_by", String(200), nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # how much the claim is worth checking (claims.learn.checkworthy), computed on every extraction
    Column("checkworthy", Float, nullable=False, default=0.0),
    Column("checkworthy_reasons", Text, nullable=False, default="[]"),  # JSON list of reasons
    # approval of a verdict whose status needs it (statuses.toml needs_approval): "" | pending | approved
    Column("approval", String(20), nullable=False, default=""),
    Column("proposed_by", String(200), nullable=False, default=""),
    Column("approved_by", String(200), nullable=False, default=""),
    Column("approved_at", DateTime(timezone=True), nullable=True),
    # the group of claims stating the same thing across articles (claims.store.grouping, 0007)
    Column("group_id", Integer, nullable=True),
    Index("ix_claims_status_id", "status", "id"),
    Index("ix_claims_status_checkworthy", "status", "checkworthy", "id"),  # the To check queue (0006)
    Index("ix_claims_person_id", "person_id", "id"),
    Index("ix_claims_speaker_lower", "speaker_lower"),
    Index("ix_claims_article", "article_id"),
    # the few corrected speakers, for the Dashboard's claims per person (migration 0008)
    Index(
        "ix_claims_corrected",
        "person_id",
        "corrected_speaker",
        sqlite_where=text("corrected_speaker != ''"),
        postgresql_where=text("corrected_speaker != ''"),
    ),
    Index("ix_claims_group_id", "group_id"),
)

# The same claim across articles (claims.store.grouping, migration 0007): a group and the claim
# shown for it; the claims of a group point to it with ``claims.group_id``.
claim_groups = Table(
    "claim_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("representative_id", Integer, nullable=False),  # a claim id (no foreign key: claims point here)
    Column("lang", String(8), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The blocking index of grouping: each claim's content terms (folded, lower-cased, stop words
# out, prefixed by the language). Candidates for a new claim are the claims sharing its rarest
# terms, so grouping never compares all pairs. On PostgreSQL the foreign key below is not in the
# database (migration 0009: a check per row was half of a bulk load's index cost); a statement-level
# trigger deletes a deleted claim's terms instead. Migration 0012 (PostgreSQL): a claim's terms are
# one row of ``claim_term_sets`` (the index proper, counted by its triggers), and these rows are
# only the postings grouping reads, the first PER_TERM claims of each term (no index on claim_id).
claim_terms = Table(
    "claim_terms",
    metadata,
    Column("term", String(80), primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_claim_terms_claim", "claim_id"),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old", Text, nullable=False, default=""),
    Column("new", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),  # the claim's version after this change
    Index("ix_history_claim", "claim_id", "id"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("role", String(20), nullable=False),  # admin | analyst | viewer
    Column("failed_logins", Integer, nullable=False, default=0),  # since the last lock expired
    Column("lockouts", Integer, nullable=False, default=0),  # locks in a row: each one lasts twice as long
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("last_login", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

account_log = Table(  # who changed which account, and how (migration 0008); never rewritten
    "account_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),  # the admin, "(sign-in)" for a lock, "<login> (command line)"
    Column("username", String(200), nullable=False),
    Column("action", String(40), nullable=False),  # added, removed, role, password, unlocked, locked
    Column("detail", Text, nullable=False, default=""),
    Index("ix_account_log_username", "username", "id"),
)
