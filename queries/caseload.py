"""The caseload view: who is on the register, by region, probation type and legal category,
and how the register grew month by month since the data begins."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import extract, func, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.i18n import name_column
from dashboard.schema import cases, officers, regions, units
from dashboard.scope import Scope
from queries.common import OFFICER, cases_where, cases_with_units, held_on, with_officer
from queries.national import on_register_on
from queries.readmodel import measure

REGION_TYPE_COLUMNS = ["region_code", "region", "probation_type", "cases"]


@cached("caseload.by_region_and_type")
@measure
def by_region_and_type(conn: Connection, scope: Scope, f: Filters,
                       lang: str = "kk") -> pd.DataFrame:
    """Cases on the register on f.as_of per region and probation type:
    columns region_code, region, probation_type, cases."""
    name = regions.c[name_column(lang)]
    query = (
        select(units.c.region_code, name.label("region"), cases.c.probation_type,
               func.count().label("cases"))
        .select_from(cases_with_units().join(regions, regions.c.code == units.c.region_code))
        .where(cases_where(scope, f), on_register_on(f.as_of))
        .group_by(units.c.region_code, name, cases.c.probation_type)
        .order_by(units.c.region_code, cases.c.probation_type)
    )
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=REGION_TYPE_COLUMNS)


PLACE_TYPE_COLUMNS = ["key", "place", "probation_type", "cases"]


@cached("caseload.by_place_and_type")
def by_place_and_type(conn: Connection, scope: Scope, f: Filters, level: str,
                      lang: str = "kk") -> pd.DataFrame:
    """Cases on the register on f.as_of per place of `level` (region: the ISO code and
    name; unit: its id and name; officer: the id and staff code of the officer who held the
    case that day, None for cases nobody held) and probation type: columns PLACE_TYPE_COLUMNS."""
    if level == "region":
        frame = by_region_and_type(conn, scope, f, lang)
        return frame.rename(columns={"region_code": "key", "region": "place"})[
            PLACE_TYPE_COLUMNS]
    if level == "unit":
        key, name = units.c.id, units.c[name_column(lang)]
        source = cases_with_units()
    elif level == "officer":
        # The officer who held each case on f.as_of (queries/common.py's rule).
        key, name = OFFICER, officers.c.code
        source = with_officer(cases_with_units(), held_on(f.as_of), outer=True) \
            .outerjoin(officers, officers.c.id == OFFICER)
    else:
        raise ValueError(f"unknown level {level!r}")
    query = (select(key.label("key"), name.label("place"), cases.c.probation_type,
                    func.count().label("cases"))
             .select_from(source)
             .where(cases_where(scope, f), on_register_on(f.as_of))
             .group_by(key, name, cases.c.probation_type)
             .order_by(name, cases.c.probation_type))
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=PLACE_TYPE_COLUMNS)


@cached("caseload.by_category")
@measure
def by_category(conn: Connection, scope: Scope, f: Filters) -> pd.DataFrame:
    """Cases on the register on f.as_of per legal category, most first: columns
    legal_category, cases."""
    query = (
        select(cases.c.legal_category, func.count().label("cases"))
        .select_from(cases_with_units())
        .where(cases_where(scope, f), on_register_on(f.as_of))
        .group_by(cases.c.legal_category)
        .order_by(func.count().desc(), cases.c.legal_category)
    )
    return pd.DataFrame(conn.execute(query).mappings().all(),
                        columns=["legal_category", "cases"])


def month_after(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


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


@measure
def net_registrations(conn: Connection, scope: Scope, f: Filters) -> dict:
    """(first day of a month, probation type) -> cases registered less cases closed in
    that month, up to f.as_of; months and types where they cancel out are left out."""
    net: dict = {}
    for sign, column in ((1, cases.c.registered_on), (-1, cases.c.closed_on)):
        for month, ptype, n in _per_month(conn, scope, f, column):
            net[(month, ptype)] = net.get((month, ptype), 0) + sign * n
    return {key: n for key, n in net.items() if n}


@cached("caseload.monthly_trend")
def monthly_trend(conn: Connection, scope: Scope, f: Filters, since: date) -> pd.DataFrame:
    """Cases on the register at the end of each month from `since` to f.as_of, per
    probation type (the as-of month ends on f.as_of): columns month_end, probation_type,
    cases. The stock is the running sum of the net registrations."""
    net = net_registrations(conn, scope, f)
    if not net:
        return pd.DataFrame(columns=["month_end", "probation_type", "cases"])
    types = sorted({ptype for _, ptype in net})
    months, month = [], since.replace(day=1)
    while month <= f.as_of:
        months.append(month)
        month = month_after(month)
    stock = dict.fromkeys(types, 0)
    for (month, ptype), n in net.items():
        if months and month < months[0]:
            stock[ptype] += n
    cases_by_type: dict[str, list[int]] = {ptype: [] for ptype in types}
    for month in months:
        for ptype in types:
            stock[ptype] += net.get((month, ptype), 0)
            cases_by_type[ptype].append(stock[ptype])
    month_end = [min(month_after(m) - timedelta(days=1), f.as_of) for m in months]
    return pd.DataFrame({"month_end": month_end * len(types),
                         "probation_type": np.repeat(types, len(months)),
                         "cases": np.array([cases_by_type[t] for t in types],
                                           dtype=int).ravel()})
