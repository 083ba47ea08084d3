"""The Outlet and Language filter lists come from indexes: ``SELECT DISTINCT outlet FROM
articles`` otherwise reads every article row, past its text (43% of a Review run at 100,000
claims on SQLite, where the text is stored before the outlet in each row).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_index("ix_articles_lang", "articles", ["lang"])


def downgrade() -> None:
    op.drop_index("ix_articles_lang", table_name="articles")
    op.drop_index("ix_articles_outlet", table_name="articles")
