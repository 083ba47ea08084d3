"""How many claims hold each grouping term, kept in a table on PostgreSQL.

Grouping ranks a new claim's terms by how many stored claims hold them (``grouping._df``).
Counted from the index, a term in thousands of claims read thousands of index entries, for every
one of a batch's ten thousand distinct terms in every batch: a seventh of the database's work in
a bulk load. ``claim_term_counts`` holds each term's count, kept by statement-level triggers on
``claim_terms`` (rows added, deleted or changed, and TRUNCATE), so a batch reads one row per term.
The counts are the index's in every transaction: the triggers run in the transaction that
changes the index, and the rows of one term are updated in term order (two writers never
deadlock on them). SQLite keeps counting the index (an index range count in the same process).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# what each trigger runs: a statement's rows counted per term, in term order
ADDED = """
    INSERT INTO claim_term_counts AS c (term, n)
    SELECT term, count(*) FROM added GROUP BY term ORDER BY term
    ON CONFLICT (term) DO UPDATE SET n = c.n + EXCLUDED.n;"""
REMOVED = """
    UPDATE claim_term_counts AS c SET n = c.n - g.n
    FROM (SELECT term, count(*) AS n FROM gone GROUP BY term ORDER BY term) AS g
    WHERE c.term = g.term;"""
BODIES = {
    "claim_terms_count_added": ADDED,
    "claim_terms_count_removed": REMOVED,
    "claim_terms_count_changed": REMOVED + ADDED,
    "claim_terms_count_emptied": "\n    TRUNCATE claim_term_counts;",
}


def _function(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN{body}\n    RETURN NULL;\nEND $$"


TRIGGERS = (
    ("claim_terms_count_added", "AFTER INSERT ON claim_terms REFERENCING NEW TABLE AS added FOR EACH STATEMENT"),
    ("claim_terms_count_removed", "AFTER DELETE ON claim_terms REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"),
    (
        "claim_terms_count_changed",
        "AFTER UPDATE ON claim_terms REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT",
    ),
    ("claim_terms_count_emptied", "AFTER TRUNCATE ON claim_terms FOR EACH STATEMENT"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "claim_term_counts",
        sa.Column("term", sa.String(80), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO claim_term_counts (term, n) SELECT term, count(*) FROM claim_terms GROUP BY term")
    for name, when in TRIGGERS:
        op.execute(_function(name, BODIES[name]))
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON claim_terms")
        op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("claim_term_counts")
