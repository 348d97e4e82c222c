"""Pre-aggregated monthly counts per unit x probation type x legal category
(`monthly_rollup`): a materialized view on PostgreSQL, a table on SQLite, refreshed after
every generate and import (`refresh`).

One row per (month, unit, type, category) with anything in it:
    registered  cases registered in the month
    closed      cases whose closed_on (the first day off the register) is in the month
    completed   of those, closed because the term was served

The number on the register at the end of month M (its last day L) is then
    sum over months <= M of (registered - closed)
since a case is on the register on L when registered_on <= L and closed_on > L (or open).
That answers the monthly trend since 2014 from ~140,000 rollup rows instead of two
grouped scans of 440,000 cases (680 ms -> ~90 ms at scale 1 on PostgreSQL). The stock on
one month-end day by region x type was tried too and was slower than the indexed direct
count (a sum over every earlier month), so the caseload tables stay direct.

Views that filter by officer cannot use it (officers are not in the rollup).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, and_, func, select, text
from sqlalchemy.engine import Connection, Engine

from dashboard.filters import Filters
from dashboard.schema import DATA_TABLES, units
from dashboard.scope import Scope
from queries import outcome_rollups

ROLLUP = "monthly_rollup"
# Not in dashboard.schema.metadata: it is not a table on PostgreSQL, and the bulk load
# must not try to create or truncate it. Migration 0005 creates it.
rollup_metadata = MetaData()
monthly_rollup = Table(
    ROLLUP, rollup_metadata,
    Column("month", Date, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("registered", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("completed", Integer, nullable=False),
)


def select_sql(dialect: str) -> str:
    """The rollup's defining query on `dialect` ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        month_of = "date_trunc('month', {0})::date"
    else:
        month_of = "date({0}, 'start of month')"
    reg, clo = month_of.format("registered_on"), month_of.format("closed_on")
    return f"""
        SELECT month, unit_id, probation_type, legal_category,
               CAST(SUM(registered) AS INTEGER) AS registered,
               CAST(SUM(closed) AS INTEGER) AS closed,
               CAST(SUM(completed) AS INTEGER) AS completed
        FROM (
            SELECT {reg} AS month, unit_id, probation_type, legal_category,
                   1 AS registered, 0 AS closed, 0 AS completed
            FROM cases
            UNION ALL
            SELECT {clo} AS month, unit_id, probation_type, legal_category,
                   0, 1, CASE WHEN close_reason = 'completed' THEN 1 ELSE 0 END
            FROM cases WHERE closed_on IS NOT NULL
        ) AS events
        GROUP BY month, unit_id, probation_type, legal_category"""


# A milestone is open (due and not done) on the days strictly between due_on and
# completed_on; one done on or before its due day never is (an empty range).
OPEN_RANGE = ("daterange({t}due_on, CASE WHEN {t}completed_on < {t}due_on THEN {t}due_on "
              "ELSE {t}completed_on END, '()')")

# Access paths that only PostgreSQL can build (expression GiST indexes): the bulk load
# drops them before it writes and builds them again after, like the schema's own indexes.
PG_ACCESS_INDEXES = {
    # Milestones open on day d: due_on < d < completed_on (or not completed) is
    # daterange(due_on, completed_on, '()') @> d; see queries.common.milestone_overdue_on.
    "ix_milestones_open_range":
        "CREATE INDEX IF NOT EXISTS ix_milestones_open_range ON milestones "
        f"USING gist ({OPEN_RANGE.format(t='')})",
}


