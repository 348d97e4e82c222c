"""Cases on the register and overdue milestones on any day, from the nearest month-end
stock plus the change since (or until) it.

The stocks (queries/readmodel/stocks.py) hold these counts on their stock days only: every month end
and the data's last day. For another as-of day d the pages used to count over every case
or milestone, which grows with the data. Instead, with e the stock day nearest d:

    value(d) = stock(e) + sum over rows x of (pred(x, d) - pred(x, e))

Why it is exact. The stock on e is, by its definition and `tests/test_stocks.py`, the
number of rows x (of the scope and narrowing) with pred(x, e); value(d) is the number with
pred(x, d). Their difference is the sum over all rows of pred(x, d) - pred(x, e) (each 1
or 0). Each predicate is a conjunction of comparisons of the day with the row's own
dates, so a term can only be non-zero when one of those dates lies between e and d; the
sum may therefore run over any set of rows that contains every such row (a row outside
it contributes 0, and so does any extra row inside it). With a = min(e, d), b = max(e, d):

* on the register (queries.national.on_register_on): registered_on <= day < closed_on.
  The value changes between e and d only if registered_on or closed_on lies in (a, b],
  so the rows are the cases with registered_on or closed_on in [a, b] (ix_cases_registered
  and ix_cases_closed, a BitmapOr on PostgreSQL, SQLite's OR-by-union).
* overdue (queries.common.milestone_overdue_on, as kpis counts it, with on_register_on of
  the milestone's case): due_on < day, completed_on null or > day, and the case on the
  register. It changes only if due_on lies in [a, b), completed_on in (a, b], or the
  case's registered_on or closed_on in (a, b]. A milestone completed on or before its
  due day is overdue on no day and contributes 0 on both days, so only milestones that
  are late or open (queries.national.late_or_open) are read. The rows are two disjoint
  sets: (A) milestones with due_on in [a, b] or completed_on in [a, b] (ix_milestones_due;
  ix_milestones_kind_completed with every kind, which the check constraint
  ck_milestones_kind bounds); (B) milestones of the cases whose registered_on or closed_on
  lies in [a, b] (the case indexes, then ix_milestones_late) that are not in A. Their sums
  add up to the sum over A or B, each row once.

queries.national.overdue_on and queries.common.milestone_overdue_on are the same
predicate (the former adds late_or_open, which the date comparisons imply; the latter is
a range containment on PostgreSQL: daterange(due_on, completed_on or due_on if earlier,
'()') @> day, i.e. due_on < day < completed_on, unbounded when not completed).

The scope and the narrowing (cases_where: units in scope, region, unit, type, category)
are conditions on each row, applied to the stock's sum and to the change alike, per key.
Pages narrowed to an officer, or split by officer, count directly: the case and milestone
stocks know no officers. So do days further than MAX_GAP days from every stock day (only
outside the data's period: the stock days are at most a month apart), every day while
the stocks are not fresh, and (ONE_UNIT_DIRECT) one unit's pages off the stock days.

The changed cases, and set A with their cases, are read first (MATERIALIZED CTEs on
PostgreSQL) and the scope applied after: `cases_where` is carried onto the CTE's columns
by a ClauseAdapter, and in A the overdue predicate is milestone_overdue_on's portable
form on those columns (`_overdue_on`). tests/test_stock_delta.py holds stock + change
equal to the direct count on both backends.
"""

from __future__ import annotations

import bisect
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.util import ClauseAdapter

from dashboard.codes import MILESTONE_KINDS
from dashboard.schema import cases, milestones, units
from queries.common import milestone_overdue_on
from queries.national import late_or_open, on_register_on
from queries.readmodel import stocks

MAX_GAP = 31
"""Days from the nearest stock day beyond which the change is not worth reading."""


ONE_UNIT_DIRECT = True
"""A page of one unit (a unit head, or narrowed to a unit) counts directly on days that
are not stock days: its direct count reads only that unit's cases, while the change reads
the whole nation's milestones due or completed in between."""


def base_day(conn: Connection, f, level: str | None = None,
             scope=None) -> date | None:
    """The stock day whose stock, plus the change to f.as_of, answers the page: f.as_of
    itself when it is a stock day, else the nearest stock day (the earlier on a tie),
    within MAX_GAP days. None: count directly (stocks not fresh, an officer, too far, one
    unit: ONE_UNIT_DIRECT)."""
    if f.officer_id is not None or level == "officer":
        return None
    period = stocks.fresh(conn)
    if period is None:
        return None
    days = stocks.stock_days(*period)
    day = f.as_of
    i = bisect.bisect_left(days, day)
    if i < len(days) and days[i] == day:
        return day if stocks.holds(conn, [day], period) else None  # (tests switch it off)
    one_unit = f.unit_id is not None or (scope is not None and scope.role == "unit_head")
    if ONE_UNIT_DIRECT and one_unit:
        return None
    near = [days[j] for j in (i - 1, i) if 0 <= j < len(days)]
    best = min(near, key=lambda x: abs((x - day).days))
    near_enough = abs((best - day).days) <= MAX_GAP
    return best if near_enough and stocks.holds(conn, [best], period) else None


def _within(column, a: date, b: date):
    return and_(column >= a, column <= b)


def _case_changed(a: date, b: date):
    return or_(_within(cases.c.registered_on, a, b), _within(cases.c.closed_on, a, b))


def _change(pred_d, pred_e):
    return func.coalesce(func.sum(case((pred_d, 1), else_=0) - case((pred_e, 1), else_=0)), 0)


