"""Builds the outcome stocks (queries/readmodel/outcome_stocks.py): the running totals of
each event kind per unit x type x category on every stock day, and the repeat tables
behind the count of people."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Table, and_, case, delete, func, insert, select, true
from sqlalchemy.engine import Connection

from dashboard.codes import ASSISTANCE_KINDS
from dashboard.schema import assistance, cases, dataset_info, units
from queries.readmodel import loaded
from queries.readmodel.outcome_stocks import stock_days
from queries.readmodel.outcome_tables import (
    ASSISTANCE_MEASURES,
    ASSISTANCE_STEPS,
    CASE_MEASURES,
    GROUP,
    MARKER,
    SOURCES,
    TABLES,
    VIOLATION_MEASURES,
    assistance_stock,
    outcome_stock,
    repeat_assistance,
    repeat_cases,
    repeat_pairs,
)
from service.bulk import write_table
from service.readmodel import outcome_frames
from service.readmodel import stocks as S


def _event_days(measures, only=None):
    """A read of the event days of `measures` (one source), of the rows where `only`
    holds (default: all)."""
    def rows(unit_ids):
        columns = [S._day_numbers(m.day if m.when is None else case((m.when, m.day)))
                   .label(m.name) for m in measures]
        return (select(cases.c.unit_id, cases.c.probation_type, cases.c.legal_category,
                       *columns)
                .select_from(SOURCES[measures[0].source]())
                .where(S._among(cases.c.unit_id, unit_ids),
                       true() if only is None else only))

    def intervals(x):
        # Counted on every stock day from the event's day (less the shift) on.
        return {m.name: (x[m.name] - m.shift, np.full(len(x[m.name]), S.NEVER))
                for m in measures}

    return S.Read(rows, tuple(m.name for m in measures), intervals)


SPECS = (
    S.Spec(outcome_stock, GROUP, (_event_days(CASE_MEASURES),
                                       _event_days(VIOLATION_MEASURES))),
    # One read per kind: five day columns of its rows, not 45 mostly empty ones of all.
    S.Spec(assistance_stock, GROUP, tuple(
        _event_days([m for m in ASSISTANCE_MEASURES if m.name.startswith(f"{kind}_")
                     and m.name[len(kind) + 1:] in ASSISTANCE_STEPS], assistance.c.kind == kind)
        for kind in ASSISTANCE_KINDS)),
)


def _repeat_cases_select():
    again = (select(cases.c.person_id, func.count().label("n")).group_by(cases.c.person_id)
             .having(func.count() > 1).subquery("again"))
    return (select(cases.c.person_id, *[cases.c[c] for c in GROUP], cases.c.registered_on,
                   cases.c.closed_on, again.c.n)
            .select_from(cases.join(again, again.c.person_id == cases.c.person_id)))


def _repeat_pairs_select():
    a, b = cases.alias("first_case"), cases.alias("other_case")
    ua, ub = units.alias("first_unit"), units.alias("other_unit")
    two = select(cases.c.person_id).group_by(cases.c.person_id).having(func.count() == 2)
    return (select(a.c.person_id, a.c.unit_id, ua.c.region_code, a.c.probation_type,
                   a.c.legal_category, b.c.unit_id, ub.c.region_code, b.c.probation_type,
                   b.c.legal_category,
                   case((a.c.registered_on >= b.c.registered_on, a.c.registered_on),
                        else_=b.c.registered_on),
                   case((a.c.closed_on.is_(None), b.c.closed_on),
                        (b.c.closed_on.is_(None), a.c.closed_on),
                        (a.c.closed_on <= b.c.closed_on, a.c.closed_on),
                        else_=b.c.closed_on))
            .select_from(a.join(b, and_(b.c.person_id == a.c.person_id, a.c.id < b.c.id))
                         .join(ua, ua.c.id == a.c.unit_id).join(ub, ub.c.id == b.c.unit_id))
            .where(a.c.person_id.in_(two)))


def _repeat_assistance_select():
    provided = (select(assistance.c.kind, cases.c.person_id, *[cases.c[c] for c in GROUP],
                       assistance.c.provided_on)
                .select_from(SOURCES["assistance"]()).where(assistance.c.provided_on.is_not(None))
                .subquery("provided"))
    again = (select(provided.c.person_id, provided.c.kind)
             .group_by(provided.c.person_id, provided.c.kind).having(func.count() > 1)
             .subquery("again"))
    return (select(provided.c.person_id, provided.c.kind,
                   *[provided.c[c] for c in GROUP], provided.c.provided_on)
            .select_from(provided.join(again, and_(again.c.person_id == provided.c.person_id,
                                                   again.c.kind == provided.c.kind))))


def counted(tables, first: date, until: date, dialect: str) -> dict[Table, pd.DataFrame]:
    """The stocks of SPECS counted from `tables` (outcome_frames.py) for the data's first
    and last day, as refresh would count them on `dialect`, without the database."""
    rows = outcome_frames.reader(tables, dialect)
    unit_ids = sorted(tables["units"]["id"].tolist())
    days = stock_days(first, until)
    return {spec.table: S.count(spec, days, unit_ids, dialect, rows(spec))
            for spec in SPECS}


def refresh(conn: Connection, tables=None, counted: S.Counted | None = None) -> None:
    """Recompute every table above for the data loaded now and mark them fresh (inside
    the load's transaction, after dataset_info was written). `tables`: the frames just
    loaded (a dataset's), which the stocks then count from instead of reading them back
    (outcome_frames.py); `counted`: the stocks already counted from them."""
    for table in TABLES:
        conn.execute(delete(table))
    conn.execute(delete(dataset_info).where(dataset_info.c.key == MARKER))
    data = loaded(conn)
    if data is None:
        return
    first, until = data.first, data.until
    if counted is not None and (counted.first, counted.until) != (first, until):
        raise ValueError(f"outcome stocks counted for {counted.first}..{counted.until}, "
                         f"the data is of {first}..{until}")
    rows = None if tables is None else outcome_frames.reader(tables, conn.dialect.name)
    for spec in SPECS:
        if counted is not None:
            frame = counted.frames[spec.table]
        else:
            frame = S.compute(conn, spec, first - timedelta(days=1), until,
                              stock_days(first, until),
                              given=None if rows is None else rows(spec))
        write_table(conn, spec.table, frame, index_after=True)
    conn.execute(insert(repeat_cases).from_select(
        ["person_id", *GROUP, "registered_on", "closed_on", "person_cases"],
        _repeat_cases_select()))
    conn.execute(insert(repeat_pairs).from_select(
        [c.name for c in repeat_pairs.columns], _repeat_pairs_select()))
    conn.execute(insert(repeat_assistance).from_select(
        ["person_id", "kind", *GROUP, "provided_on"], _repeat_assistance_select()))
    conn.execute(insert(dataset_info).values(key=MARKER, value=data.version,
                                             updated_at=S._now()))


