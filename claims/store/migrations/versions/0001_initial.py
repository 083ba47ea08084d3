"""Initial schema: articles, persons, article speakers, claims with review state, history.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_key", sa.String(200), nullable=False, unique=True),
        sa.Column("text_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("outlet", sa.String(200), nullable=False),
        sa.Column("published", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("extractor_version", sa.String(40), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("name_keys", sa.Text, nullable=False),
        sa.Column("skeleton", sa.String(80), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_persons_skeleton", "persons", ["skeleton"])
    op.create_table(
        "article_speakers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("local_id", sa.String(220), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id"), nullable=True),
        sa.UniqueConstraint("article_id", "local_id"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_key", sa.String(64), nullable=False, unique=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_start", sa.Integer, nullable=False),
        sa.Column("content_end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("cue", sa.Text, nullable=False),
        sa.Column("cue_start", sa.Integer, nullable=False),
        sa.Column("cue_end", sa.Integer, nullable=False),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("speaker_mention", sa.Text, nullable=False),
        sa.Column("speaker_start", sa.Integer, nullable=False),
        sa.Column("speaker_end", sa.Integer, nullable=False),
        sa.Column("speaker_type", sa.String(20), nullable=False),
        sa.Column("speaker_role", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("date", sa.Text, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("article_speaker_id", sa.Integer, sa.ForeignKey("article_speakers.id"), nullable=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("speaker_lower", sa.Text, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("verdict_note", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("corrected_speaker", sa.Text, nullable=False),
        sa.Column("corrected_start", sa.Integer, nullable=True),
        sa.Column("corrected_end", sa.Integer, nullable=True),
        sa.Column("stale", sa.Boolean, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_claims_status_id", "claims", ["status", "id"])
    op.create_index("ix_claims_person_id", "claims", ["person_id", "id"])
    op.create_index("ix_claims_speaker_lower", "claims", ["speaker_lower"])
    op.create_index("ix_claims_article", "claims", ["article_id"])
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text, nullable=False),
        sa.Column("new", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_history_claim", "history", ["claim_id", "id"])


def downgrade() -> None:
    for table in ("history", "claims", "article_speakers", "persons", "articles"):
        op.drop_table(table)
