"""Precomputed counts behind the outlier rule, refreshed with `monthly_rollup`
(queries.rollups.refresh); migration 0008 creates them. Materialized views on PostgreSQL,
tables on SQLite.

`outlier_rollup_unit`: one row per (month, unit, probation type, legal category) with
anything in it (entity_id is the unit; kept apart from unit_id so that a per-officer
rollup could share the shape):
    open_before    cases on the register on the last day of the month before
    caseload_days  days of cases on the register inside the month
    offences       new offences that occurred in the month
    revocations    cases closed in the month as revoked

A case is the spell [registered_on, closed_on). N(d), the spells held on day d, changes
only where a spell starts or ends, so the rollup is built from those events and a running
sum (expanding every case into its months took 8 s at scale 1):
    caseload_days(M) = days(M) * open_before(M) + sum over starts s in M of (next(M) - s)
                                                - sum over ends e in M of (next(M) - e)
and the same identity answers a part [a, b] of a month M exactly from open_before(M) and
the starts and ends in [first(M), b], which queries.outcomes counts directly:
    sum_{d=a..b} N(d) = (b - a + 1) * open_before(M)
                        + sum over starts s in [first(M), b] of (b + 1 - max(s, a))
                        - sum over ends e in [first(M), b] of (b + 1 - max(e, a)).
A group with cases still open is carried to the last month of the data, the latest month
in the view: windows reaching past it are counted directly.

Officers are not rolled up: per (month, officer, unit, type, category) the rollup has
1.07 million rows at scale 1, more than the 498,000 assignments, took 18 s to build and
was slower to read than the assignments themselves. `officer_spells` is the assignments
with their case's unit, type and category, so that the per-officer caseload needs no
join to the 441,000 cases.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Connection

UNIT_ROLLUP = "outlier_rollup_unit"
SPELLS = "officer_spells"

# Not in dashboard.schema.metadata, like queries.rollups.monthly_rollup: the bulk load must
# not create or truncate them.
outlier_metadata = MetaData()
unit_rollup = Table(
    UNIT_ROLLUP, outlier_metadata,
    Column("month", Date, nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("open_before", Integer, nullable=False),
    Column("caseload_days", Integer, nullable=False),
    Column("offences", Integer, nullable=False),
    Column("revocations", Integer, nullable=False),
)
officer_spells = Table(
    SPELLS, outlier_metadata,
    Column("officer_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("unassigned_on", Date),
)

SPELLS_SQL = """
        SELECT a.officer_id, c.unit_id, c.probation_type, c.legal_category,
               a.assigned_on, a.unassigned_on
        FROM case_assignments a JOIN cases c ON c.id = a.case_id"""

_GROUP = "entity_id, unit_id, probation_type, legal_category"
_SPELLS = """SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases"""
_OFFENCES = """SELECT c.unit_id AS entity_id, c.unit_id, c.probation_type, c.legal_category,
                  v.occurred_on AS d
           FROM violations v JOIN cases c ON c.id = v.case_id
           WHERE v.kind = 'new_offence'"""
_REVOCATIONS = """SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  closed_on AS d FROM cases WHERE close_reason = 'revoked'"""


def _dialect(dialect: str):
    if dialect == "postgresql":
        return ("CAST(date_trunc('month', {0}) AS DATE)",
                "CAST({0} + INTERVAL '1 month' AS DATE)",
                "({1} - {0})")
    return ("date({0}, 'start of month')", "date({0}, '+1 month')",
            "CAST(julianday({1}) - julianday({0}) AS INTEGER)")


def select_sql(dialect: str) -> str:
    """The defining query of the unit rollup on `dialect` ("postgresql" or "sqlite")."""
    month_fmt, next_fmt, days_fmt = _dialect(dialect)

    def month_of(x):
        return month_fmt.format(x)

    def next_month(x):
        return next_fmt.format(x)

    def days(first, second):
        return days_fmt.format(first, second)

    g = _GROUP
    return f"""
        WITH RECURSIVE
        spells AS ({_SPELLS}),
        ev AS (
            SELECT {g}, {month_of('s')} AS month, 1 AS net,
                   {days('s', next_month(month_of('s')))} AS off
            FROM spells
            UNION ALL
            SELECT {g}, {month_of('e')} AS month, -1 AS net,
                   -{days('e', next_month(month_of('e')))} AS off
            FROM spells WHERE e IS NOT NULL),
        evm AS (SELECT {g}, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY {g}, month),
        events AS (
            SELECT {g}, {month_of('d')} AS month, 1 AS offences, 0 AS revocations
            FROM ({_OFFENCES}) AS o
            UNION ALL
            SELECT {g}, {month_of('d')} AS month, 0, 1 FROM ({_REVOCATIONS}) AS r),
        bounds AS (
            SELECT MIN(month) AS first, MAX(month) AS last FROM (
                SELECT month FROM evm UNION ALL SELECT month FROM events) AS m),
        months(month) AS (
            SELECT first FROM bounds
            UNION ALL
            SELECT {next_month('month')} FROM months
            WHERE month < (SELECT last FROM bounds)),
        life AS (
            SELECT {g}, MIN(month) AS first,
                   CASE WHEN SUM(net) > 0 THEN (SELECT last FROM bounds)
                        ELSE MAX(month) END AS last
            FROM evm GROUP BY {g}),
        stock AS (
            SELECT l.entity_id, l.unit_id, l.probation_type, l.legal_category, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY l.entity_id, l.unit_id, l.probation_type,
                                    l.legal_category
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON x.entity_id = l.entity_id AND x.unit_id = l.unit_id
                 AND x.probation_type = l.probation_type
                 AND x.legal_category = l.legal_category AND x.month = m.month),
        cells AS (
            SELECT {g}, month, open_before,
                   {days('month', next_month('month'))} * open_before + off AS caseload_days,
                   0 AS offences, 0 AS revocations
            FROM stock WHERE open_before <> 0 OR off <> 0
            UNION ALL
            SELECT {g}, month, 0, 0, offences, revocations FROM events)
        SELECT month, {g},
               CAST(SUM(open_before) AS INTEGER) AS open_before,
               CAST(SUM(caseload_days) AS INTEGER) AS caseload_days,
               CAST(SUM(offences) AS INTEGER) AS offences,
               CAST(SUM(revocations) AS INTEGER) AS revocations
        FROM cells GROUP BY month, {g}
        ORDER BY month"""


def refresh(conn: Connection) -> None:
    """Recompute the unit rollup and the officers' spells from the cases, assignments and
    violations."""
    for name, sql in ((UNIT_ROLLUP, select_sql("sqlite")), (SPELLS, SPELLS_SQL)):
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"REFRESH MATERIALIZED VIEW {name}"))
            conn.execute(text(f"ANALYZE {name}"))
        else:
            conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text(f"INSERT INTO {name} {sql}"))
