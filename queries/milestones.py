"""Program milestones: what is overdue on a day, where, for how long, and who must act.

Definitions, used by every function here (see `queries.national.overdue_on`):
- due on day d ("required"): milestones of cases on the register on d whose due day is
  before d. The due day itself is still on time.
- overdue on d: of those, not completed by d (no completion, or completed after d).
  A milestone completed late is overdue on the days between its due day and completion.
- days overdue on d: d - due_on (1 on the day after the due day).
- responsible officer on d: the officer the case was assigned to on d (case_assignments),
  so a past as-of day names who had to act then, not who holds the case today; the one
  rule of every page (queries/common.py). A court hearing's officer is the one who held
  the case the day before it, the last day a report could be handed in.
- timeliness: (1 - overdue / due) x 100 (design.md).

Every function takes the user's Scope and keeps only units inside it. The one number taken
from outside the scope is the national benchmark of `timeliness` (a rate and a spread, no
rows), which is what "far above the national rate" is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, exists, func, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from dashboard import rules as R
from dashboard.cache import cached
from dashboard.i18n import name_column
from dashboard.schema import case_assignments, cases, milestones, officers, regions, units
from dashboard.scope import Scope
from queries.common import OFFICER, held_before, held_on, with_officer
from queries.national import late_or_open, on_register_between, on_register_on, overdue_on
from queries.readmodel import measure

LEVELS = ("region", "unit", "officer")
BREAKDOWNS = ("kind", "probation_type")

AGING_BUCKETS = (("1_7", 1, 7), ("8_30", 8, 30), ("31_90", 31, 90), ("over_90", 91, None))
"""Days overdue: (bucket name, first day, last day or None for open-ended)."""

DUE_SOON_DAYS = 14
"""`due_soon` counts milestones due on the as-of day or in the 14 days after it."""

MIN_CASELOAD = 10
"""Units and officers with fewer cases on the register are not flagged (Recidiviz: an
officer with an average caseload under 10 is left out; one late item moves the rate too
much to mean anything)."""

TIMELINESS_BANDS = ((95.0, "good"), (85.0, "watch"), (0.0, "poor"))
"""Timeliness % at or above the first bound: that band (checked in order)."""

WORKLIST_SORTS = ("case_id", "officer", "unit", "kind", "probation_type", "due_on",
                  "days_overdue")


@dataclass(frozen=True)
class Where:
    """The page's narrowing inside the user's scope. None: no narrowing."""

    region: str | None = None
    unit_id: int | None = None
    officer_id: int | None = None
    probation_type: str | None = None
    legal_category: str | None = None


EVERYWHERE = Where()


def place_condition(scope: Scope, where: Where, rows=None) -> ColumnElement[bool]:
    """Units in scope and in `where` (region, unit, type, category): the milestones page's
    place, shared with the needs-attention list. `rows`: a table with the case's unit_id,
    probation_type and legal_category (a read model's), joined to units, in place of cases."""
    facts = cases if rows is None else rows
    conditions = [scope.units_where(units)]
    if where.region is not None:
        conditions.append(units.c.region_code == where.region)
    if where.unit_id is not None:
        conditions.append((units.c.id if rows is None else rows.c.unit_id) == where.unit_id)
    if where.probation_type is not None:
        conditions.append(facts.c.probation_type == where.probation_type)
    if where.legal_category is not None:
        conditions.append(facts.c.legal_category == where.legal_category)
    return and_(*conditions)


class _LateMilestonesFirst(Join):
    """Milestones joined to their cases, read on SQLite from the index of late or open
    milestones (ix_milestones_late, where every overdue item is) and then each case by its
    key: `milestones INDEXED BY ix_milestones_late CROSS JOIN (...) ON ...`. SQLite
    otherwise walks every case registered by the day first (`make bench` on the SQLite
    demo: the worklist took 0.7 s). A plain JOIN on other backends."""

    inherit_cache = True


@compiles(_LateMilestonesFirst, "sqlite")
def _late_milestones_first(element, compiler, **kw) -> str:
    kw["asfrom"] = True
    return (f"{element.left._compiler_dispatch(compiler, **kw)} INDEXED BY ix_milestones_late"
            f" CROSS JOIN {element.right._compiler_dispatch(compiler, **kw)}"
            f" ON {element.onclause._compiler_dispatch(compiler, **kw)}")


def milestone_source(day: date, officer: bool, with_milestones: bool = True,
                     overdue_only: bool = False):
    """Milestones (or cases) with their unit and, if asked, the officer responsible on
    `day`. Outer join: a case nobody held that day still counts for its unit.
    `overdue_only`: the query keeps overdue items only (read from the milestones side)."""
    source = cases.join(units, cases.c.unit_id == units.c.id)
    if with_milestones:
        join = _LateMilestonesFirst if overdue_only else Join
        source = join(milestones, source, milestones.c.case_id == cases.c.id)
    if officer:
        source = with_officer(source, held_on(day), outer=True)
    return source


def _needs_officer(where: Where, level: str | None = None) -> bool:
    return level == "officer" or where.officer_id is not None


def _officer_where(where: Where) -> ColumnElement[bool]:
    if where.officer_id is None:
        return true()
    return case_assignments.c.officer_id == where.officer_id


def count_if(condition) -> ColumnElement:
    """The rows where `condition` holds, 0 when none."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- overdue by place, timeliness and flags ---------------------------------------------

def _level_key(level: str):
    return {"region": units.c.region_code, "unit": units.c.id,
            "officer": case_assignments.c.officer_id}[level]


@measure
def due_and_overdue(conn: Connection, scope: Scope, as_of: date, level: str,
                    where: Where = EVERYWHERE) -> pd.DataFrame:
    """Per region, unit or officer (key; officer None: cases nobody held that day) on
    `as_of`: milestones due, overdue, and the caseload (cases on the register). Columns
    key, due, overdue, caseload."""
    officer = _needs_officer(where, level)
    key = _level_key(level).label("key")
    place = place_condition(scope, where)
    due = pd.DataFrame(conn.execute(
        select(key, func.count().label("due"),
               count_if(overdue_on(as_of)).label("overdue"))
        .select_from(milestone_source(as_of, officer))
        .where(place, _officer_where(where), on_register_on(as_of),
               milestones.c.due_on < as_of)
        .group_by(key)).all(), columns=["key", "due", "overdue"])
    load = pd.DataFrame(conn.execute(
        select(key, func.count().label("caseload"))
        .select_from(milestone_source(as_of, officer, with_milestones=False))
        .where(place, _officer_where(where), on_register_on(as_of))
        .group_by(key)).all(), columns=["key", "caseload"])
    return merged_counts(due, load)


def merged_counts(due: pd.DataFrame, load: pd.DataFrame) -> pd.DataFrame:
    """(key, due, overdue) and (key, caseload) as one frame, zeros where one has no row."""
    frame = pd.merge(due, load, on="key", how="outer")
    for column in ("due", "overdue", "caseload"):
        frame[column] = frame[column].fillna(0).astype(int)
    return frame


def _names(conn: Connection, level: str, keys, lang: str) -> pd.DataFrame:
    """key, name, parent: the place's name in `lang` and the one it sits in."""
    col = name_column(lang)
    keys = [k for k in keys if k is not None and not pd.isna(k)]
    if level == "region":
        q = select(regions.c.code, regions.c[col], literal(None)).where(regions.c.code.in_(keys))
    elif level == "unit":
        q = (select(units.c.id, units.c[col], regions.c[col])
             .join_from(units, regions, units.c.region_code == regions.c.code)
             .where(units.c.id.in_([int(k) for k in keys])))
    else:
        q = (select(officers.c.id, officers.c.code, units.c[col])
             .join_from(officers, units, officers.c.unit_id == units.c.id)
             .where(officers.c.id.in_([int(k) for k in keys])))
    return pd.DataFrame(conn.execute(q).all(), columns=["key", "name", "parent"])


def timeliness_band(pct: float | None) -> str | None:
    if pct is None or pd.isna(pct):
        return None
    return next(name for bound, name in TIMELINESS_BANDS if pct >= bound)


@dataclass(frozen=True)
class Benchmark:
    """The national overdue rate and the spread of peers' rates at one level."""

    rate: float | None
    """Overdue / due over the whole country (the target)."""
    q1: float | None
    q3: float | None
    peers: int
    """Places with at least `min_caseload` cases that the quartiles are taken over."""

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None else self.q3 - self.q1

    def flag(self, rate: float | None, caseload: int, min_caseload: int) -> str | None:
        """Recidiviz: "met" at or below the national rate, "near" within one IQR above it,
        "far" beyond. None when the caseload is too small to judge or nothing is due."""
        if rate is None or pd.isna(rate) or caseload < min_caseload or self.rate is None:
            return None
        if rate <= self.rate:
            return "met"
        if self.iqr is None or rate <= self.rate + self.iqr:
            return "near"
        return "far"


def _benchmark(frame: pd.DataFrame, min_caseload: int) -> Benchmark:
    due = int(frame["due"].sum())
    rate = float(frame["overdue"].sum()) / due if due else None
    peers = frame[(frame["caseload"] >= min_caseload) & (frame["due"] > 0)
                  & frame["key"].notna()]
    if peers.empty:
        return Benchmark(rate, None, None, 0)
    rates = (peers["overdue"] / peers["due"]).to_numpy(dtype=float)
    # Linear interpolation between order statistics (numpy's default, pandas' too).
    q1, q3 = np.percentile(rates, [25, 75])
    return Benchmark(rate, float(q1), float(q3), len(peers))


@cached("milestones.national_benchmark")
def national_benchmark(conn: Connection, scope: Scope, as_of: date, level: str, where: Where,
                       min_caseload: int) -> Benchmark:
    """The national Benchmark at `level`: the same for every user, so it is asked (and
    cached) with the nation's scope, whoever looks; it names no place."""
    return _benchmark(due_and_overdue(conn, Scope.nation(), as_of, level, where),
                      min_caseload)


@cached("milestones.timeliness")
def timeliness(conn: Connection, scope: Scope, as_of: date, level: str,
               where: Where = EVERYWHERE, *, lang: str = "kk",
               min_caseload: int = MIN_CASELOAD) -> tuple[pd.DataFrame, Benchmark]:
    """Per region, unit or officer in scope on `as_of`: caseload, milestones due, overdue,
    overdue rate, timeliness % and its band, and the outlier flag against the national
    benchmark of the same level and probation type.

    Columns: key, name, parent, caseload, due, overdue, overdue_rate, timeliness, band,
    flag. Sorted worst first (highest overdue rate). Officer key None: cases nobody was
    assigned to that day."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    frame = due_and_overdue(conn, scope, as_of, level, where)
    national_where = Where(probation_type=where.probation_type,
                           legal_category=where.legal_category)
    benchmark = (_benchmark(frame, min_caseload)
                 if scope.role == "ministry" and where == national_where
                 else national_benchmark(conn, Scope.nation(), as_of, level, national_where,
                                         min_caseload))
    frame = frame.merge(_names(conn, level, frame["key"].tolist(), lang), on="key", how="left")
    frame["overdue_rate"] = np.where(frame["due"] > 0,
                                     frame["overdue"] / frame["due"].where(frame["due"] > 0),
                                     np.nan)
    frame["timeliness"] = (1 - frame["overdue_rate"]) * 100
    # object dtype: keep None (no band, no flag) as None rather than NaN.
    frame["band"] = pd.Series([timeliness_band(p) for p in frame["timeliness"]],
                              index=frame.index, dtype=object)
    frame["flag"] = pd.Series([benchmark.flag(r, c, min_caseload) for r, c in
                               zip(frame["overdue_rate"], frame["caseload"], strict=True)],
                              index=frame.index, dtype=object)
    frame = frame.sort_values(["overdue_rate", "overdue", "key"],
                              ascending=[False, False, True], na_position="last",
                              ignore_index=True)
    return frame[["key", "name", "parent", "caseload", "due", "overdue", "overdue_rate",
                  "timeliness", "band", "flag"]], benchmark


# --- breakdowns -------------------------------------------------------------------------

@cached("milestones.overdue_breakdown")
@measure
def overdue_breakdown(conn: Connection, scope: Scope, as_of: date, by: str,
                      where: Where = EVERYWHERE) -> pd.DataFrame:
    """Milestones due and overdue on `as_of` per milestone kind or probation type.

    Columns: key, due, overdue. Kinds or types with nothing due are left out."""
    column = {"kind": milestones.c.kind, "probation_type": cases.c.probation_type}[by]
    key = column.label("key")
    q = (select(key, func.count().label("due"), count_if(overdue_on(as_of)).label("overdue"))
         .select_from(milestone_source(as_of, _needs_officer(where)))
         .where(place_condition(scope, where), _officer_where(where), on_register_on(as_of),
                milestones.c.due_on < as_of)
         .group_by(key).order_by(key))
    return pd.DataFrame(conn.execute(q).all(), columns=["key", "due", "overdue"])


@cached("milestones.aging")
@measure
def aging(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE
          ) -> pd.DataFrame:
    """Milestones overdue on `as_of` by how long: 1-7, 8-30, 31-90 and over 90 days.

    Columns: bucket, overdue; every bucket present, in order."""
    whens = []
    for name, _first, last in AGING_BUCKETS:
        if last is None:
            break
        # d - due_on <= last  <=>  due_on >= d - last: compare dates, portable to SQLite.
        whens.append((milestones.c.due_on >= as_of - timedelta(days=last), name))
    bucket = case(*whens, else_=AGING_BUCKETS[-1][0]).label("bucket")
    q = (select(bucket, func.count().label("overdue"))
         .select_from(milestone_source(as_of, _needs_officer(where)))
         .where(place_condition(scope, where), _officer_where(where), on_register_on(as_of),
                overdue_on(as_of))
         .group_by(bucket))
    counts = dict(conn.execute(q).all())
    return pd.DataFrame({"bucket": [b[0] for b in AGING_BUCKETS],
                         "overdue": [int(counts.get(b[0], 0)) for b in AGING_BUCKETS]})


def month_ends(as_of: date, months: int) -> list[date]:
    """The last `months` month ends on or before `as_of`, then `as_of` itself if it is
    not a month end (so the series ends at the figure shown as "now")."""
    days = []
    cursor = as_of.replace(day=1) - timedelta(days=1)
    if (as_of + timedelta(days=1)).day == 1:
        cursor = as_of
    while len(days) < months:
        days.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    days.reverse()
    if days[-1] != as_of:
        days.append(as_of)
    return days


@cached("milestones.overdue_at_month_ends")
@measure
def overdue_at_month_ends(conn: Connection, scope: Scope, as_of: date, months: int = 12,
                          where: Where = EVERYWHERE) -> pd.DataFrame:
    """The overdue count as it stood at each month end (see `month_ends`), counted as of
    that day: milestones completed late since then still count on the days they were late.

    One pass over the milestones late at some point in the window, one conditional count
    per day. With an officer: the cases that officer held on each day.
    Columns: day, overdue."""
    days = month_ends(as_of, months)
    first, last = days[0], days[-1]

    def held(day: date):
        if where.officer_id is None:
            return true()
        return exists().where(held_on(day), OFFICER == where.officer_id)

    counts = [count_if(and_(overdue_on(day), on_register_on(day), held(day))).label(f"d{i}")
              for i, day in enumerate(days)]
    window_held = true() if where.officer_id is None else exists().where(
        case_assignments.c.case_id == cases.c.id,
        case_assignments.c.officer_id == where.officer_id,
        case_assignments.c.assigned_on <= last,
        or_(case_assignments.c.unassigned_on.is_(None),
            case_assignments.c.unassigned_on > first))
    q = (select(*counts).select_from(milestone_source(last, officer=False))
         .where(place_condition(scope, where), window_held, late_or_open(),
                milestones.c.due_on < last,
                or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > first),
                on_register_between(first, last)))
    row = conn.execute(q).one()
    return pd.DataFrame({"day": days, "overdue": [int(v or 0) for v in row]})


def due_soon_on(day: date, days: int = DUE_SOON_DAYS) -> ColumnElement[bool]:
    """Milestones due from `day` to `days` days after it (both inclusive) and not
    completed by `day`: what falls due soon. Combine with `on_register_on(day)`."""
    return and_(milestones.c.due_on >= day, milestones.c.due_on <= day + timedelta(days=days),
                or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > day))


@cached("milestones.due_soon")
@measure
def due_soon(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
             days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """Open milestones due from `as_of` to `days` days after it (both inclusive), per kind,
    of cases on the register on `as_of`. Columns: kind, due."""
    q = (select(milestones.c.kind, func.count())
         .select_from(milestone_source(as_of, _needs_officer(where)))
         .where(place_condition(scope, where), _officer_where(where), on_register_on(as_of),
                due_soon_on(as_of, days))
         .group_by(milestones.c.kind).order_by(milestones.c.kind))
    return pd.DataFrame(conn.execute(q).all(), columns=["kind", "due"])


# --- the two new probation types ------------------------------------------------------

@dataclass(frozen=True)
class NewTypeGaps:
    """Named counts for pre-trial and penitentiary probation."""

    hearings: int
    """Court hearings in the period of pre-trial cases on the register up to the hearing."""
    reports_not_before_hearing: int
    """Of those, hearings with no pre-trial report handed in before the hearing day."""
    releasing_within_year: int
    """Prisoners on the register on the as-of day released within the next 12 months."""
    without_release_program: int
    """Of those, prisoners with no release-preparation program drafted by the as-of day."""
    without_release_program_overdue: int
    """Of those, prisoners whose program is past its due day (the rest are still in time)."""


@measure
def hearings(conn: Connection, scope: Scope, start: date, last: date,
             where: Where = EVERYWHERE) -> tuple[int, int]:
    """Court hearings in [start, last] of pre-trial cases on the register up to the
    hearing, and of those the hearings with no pre-trial report handed in before the
    hearing day."""
    hearing = and_(cases.c.probation_type == "pre_trial",
                   cases.c.hearing_on >= start, cases.c.hearing_on <= last,
                   cases.c.registered_on <= cases.c.hearing_on,
                   # Closed on the hearing day is the normal end: on the register until then.
                   or_(cases.c.closed_on.is_(None), cases.c.closed_on >= cases.c.hearing_on))
    late_report = ~exists().where(milestones.c.case_id == cases.c.id,
                                  milestones.c.kind == "pre_trial_report",
                                  milestones.c.completed_on < cases.c.hearing_on)
    # The officer who held the case the day before the hearing, the last day the report
    # could be handed in on time (a pre-trial case closes on its hearing day, and its
    # assignment ends with it).
    held = (true() if where.officer_id is None
            else exists().where(held_before(cases.c.hearing_on), OFFICER == where.officer_id))
    counted = (select(func.count(), count_if(late_report))
               .select_from(milestone_source(last, officer=False, with_milestones=False))
               .where(place_condition(scope, where), held, hearing))
    total, late = conn.execute(counted).one()
    return int(total), int(late or 0)


@measure
def releasing(conn: Connection, scope: Scope, as_of: date, months: int,
              where: Where = EVERYWHERE) -> tuple[int, int, int]:
    """Prisoners on the register on `as_of` released within `months` months of it; of
    those, the ones with no release-preparation program drafted by `as_of`; and of those,
    the ones whose program is past its due day."""
    horizon = R.to_date(R.add_months(as_of, months))
    # Each prisoner's programs read once (an outer join, one index probe per case).
    program = and_(milestones.c.case_id == cases.c.id,
                   milestones.c.kind == "release_prep_program")
    per_case = (select(func.max(case((milestones.c.completed_on <= as_of, 1), else_=0))
                       .label("drafted"),
                       func.max(case((milestones.c.due_on < as_of, 1), else_=0))
                       .label("past_due"))
                .select_from(milestone_source(as_of, _needs_officer(where), with_milestones=False)
                             .outerjoin(milestones, program))
                .where(place_condition(scope, where), _officer_where(where), on_register_on(as_of),
                       cases.c.probation_type == "penitentiary",
                       cases.c.release_on > as_of, cases.c.release_on <= horizon)
                .group_by(cases.c.id).subquery("per_case"))
    counted = select(func.count(), count_if(per_case.c.drafted == 0),
                     count_if(and_(per_case.c.drafted == 0, per_case.c.past_due == 1)))
    total, without, overdue = conn.execute(counted).one()
    return int(total), int(without or 0), int(overdue or 0)


@cached("milestones.new_type_gaps")
def new_type_gaps(conn: Connection, scope: Scope, as_of: date, start: date, end: date,
                  where: Where = EVERYWHERE,
                  rules: R.DeadlineRules | None = None) -> NewTypeGaps:
    """Hearings in [start, end] (not after `as_of`) and prisoners releasing within
    `rules.release_prep_months_before_release` months of `as_of`."""
    rules = rules or R.DeadlineRules.from_env()
    last = min(end, as_of)
    heard = hearings(conn, scope, start, last, where) if start <= last else (0, 0)
    return NewTypeGaps(*heard, *releasing(conn, scope, as_of,
                                          rules.release_prep_months_before_release, where))


# --- the worklist -----------------------------------------------------------------------

@dataclass(frozen=True)
class WorklistQuery:
    """What the worklist grid asks for: its filters, sort and the block of rows."""

    kinds: tuple[str, ...] | None = None
    """Only these milestone kinds (an empty tuple: none)."""
    officer_code: str | None = None
    """Officers whose code contains this text (case-insensitive)."""
    case_id: int | None = None
    min_days: int | None = None
    max_days: int | None = None
    sort: tuple[tuple[str, bool], ...] = (("days_overdue", True),)
    """(column, descending) pairs, columns from WORKLIST_SORTS; unknown ones are ignored."""
    offset: int = 0
    limit: int | None = 100
    """None: every row (the export)."""


@dataclass(frozen=True)
class WorklistPage:
    rows: pd.DataFrame
    """WORKLIST_COLUMNS: one row per overdue milestone."""
    total: int
    """All rows matching the filters."""


WORKLIST_COLUMNS = ["milestone_id", "case_id", "officer_id", "officer", "unit_id", "unit",
                    "kind", "seq", "probation_type", "due_on", "days_overdue"]


@cached("milestones.worklist")
def worklist(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
             q: WorklistQuery = WorklistQuery(), *, lang: str = "kk") -> WorklistPage:
    """Milestones overdue on `as_of`, one row each, with the officer responsible that day:
    one block of rows in the order asked for, and how many rows there are in all."""
    unit_name = units.c[name_column(lang)]
    conditions = [place_condition(scope, where), _officer_where(where), on_register_on(as_of),
                  overdue_on(as_of)]
    if q.kinds == () or scope.role not in ("ministry", "region_head", "unit_head"):
        # Nothing can match: asked as a query, SQLite finds no plan that reads the index
        # _LateMilestonesFirst names.
        return WorklistPage(pd.DataFrame(columns=WORKLIST_COLUMNS), 0)
    if q.kinds is not None:
        conditions.append(milestones.c.kind.in_(q.kinds))
    if q.case_id is not None:
        conditions.append(cases.c.id == q.case_id)
    if q.min_days is not None:
        conditions.append(milestones.c.due_on <= as_of - timedelta(days=q.min_days))
    if q.max_days is not None:
        conditions.append(milestones.c.due_on >= as_of - timedelta(days=q.max_days))
    source = milestone_source(as_of, officer=True, overdue_only=True).outerjoin(
        officers, officers.c.id == case_assignments.c.officer_id)
    if q.officer_code:
        pattern = "%" + q.officer_code.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        conditions.append(func.lower(officers.c.code).like(pattern.lower(), escape="\\"))
    overdue = (select(milestones.c.id.label("milestone_id"), cases.c.id.label("case_id"),
                      case_assignments.c.officer_id, officers.c.code.label("officer"),
                      units.c.id.label("unit_id"), unit_name.label("unit"), milestones.c.kind,
                      milestones.c.seq, cases.c.probation_type, milestones.c.due_on)
               .select_from(source).where(*conditions)
               # Materialized: planned without the LIMIT, PostgreSQL walks the due-day
               # index hoping to meet 100 rows early, and reads most of the table (the
               # overdue items of open cases are few and recent).
               .cte("overdue").prefix_with("MATERIALIZED"))
    order = []
    for column, descending in q.sort:
        if column == "days_overdue":
            # More days overdue = earlier due day.
            column, descending = "due_on", not descending
        if column in WORKLIST_SORTS:
            order.append(overdue.c[column].desc() if descending else overdue.c[column].asc())
    order.append(overdue.c.milestone_id.asc())  # stable: blocks neither skip nor repeat rows
    page = (select(*overdue.c, func.count().over().label("total"))
            .order_by(*order).offset(q.offset))
    if q.limit is not None:
        page = page.limit(q.limit)
    rows = pd.DataFrame(conn.execute(page).all(), columns=[*WORKLIST_COLUMNS[:-1], "total"])
    total = int(rows["total"].iloc[0]) if len(rows) else None
    rows = rows.drop(columns="total")
    rows["due_on"] = pd.to_datetime(rows["due_on"]).dt.date
    rows["days_overdue"] = [(as_of - d).days for d in rows["due_on"]]
    if total is None:
        # Past the last row (or none at all): count without fetching.
        total = int(conn.execute(select(func.count()).select_from(overdue)).scalar_one())
    return WorklistPage(rows, total)
