"""Who added each article; how many times in a row an account was locked.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # server defaults: rows stored before this revision get "" (unknown) and 0
    with op.batch_alter_table("articles") as t:
        t.add_column(sa.Column("added_by", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.drop_column("lockouts")
    with op.batch_alter_table("articles") as t:
        t.drop_column("added_by")
