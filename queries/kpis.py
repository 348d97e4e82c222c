"""The headline figures (KPIs) of a place: the whole scope, a region, a unit or an officer;
either as one set (`headline`) or one row per region, unit or officer (`by_place`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.metrics import Period
from dashboard.schema import cases, milestones, officers, units, violations
from dashboard.scope import Scope
from queries import outcome_stocks as OS
from queries import rollups, stock_delta, stocks
from queries.common import cases_where, cases_with_units, milestone_overdue_on, place_where
from queries.national import officer_in_post_on, on_register_on

LEVELS = ("region", "unit", "officer")
COLUMNS = ("on_register", "registered", "closed", "completed", "overdue", "filled_posts",
           "repeat_offences", "repeat_offences_year_before")


@dataclass(frozen=True)
class Headline:
    """One place's figures for the filters' period and as-of day."""

    on_register: int
    """Cases on the register on the as-of day."""
    registered: int
    """Cases registered in the period."""
    closed: int
    """Cases closed in the period (closed_on, the first day off the register, inside it)."""
    completed: int
    """Of those, closed because the term was served."""
    overdue: int
    """Milestones of cases on the register, due before the as-of day and not done by it."""
    filled_posts: int
    """Posts with an officer in post on the as-of day."""
    repeat_offences: int
    """New offences by people on the register, in the period."""
    repeat_offences_year_before: int
    """The same, in the same period one year earlier."""

    @property
    def completion_share(self) -> float | None:
        return self.completed / self.closed if self.closed else None

    @property
    def caseload_per_post(self) -> float | None:
        return self.on_register / self.filled_posts if self.filled_posts else None

    @property
    def repeat_change(self) -> float | None:
        """Relative change of repeat offences against the year before (0.1 = +10 %)."""
        before = self.repeat_offences_year_before
        return (self.repeat_offences - before) / before if before else None


def _key(level: str | None):
    return {None: None, "region": units.c.region_code, "unit": units.c.id,
            "officer": cases.c.officer_id}[level]


def _counts(conn: Connection, level: str | None, base, where, **measures) -> pd.DataFrame:
    key = _key(level)
    columns = [m.label(name) for name, m in measures.items()]
    query = select(*([key.label("key")] if key is not None else []), *columns)
    query = query.select_from(base).where(where)
    if key is not None:
        query = query.group_by(key)
    return _keyed(conn.execute(query).all(), key is not None, list(measures))


def _keyed(rows, keyed: bool, names: list[str]) -> pd.DataFrame:
    """Rows (key first when `keyed`) as a frame indexed by `key`: columns handed over
    whole, not a frame of records and then set_index (20 regions: 105 µs against 250)."""
    if not keyed:
        return pd.DataFrame([tuple(r) for r in rows], columns=names)
    if not rows:  # object columns, as a frame of no records has
        return pd.DataFrame(columns=names, index=pd.Index([], name="key"))
    return pd.DataFrame({name: [r[i] for r in rows] for i, name in enumerate(names, 1)},
                        index=pd.Index([r[0] for r in rows], name="key"), columns=names)


def _between(column, first: date, last: date):
    return and_(column >= first, column <= last)


@cached("kpis.by_place")
def by_place(conn: Connection, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame:
    """KPI counts (COLUMNS) per region, unit or officer (index `key`), or one row when
    `level` is None. Places with nothing to count are left out."""
    where = cases_where(scope, f)
    base = cases_with_units()
    count = func.count()
    if level == "officer" or f.officer_id is not None:
        # Neither the stocks nor the rollup know officers: everything is counted from the
        # cases: four statements (cases, overdue milestones, offences, posts) instead of seven.
        parts = [_direct_case_counts(conn, f, level, base, where),
                 _counts(conn, level, base.join(milestones, milestones.c.case_id == cases.c.id),
                         and_(where, on_register_on(f.as_of), milestone_overdue_on(f.as_of)),
                         overdue=count),
                 _direct_offences(conn, f, level, base, where),
                 _filled_posts(conn, scope, f, level)]
        return _combined(parts, level)
    offences = _offences_from_stock(conn, scope, f, level)
    parts = [
        *_stock_or_count(conn, scope, f, level, base, where),
        *_period_events(conn, scope, f, level, base, where),
        offences if offences is not None else _direct_offences(conn, f, level, base, where),
        _filled_posts(conn, scope, f, level),
    ]
    return _combined(parts, level)


def _offences_from_stock(conn: Connection, scope: Scope, f: Filters,
                         level: str | None) -> pd.DataFrame | None:
    """New offences in the period and in the same period a year before, from the outcome
    stocks' running totals (queries/outcome_stocks.py): two reads per group and period,
    and at most a month of offences at either edge. Counted directly, the national year
    walked every offence in it (14 ms at scale 10, against 2 at scale 1). None when the
    stocks cannot answer: not fresh, a period before their first day, or a unit's page
    (they hold units, but the filter that narrows them knows no single unit)."""
    if f.unit_id is not None or level not in (None, "region", "unit"):
        return None
    flt = OS.Filter(scope, (f.probation_type,) if f.probation_type else (),
                    (f.legal_category,) if f.legal_category else (), f.region)
    periods = [Period(f.start, f.end), Period(*f.previous_year())]
    found = OS.totals(conn, flt, OS.people_days(periods), ["new_offences"], by=level)
    if found is None:
        return None
    # From the records, not through period_counts' long frame and a pivot: for 20 regions
    # the frame operations took longer (~1.5 ms) than the statement.
    counted = OS.between_records(found, ["new_offences"], periods, ["new_offences"])
    names = ["repeat_offences", "repeat_offences_year_before"]
    keys = sorted({k for _, k in counted}) if level is not None else [None]
    rows = [[counted.get((i, k), (0,))[0] for i in range(2)] for k in keys]
    if level is None:
        return pd.DataFrame(rows, columns=names)
    return pd.DataFrame(rows, index=pd.Index(keys, name="key"), columns=names)


def _combined(parts: list[pd.DataFrame], level: str | None) -> pd.DataFrame:
    if level is None:
        row = {name: int(part.iloc[0, i]) if len(part) and pd.notna(part.iloc[0, i]) else 0
               for part in parts for i, name in enumerate(part.columns)}
        return pd.DataFrame([row], columns=list(COLUMNS))
    # Merged in Python, one frame of columns at the end: pandas' outer concat, fillna,
    # cast and reindex took 310 µs for six parts of 20 regions, this 180.
    slot = {name: i for i, name in enumerate(COLUMNS)}
    table: dict = {}
    for part in parts:
        at = [slot[name] for name in part.columns]
        for key, values in zip(part.index.tolist(), part.to_numpy().tolist(), strict=True):
            row = table.setdefault(key, [0] * len(COLUMNS))
            for i, value in zip(at, values, strict=True):
                if value == value:  # NaN (nothing counted) stays 0
                    row[i] = int(value)
    keys = sorted(table)
    columns = list(zip(*(table[k] for k in keys), strict=True)) if keys else [()] * len(COLUMNS)
    # The keys' type from the keys themselves, as with a frame of no rows (object).
    return pd.DataFrame({name: np.array(column, dtype=np.int64)
                         for name, column in zip(COLUMNS, columns, strict=True)},
                        index=pd.Index(keys, name="key"))


def _sum_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _only_counted(frame: pd.DataFrame, level: str | None) -> pd.DataFrame:
    """A grouped count names only the places it counted something for (the separate
    statements this replaces did so too: a place with nothing is left out)."""
    if level is None:
        return frame
    return frame[(frame.fillna(0) != 0).any(axis=1)]


def _direct_case_counts(conn: Connection, f: Filters, level: str | None, base,
                        where) -> pd.DataFrame:
    """On the register on f.as_of, registered, closed and completed in the period: one
    pass over the cases the filters select."""
    closed = _between(cases.c.closed_on, f.start, f.end)
    frame = _counts(conn, level, base, where,
                    on_register=_sum_if(on_register_on(f.as_of)),
                    registered=_sum_if(_between(cases.c.registered_on, f.start, f.end)),
                    closed=_sum_if(closed),
                    completed=_sum_if(and_(closed, cases.c.close_reason == "completed")))
    return _only_counted(frame, level)


def _direct_offences(conn: Connection, f: Filters, level: str | None, base,
                     where) -> pd.DataFrame:
    """New offences in the period and in the same period a year before."""
    period, before = (_between(violations.c.occurred_on, f.start, f.end),
                      _between(violations.c.occurred_on, *f.previous_year()))
    frame = _counts(conn, level, base.join(violations, violations.c.case_id == cases.c.id),
                    and_(where, violations.c.kind == "new_offence", or_(period, before)),
                    repeat_offences=_sum_if(period), repeat_offences_year_before=_sum_if(before))
    return _only_counted(frame, level)


def _stock_or_count(conn: Connection, scope: Scope, f: Filters, level: str | None, base,
                    where) -> list[pd.DataFrame]:
    """Cases on the register and overdue milestones on the as-of day: looked up in the
    month-end stocks (queries/stocks.py) on the nearest stock day, plus the change from
    it to the as-of day (queries/stock_delta.py); counted directly when the stocks do not
    answer (stale, an officer, a day far outside the data)."""
    e = stock_delta.base_day(conn, f, level, scope)
    if e is not None:
        narrowing = stocks.narrowing_of(f)
        keys = [] if level is None else [_key(level).label("key")]
        found = []
        for table, measure, change in ((stocks.case_stock, "on_register",
                                        stock_delta.on_register),
                                       (stocks.milestone_stock, "overdue", stock_delta.overdue)):
            frame = stocks.sums(conn, table, scope, [e], level, (measure,), **narrowing)
            if e != f.as_of:
                frame = stock_delta.add(frame, change(conn, where, e, f.as_of, keys),
                                        [k.key for k in keys], measure)
            found.append(frame)
        return found if level is None else [frame.set_index("key") for frame in found]
    count = func.count()
    return [
        _counts(conn, level, base, and_(where, on_register_on(f.as_of)), on_register=count),
        _counts(conn, level, base.join(milestones, milestones.c.case_id == cases.c.id),
                and_(where, on_register_on(f.as_of), milestone_overdue_on(f.as_of)),
                overdue=count),
    ]


def _period_events(conn: Connection, scope: Scope, f: Filters, level: str | None, base,
                   where, use_rollup: bool = True) -> list[pd.DataFrame]:
    """Cases registered, closed and completed in the period. The calendar months wholly
    inside it come from the monthly rollup (it knows no officers); the days at either
    edge, or the whole period when it holds no whole month, are counted from the cases."""
    months = (rollups.whole_months(f.start, f.end)
              if use_rollup and level != "officer" and rollups.usable(scope, f) else None)
    if months is None:
        edges = [(f.start, f.end)]
    else:
        edges = [(first, last) for first, last in
                 ((f.start, months[0] - timedelta(days=1)),
                  (rollups.month_after(months[1]), f.end)) if first <= last]

    def within(column):
        return or_(*(_between(column, first, last) for first, last in edges))

    completed = func.sum(case((cases.c.close_reason == "completed", 1), else_=0))
    counted = [_counts(conn, level, base, and_(where, within(cases.c.registered_on)),
                       registered=func.count()) if edges else None,
               _counts(conn, level, base, and_(where, within(cases.c.closed_on)),
                       closed=func.count(), completed=completed) if edges else None]
    if months is None:
        return counted
    rolled = rollups.period_events(conn, scope, f, _key(level), months)
    parts = [rolled[["registered"]], rolled[["closed", "completed"]]]
    if not edges:
        return parts
    if level is None:
        return [(part + edge.fillna(0).to_numpy()) for part, edge in zip(parts, counted,
                                                                        strict=True)]
    return [part.add(edge, fill_value=0) for part, edge in zip(parts, counted, strict=True)]


def _filled_posts(conn: Connection, scope: Scope, f: Filters, level: str | None):
    """Staff are not of a probation type or category: only place filters apply."""
    key = {None: None, "region": units.c.region_code, "unit": units.c.id,
           "officer": officers.c.id}[level]
    where = and_(place_where(scope, f), officer_in_post_on(f.as_of))
    if f.officer_id is not None:
        where = and_(where, officers.c.id == f.officer_id)
    query = select(*([key.label("key")] if key is not None else []),
                   func.count(func.distinct(officers.c.post_id)).label("filled_posts"))
    query = query.select_from(officers.join(units, officers.c.unit_id == units.c.id)).where(where)
    if key is not None:
        query = query.group_by(key)
    return _keyed(conn.execute(query).all(), key is not None, ["filled_posts"])


def headline(conn: Connection, scope: Scope, f: Filters) -> Headline:
    """The KPIs of everything the filters select within the scope."""
    row = by_place(conn, scope, f, None).iloc[0]
    return Headline(**{name: int(row[name]) for name in COLUMNS})


def headline_of(places: pd.DataFrame) -> Headline:
    """The KPIs of a whole place from its table of regions or units (drill.regions_table,
    drill.units_table): every KPI is a count over a partition of the cases or posts, so
    the place's figure is the sum of its parts, and no second round of queries is needed.
    (Not for officers: cases without an officer would be missed.)"""
    return Headline(**{name: int(places[name].sum()) if len(places) else 0 for name in COLUMNS})
