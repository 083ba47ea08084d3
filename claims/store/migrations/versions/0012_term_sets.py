"""The grouping index on PostgreSQL: each claim's terms in one row, a term's postings capped.

Grouping reads at most ``PER_TERM`` (200) postings of a term, the lowest claim ids, and counts
the rest (``claim_term_counts``). Every claim still had a row per term in ``claim_terms``, each
with two B-tree entries: at 10,000 articles half of the 1.6 million rows were never read, and
inserting them was the largest part of the database's work in a bulk load (12 of 26 s of its
CPU). Now:

- ``claim_term_sets``: one row per indexed claim, its terms separated by spaces (a term never
  holds one). It is the index: a claim is indexed when it has this row; its counts are kept by
  statement-level triggers on this table (a claim's terms counted whether they have a posting
  or not), and deleting the row deletes the claim's postings.
- ``claim_terms`` holds the postings grouping reads: for each term the claims that found fewer
  than ``PER_TERM`` claims of it indexed before them. Without the per-claim rows its index on
  ``claim_id`` goes: a claim's postings are deleted by (term, claim id), the primary key.
- A deleted claim takes its set row (and so its postings and counts) with it, a TRUNCATE of the
  claims empties the index.

SQLite keeps a row per term for every claim and counts the index itself (migration 0011).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PER_TERM = 200  # grouping.PER_TERM when this was written: the postings kept of each term

TERMS_OF = "unnest(string_to_array({table}.terms, ' ')) AS u(term)"
ADDED = f"""
    INSERT INTO claim_term_counts AS c (term, n)
    SELECT u.term, count(*) FROM added, {TERMS_OF.format(table="added")} GROUP BY u.term ORDER BY u.term
    ON CONFLICT (term) DO UPDATE SET n = c.n + EXCLUDED.n;"""
REMOVED = f"""
    UPDATE claim_term_counts AS c SET n = c.n - g.n
    FROM (SELECT u.term, count(*) AS n FROM gone, {TERMS_OF.format(table="gone")} GROUP BY u.term ORDER BY u.term) AS g
    WHERE c.term = g.term;"""
FORGET_POSTINGS = f"""
    DELETE FROM claim_terms AS t USING gone, {TERMS_OF.format(table="gone")}
    WHERE t.term = u.term AND t.claim_id = gone.claim_id{{kept}};"""
# an update keeps the postings of the terms the claim still has
KEPT = (
    "\n      AND NOT EXISTS (SELECT 1 FROM added AS a WHERE a.claim_id = gone.claim_id"
    " AND u.term = ANY(string_to_array(a.terms, ' ')))"
)


def _emptied(table: str) -> str:
    # a table named in the same TRUNCATE is empty already, and may not be truncated again by a
    # trigger of that statement ("being used by active queries")
    return f"\n    IF EXISTS (SELECT 1 FROM {table}) THEN\n        TRUNCATE {table};\n    END IF;"


BODIES = {
    "claim_term_sets_added": ADDED,
    "claim_term_sets_removed": REMOVED + FORGET_POSTINGS.format(kept=""),
    "claim_term_sets_changed": REMOVED + FORGET_POSTINGS.format(kept=KEPT) + ADDED,
    "claim_term_sets_emptied": _emptied("claim_term_counts") + _emptied("claim_terms"),
    "claims_forget_terms": "\n    DELETE FROM claim_term_sets WHERE claim_id IN (SELECT id FROM gone);",
    "claims_emptied_terms": _emptied("claim_term_sets"),
}
TRIGGERS = (
    ("claim_term_sets_added", "AFTER INSERT ON claim_term_sets REFERENCING NEW TABLE AS added FOR EACH STATEMENT"),
    ("claim_term_sets_removed", "AFTER DELETE ON claim_term_sets REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"),
    (
        "claim_term_sets_changed",
        "AFTER UPDATE ON claim_term_sets REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT",
    ),
    ("claim_term_sets_emptied", "AFTER TRUNCATE ON claim_term_sets FOR EACH STATEMENT"),
    ("claims_emptied_terms", "AFTER TRUNCATE ON claims FOR EACH STATEMENT"),
)
# migration 0011's triggers on claim_terms, dropped here and made again on downgrade
OLD_ADDED = """
    INSERT INTO claim_term_counts AS c (term, n)
    SELECT term, count(*) FROM added GROUP BY term ORDER BY term
    ON CONFLICT (term) DO UPDATE SET n = c.n + EXCLUDED.n;"""
OLD_REMOVED = """
    UPDATE claim_term_counts AS c SET n = c.n - g.n
    FROM (SELECT term, count(*) AS n FROM gone GROUP BY term ORDER BY term) AS g
    WHERE c.term = g.term;"""
OLD_BODIES = {
    "claim_terms_count_added": OLD_ADDED,
    "claim_terms_count_removed": OLD_REMOVED,
    "claim_terms_count_changed": OLD_REMOVED + OLD_ADDED,
    "claim_terms_count_emptied": "\n    TRUNCATE claim_term_counts;",
}
OLD_TRIGGERS = (
    ("claim_terms_count_added", "AFTER INSERT ON claim_terms REFERENCING NEW TABLE AS added FOR EACH STATEMENT"),
    ("claim_terms_count_removed", "AFTER DELETE ON claim_terms REFERENCING OLD TABLE AS gone FOR EACH STATEMENT"),
    (
        "claim_terms_count_changed",
        "AFTER UPDATE ON claim_terms REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT",
    ),
    ("claim_terms_count_emptied", "AFTER TRUNCATE ON claim_terms FOR EACH STATEMENT"),
)
OLD_FORGET = "\n    DELETE FROM claim_terms WHERE claim_id IN (SELECT id FROM gone);"


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN{body}\n    RETURN NULL;\nEND $$"
    )


def _drop(triggers: tuple[tuple[str, str], ...]) -> None:
    for name, when in triggers:
        table = when.split(" ON ")[1].split()[0]
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")


def _create(triggers: tuple[tuple[str, str], ...], bodies: dict[str, str]) -> None:
    for name, when in triggers:
        op.execute(_function(name, bodies[name]))
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {name}()")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _drop(OLD_TRIGGERS)
    op.create_table(
        "claim_term_sets",
        sa.Column("claim_id", sa.Integer, primary_key=True),
        sa.Column("terms", sa.Text, nullable=False),
    )
    # the counts stay as they are: they counted the rows, one per claim and term, as the sets do
    op.execute(
        "INSERT INTO claim_term_sets (claim_id, terms) "
        "SELECT claim_id, string_agg(term, ' ' ORDER BY term) FROM claim_terms GROUP BY claim_id"
    )
    op.execute(
        "DELETE FROM claim_terms AS t USING ("
        " SELECT term, claim_id, row_number() OVER (PARTITION BY term ORDER BY claim_id) AS k FROM claim_terms"
        f") AS x WHERE x.k > {PER_TERM} AND t.term = x.term AND t.claim_id = x.claim_id"
    )
    op.drop_index("ix_claim_terms_claim", "claim_terms")
    _create(TRIGGERS, BODIES)
    op.execute(_function("claims_forget_terms", BODIES["claims_forget_terms"]))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _drop(TRIGGERS)
    op.execute(_function("claims_forget_terms", OLD_FORGET))
    op.execute(
        "INSERT INTO claim_terms (term, claim_id) SELECT u.term, s.claim_id "
        f"FROM claim_term_sets AS s, {TERMS_OF.format(table='s')} ON CONFLICT DO NOTHING"
    )
    op.create_index("ix_claim_terms_claim", "claim_terms", ["claim_id"])
    op.drop_table("claim_term_sets")
    _create(OLD_TRIGGERS, OLD_BODIES)
