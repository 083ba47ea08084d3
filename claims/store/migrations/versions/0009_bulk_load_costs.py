"""What a bulk load pays for on PostgreSQL: the grouping index's key checks, the texts' compression.

- ``claim_terms`` without a foreign-key check per row. A bulk load writes about ten index rows
  per claim; each row's foreign key to ``claims`` was a trigger firing a look-up and a row lock,
  half the cost of COPYing the index (330,000 rows: 3.1 → 1.6 s). The claims' ids come from the
  same transaction's sequence, so the check never found anything; what the key also did,
  deleting a claim's terms with the claim, is kept by one statement-level trigger that deletes
  the terms of every claim a statement deleted (cascades from a deleted article included).
  SQLite keeps the key: its check is an index probe in the same process.
- Article texts compressed with lz4 instead of pglz (where the server has lz4; PostgreSQL 14+):
  pglz was the largest part of COPYing the articles (2,000 articles, 31 MB: 0.9-1.8 → 0.3 s),
  and lz4 reads back faster too. Rows stored before keep their compression until rewritten.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FORGET = """
CREATE FUNCTION claims_forget_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM claim_terms WHERE claim_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$
"""
TRIGGER = (
    "CREATE TRIGGER claims_forget_terms AFTER DELETE ON claims "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION claims_forget_terms()"
)


# a server built without lz4, or older than 14, keeps pglz
LZ4 = """
DO $$ BEGIN
    ALTER TABLE articles ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(LZ4)
    op.drop_constraint("claim_terms_claim_id_fkey", "claim_terms", type_="foreignkey")
    op.execute(FORGET)
    op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(LZ4.replace("lz4", "default"))
    op.execute("DROP TRIGGER claims_forget_terms ON claims")
    op.execute("DROP FUNCTION claims_forget_terms()")
    # terms of claims removed while no key held them (a TRUNCATE) would refuse the key
    op.execute("DELETE FROM claim_terms t WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.id = t.claim_id)")
    op.create_foreign_key(
        "claim_terms_claim_id_fkey", "claim_terms", "claims", ["claim_id"], ["id"], ondelete="CASCADE"
    )
