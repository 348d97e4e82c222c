"""The caseload view: who is on the register, by region, probation type and legal category,
and how the register grew month by month since the data begins."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import case, extract, func, or_, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.i18n import name_column
from dashboard.schema import cases, regions, units
from dashboard.scope import Scope
from queries import rollups, stock_delta, stocks
from queries.common import cases_where, cases_with_units
from queries.national import on_register_on


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    frame["cases"] = frame["cases"].astype(int)
    return frame


@cached("caseload.by_region_and_type")
def by_region_and_type(conn: Connection, scope: Scope, f: Filters,
                       lang: str = "kk") -> pd.DataFrame:
    """Cases on the register on f.as_of per region and probation type:
    columns region_code, region, probation_type, cases. From the month-end case stock
    nearest the day plus the cases that joined or left the register in between
    (queries/stock_delta.py), else counted from the cases. (The monthly rollup's running
    sum over every earlier month was slower than the direct count.)"""
    columns = ["region_code", "region", "probation_type", "cases"]
    e = stock_delta.base_day(conn, f, scope=scope)
    if e is not None:
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
        frame = _ints(pd.DataFrame(conn.execute(query).mappings().all(), columns=columns))
        if e == f.as_of:
            return frame
        keys = [units.c.region_code, name.label("region"), cases.c.probation_type]
        change = stock_delta.on_register(
            conn, cases_where(scope, f), e, f.as_of, keys, measure="cases",
            join=lambda source: source.join(regions, regions.c.code == units.c.region_code))
        return stock_delta.add(frame, change, columns[:3], "cases")
    query = (
        select(units.c.region_code, regions.c[name_column(lang)].label("region"),
               cases.c.probation_type, func.count().label("cases"))
        .select_from(cases_with_units().join(regions, regions.c.code == units.c.region_code))
        .where(cases_where(scope, f), on_register_on(f.as_of))
        .group_by(units.c.region_code, regions.c[name_column(lang)], cases.c.probation_type)
        .order_by(units.c.region_code, cases.c.probation_type)
    )
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=columns)


@cached("caseload.by_category")
def by_category(conn: Connection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Cases on the register on f.as_of per legal category: columns legal_category, cases
    (the stock nearest the day plus the change, as `by_region_and_type`)."""
    e = stock_delta.base_day(conn, f, scope=scope)
    if e is not None:
        stock = stocks.case_stock
        total = func.sum(stock.c.on_register)
        query = (select(stock.c.legal_category, total.label("cases"))
                 .select_from(stocks.joined(stock))
                 .where(stocks.where(stock, scope, [e], **stocks.narrowing_of(f)))
                 .group_by(stock.c.legal_category).having(total > 0)
                 .order_by(total.desc(), stock.c.legal_category))
        frame = _ints(pd.DataFrame(conn.execute(query).mappings().all(),
                                   columns=["legal_category", "cases"]))
        if e == f.as_of:
            return frame
        change = stock_delta.on_register(conn, cases_where(scope, f), e, f.as_of,
                                         [cases.c.legal_category], measure="cases")
        frame = stock_delta.add(frame, change, ["legal_category"], "cases")
        return frame.sort_values(["cases", "legal_category"], ascending=[False, True],
                                 ignore_index=True)
    query = (
        select(cases.c.legal_category, func.count().label("cases"))
        .select_from(cases_with_units())
        .where(cases_where(scope, f), on_register_on(f.as_of))
        .group_by(cases.c.legal_category)
        .order_by(func.count().desc(), cases.c.legal_category)
    )
    return pd.DataFrame(conn.execute(query).mappings().all(),
                        columns=["legal_category", "cases"])


def _per_month(conn: Connection, scope: Scope, f: Filters, column) -> list[tuple]:
    """(first day of the month, probation type, n) of the cases whose `column` falls in
    that month, up to f.as_of."""
    year, month = extract("year", column), extract("month", column)
    query = (
        select(year, month, cases.c.probation_type, func.count())
        .select_from(cases_with_units())
        .where(cases_where(scope, f), column.is_not(None), column <= f.as_of)
        .group_by(year, month, cases.c.probation_type)
    )
    return [(date(int(y), int(m), 1), ptype, int(n))
            for y, m, ptype, n in conn.execute(query).all()]


