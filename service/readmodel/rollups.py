"""Refreshes the monthly rollup, case_grounds and the officer rollup
(queries/readmodel/rollups.py) from the case tables: materialized views on PostgreSQL
(their SQL is in migrations 0005, 0008 and 0026),
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


# Per officer (queries.kpis' rules): a registration for the officer holding the case on
# its day, a closure for the one of its last day on the register, a new offence for the
# one holding the case on the offence's day.
OFFICER_ROLLUP_SQLITE = """
    SELECT month, officer_id, unit_id, probation_type, legal_category,
           CAST(SUM(registered) AS INTEGER) AS registered,
           CAST(SUM(closed) AS INTEGER) AS closed,
           CAST(SUM(completed) AS INTEGER) AS completed,
           CAST(SUM(new_offences) AS INTEGER) AS new_offences
    FROM (
        SELECT date(c.registered_on, 'start of month') AS month, a.officer_id, c.unit_id,
               c.probation_type, c.legal_category, 1 AS registered, 0 AS closed,
               0 AS completed, 0 AS new_offences
        FROM cases c JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on <= c.registered_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on > c.registered_on)
        UNION ALL
        SELECT date(c.closed_on, 'start of month'), a.officer_id, c.unit_id, c.probation_type,
               c.legal_category, 0, 1, CASE WHEN c.close_reason = 'completed' THEN 1 ELSE 0 END,
               0
        FROM cases c JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on < c.closed_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on >= c.closed_on)
        WHERE c.closed_on IS NOT NULL
        UNION ALL
        SELECT date(v.occurred_on, 'start of month'), a.officer_id, c.unit_id,
               c.probation_type, c.legal_category, 0, 0, 0, 1
        FROM violations v JOIN cases c ON c.id = v.case_id
        JOIN case_assignments a ON a.case_id = c.id
         AND a.assigned_on <= v.occurred_on
         AND (a.unassigned_on IS NULL OR a.unassigned_on > v.occurred_on)
        WHERE v.kind = 'new_offence'
    ) AS events
    GROUP BY month, officer_id, unit_id, probation_type, legal_category"""


VIEWS = {"monthly_rollup": MONTHLY_ROLLUP_SQLITE, "case_grounds": CASE_GROUNDS_SQL,
         "officer_rollup": OFFICER_ROLLUP_SQLITE}
"""The rollups by name, with the statement that fills each on SQLite."""


def refresh(conn: Connection) -> None:
    for name, sqlite in VIEWS.items():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"REFRESH MATERIALIZED VIEW {name}"))
            conn.execute(text(f"ANALYZE {name}"))
        else:
            conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text(f"INSERT INTO {name} {sqlite}"))
