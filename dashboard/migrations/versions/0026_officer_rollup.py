"""officer_rollup: registrations, closures and new offences per officer and month

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 18:00:00

Per month, officer, the case's unit, probation type and legal category: cases registered
(counted for the officer holding the case on its registration day), closed and closed as
completed (for the officer of its last day on the register) and new offences (for the
officer holding the case on the offence's day), as queries.kpis counts them per officer.
A unit of scale 10 has up to 3,000 officers: counted from the cases, its page spent a
hundred milliseconds on these sums. A materialized view on PostgreSQL, a table on SQLite,
filled here and refreshed with the monthly rollup after every load. The SQL is frozen
here: the refresh code's copy may change, this migration may not.
"""
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

EVENTS = """
        SELECT {month_registered} AS month, a.officer_id, c.unit_id, c.probation_type,
               c.legal_category, 1 AS registered, 0 AS closed, 0 AS completed,
               0 AS new_offences
        FROM cases c JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on <= c.registered_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on > c.registered_on)
        UNION ALL
        SELECT {month_closed}, a.officer_id, c.unit_id, c.probation_type, c.legal_category,
               0, 1, CASE WHEN c.close_reason = 'completed' THEN 1 ELSE 0 END, 0
        FROM cases c JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on < c.closed_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on >= c.closed_on)
        WHERE c.closed_on IS NOT NULL
        UNION ALL
        SELECT {month_offence}, a.officer_id, c.unit_id, c.probation_type, c.legal_category,
               0, 0, 0, 1
        FROM violations v JOIN cases c ON c.id = v.case_id
        JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on <= v.occurred_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on > v.occurred_on)
        WHERE v.kind = 'new_offence'"""

ROLLUP = """
        SELECT month, officer_id, unit_id, probation_type, legal_category,
               CAST(SUM(registered) AS INTEGER) AS registered,
               CAST(SUM(closed) AS INTEGER) AS closed,
               CAST(SUM(completed) AS INTEGER) AS completed,
               CAST(SUM(new_offences) AS INTEGER) AS new_offences
        FROM ({events}) AS events
        GROUP BY month, officer_id, unit_id, probation_type, legal_category"""

PG = ROLLUP.format(events=EVENTS.format(
    month_registered="date_trunc('month', c.registered_on)::date",
    month_closed="date_trunc('month', c.closed_on)::date",
    month_offence="date_trunc('month', v.occurred_on)::date"))
SQLITE = ROLLUP.format(events=EVENTS.format(
    month_registered="date(c.registered_on, 'start of month')",
    month_closed="date(c.closed_on, 'start of month')",
    month_offence="date(v.occurred_on, 'start of month')"))

INDEXES = ("CREATE INDEX ix_officer_rollup_unit ON officer_rollup (unit_id, month)",
           "CREATE INDEX ix_officer_rollup_officer ON officer_rollup (officer_id, month)")


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE MATERIALIZED VIEW officer_rollup AS {PG}")
    else:
        op.execute("""CREATE TABLE officer_rollup (
            month DATE NOT NULL, officer_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
            probation_type VARCHAR(20) NOT NULL, legal_category VARCHAR(32) NOT NULL,
            registered INTEGER NOT NULL, closed INTEGER NOT NULL, completed INTEGER NOT NULL,
            new_offences INTEGER NOT NULL)""")
        op.execute(f"INSERT INTO officer_rollup {SQLITE}")
    for statement in INDEXES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP MATERIALIZED VIEW IF EXISTS officer_rollup")
    else:
        op.execute("DROP TABLE IF EXISTS officer_rollup")