def drop_access_indexes(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name in PG_ACCESS_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


def create_access_indexes(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for ddl in PG_ACCESS_INDEXES.values():
            conn.execute(text(ddl))


def refresh(engine_or_conn: Engine | Connection) -> None:
    """Recompute the rollups from the cases (after generate and import): this one and
    the outlier rule's (queries.outcome_rollups)."""
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            refresh(conn)
        return
    conn = engine_or_conn
    if conn.dialect.name == "postgresql":
        # A generate or an import refreshes in the transaction that loaded the rows, which
        # autovacuum cannot see: the planner would judge the 23 million milestones of
        # scale 10 by no statistics (or the previous data's). There the hearing stock's
        # statement then ran for minutes per group of eight units (26 groups). ANALYZE
        # inside the transaction samples its own rows.
        conn.execute(text(f"ANALYZE {', '.join(t.name for t in DATA_TABLES)}"))
        conn.execute(text(f"REFRESH MATERIALIZED VIEW {ROLLUP}"))
        conn.execute(text(f"ANALYZE {ROLLUP}"))
    else:
        conn.execute(text(f"DELETE FROM {ROLLUP}"))
        conn.execute(text(f"INSERT INTO {ROLLUP} {select_sql('sqlite')}"))
    outcome_rollups.refresh(conn)
    from queries import outcome_stocks, stocks

    stocks.refresh(conn)
    outcome_stocks.refresh(conn)


def usable(scope: Scope, f: Filters) -> bool:
    """The rollup can answer for these filters (it knows no officers)."""
    return f.officer_id is None


def _where(scope: Scope, f: Filters):
    from queries.common import place_where

    conditions = [place_where(scope, f)]
    if f.probation_type:
        conditions.append(monthly_rollup.c.probation_type == f.probation_type)
    if f.legal_category:
        conditions.append(monthly_rollup.c.legal_category == f.legal_category)
    return and_(*conditions)


def _joined():
    return monthly_rollup.join(units, units.c.id == monthly_rollup.c.unit_id)


def month_start(day: date) -> date:
    return day.replace(day=1)


def as_date(value) -> date:
    """A month as the driver returns it (a date; SQLite may give the text)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def monthly_event_rows(conn: Connection, scope: Scope, f: Filters,
                       before: date) -> list[tuple]:
    """(month's first day, probation type, registered, closed) of the months before
    `before` (a month's first day)."""
    query = (select(monthly_rollup.c.month, monthly_rollup.c.probation_type,
                    func.sum(monthly_rollup.c.registered), func.sum(monthly_rollup.c.closed))
             .select_from(_joined())
             .where(_where(scope, f), monthly_rollup.c.month < before)
             .group_by(monthly_rollup.c.month, monthly_rollup.c.probation_type))
    return [(as_date(month), ptype, int(registered or 0), int(closed or 0))
            for month, ptype, registered, closed in conn.execute(query).all()]


def whole_months(first: date, last: date) -> tuple[date, date] | None:
    """The first days of the first and last calendar months lying wholly inside
    [first, last], or None when no month does."""
    start = first if first.day == 1 else month_after(first)
    after = last + timedelta(days=1)
    end = after.replace(day=1) if after.day == 1 else last.replace(day=1)
    # `end` is the first day of the month after the last whole month.
    if start >= end:
        return None
    return start, _previous_month(end)


def month_after(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _previous_month(first_day: date) -> date:
    return (first_day - timedelta(days=1)).replace(day=1)


def period_events(conn: Connection, scope: Scope, f: Filters, key_column,
                  months: tuple[date, date]) -> pd.DataFrame:
    """Registered, closed and completed in the months `months` (first days, inclusive),
    summed per `key_column` of units (index `key`) or in total (key_column None)."""
    keys = [key_column.label("key")] if key_column is not None else []
    sums = [func.coalesce(func.sum(monthly_rollup.c[name]), 0).label(name)
            for name in ("registered", "closed", "completed")]
    query = (select(*keys, *sums)
             .select_from(_joined())
             .where(_where(scope, f), monthly_rollup.c.month.between(*months)))
    if key_column is not None:
        query = query.group_by(key_column)
    frame = pd.DataFrame(conn.execute(query).all(),
                         columns=(["key"] if keys else []) + ["registered", "closed", "completed"])
    return frame.set_index("key") if keys else frame
