"""The same claim across articles and persons that hold on real data: claim groups with their
blocking index of content terms (``claim_groups``, ``claim_terms``, ``claims.group_id``) and the
roles a person was named with (``persons.roles``). Existing claims are grouped by ``claims groups``
(not here: an archive's worth of similarity search does not belong in a schema upgrade).

Only new tables and added columns.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("representative_id", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "claim_terms",
        sa.Column("term", sa.String(80), primary_key=True),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_claim_terms_claim", "claim_terms", ["claim_id"])
    with op.batch_alter_table("claims") as t:
        t.add_column(sa.Column("group_id", sa.Integer, nullable=True))
    op.create_index("ix_claims_group_id", "claims", ["group_id"])
    with op.batch_alter_table("persons") as t:
        t.add_column(sa.Column("roles", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+): a batch copy of persons or claims would
    # drop the old table, which the rows pointing at it refuse with foreign keys on
    with op.batch_alter_table("persons", recreate="never") as t:
        t.drop_column("roles")
    op.drop_index("ix_claims_group_id", table_name="claims")
    with op.batch_alter_table("claims", recreate="never") as t:
        t.drop_column("group_id")
    op.drop_index("ix_claim_terms_claim", table_name="claim_terms")
    op.drop_table("claim_terms")
    op.drop_table("claim_groups")
