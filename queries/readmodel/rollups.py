"""The monthly rollup: counts per month x unit x probation type x legal category
(a materialized view on PostgreSQL, a table on SQLite; service/readmodel/rollups.py
refreshes it). One row per (month, unit, type, category) with anything in it:

    registered  cases registered in the month
    closed      cases whose closed_on (the first day off the register) is in the month
    completed   of those, closed because the term was served

The number on the register at the end of month M is the sum over months <= M of
(registered - closed): the monthly trend since 2014 reads the rollup's rows instead of
every case. The officer rollup holds the same, and new offences, per officer.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, and_, func, select
from sqlalchemy.engine import Connection

from dashboard.filters import Filters
from dashboard.schema import units
from dashboard.scope import Scope
from queries import readmodel
from queries.common import place_where, rows_frame

ROLLUP = "monthly_rollup"
MARKER = "rollups"
"""dataset_info key: the data_version the rollups (monthly, per officer) and case_grounds
were refreshed for."""

# Not in dashboard.schema.metadata: it is not a table on PostgreSQL, and the bulk load
# must not try to create or truncate it. Migration 0005 creates it.
rollup_metadata = MetaData()


def _counted(*keys: str, counts: tuple[str, ...] = ("registered", "closed", "completed")):
    """A rollup's columns: the month, `keys`, the case's type and category, `counts`."""
    return [Column("month", Date, nullable=False),
            *(Column(k, Integer, nullable=False) for k in keys),
            Column("probation_type", String(20), nullable=False),
            Column("legal_category", String(32), nullable=False),
            *(Column(c, Integer, nullable=False) for c in counts)]


monthly_rollup = Table(ROLLUP, rollup_metadata, *_counted("unit_id"))
officer_rollup = Table(
    # The same per officer, as queries.kpis counts per officer: a registration for the
    # officer holding the case on its day, a closure for the one of its last day on the
    # register, a new offence for the one holding the case on its day. Migration 0026.
    "officer_rollup", rollup_metadata,
    *_counted("officer_id", "unit_id",
              counts=("registered", "closed", "completed", "new_offences")),
)
case_grounds = Table(
    # The day each case met the grounds to ask the court (its second ordinary violation
    # or its first malicious one): the escalation counts of queries.outcomes.
    "case_grounds", rollup_metadata,
    Column("case_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("met_on", Date, nullable=False),
)


@readmodel.model(MARKER)
def fresh(conn: Connection) -> bool:
    return readmodel.marked(conn, MARKER)


def usable(scope: Scope, f: Filters) -> bool:
    """The rollup can answer for these filters (it knows no officers)."""
    return f.officer_id is None


def _where(scope: Scope, f: Filters, rollup: Table = monthly_rollup):
    conditions = [place_where(scope, f)]
    if f.probation_type:
        conditions.append(rollup.c.probation_type == f.probation_type)
    if f.legal_category:
        conditions.append(rollup.c.legal_category == f.legal_category)
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


def period_events(conn: Connection, rollup: Table, scope: Scope, f: Filters,
                  months: tuple[date, date], names: tuple[str, ...], key_column) -> pd.DataFrame:
    """`rollup`'s `names` (the monthly or the officer rollup) in the months `months` (first
    days, inclusive) over the filters' place, type and category, summed per `key_column`
    (a column of units, or the officer rollup's officer_id; index `key`) or in total
    (None); of the officer f.officer_id only, when the filters name one (the officer
    rollup's)."""
    keys = [key_column.label("key")] if key_column is not None else []
    conditions = [_where(scope, f, rollup), rollup.c.month.between(*months)]
    if f.officer_id is not None:
        conditions.append(rollup.c.officer_id == f.officer_id)
    query = (select(*keys, *(func.coalesce(func.sum(rollup.c[n]), 0).label(n) for n in names))
             .select_from(rollup.join(units, units.c.id == rollup.c.unit_id))
             .where(*conditions))
    if key_column is not None:
        query = query.group_by(key_column)
    frame = rows_frame(conn, query, (["key"] if keys else []) + list(names))
    return frame.set_index("key") if keys else frame
