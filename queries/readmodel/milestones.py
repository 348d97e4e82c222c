"""Readers of queries/milestones.py's measures from the month-end stocks: they answer
for the days the stocks hold (every month end and the data's last day) when the page is
not narrowed to one officer."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from dashboard.scope import Scope
from queries import milestones as M
from queries import readmodel
from queries.milestones import EVERYWHERE, Where
from queries.readmodel import CannotAnswer, reads
from queries.readmodel import stocks as S


def _held(conn: Connection, where: Where, days: list[date]) -> None:
    """The stocks hold these days and know the narrowing (not one officer's)."""
    if where.officer_id is not None or not S.holds(conn, days):
        raise CannotAnswer


def _sums(conn: Connection, scope: Scope, where: Where, days: list[date], key,
          measures: tuple[str, ...], stock=S.milestone_stock) -> pd.DataFrame:
    return S.sums(conn, stock, scope, days, key, measures, region=where.region,
                  unit_id=where.unit_id, probation_type=where.probation_type,
                  legal_category=where.legal_category)


@reads(M.due_and_overdue, S.MARKER)
def due_and_overdue(conn: Connection, scope: Scope, as_of: date, level: str,
                    where: Where = EVERYWHERE) -> pd.DataFrame:
    _held(conn, where, [as_of])
    if level == "officer" and scope.role == "ministry" and _one_code(where):
        # Every officer of the country: their totals, one row each (within the type or
        # category picked), not sums over the officer stock's rows of the day.
        due, load = _officer_totals(conn, as_of, *_one_code(where))
    elif level == "officer":
        due = _sums(conn, scope, where, [as_of], level, ("due", "overdue"), S.officer_stock)
        load = _sums(conn, scope, where, [as_of], level, ("cases_held",), S.officer_stock)
    else:
        due = _sums(conn, scope, where, [as_of], level, ("due", "overdue"))
        load = _sums(conn, scope, where, [as_of], level, ("on_register",), S.case_stock)
    load.columns = ["key", "caseload"]
    return M.merged_counts(due, load)


def _one_code(where: Where) -> tuple[str | None, str | None] | None:
    """(column, code) of a page narrowed by a probation type or a legal category alone,
    (None, None) when not narrowed at all; None otherwise (the officer stock's sums)."""
    if where.region or where.unit_id or where.officer_id:
        return None
    if where.probation_type and where.legal_category:
        return None
    if where.probation_type:
        return "probation_type", where.probation_type
    if where.legal_category:
        return "legal_category", where.legal_category
    return None, None


def _officer_totals(conn: Connection, as_of: date, narrowed_by: str | None = None,
                    code: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(key, due, overdue) and (key, cases_held) of every officer on `as_of` (key None:
    nobody), within the probation type or legal category `code` when given (`narrowed_by`
    its column): from officer_load_stock, or officer_narrowed_stock."""
    if narrowed_by is None:
        s = S.officer_load_stock
        on_day = s.c.day == as_of
    else:
        s = S.officer_narrowed_stock
        on_day = and_(s.c.day == as_of, s.c.narrowed_by == narrowed_by, s.c.code == code)
    rows = conn.execute(select(s.c.officer_id, s.c.due, s.c.overdue, s.c.cases_held)
                        .where(on_day).order_by(s.c.officer_id)).all()
    keys = [r[0] for r in rows] if rows else np.array([], dtype=object)

    def column(j):
        return np.fromiter((r[j] for r in rows), dtype=np.int64, count=len(rows))

    return (pd.DataFrame({"key": keys, "due": column(1), "overdue": column(2)}),
            pd.DataFrame({"key": keys, "cases_held": column(3)}))


@reads(M.overdue_breakdown, S.MARKER)
def overdue_breakdown(conn: Connection, scope: Scope, as_of: date, by: str,
                      where: Where = EVERYWHERE) -> pd.DataFrame:
    _held(conn, where, [as_of])
    sums = _sums(conn, scope, where, [as_of], by, ("due", "overdue"))
    return sums[sums.due > 0].reset_index(drop=True)


@reads(M.aging, S.MARKER)
def aging(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE
          ) -> pd.DataFrame:
    _held(conn, where, [as_of])
    sums = _sums(conn, scope, where, [as_of], None, S.BUCKET_COLUMNS)
    return pd.DataFrame({"bucket": [b[0] for b in M.AGING_BUCKETS],
                         "overdue": [int(sums[c].sum()) for c in S.BUCKET_COLUMNS]})


@reads(M.overdue_at_month_ends, S.MARKER)
def overdue_at_month_ends(conn: Connection, scope: Scope, as_of: date, months: int = 12,
                          where: Where = EVERYWHERE) -> pd.DataFrame:
    days = M.month_ends(as_of, months)
    _held(conn, where, days)
    sums = _sums(conn, scope, where, days, "day", ("overdue",))
    counts = dict(zip(sums["key"], sums["overdue"], strict=True))
    return pd.DataFrame({"day": days, "overdue": [int(counts.get(d, 0)) for d in days]})


@reads(M.due_soon, S.MARKER)
def due_soon(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
             days: int = M.DUE_SOON_DAYS) -> pd.DataFrame:
    if days != S.DUE_SOON_DAYS:
        raise CannotAnswer
    _held(conn, where, [as_of])
    sums = _sums(conn, scope, where, [as_of], "kind", ("due_soon",))
    sums = sums[sums.due_soon > 0]
    return pd.DataFrame({"kind": sums.key.tolist(), "due": sums.due_soon.tolist()})


@reads(M.hearings, S.MARKER)
def hearings(conn: Connection, scope: Scope, start: date, last: date,
             where: Where = EVERYWHERE) -> tuple[int, int]:
    """The hearing stock's running totals on `last` less those on the day before `start`."""
    before = start - timedelta(days=1)
    _held(conn, where, [last, before])
    totals = _sums(conn, scope, where, [last, before], "day", ("hearings", "hearings_late"),
                   S.hearing_stock)
    by_day = {k: (int(h), int(late)) for k, h, late in totals.itertuples(index=False)}
    (total, late), (total_before, late_before) = (by_day.get(day, (0, 0))
                                                  for day in (last, before))
    return total - total_before, late - late_before


@reads(M.releasing, S.MARKER)
def releasing(conn: Connection, scope: Scope, as_of: date, months: int,
              where: Where = EVERYWHERE) -> tuple[int, int, int]:
    """The case stock's releasing counts, when it was counted with the same horizon."""
    _held(conn, where, [as_of])
    if readmodel.page_info(conn).get(S.RELEASE_MONTHS) != str(months):
        raise CannotAnswer
    row = _sums(conn, scope, where, [as_of], None, S.RELEASE_MEASURES, S.case_stock).iloc[0]
    return tuple(int(row[m]) for m in S.RELEASE_MEASURES)
