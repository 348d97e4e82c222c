"""Readers of queries/staff.py's measures from the month-end stocks: posts from the
headcount stock, work items from the case and officer stocks, officers' loads from
officer_load_stock (counts per item key, weighed here by the weights in force)."""

from __future__ import annotations

import functools
import operator
from datetime import date

import pandas as pd
from sqlalchemy import Float, cast, func, literal, select
from sqlalchemy.engine import Connection

from dashboard.schema import officers, units
from dashboard.scope import Scope
from queries import staff as Q
from queries.common import rows_frame
from queries.readmodel import CannotAnswer, reads
from queries.readmodel import stocks as S


@reads(Q.posts_by_unit, S.MARKER)
def posts_by_unit(conn: Connection, scope: Scope, as_of: date,
                  region: str | None = None) -> pd.DataFrame:
    if not S.headcount_holds(conn, [as_of]):
        raise CannotAnswer
    h = S.headcount_stock
    q = (select(units.c.region_code, h.c.unit_id, h.c.source, h.c.transfer_year,
                h.c.authorised, h.c.filled)
         .select_from(S.joined(h)).where(h.c.day == as_of, *Q.narrowed_place(scope, region))
         .order_by(h.c.unit_id, h.c.source, h.c.transfer_year))
    return Q.posts_frame(rows_frame(conn, q, Q.POSTS_COLUMNS))


@reads(Q.headcount_timeline, S.MARKER)
def headcount_timeline(conn: Connection, scope: Scope, days: list[date],
                       region: str | None = None) -> pd.DataFrame:
    if not days or not S.headcount_holds(conn, days):
        raise CannotAnswer
    h = S.headcount_stock
    q = (select(h.c.day, h.c.source, h.c.transfer_year, func.sum(h.c.authorised),
                func.sum(h.c.filled))
         .select_from(S.joined(h)).where(h.c.day.in_(days), *Q.narrowed_place(scope, region))
         .group_by(h.c.day, h.c.source, h.c.transfer_year))
    return Q.timeline_frame(rows_frame(conn, q, Q.TIMELINE_COLUMNS))


def _items(conn: Connection, stock, source, place: list, measures: tuple[str, str],
           as_of: date, where: list, columns: list[str]) -> pd.DataFrame:
    """Work items from a stock: cases, then pre-trial reports in hand, per `place` columns
    and item keys (one grouped read for both measures, split here)."""
    if not S.holds(conn, [as_of]):
        raise CannotAnswer
    keys = (stock.c.probation_type, stock.c.legal_category, stock.c.risk_tier)
    q = (select(*place, *keys, *(func.sum(stock.c[m]) for m in measures))
         .select_from(source).where(stock.c.day == as_of, *where).group_by(*place, *keys))
    names = columns[:len(place)] + ["probation_type", "legal_category", "risk_tier"]
    read = rows_frame(conn, q, [*names, *measures])
    parts = []
    for work_item, measure in zip(("case", "pre_trial_report"), measures, strict=True):
        part = read.loc[read[measure] > 0, names].assign(work_item=work_item)
        part["items"] = read.loc[read[measure] > 0, measure].astype(int)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[columns]


@reads(Q.work_items_by_officer, S.MARKER)
def work_items_by_officer(conn: Connection, scope: Scope, as_of: date,
                          region: str | None = None,
                          unit_id: int | None = None) -> pd.DataFrame:
    stock = S.officer_stock
    source = (stock.join(officers, officers.c.id == stock.c.officer_id)
              .join(units, units.c.id == officers.c.unit_id))
    return _items(conn, stock, source, [stock.c.officer_id], ("cases_held", "reports_held"),
                  as_of, Q.narrowed_place(scope, region, unit_id), ["officer_id", *Q.ITEM_COLUMNS])


@reads(Q.work_items_by_unit, S.MARKER)
def work_items_by_unit(conn: Connection, scope: Scope, as_of: date,
                       region: str | None = None) -> pd.DataFrame:
    stock = S.case_stock
    return _items(conn, stock, S.joined(stock), [units.c.region_code, stock.c.unit_id],
                  ("on_register", "reports_in_hand"), as_of, Q.narrowed_place(scope, region),
                  ["region_code", "unit_id", *Q.ITEM_COLUMNS])


def _weighed(loads, points: tuple):
    """The points of an officer_load_stock row: per weight, the counts of the item keys
    it applies to added as integers, times the weight (exact, as the definition's sums
    are, whenever workload.sums_exactly holds)."""
    by_weight: dict[float, list] = {}
    for item, ptype, category, risk, value in points:
        if value and (ptype, category, risk) in S.LOAD_KEYS:
            by_weight.setdefault(float(value), []).append(
                loads.c[S.load_column(item, category, risk)])
    total = cast(literal(0.0), Float)
    for value, columns in by_weight.items():
        total = total + cast(functools.reduce(operator.add, columns), Float) * cast(
            literal(value), Float)
    return total


def _loads(conn: Connection, as_of: date, points: tuple):
    """How officer_load_stock joins an officer's row, and its cases, reports and points."""
    if not S.holds(conn, [as_of]):
        raise CannotAnswer
    loads = S.officer_load_stock

    def join(source):
        return source.outerjoin(loads, (loads.c.officer_id == officers.c.id)
                                & (loads.c.day == as_of))

    return join, (loads.c.cases_held, loads.c.reports_held, _weighed(loads, points))


@reads(Q.officer_loads, S.MARKER)
def officer_loads(conn: Connection, scope: Scope, as_of: date, points: tuple,
                  region: str | None = None, unit_id: int | None = None) -> pd.DataFrame:
    join, held = _loads(conn, as_of, points)
    return Q.loads_frame(conn, as_of, Q.narrowed_place(scope, region, unit_id), join, held)


@reads(Q.officer_load_numbers, S.MARKER)
def officer_load_numbers(conn: Connection, scope: Scope, as_of: date, points: tuple,
                         region: str | None = None) -> pd.DataFrame:
    join, held = _loads(conn, as_of, points)
    return Q.load_numbers_frame(conn, as_of, Q.narrowed_place(scope, region), join, held)
