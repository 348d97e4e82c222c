"""Refreshes the monthly rollup and case_grounds (queries/readmodel/rollups.py) from the
case tables: materialized views on PostgreSQL (their SQL is in migrations 0005 and 0008),
tables on SQLite filled by the statements below."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

MONTHLY_ROLLUP_SQLITE = """
    SELECT month, unit_id, probation_type, legal_category,
           CAST(SUM(registered) AS INTEGER) AS registered,
           CAST(SUM(closed) AS INTEGER) AS closed,
           CAST(SUM(completed) AS INTEGER) AS completed
    FROM (
        SELECT date(registered_on, 'start of month') AS month, unit_id, probation_type,
               legal_category, 1 AS registered, 0 AS closed, 0 AS completed
        FROM cases
        UNION ALL
        SELECT date(closed_on, 'start of month') AS month, unit_id, probation_type,
               legal_category, 0, 1, CASE WHEN close_reason = 'completed' THEN 1 ELSE 0 END
        FROM cases WHERE closed_on IS NOT NULL
    ) AS events
    GROUP BY month, unit_id, probation_type, legal_category"""

# The day each case met the grounds to ask the court (its second ordinary violation or its
# first malicious one), as queries.outcomes.escalation defines it. Counting only the
# violations up to a day d would give the same day whenever it is on or before d (the
# violations after d rank after it), and none otherwise: so one day per case serves every
# period.
CASE_GROUNDS_SQL = """
    SELECT c.id AS case_id, c.unit_id, c.probation_type, c.legal_category,
           MIN(r.occurred_on) AS met_on
    FROM (SELECT case_id, kind, occurred_on,
                 ROW_NUMBER() OVER (PARTITION BY case_id, kind
                                    ORDER BY occurred_on, id) AS n
          FROM violations WHERE kind IN ('violation', 'malicious_violation')) AS r
    JOIN cases c ON c.id = r.case_id
    WHERE (r.kind = 'violation' AND r.n = 2)
       OR (r.kind = 'malicious_violation' AND r.n = 1)
    GROUP BY c.id, c.unit_id, c.probation_type, c.legal_category"""


VIEWS = {"monthly_rollup": MONTHLY_ROLLUP_SQLITE, "case_grounds": CASE_GROUNDS_SQL}
"""The rollups by name, with the statement that fills each on SQLite."""


def refresh(conn: Connection) -> None:
    for name, sqlite in VIEWS.items():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"REFRESH MATERIALIZED VIEW {name}"))
            conn.execute(text(f"ANALYZE {name}"))
        else:
            conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text(f"INSERT INTO {name} {sqlite}"))
