"""monthly rollup and access-path indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00

monthly_rollup: a materialized view on PostgreSQL, a table on SQLite, filled here and
refreshed after every generate and import. On PostgreSQL also the GiST index that
answers "milestones overdue on day d". The SQL is frozen here: the refresh code's copy
may change, this migration may not.
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ROLLUP_PG = """
        SELECT month, unit_id, probation_type, legal_category,
               CAST(SUM(registered) AS INTEGER) AS registered,
               CAST(SUM(closed) AS INTEGER) AS closed,
               CAST(SUM(completed) AS INTEGER) AS completed
        FROM (
            SELECT date_trunc('month', registered_on)::date AS month, unit_id, probation_type, legal_category,
                   1 AS registered, 0 AS closed, 0 AS completed
            FROM cases
            UNION ALL
            SELECT date_trunc('month', closed_on)::date AS month, unit_id, probation_type, legal_category,
                   0, 1, CASE WHEN close_reason = 'completed' THEN 1 ELSE 0 END
            FROM cases WHERE closed_on IS NOT NULL
        ) AS events
        GROUP BY month, unit_id, probation_type, legal_category"""

ROLLUP_SQLITE = """
        SELECT month, unit_id, probation_type, legal_category,
               CAST(SUM(registered) AS INTEGER) AS registered,
               CAST(SUM(closed) AS INTEGER) AS closed,
               CAST(SUM(completed) AS INTEGER) AS completed
        FROM (
            SELECT date(registered_on, 'start of month') AS month, unit_id, probation_type, legal_category,
                   1 AS registered, 0 AS closed, 0 AS completed
            FROM cases
            UNION ALL
            SELECT date(closed_on, 'start of month') AS month, unit_id, probation_type, legal_category,
                   0, 1, CASE WHEN close_reason = 'completed' THEN 1 ELSE 0 END
            FROM cases WHERE closed_on IS NOT NULL
        ) AS events
        GROUP BY month, unit_id, probation_type, legal_category"""

OPEN_RANGE_INDEX = ("CREATE INDEX IF NOT EXISTS ix_milestones_open_range ON milestones "
                    "USING gist (daterange(due_on, CASE WHEN completed_on < due_on THEN due_on ELSE completed_on END, '()'))")


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE MATERIALIZED VIEW monthly_rollup AS {ROLLUP_PG}")
        op.execute("CREATE INDEX ix_rollup_month ON monthly_rollup (month, unit_id)")
        op.execute(OPEN_RANGE_INDEX)
        return
    op.execute("""CREATE TABLE monthly_rollup (
        month DATE NOT NULL, unit_id INTEGER NOT NULL, probation_type VARCHAR(20) NOT NULL,
        legal_category VARCHAR(32) NOT NULL, registered INTEGER NOT NULL,
        closed INTEGER NOT NULL, completed INTEGER NOT NULL)""")
    op.execute("CREATE INDEX ix_rollup_month ON monthly_rollup (month, unit_id)")
    op.execute(f"INSERT INTO monthly_rollup {ROLLUP_SQLITE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_milestones_open_range")
        op.execute("DROP MATERIALIZED VIEW IF EXISTS monthly_rollup")
        return
    op.execute("DROP TABLE IF EXISTS monthly_rollup")
