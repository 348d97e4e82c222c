"""Precomputed counts behind the outlier rule, refreshed with `monthly_rollup`
(queries.rollups.refresh); migration 0008 creates them. Materialized views on PostgreSQL,
tables on SQLite.

`outlier_rollup_unit`: one row per (month, unit, probation type, legal category) with
anything in it (entity_id is the unit, as it is the officer in the officers' rollup, so
that one query reads both):
    open_before    cases on the register on the last day of the month before
    caseload_days  days of cases on the register inside the month
    offences       new offences that occurred in the month
    revocations    cases closed in the month as revoked

A case is the spell [registered_on, closed_on) of its unit, an assignment
[assigned_on, unassigned_on) of its officer. N(d), the spells held on day d, changes
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

`outlier_rollup_officer`: the same per (month, officer, unit of the case), without type
and category: it answers when the page is not narrowed by them. With them the rollup would
have 1.07 million rows at scale 1, more than the 498,000 assignments, took 18 s to build
and was slower to read than the assignments themselves; a narrowed page reads
`officer_spells`, the assignments with their case's unit, type and category (no join to
the 441,000 cases). The officers' offences and revocations are counted directly (a few
thousand rows, by index).

`case_grounds`: the day each case met the grounds to ask the court, for the escalation
counts (see GROUNDS_SQL).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Connection

UNIT_ROLLUP = "outlier_rollup_unit"
SPELLS = "officer_spells"
OFFICER_ROLLUP = "outlier_rollup_officer"
GROUNDS = "case_grounds"

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
officer_rollup = Table(
    OFFICER_ROLLUP, outlier_metadata,
    Column("month", Date, nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("open_before", Integer, nullable=False),
    Column("caseload_days", Integer, nullable=False),
)
case_grounds = Table(
    GROUNDS, outlier_metadata,
    Column("case_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("met_on", Date, nullable=False),
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

# The day each case met the grounds to ask the court (its second ordinary violation or its
# first malicious one), as queries.outcomes.escalation defines it. Counting only the
# violations up to a day d would give the same day whenever it is on or before d (the
# violations after d rank after it), and none otherwise: so one day per case serves every
# period.
GROUNDS_SQL = """
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

_UNIT_GROUP = ["entity_id", "unit_id", "probation_type", "legal_category"]
_UNIT_SPELLS = """SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  registered_on AS s, closed_on AS e FROM cases"""
_OFFENCES = """SELECT c.unit_id AS entity_id, c.unit_id, c.probation_type, c.legal_category,
                  v.occurred_on AS d
           FROM violations v JOIN cases c ON c.id = v.case_id
           WHERE v.kind = 'new_offence'"""
_REVOCATIONS = """SELECT unit_id AS entity_id, unit_id, probation_type, legal_category,
                  closed_on AS d FROM cases WHERE close_reason = 'revoked'"""
_OFFICER_GROUP = ["entity_id", "unit_id"]
_OFFICER_SPELLS = """SELECT officer_id AS entity_id, unit_id, assigned_on AS s,
                  unassigned_on AS e FROM officer_spells"""


def _dialect(dialect: str):
    if dialect == "postgresql":
        return ("CAST(date_trunc('month', {0}) AS DATE)",
                "CAST({0} + INTERVAL '1 month' AS DATE)",
                "({1} - {0})")
    return ("date({0}, 'start of month')", "date({0}, '+1 month')",
            "CAST(julianday({1}) - julianday({0}) AS INTEGER)")


def select_sql(dialect: str, level: str = "unit") -> str:
    """The defining query of the unit or officer rollup on `dialect` ("postgresql" or
    "sqlite")."""
    month_fmt, next_fmt, days_fmt = _dialect(dialect)

    def month_of(x):
        return month_fmt.format(x)

    def next_month(x):
        return next_fmt.format(x)

    def days(first, second):
        return days_fmt.format(first, second)

    unit = level == "unit"
    group = _UNIT_GROUP if unit else _OFFICER_GROUP
    spells = _UNIT_SPELLS if unit else _OFFICER_SPELLS
    g = ", ".join(group)
    lg = ", ".join(f"l.{c}" for c in group)
    same = " AND ".join(f"x.{c} = l.{c}" for c in group)
    if unit:
        events = f"""
        events AS (
            SELECT {g}, {month_of('d')} AS month, 1 AS offences, 0 AS revocations
            FROM ({_OFFENCES}) AS o
            UNION ALL
            SELECT {g}, {month_of('d')} AS month, 0, 1 FROM ({_REVOCATIONS}) AS r),
        bounds AS (
            SELECT MIN(month) AS first, MAX(month) AS last FROM (
                SELECT month FROM evm UNION ALL SELECT month FROM events) AS m),"""
        cells = f""",
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
        FROM cells GROUP BY month, {g}"""
    else:
        events = """
        bounds AS (SELECT MIN(month) AS first, MAX(month) AS last FROM evm),"""
        # One row per (group, month) already: no grouping left to do.
        cells = f"""
        SELECT month, {g}, CAST(open_before AS INTEGER) AS open_before,
               CAST({days('month', next_month('month'))} * open_before + off AS INTEGER)
                   AS caseload_days
        FROM stock WHERE open_before <> 0 OR off <> 0"""
    # The spells are read twice rather than through a CTE: PostgreSQL would materialize
    # it first (10-15% of the build).
    return f"""
        WITH RECURSIVE
        ev AS (
            SELECT {g}, {month_of('s')} AS month, 1 AS net,
                   {days('s', next_month(month_of('s')))} AS off
            FROM ({spells}) AS starts
            UNION ALL
            SELECT {g}, {month_of('e')} AS month, -1 AS net,
                   -{days('e', next_month(month_of('e')))} AS off
            FROM ({spells}) AS ends WHERE e IS NOT NULL),
        evm AS (SELECT {g}, month, SUM(net) AS net, SUM(off) AS off FROM ev
                GROUP BY {g}, month),{events}
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
            SELECT {lg}, m.month,
                   COALESCE(SUM(COALESCE(x.net, 0)) OVER (
                       PARTITION BY {lg}
                       ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) AS open_before,
                   COALESCE(x.off, 0) AS off
            FROM life l
            JOIN months m ON m.month BETWEEN l.first AND l.last
            LEFT JOIN evm x ON {same} AND x.month = m.month){cells}
        ORDER BY month"""


def refresh(conn: Connection) -> None:
    """Recompute the rollups and the officers' spells from the cases, assignments and
    violations (the officers' rollup reads the spells: they come first)."""
    for name, sql in ((UNIT_ROLLUP, select_sql("sqlite", "unit")), (SPELLS, SPELLS_SQL),
                      (OFFICER_ROLLUP, select_sql("sqlite", "officer")),
                      (GROUNDS, GROUNDS_SQL)):
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"REFRESH MATERIALIZED VIEW {name}"))
            conn.execute(text(f"ANALYZE {name}"))
        else:
            conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text(f"INSERT INTO {name} {sql}"))
