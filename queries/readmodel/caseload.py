"""Readers of queries/caseload.py's measures from the month-end stocks and the monthly
rollup."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from dashboard.filters import Filters
from dashboard.i18n import name_column
from dashboard.schema import cases, regions, units
from dashboard.scope import Scope
from queries import caseload
from queries.common import cases_where, cases_with_units
from queries.readmodel import CannotAnswer, reads, rollups, stock_delta, stocks


def _base_day(conn: Connection, scope: Scope, f: Filters):
    day = stock_delta.base_day(conn, f, scope=scope)
    if day is None:
        raise CannotAnswer
    return day


@reads(caseload.by_region_and_type, stocks.MARKER)
def by_region_and_type(conn: Connection, scope: Scope, f: Filters,
                       lang: str = "kk") -> pd.DataFrame:
    """The case stock of the nearest stock day plus the cases that joined or left the
    register in between (stock_delta)."""
    e = _base_day(conn, scope, f)
    stock = stocks.case_stock
    name = regions.c[name_column(lang)]
    query = (select(units.c.region_code, name.label("region"), stock.c.probation_type,
                    func.sum(stock.c.on_register).label("cases"))
             .select_from(stocks.joined(stock)
                          .join(regions, regions.c.code == units.c.region_code))
             .where(stocks.where(stock, scope, [e], **stocks.narrowing_of(f)))
             .group_by(units.c.region_code, name, stock.c.probation_type)
             .having(func.sum(stock.c.on_register) > 0)
             .order_by(units.c.region_code, stock.c.probation_type))
    frame = pd.DataFrame(conn.execute(query).mappings().all(),
                         columns=caseload.REGION_TYPE_COLUMNS)
    frame["cases"] = frame["cases"].astype(int)
    if e == f.as_of:
        return frame
    keys = [units.c.region_code, name.label("region"), cases.c.probation_type]
    change = stock_delta.on_register(
        conn, cases_where(scope, f), e, f.as_of, keys, measure="cases",
        join=lambda source: source.join(regions, regions.c.code == units.c.region_code))
    return stock_delta.add(frame, change, caseload.REGION_TYPE_COLUMNS[:3], "cases")


@reads(caseload.by_category, stocks.MARKER)
def by_category(conn: Connection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The case stock of the nearest stock day plus the change (as by_region_and_type)."""
    e = _base_day(conn, scope, f)
    stock = stocks.case_stock
    total = func.sum(stock.c.on_register)
    query = (select(stock.c.legal_category, total.label("cases"))
             .select_from(stocks.joined(stock))
             .where(stocks.where(stock, scope, [e], **stocks.narrowing_of(f)))
             .group_by(stock.c.legal_category).having(total > 0)
             .order_by(total.desc(), stock.c.legal_category))
    frame = pd.DataFrame(conn.execute(query).mappings().all(),
                         columns=["legal_category", "cases"])
    frame["cases"] = frame["cases"].astype(int)
    if e == f.as_of:
        return frame
    change = stock_delta.on_register(conn, cases_where(scope, f), e, f.as_of,
                                     [cases.c.legal_category], measure="cases")
    frame = stock_delta.add(frame, change, ["legal_category"], "cases")
    return frame.sort_values(["cases", "legal_category"], ascending=[False, True],
                             ignore_index=True)


@reads(caseload.net_registrations, rollups.MARKER)
def net_registrations(conn: Connection, scope: Scope, f: Filters) -> dict:
    """The months before the as-of month from the monthly rollup; the as-of month up to
    f.as_of from the case stock's change over it when the stocks hold both ends, else
    counted from the cases."""
    if not rollups.usable(scope, f):
        raise CannotAnswer
    net: dict = {}

    def add(month, ptype, n):
        net[(month, ptype)] = net.get((month, ptype), 0) + n

    first = rollups.month_start(f.as_of)
    for month, ptype, registered, closed in rollups.monthly_event_rows(conn, scope, f,
                                                                       before=first):
        add(month, ptype, registered - closed)
    for ptype, n in _as_of_month_net(conn, scope, f, first).items():
        add(first, ptype, n)
    return {key: n for key, n in net.items() if n}


def _as_of_month_net(conn: Connection, scope: Scope, f: Filters, first) -> dict:
    """Probation type -> registered - closed from `first` (the as-of month's first day)
    to f.as_of."""
    before = first - timedelta(days=1)
    if stocks.answers(conn, f) and stocks.holds(conn, [before]):
        s = stocks.case_stock
        query = (select(s.c.day, s.c.probation_type, func.sum(s.c.on_register))
                 .select_from(stocks.joined(s))
                 .where(stocks.where(s, scope, [before, f.as_of], **stocks.narrowing_of(f)))
                 .group_by(s.c.day, s.c.probation_type))
        net: dict = {}
        for day, ptype, n in conn.execute(query).all():
            sign = -1 if rollups.as_date(day) == before else 1
            net[ptype] = net.get(ptype, 0) + sign * int(n)
        return net
    return _as_of_month_counted(conn, scope, f, first)


def _as_of_month_counted(conn: Connection, scope: Scope, f: Filters, first) -> dict:
    """_as_of_month_net counted from the cases."""
    def inside(column):
        return column.between(first, f.as_of)

    query = (select(cases.c.probation_type,
                    func.sum(case((inside(cases.c.registered_on), 1), else_=0)),
                    func.sum(case((inside(cases.c.closed_on), 1), else_=0)))
             .select_from(cases_with_units())
             .where(cases_where(scope, f),
                    or_(inside(cases.c.registered_on), inside(cases.c.closed_on)))
             .group_by(cases.c.probation_type))
    return {ptype: int(r or 0) - int(c or 0) for ptype, r, c in conn.execute(query).all()}
