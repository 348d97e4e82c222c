"""The headline figures (KPIs) of a place: the whole scope, a region, a unit or an officer;
either as one set (`headline`) or one row per region, unit or officer (`by_place`); and
beside a place's, the same figures of the wider places it sits in (`beside`: totals only).

An officer's figures (level "officer", or the filters' officer) follow the assignment
history (queries/common.py): a case on the register or a milestone overdue on the as-of
day counts for the officer who held the case that day; a registration for the one who
held it on its first day, a closure for the one who held it on its last day on the
register, a new offence for the one who held it on the day it was committed. A case
nobody held on that day counts for no officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.schema import cases, milestones, officers, units, violations
from dashboard.scope import NotPermitted, Scope
from queries import milestones as M
from queries import places
from queries.common import (
    OFFICER,
    cases_where,
    cases_with_units,
    held_before,
    held_on,
    milestone_overdue_on,
    place_where,
    with_officer,
)
from queries.national import officer_in_post_on, on_register_on
from queries.readmodel import measure

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


def key_of(level: str | None):
    """The column a count is grouped by at `level` (None: not grouped)."""
    return {None: None, "region": units.c.region_code, "unit": units.c.id,
            "officer": OFFICER}[level]


def _by_officer(f: Filters, level: str | None) -> bool:
    return level == "officer" or f.officer_id is not None


def _held(source, f: Filters, level: str | None, on):
    """`source` with the officer `on` picks (common.held_on, held_before) when the count
    is per officer or narrowed to one; else `source` itself."""
    return with_officer(source, on, f.officer_id) if _by_officer(f, level) else source


def _unnarrowed(scope: Scope, f: Filters):
    """cases_where without the officer, for counts that pick the officer by the event's
    own day (`_held`), not by the as-of day."""
    return cases_where(scope, f.within(officer_id=None))


def _counts(conn: Connection, level: str | None, base, where, **measures) -> pd.DataFrame:
    key = key_of(level)
    columns = [m.label(name) for name, m in measures.items()]
    query = select(*([key.label("key")] if key is not None else []), *columns)
    query = query.select_from(base).where(where)
    if key is not None:
        query = query.group_by(key)
    return _keyed(conn.execute(query).all(), key is not None, list(measures))


def _keyed(rows, keyed: bool, names: list[str]) -> pd.DataFrame:
    """Rows (key first when `keyed`) as a frame indexed by `key`."""
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
    parts = [on_register(conn, scope, f, level), registered_and_closed(conn, scope, f, level),
             overdue(conn, scope, f, level), repeat_offences(conn, scope, f, level),
             _filled_posts(conn, scope, f, level)]
    return _combined(parts, level)


def _combined(parts: list[pd.DataFrame], level: str | None) -> pd.DataFrame:
    if level is None:
        row = {name: int(part.iloc[0, i]) if len(part) and pd.notna(part.iloc[0, i]) else 0
               for part in parts for i, name in enumerate(part.columns)}
        return pd.DataFrame([row], columns=list(COLUMNS))
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
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def only_counted(frame: pd.DataFrame, level: str | None) -> pd.DataFrame:
    """A grouped count names only the places it counted something for."""
    if level is None:
        return frame
    return frame[(frame.fillna(0) != 0).any(axis=1)]


@measure
def on_register(conn: Connection, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame:
    """Cases on the register on f.as_of (column on_register), per place of `level`."""
    return _counts(conn, level, _held(cases_with_units(), f, level, held_on(f.as_of)),
                   and_(cases_where(scope, f), on_register_on(f.as_of)),
                   on_register=func.count())


@measure
def registered_and_closed(conn: Connection, scope: Scope, f: Filters,
                          level: str | None) -> pd.DataFrame:
    """Cases registered, closed and closed as completed in the period (columns registered,
    closed, completed), per place of `level`: one pass over the cases. Per officer, two:
    a registration counts for the officer on its day, a closure for the one on the case's
    last day on the register."""
    closed = _between(cases.c.closed_on, f.start, f.end)
    registered = _between(cases.c.registered_on, f.start, f.end)
    completed = _sum_if(cases.c.close_reason == "completed")
    if not _by_officer(f, level):
        frame = _counts(conn, level, cases_with_units(),
                        and_(cases_where(scope, f), or_(registered, closed)),
                        registered=_sum_if(registered), closed=_sum_if(closed),
                        completed=_sum_if(and_(closed, cases.c.close_reason == "completed")))
        return only_counted(frame, level)
    where = _unnarrowed(scope, f)
    entered = _counts(conn, level, _held(cases_with_units(), f, level,
                                         held_on(cases.c.registered_on)),
                      and_(where, registered), registered=func.count())
    left = _counts(conn, level, _held(cases_with_units(), f, level,
                                      held_before(cases.c.closed_on)),
                   and_(where, closed), closed=func.count(), completed=completed)
    if level is None:
        return pd.concat([entered, left], axis=1)
    frame = entered.join(left, how="outer").fillna(0).astype(np.int64)
    frame.index.name = "key"
    return only_counted(frame, level)


@measure
def overdue(conn: Connection, scope: Scope, f: Filters, level: str | None) -> pd.DataFrame:
    """Milestones overdue on f.as_of of cases on the register then (column overdue), per
    place of `level` (queries.national.overdue_on)."""
    source = _held(cases_with_units(), f, level, held_on(f.as_of))
    return _counts(conn, level, source.join(milestones, milestones.c.case_id == cases.c.id),
                   and_(cases_where(scope, f), on_register_on(f.as_of),
                        milestone_overdue_on(f.as_of)), overdue=func.count())


@measure
def repeat_offences(conn: Connection, scope: Scope, f: Filters,
                    level: str | None) -> pd.DataFrame:
    """New offences in the period and in the same period a year before (columns
    repeat_offences, repeat_offences_year_before), per place of `level`; per officer, the
    officer who held the case on the day of the offence."""
    period, before = (_between(violations.c.occurred_on, f.start, f.end),
                      _between(violations.c.occurred_on, *f.previous_year()))
    source = cases_with_units().join(violations, violations.c.case_id == cases.c.id)
    frame = _counts(conn, level, _held(source, f, level, held_on(violations.c.occurred_on)),
                    and_(_unnarrowed(scope, f), violations.c.kind == "new_offence",
                         or_(period, before)),
                    repeat_offences=_sum_if(period), repeat_offences_year_before=_sum_if(before))
    return only_counted(frame, level)


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


# --- beside the benchmark: the wider places' figures -------------------------------------

@dataclass(frozen=True)
class Due:
    """Milestones due on the as-of day and, of those, overdue: the milestones page's
    counts (queries.milestones.due_and_overdue), so its overdue share here."""

    due: int
    overdue: int

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.due if self.due else None


@cached("kpis.milestones_due")
def milestones_due(conn: Connection, scope: Scope, f: Filters) -> Due:
    """Milestones due and overdue on f.as_of of everything the filters select within the
    scope (the place, type, category and officer of `f`)."""
    where = M.Where(region=f.region, unit_id=f.unit_id, officer_id=f.officer_id,
                    probation_type=f.probation_type, legal_category=f.legal_category)
    frame = M.due_and_overdue(conn, scope, f.as_of, "region", where)
    return Due(int(frame["due"].sum()), int(frame["overdue"].sum()))


@dataclass(frozen=True)
class Wider:
    """A wider place's figures (the nation, a region, a unit): aggregates, no rows."""

    level: str
    """"nation", "region" or "unit"."""
    headline: Headline
    due: Due


