"""Claims carry their content folded for search, so that a search for "डॉक्टर" finds "डॉक्‍टर"
written with a zero-width joiner, and "ज़ोर" finds "जोर" (claims.pipeline.normalise).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from claims.store.search import search_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("claims") as t:
        t.add_column(sa.Column("content_folded", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    claims = sa.table(
        "claims", sa.column("id", sa.Integer), sa.column("content", sa.Text), sa.column("content_folded", sa.Text)
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(claims.c.id, claims.c.content).where(claims.c.id > last).order_by(claims.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            conn.execute(sa.update(claims).where(claims.c.id == row.id).values(content_folded=search_key(row.content)))
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("claims") as t:
        t.drop_column("content_folded")