def _grouped(conn: Connection, source, where, keys: list, change, measure: str) -> pd.DataFrame:
    query = select(*keys, change.label(measure)).select_from(source).where(where)
    if keys:
        query = query.group_by(*keys)
    return pd.DataFrame(conn.execute(query).all(), columns=[k.key for k in keys] + [measure])


def _late_or_open_unindexed():
    """queries.national.late_or_open, written so that no planner matches it to the partial
    index ix_milestones_late: PostgreSQL would read that whole index rather than the
    date indexes' few thousand rows."""
    m = milestones.c
    return case((m.completed_on.is_(None), 1), (m.completed_on > m.due_on, 1), else_=0) == 1


def _overdue_on(m, day: date):
    """queries.common.milestone_overdue_on (in its portable form) on the columns `m`."""
    return and_(m.due_on < day, or_(m.completed_on.is_(None), m.completed_on > day))


def on_register(conn: Connection, where, e: date, d: date, keys: list, *, join=None,
                measure: str = "on_register") -> pd.DataFrame:
    """Cases on the register on d minus those on e, per `keys` (labelled columns), of the
    cases matching `where` (cases and units joined; `join` adds tables to that source)."""
    a, b = min(e, d), max(e, d)
    # Read by the two date indexes before the scope and narrowing apply (materialized on
    # PostgreSQL: narrowed to a region, the planner ANDed each unit's whole index in).
    found = (select(cases.c.unit_id, cases.c.probation_type, cases.c.legal_category,
                    cases.c.officer_id, cases.c.registered_on, cases.c.closed_on)
             .where(_case_changed(a, b)).cte("changed_cases")
             .prefix_with("MATERIALIZED", dialect="postgresql"))
    adapt = ClauseAdapter(found).traverse
    source = found.join(units, found.c.unit_id == units.c.id)
    if join is not None:
        source = join(source)
    return _grouped(conn, source, adapt(where), [adapt(k) for k in keys],
                    adapt(_change(on_register_on(d), on_register_on(e))), measure)


def overdue(conn: Connection, where, e: date, d: date, keys: list, *, join=None,
            measure: str = "overdue") -> pd.DataFrame:
    """Milestones overdue on d minus those on e (cases on the register), per `keys`."""
    a, b = min(e, d), max(e, d)
    completed = and_(milestones.c.kind.in_(MILESTONE_KINDS),
                     _within(milestones.c.completed_on, a, b))
    in_a = or_(_within(milestones.c.due_on, a, b), completed)
    not_in_a = and_(not_(_within(milestones.c.due_on, a, b)),
                    or_(milestones.c.completed_on.is_(None),
                        milestones.c.kind.not_in(MILESTONE_KINDS),
                        not_(_within(milestones.c.completed_on, a, b))))
    # A: read by the two date indexes, with their cases (by primary key), before the
    # scope and narrowing apply (materialized on PostgreSQL: narrowed to a region, the
    # planner otherwise reads every case of the region).
    found = (select(milestones.c.due_on, milestones.c.completed_on, cases.c.unit_id,
                    cases.c.probation_type, cases.c.legal_category, cases.c.officer_id,
                    cases.c.registered_on, cases.c.closed_on)
             .select_from(milestones.join(cases, milestones.c.case_id == cases.c.id))
             .where(_late_or_open_unindexed(), in_a).cte("changed_milestones")
             .prefix_with("MATERIALIZED", dialect="postgresql"))
    adapt = ClauseAdapter(found).traverse
    source_a = found.join(units, found.c.unit_id == units.c.id)
    # B: the milestones of the cases that joined or left the register in between.
    source_b = (milestones.join(cases, milestones.c.case_id == cases.c.id)
                .join(units, cases.c.unit_id == units.c.id))
    if join is not None:
        source_a, source_b = join(source_a), join(source_b)
    parts = [_grouped(conn, source_a, adapt(where), [adapt(k) for k in keys],
                      adapt(_change(and_(on_register_on(d), _overdue_on(found.c, d)),
                                    and_(on_register_on(e), _overdue_on(found.c, e)))),
                      measure),
             _grouped(conn, source_b, and_(where, late_or_open(), _case_changed(a, b),
                                           not_in_a), keys,
                      _change(and_(on_register_on(d), milestone_overdue_on(d)),
                              and_(on_register_on(e), milestone_overdue_on(e))), measure)]
    names = [k.key for k in keys]
    both = pd.concat(parts, ignore_index=True)
    if not names:
        return pd.DataFrame({measure: [int(both[measure].sum())]})
    return both.groupby(names, as_index=False, sort=False)[measure].sum()


def add(stock: pd.DataFrame, change: pd.DataFrame, keys: list[str],
        measure: str) -> pd.DataFrame:
    """The stock plus the change, per `keys` (none: one row). Keys whose sum is 0 are
    left out, as a direct count leaves out groups with nothing in them."""
    if not keys:
        total = int(stock[measure].sum()) + int(change[measure].sum())
        return pd.DataFrame({measure: [total]})
    both = pd.concat([stock[[*keys, measure]], change[[*keys, measure]]], ignore_index=True)
    both[measure] = both[measure].astype(int)
    out = both.groupby(keys, as_index=False, sort=True)[measure].sum()
    out = out[out[measure] != 0].reset_index(drop=True)
    # Nothing left: the frame a direct count of no rows gives (columns of no dtype).
    return out if len(out) else pd.DataFrame(columns=[*keys, measure])
