"""From claims to checks: each claim's check-worthiness score and reasons (the "To check" queue
reads them by status and score), and the approval of verdicts (who proposed the verdict, who
approved it, when) for statuses marked ``needs_approval``.

Existing claims are scored here by the shipped scorer (claims.learn.checkworthy), in batches;
``claims checkworthy rescore`` scores them again after a retraining.

Revision ID: 0006
Revises: 0005
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("claims") as t:
        t.add_column(sa.Column("checkworthy", sa.Float, nullable=False, server_default="0"))
        t.add_column(sa.Column("checkworthy_reasons", sa.Text, nullable=False, server_default="[]"))
        # "" (no approval needed or asked), "pending" (a verdict proposed), "approved"
        t.add_column(sa.Column("approval", sa.String(20), nullable=False, server_default=""))
        t.add_column(sa.Column("proposed_by", sa.String(200), nullable=False, server_default=""))
        t.add_column(sa.Column("approved_by", sa.String(200), nullable=False, server_default=""))
        t.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_claims_status_checkworthy", "claims", ["status", "checkworthy", "id"])
    _backfill()


def _backfill() -> None:
    from claims.learn.checkworthy import assess

    conn = op.get_bind()
    claims = sa.table(
        "claims",
        sa.column("id", sa.Integer),
        sa.column("content", sa.Text),
        sa.column("lang", sa.String),
        sa.column("speaker", sa.Text),
        sa.column("speaker_type", sa.String),
        sa.column("speaker_role", sa.Text),
        sa.column("flags", sa.Text),
        sa.column("checkworthy", sa.Float),
        sa.column("checkworthy_reasons", sa.Text),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                claims.c.id,
                claims.c.content,
                claims.c.lang,
                claims.c.speaker,
                claims.c.speaker_type,
                claims.c.speaker_role,
                claims.c.flags,
            )
            .where(claims.c.id > last)
            .order_by(claims.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for r in rows:
            check = assess(
                r.content or "",
                r.lang or "",
                speaker=r.speaker or "",
                speaker_type=r.speaker_type or "",
                speaker_role=r.speaker_role or "",
                flags=[f for f in (r.flags or "").split("|") if f],
            )
            values.append({"cid": r.id, "s": check.score, "why": json.dumps(check.reasons, ensure_ascii=False)})
        conn.execute(
            sa.update(claims)
            .where(claims.c.id == sa.bindparam("cid"))
            .values(checkworthy=sa.bindparam("s"), checkworthy_reasons=sa.bindparam("why")),
            values,
        )
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_claims_status_checkworthy", table_name="claims")
    # in place (SQLite 3.35+): a batch copy would drop the claims table its history rows point at
    with op.batch_alter_table("claims", recreate="never") as t:
        for name in ("approved_at", "approved_by", "proposed_by", "approval", "checkworthy_reasons", "checkworthy"):
            t.drop_column(name)
