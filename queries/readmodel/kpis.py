"""Readers of queries/kpis.py's measures: on the register and overdue from the month-end
stocks (plus the change to the as-of day), and per officer from the officer stock on its
stock days; registrations and closures from the monthly rollup (whole months) and the
cases (the days at either edge), new offences from the outcome stocks' running totals;
per officer both from the officer rollup (whole months) and the cases."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pandas as pd
from sqlalchemy.engine import Connection

from dashboard.filters import Filters
from dashboard.metrics import Period
from dashboard.scope import Scope
from queries import kpis
from queries.common import cases_where
from queries.readmodel import CannotAnswer, outcome_stocks, reads, rollups, stock_delta, stocks


def _from_stock(conn: Connection, scope: Scope, f: Filters, level: str | None, table,
                measure: str, change, held: str) -> pd.DataFrame:
    """The stock's `measure` on the stock day nearest f.as_of plus the change to it; per
    officer or narrowed to one, the officer stock's `held` (_by_officer)."""
    if level == "officer" or f.officer_id is not None:
        return _by_officer(conn, scope, f, level, held, measure)
    e = stock_delta.base_day(conn, f, level, scope)
    if e is None:
        raise CannotAnswer
    keys = [] if level is None else [kpis.key_of(level).label("key")]
    frame = stocks.sums(conn, table, scope, [e], level, (measure,), **stocks.narrowing_of(f))
    if e != f.as_of:
        frame = stock_delta.add(frame, change(conn, cases_where(scope, f), e, f.as_of, keys),
                                [k.key for k in keys], measure)
    return frame if level is None else frame.set_index("key")


def _by_officer(conn: Connection, scope: Scope, f: Filters, level: str | None, held: str,
                measure: str) -> pd.DataFrame:
    """The officer stock's `held` as `measure`, per officer or of the one f.officer_id
    names, on its stock days only: between them the change would follow the hand-overs
    too. (A unit of scale 10 has up to 3,000 officers: counted from the cases and their
    assignments, make bench's unit page broke its floor.)"""
    if not stocks.holds(conn, [f.as_of]):
        raise CannotAnswer
    frame = stocks.sums(conn, stocks.officer_stock, scope, [f.as_of], level, (held,),
                        officer_id=f.officer_id, **stocks.narrowing_of(f))
    frame = frame.rename(columns={held: measure})
    # The cases nobody held (officer NULL) are no officer's: the definition joins them out.
    return frame if level is None else frame[frame["key"].notna()].set_index("key")