def _as_of_month(conn: Connection, scope: Scope, f: Filters, first: date) -> list[tuple]:
    """(first, probation type, registered, closed) in the as-of month up to f.as_of: the
    part of the month the rollup does not hold, in one statement."""
    def inside(column):
        return column.between(first, f.as_of)

    query = (select(cases.c.probation_type,
                    func.sum(case((inside(cases.c.registered_on), 1), else_=0)),
                    func.sum(case((inside(cases.c.closed_on), 1), else_=0)))
             .select_from(cases_with_units())
             .where(cases_where(scope, f),
                    or_(inside(cases.c.registered_on), inside(cases.c.closed_on)))
             .group_by(cases.c.probation_type))
    return [(first, ptype, int(registered or 0), int(closed or 0))
            for ptype, registered, closed in conn.execute(query).all()]


def _as_of_month_net(conn: Connection, scope: Scope, f: Filters, first: date) -> list[tuple]:
    """(first, probation type, registered - closed) in the as-of month up to f.as_of:
    the change of the case stock since the day before the month when the stocks hold both
    days (the cases' events of the month were 44 ms at scale 10), else counted. A type
    whose cases all came and went inside the month is not named by the stock (net 0)."""
    before = first - timedelta(days=1)
    if not (stocks.answers(conn, f) and stocks.holds(conn, [before])):
        return [(month, ptype, registered - closed)
                for month, ptype, registered, closed in _as_of_month(conn, scope, f, first)
                if registered or closed]
    s = stocks.case_stock
    query = (select(s.c.day, s.c.probation_type, func.sum(s.c.on_register))
             .select_from(stocks.joined(s))
             .where(stocks.where(s, scope, [before, f.as_of], **stocks.narrowing_of(f)))
             .group_by(s.c.day, s.c.probation_type))
    net: dict = {}
    for day, ptype, n in conn.execute(query).all():
        sign = -1 if rollups.as_date(day) == before else 1
        net[ptype] = net.get(ptype, 0) + sign * int(n)
    return [(first, ptype, n) for ptype, n in sorted(net.items()) if n]


def _net_events(conn: Connection, scope: Scope, f: Filters, use_rollup: bool) -> dict:
    """(first day of a month, probation type) -> registered - closed in that month, for
    the types with any event up to f.as_of (a month with nothing may be missing)."""
    net: dict = {}

    def add(month, ptype, n):
        net[(month, ptype)] = net.get((month, ptype), 0) + n

    if use_rollup and rollups.usable(scope, f):
        first = rollups.month_start(f.as_of)
        for month, ptype, registered, closed in rollups.monthly_event_rows(conn, scope, f,
                                                                           before=first):
            if registered or closed:
                add(month, ptype, registered - closed)
        for month, ptype, n in _as_of_month_net(conn, scope, f, first):
            add(month, ptype, n)
    else:
        for month, ptype, n in _per_month(conn, scope, f, cases.c.registered_on):
            add(month, ptype, n)
        for month, ptype, n in _per_month(conn, scope, f, cases.c.closed_on):
            add(month, ptype, -n)
    return net


@cached("caseload.monthly_trend")
def monthly_trend(conn: Connection, scope: Scope, f: Filters, since: date,
                  use_rollup: bool = True) -> pd.DataFrame:
    """Cases on the register at the end of each month from `since` to f.as_of, per
    probation type (the as-of month ends on f.as_of): columns month_end, probation_type,
    cases. Stock = registered so far - closed so far: from the monthly rollup (and the
    as-of month from the cases), or one grouped query per event."""
    net = _net_events(conn, scope, f, use_rollup)
    if not net:
        return pd.DataFrame(columns=["month_end", "probation_type", "cases"])
    # A running sum per type over a few hundred (month, type) cells, in plain Python:
    # the frames it was done with were a third of the page's time.
    types = sorted({ptype for _, ptype in net})
    months, month = [], since.replace(day=1)
    while month <= f.as_of:
        months.append(month)
        month = rollups.month_after(month)
    stock = {ptype: 0 for ptype in types}
    for (month, ptype), n in net.items():
        if months and month < months[0]:
            stock[ptype] += n
    cases_by_type = {ptype: [] for ptype in types}
    for month in months:
        for ptype in types:
            stock[ptype] += net.get((month, ptype), 0)
            cases_by_type[ptype].append(stock[ptype])
    month_end = [min(rollups.month_after(m) - timedelta(days=1), f.as_of) for m in months]
    out = pd.DataFrame({"month_end": month_end * len(types),
                        "probation_type": np.repeat(types, len(months)),
                        "cases": np.array([cases_by_type[t] for t in types],
                                          dtype=int).ravel()})
    return out[["month_end", "probation_type", "cases"]]