@dataclass(frozen=True)
class Beside:
    """What a place's KPI cards show beside its own figures: its overdue share and the
    same figures of the wider places it sits in, nearest first."""

    due: Due
    """The place's own milestones due and overdue."""
    wider: tuple[Wider, ...] = ()


WIDER = {"nation": (), "region": ("nation",), "unit": ("region", "nation"),
         "officer": ("unit", "region")}
"""The wider places beside each level: a region beside the nation; a unit beside its
region and the nation; an officer beside the unit and the region."""


def _checked(conn: Connection, scope: Scope, level: str, place: places.Place | None):
    """The place, looked up again by its id within the scope (NotPermitted outside it):
    the wider places are those of the place the database says, not of what was passed."""
    if level == "nation":
        if scope.role != "ministry":
            raise NotPermitted
        return None
    if level == "region":
        return places.region(conn, scope, place.region_code)
    if level == "unit":
        return places.unit(conn, scope, place.unit_id)
    if level == "officer":
        return places.officer(conn, scope, place.officer_id)
    raise ValueError(f"unknown level {level!r}")


def _partition(conn: Connection, level: str, place: places.Place, f: Filters):
    """The places that partition the wider places of a `level` page, with their figures:
    the nation's regions (for a region or a unit in view), counted as the ministry counts
    them, or the region's units (for an officer), counted as the region's head does. Both
    wider places of a page are sums over one partition, so one round of queries serves
    them. Returns (rows of by_place, rows of due_and_overdue, the keys of the place's own
    region or unit in them)."""
    whole = f.within(region=None, unit_id=None, officer_id=None)
    if level == "officer":
        scope, by, own = (Scope("region_head", region_code=place.region_code), "unit",
                          place.unit_id)
    else:
        scope, by, own = Scope.nation(), "region", place.region_code
    where = M.Where(probation_type=f.probation_type, legal_category=f.legal_category)
    return (by_place(conn, scope, whole, by),
            M.due_and_overdue(conn, scope, f.as_of, by, where), own)


def _wider(level: str, rows: pd.DataFrame, due: pd.DataFrame, keys=None) -> Wider:
    """A wider place's totals from the partition's rows (`keys`: its own rows; None: all)."""
    if keys is not None:
        rows = rows[rows.index.isin(keys)]
        due = due[due.key.isin(keys)]
    return Wider(level, headline_of(rows),
                 Due(int(due["due"].sum()), int(due["overdue"].sum())))


def beside(conn: Connection, scope: Scope, f: Filters, level: str,
           place: places.Place | None) -> Beside:
    """The place in view (`level`: nation, region, unit or officer; `place` as looked up
    within the scope; `f` narrowed to it) with its overdue share, and the totals of the
    wider places it sits in (WIDER). A place outside the scope raises NotPermitted: the
    only figures taken from outside the scope are these totals of the places around one
    the user may see, never a row of another place."""
    checked = _checked(conn, scope, level, place)
    own = milestones_due(conn, scope, f)
    if not WIDER[level]:
        return Beside(own)
    rows, due, key = _partition(conn, level, checked, f)
    # The widest place is the whole partition; the nearer one, the place's own row of it.
    levels = WIDER[level]
    return Beside(own, tuple(_wider(name, rows, due, None if name == levels[-1] else [key])
                             for name in levels))