@reads(kpis.on_register, stocks.MARKER)
def on_register(conn: Connection, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame:
    return _from_stock(conn, scope, f, level, stocks.case_stock, "on_register",
                       stock_delta.on_register, "cases_held")


@reads(kpis.overdue, stocks.MARKER)
def overdue(conn: Connection, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame:
    return _from_stock(conn, scope, f, level, stocks.milestone_stock, "overdue",
                       stock_delta.overdue, "overdue")


def _per_officer(f: Filters, level: str | None) -> bool:
    return level == "officer" or f.officer_id is not None


def _officer_key(level: str | None):
    """What a rollup's sums are grouped by at `level` (per officer, the officer rollup's
    officer)."""
    return rollups.officer_rollup.c.officer_id if level == "officer" else kpis.key_of(level)


def _edges(first, last, months) -> list[tuple]:
    """The days of [first, last] outside its whole months `months` (first days): at most
    one stretch at either end."""
    return [(a, b) for a, b in ((first, months[0] - timedelta(days=1)),
                                (rollups.month_after(months[1]), last)) if a <= b]


@reads(kpis.registered_and_closed, rollups.MARKER)
def registered_and_closed(conn: Connection, scope: Scope, f: Filters,
                          level: str | None) -> pd.DataFrame:
    """The calendar months wholly inside the period from the monthly rollup (per officer,
    the officer rollup), the days at either edge counted from the cases (the definition,
    over those days)."""
    months = rollups.whole_months(f.start, f.end)
    if months is None:
        raise CannotAnswer
    rollup = rollups.officer_rollup if _per_officer(f, level) else rollups.monthly_rollup
    rolled = rollups.period_events(conn, rollup, scope, f, months,
                                   ("registered", "closed", "completed"), _officer_key(level))
    edges = _edges(f.start, f.end, months)
    if level is None:
        for first, last in edges:
            counted = kpis.registered_and_closed.definition(conn, scope,
                                                            _within(f, first, last), None)
            rolled = rolled + counted.fillna(0).to_numpy()
        return rolled
    for first, last in edges:
        counted = kpis.registered_and_closed.definition(conn, scope, _within(f, first, last),
                                                        level)
        rolled = rolled.add(counted, fill_value=0)
    return kpis.only_counted(rolled, level)


def _within(f: Filters, first, last) -> Filters:
    """The filters with the period [first, last]."""
    return dataclasses.replace(f, start=first, end=last)


def _within_unit(scope: Scope, f: Filters) -> tuple[Scope, str | None]:
    """The scope and region the outcome stocks' filter takes for the filters' unit (their
    filter knows a unit only as a unit head's scope): that unit, within the region of a
    region head or of the filters. A unit head's other unit, or a region head's other
    region, is left to the definition."""
    if f.unit_id is None:
        return scope, f.region
    if scope.role == "unit_head" and scope.unit_id != f.unit_id:
        raise CannotAnswer
    region = f.region
    if scope.role == "region_head":
        if f.region not in (None, scope.region_code):
            raise CannotAnswer
        region = scope.region_code
    return scope.narrowed_to_unit(f.unit_id), region


@reads(kpis.repeat_offences, outcome_stocks.MARKER)
def repeat_offences(conn: Connection, scope: Scope, f: Filters,
                    level: str | None) -> pd.DataFrame:
    """From the outcome stocks' running totals: two reads per group and period, and at
    most a month of offences at either edge; per officer, from the officer rollup."""
    if _per_officer(f, level):
        return _officers_offences(conn, scope, f, level)
    scope, region = _within_unit(scope, f)
    flt = outcome_stocks.Filter(scope, (f.probation_type,) if f.probation_type else (),
                                (f.legal_category,) if f.legal_category else (), region)
    periods = [Period(f.start, f.end), Period(*f.previous_year())]
    found = outcome_stocks.totals(conn, flt, outcome_stocks.people_days(periods),
                                  ["new_offences"], by=level)
    if found is None:
        raise CannotAnswer
    counted = outcome_stocks.between_records(found, ["new_offences"], periods,
                                             ["new_offences"])
    names = ["repeat_offences", "repeat_offences_year_before"]
    keys = sorted({k for _, k in counted}) if level is not None else [None]
    rows = [[counted.get((i, k), (0,))[0] for i in range(2)] for k in keys]
    if level is None:
        return pd.DataFrame(rows, columns=names)
    return pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=names)


def _officers_offences(conn: Connection, scope: Scope, f: Filters,
                       level: str | None) -> pd.DataFrame:
    """repeat_offences per officer (or of f.officer_id): each period's whole months from
    the officer rollup, its days at either edge counted by the definition."""
    keyed = level is not None
    counts = []
    for first, last in ((f.start, f.end), f.previous_year()):
        months = rollups.whole_months(first, last)
        if months is None:
            raise CannotAnswer
        part = rollups.period_events(conn, rollups.officer_rollup, scope, f, months,
                                     ("new_offences",), _officer_key(level))["new_offences"]
        for a, b in _edges(first, last, months):
            edge = kpis.repeat_offences.definition(conn, scope, _within(f, a, b),
                                                   level)["repeat_offences"]
            part = part.add(edge, fill_value=0) if keyed else part + edge.sum()
        counts.append(part)
    names = ["repeat_offences", "repeat_offences_year_before"]
    frame = pd.concat(counts, axis=1, keys=names).fillna(0).astype("int64")
    if not keyed:
        return frame
    frame.index.name = "key"
    return kpis.only_counted(frame, level)
