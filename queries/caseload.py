"""The caseload view: who is on the register, by region, probation type and legal category,
and how the register grew month by month since the data begins."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import extract, func, select
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


def _per_month(conn: Connection, scope: Scope, f: Filters, column,
               first: date | None = None) -> pd.DataFrame:
    year, month = extract("year", column), extract("month", column)
    query = (
        select(year.label("year"), month.label("month"), cases.c.probation_type,
               func.count().label("n"))
        .select_from(cases_with_units())
        .where(cases_where(scope, f), column.is_not(None), column <= f.as_of,
               *([column >= first] if first else []))
        .group_by(year, month, cases.c.probation_type)
    )
    frame = pd.DataFrame(conn.execute(query).mappings().all(),
                         columns=["year", "month", "probation_type", "n"])
    frame["month_start"] = pd.to_datetime(
        {"year": frame.year.astype(int), "month": frame.month.astype(int),
         "day": 1}) if len(frame) else pd.Series(dtype="datetime64[ns]")
    return frame


def _events_from_rollup(conn: Connection, scope: Scope, f: Filters):
    """Registered and closed per month as _per_month gives them: the months before the
    as-of month from the rollup, the as-of month (up to f.as_of) from the cases."""
    first = rollups.month_start(f.as_of)
    events = rollups.monthly_events(conn, scope, f, before=first)
    out = []
    for name, column in (("registered", cases.c.registered_on), ("closed", cases.c.closed_on)):
        past = events[["month_start", "probation_type", name]].rename(columns={name: "n"})
        current = _per_month(conn, scope, f, column, first=first)
        out.append(pd.concat([past[past.n > 0], current[["month_start", "probation_type", "n"]]],
                             ignore_index=True))
    return out


@cached("caseload.monthly_trend")
def monthly_trend(conn: Connection, scope: Scope, f: Filters, since: date,
                  use_rollup: bool = True) -> pd.DataFrame:
    """Cases on the register at the end of each month from `since` to f.as_of, per
    probation type (the as-of month ends on f.as_of): columns month_end, probation_type,
    cases. Stock = registered so far - closed so far: from the monthly rollup, or one
    grouped query per event."""
    if use_rollup and rollups.usable(scope, f):
        registered, closed = _events_from_rollup(conn, scope, f)
    else:
        registered = _per_month(conn, scope, f, cases.c.registered_on)
        closed = _per_month(conn, scope, f, cases.c.closed_on)
    months = pd.date_range(pd.Timestamp(since).replace(day=1), pd.Timestamp(f.as_of), freq="MS")
    # One table of net changes (months x types), summed down: per type in a loop it was
    # a third of the page's time.
    events = pd.concat([registered[["month_start", "probation_type", "n"]],
                        closed[["month_start", "probation_type", "n"]].assign(n=-closed.n)])
    if not len(events):
        return pd.DataFrame(columns=["month_end", "probation_type", "cases"])
    net = events.groupby(["month_start", "probation_type"]).n.sum().unstack(fill_value=0)
    types = sorted(net.columns)
    before = net[net.index < months[0]].sum() if len(months) else 0
    stock = net.reindex(months, fill_value=0).cumsum() + before
    month_end = [min(d, f.as_of) for d in (months + pd.offsets.MonthEnd(0)).date]
    out = pd.DataFrame({"month_end": month_end * len(types),
                        "probation_type": np.repeat(types, len(months)),
                        "cases": stock[types].to_numpy(dtype=int).T.ravel()})
    return out[["month_end", "probation_type", "cases"]]

