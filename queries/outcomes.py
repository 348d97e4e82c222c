"""Outcomes (issue 7): repeat offences, closures, escalation of violations, assistance and
its results, 12-month repeat offending by registration cohort, and the counts behind the
outlier rule. Counts only: rates, comparisons and statuses are in dashboard.metrics.

Every function takes the Scope and the page's narrowing (probation types, legal
categories, region) and aggregates in SQL; nothing loads case rows. Periods are lists of
inclusive `metrics.Period`s (the buckets of a trend, or one period), counted in one query.

Dates, as the register keeps them:
- an event (violation, new offence) belongs to the period holding `occurred_on`;
- a closure belongs to the period holding `closed_on` (the first day off the register);
- "on the register during a period": registered on or before its last day and not closed
  by its first day (queries.national.on_register_between).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.i18n import name_column
from dashboard.metrics import Benchmark, Period, benchmark_of
from dashboard.schema import (
    assistance,
    case_assignments,
    cases,
    officers,
    regions,
    units,
    violations,
)
from dashboard.scope import NotPermitted, Scope
from queries.common import OFFICER, assigned_on, held_before, held_on, with_officer
from queries.dates import days_between, earlier_of, later_of, one_year_after, periods_table
from queries.readmodel import measure

# The groupings a trend can be split by.
BY = {
    "region": units.c.region_code,
    "probation_type": cases.c.probation_type,
    "legal_category": cases.c.legal_category,
    "unit": units.c.id,
    # The officer who held the case (queries/common.py's rule), each measure on its own
    # day: see _held. None: nobody held it. Answered by the definitions only.
    "officer": OFFICER,
}
# Closures as leadership reads them; every other reason is "other".
CLOSURE_OUTCOMES = ("completed", "revoked", "other")
OUTLIER_EVENTS = ("repeat_offences", "revocations")
OUTLIER_LEVELS = ("unit", "officer")


@dataclass(frozen=True)
class Narrowing:
    """The page's filters on cases, beyond the period: any of them may be empty."""

    types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    region: str | None = None

    @classmethod
    def of(cls, types: Sequence[str] | None = None, categories: Sequence[str] | None = None,
           region: str | None = None) -> Narrowing:
        return cls(tuple(types or ()), tuple(categories or ()), region or None)


EVERYTHING = Narrowing()


def _where(scope: Scope, narrowing: Narrowing):
    """Cases in scope and in the narrowing (needs cases joined to units)."""
    return narrowed(scope, narrowing)


def narrowed(scope: Scope, narrowing: Narrowing, table=cases, unit=units):
    """Rows of `table` (with probation_type and legal_category) in scope and in the
    narrowing; `unit`: where the unit's id and region_code are (units joined)."""
    conditions = [scope.units_where(unit)]
    if narrowing.types:
        conditions.append(table.c.probation_type.in_(narrowing.types))
    if narrowing.categories:
        conditions.append(table.c.legal_category.in_(narrowing.categories))
    if narrowing.region:
        conditions.append(unit.c.region_code == narrowing.region)
    return and_(*conditions)


def _cases_units():
    return cases.join(units, cases.c.unit_id == units.c.id)


def _held(source, by: str | None, on):
    """`source` joined to the assignment `on` picks when split by officer (the cases nobody
    held then kept, under None); unchanged otherwise."""
    return with_officer(source, on, outer=True) if by == "officer" else source


def _by(by: str | None):
    if by is None:
        return []
    if by not in BY:
        raise ValueError(f"cannot split by {by!r}")
    return [BY[by].label("key")]


def _frame(conn: Connection, query, periods: Sequence[Period], value_columns: list[str],
           by: str | None) -> pd.DataFrame:
    """The result with each period's start and end in place of its index, zero-filled."""
    frame = pd.read_sql_query(query, conn)
    keys = ["idx"] + (["key"] if by else [])
    for column in value_columns:
        frame[column] = frame[column].fillna(0).astype(int)
    frame = frame[keys + value_columns]
    frame.insert(1, "period_start", [periods[i].start for i in frame["idx"]])
    frame.insert(2, "period_end", [periods[i].end for i in frame["idx"]])
    return frame.sort_values(keys, ignore_index=True)


def outer(frames: list[pd.DataFrame], periods: Sequence[Period], by: str | None,
           value_columns: list[str]) -> pd.DataFrame:
    """Outer-join count frames on (period, key); a period with nothing gets zeros, so a
    trend has every bucket."""
    keys = ["idx"] + (["key"] if by else [])
    merged = frames[0][keys + [c for c in frames[0].columns if c in value_columns]]
    for other in frames[1:]:
        merged = merged.merge(other[keys + [c for c in other.columns if c in value_columns]],
                              on=keys, how="outer")
    if not by:
        merged = pd.DataFrame({"idx": range(len(periods))}).merge(merged, on="idx", how="left")
    for column in value_columns:
        merged[column] = merged[column].fillna(0).astype(int)
    merged.insert(1, "period_start", [periods[i].start for i in merged["idx"]])
    merged.insert(2, "period_end", [periods[i].end for i in merged["idx"]])
    return merged.sort_values(keys, ignore_index=True).drop(columns="idx")


def _wide_to_long(wide: pd.DataFrame, by: str | None, value: str) -> pd.DataFrame:
    """Columns p0, p1, ... (one per period) into rows (idx, [key], value)."""
    ids = ["key"] if by else []
    if not by:
        wide = wide.assign(_k=0)
        ids = ["_k"]
    long = wide.melt(id_vars=ids, var_name="idx", value_name=value)
    long["idx"] = long["idx"].str[1:].astype(int)
    return long.drop(columns=["_k"], errors="ignore")


def _on_register(conn, scope, periods, by, narrowing) -> pd.DataFrame:
    # One column per period in a single scan of the cases. Split by officer, a person
    # counts for each officer who held their case at some time in the period, and the
    # officers are those who held a case on the register during the periods' span.
    def in_period(x):
        on_register = and_(cases.c.registered_on <= literal(x.end, Date),
                           or_(cases.c.closed_on.is_(None),
                               cases.c.closed_on > literal(x.start, Date)))
        if by != "officer":
            return on_register
        ca = case_assignments.c
        held = or_(ca.assigned_on.is_(None),
                   and_(ca.assigned_on <= literal(x.end, Date),
                        or_(ca.unassigned_on.is_(None),
                            ca.unassigned_on > literal(x.start, Date))))
        return and_(on_register, held)

    columns = [func.count(func.distinct(case((in_period(x), cases.c.person_id))))
               .label(f"p{i}") for i, x in enumerate(periods)]
    source = _held(_cases_units(), by, case_assignments.c.case_id == cases.c.id)
    span = Period(min(x.start for x in periods), max(x.end for x in periods))
    q = select(*_by(by), *columns).select_from(source).where(_where(scope, narrowing),
                                                              in_period(span))
    if by:
        q = q.group_by(*_by(by))
    long = _wide_to_long(pd.read_sql_query(q, conn), by, "on_register")
    long["on_register"] = long["on_register"].fillna(0).astype(int)
    long.insert(1, "period_start", [periods[i].start for i in long["idx"]])
    long.insert(2, "period_end", [periods[i].end for i in long["idx"]])
    return long


@cached("outcomes.on_register")
@measure
def on_register(conn: Connection, scope: Scope, periods: Sequence[Period],
                by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """People on the register at any time in each period (a person with two cases in it
    counts once): the denominator of the rates per 1,000."""
    return outer([_on_register(conn, scope, periods, by, narrowing)], periods, by,
                 ["on_register"])


def _offences(conn, scope, periods, by, narrowing) -> pd.DataFrame:
    p = periods_table(periods)
    q = (select(p.c.idx, *_by(by), func.count(violations.c.id).label("repeat_offences"))
         .select_from(_held(violations.join(cases, violations.c.case_id == cases.c.id)
                            .join(units, cases.c.unit_id == units.c.id),
                            by, held_on(violations.c.occurred_on))
                      .join(p, violations.c.occurred_on.between(p.c.p_start, p.c.p_end)))
         .where(violations.c.kind == "new_offence", _where(scope, narrowing),
                violations.c.occurred_on.between(min(x.start for x in periods),
                                                 max(x.end for x in periods)))
         .group_by(p.c.idx, *_by(by)))
    return _frame(conn, q, periods, ["repeat_offences"], by)


CLOSURE_COLUMNS = ["completed", "revoked", "other", "closed"]


def _closures(conn, scope, periods, by, narrowing) -> pd.DataFrame:
    p = periods_table(periods)
    reason = cases.c.close_reason

    def count_if(condition, label):
        return func.sum(case((condition, 1), else_=0)).label(label)

    # Joined to the periods table: the few cases closed in each period are read by
    # ix_cases_closed.
    q = (select(p.c.idx, *_by(by),
                count_if(reason == "completed", "completed"),
                count_if(reason == "revoked", "revoked"),
                count_if(reason.not_in(["completed", "revoked"]), "other"),
                func.count().label("closed"))
         .select_from(_held(_cases_units(), by, held_before(cases.c.closed_on))
                      .join(p, cases.c.closed_on.between(p.c.p_start, p.c.p_end)))
         .where(_where(scope, narrowing),
                cases.c.closed_on.between(min(x.start for x in periods),
                                          max(x.end for x in periods)))
         .group_by(p.c.idx, *_by(by)))
    return _frame(conn, q, periods, CLOSURE_COLUMNS, by)


@cached("outcomes.repeat_offences")
@measure
def repeat_offences(conn: Connection, scope: Scope, periods: Sequence[Period],
                    by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """New offences committed by people on the register, per period (and `by`), with the
    people on the register in that period: columns period_start, period_end, [key],
    repeat_offences, on_register."""
    return outer([_offences(conn, scope, periods, by, narrowing),
                  _on_register(conn, scope, periods, by, narrowing)],
                 periods, by, ["repeat_offences", "on_register"])


@cached("outcomes.closures")
@measure
def closures(conn: Connection, scope: Scope, periods: Sequence[Period],
             by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Cases closed in each period, as completed, revoked (sentence replaced with
    imprisonment) and other (new offence, death, transfer, hand-over...): columns
    period_start, period_end, [key], completed, revoked, other, closed. (The people on
    the register, for a rate, come with repeat_offences: not counted twice.)"""
    return outer([_closures(conn, scope, periods, by, narrowing)], periods, by,
                 CLOSURE_COLUMNS)


@cached("outcomes.period_counts")
@measure
def period_counts(conn: Connection, scope: Scope, periods: Sequence[Period],
                  by: str | None = None, narrowing: Narrowing = EVERYTHING
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(repeat_offences, closures) of the same periods."""
    return (repeat_offences.definition(conn, scope, periods, by, narrowing),
            closures.definition(conn, scope, periods, by, narrowing))


@dataclass(frozen=True)
class Escalation:
    """Violations in a period and how far they went: grounds to ask the court (a second
    violation, or a malicious one), submissions, and the court's decisions."""

    violations: int
    malicious_violations: int
    grounds: int
    submitted: int
    revoked: int
    rejected: int


def _count_if(condition, label):
    return func.sum(case((condition, 1), else_=0)).label(label)


ESCALATION_STEPS = ("violations", "malicious", "submitted", "revoked", "rejected")


@measure
def escalation_steps(conn: Connection, scope: Scope, periods: Sequence[Period],
                     narrowing: Narrowing = EVERYTHING) -> list[tuple[int, ...]]:
    """Per period, one count per ESCALATION_STEPS, each step by its own date: ordinary and
    malicious violations by occurred_on, submissions to the court by
    submitted_to_court_on, the court's revocations and rejections by decided_on."""
    v = violations
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    columns = []
    for i, p in enumerate(periods):
        def within(column, p=p):
            return column.between(literal(p.start, Date), literal(p.end, Date))
        columns += [
            _count_if(and_(v.c.kind == "violation", within(v.c.occurred_on)), f"violations{i}"),
            _count_if(and_(v.c.kind == "malicious_violation", within(v.c.occurred_on)),
                      f"malicious{i}"),
            _count_if(within(v.c.submitted_to_court_on), f"submitted{i}"),
            _count_if(and_(v.c.court_decision == "revoked", within(v.c.decided_on)),
                      f"revoked{i}"),
            _count_if(and_(v.c.court_decision == "rejected", within(v.c.decided_on)),
                      f"rejected{i}")]
    # The whole country unnarrowed needs nothing from the cases: the violations alone,
    # read by their date indexes.
    everything = scope.role == "ministry" and narrowing == EVERYTHING
    joined = v.join(cases, v.c.case_id == cases.c.id).join(units, cases.c.unit_id == units.c.id)
    row = conn.execute(
        select(*columns).select_from(v if everything else joined)
        .where(_where(scope, narrowing), v.c.kind != "new_offence",
               or_(v.c.occurred_on.between(first, last),
                   v.c.submitted_to_court_on.between(first, last),
                   v.c.decided_on.between(first, last)))).one()._mapping
    return [tuple(int(row[f"{step}{i}"] or 0) for step in ESCALATION_STEPS)
            for i in range(len(periods))]


@measure
def grounds_met(conn: Connection, scope: Scope, periods: Sequence[Period],
                narrowing: Narrowing = EVERYTHING) -> list[int]:
    """Per period, the cases that met the grounds to ask the court in it: the day of
    their second ordinary violation or of their first malicious one."""
    v = violations
    last = max(p.end for p in periods)
    joined = v.join(cases, v.c.case_id == cases.c.id).join(units, cases.c.unit_id == units.c.id)
    # The n-th violation of each kind per case.
    ranked = (select(v.c.case_id, v.c.kind, v.c.occurred_on,
                     func.row_number().over(partition_by=[v.c.case_id, v.c.kind],
                                            order_by=[v.c.occurred_on, v.c.id]).label("n"))
              .select_from(joined)
              .where(_where(scope, narrowing),
                     v.c.kind.in_(["violation", "malicious_violation"]),
                     v.c.occurred_on <= last)
              .subquery("ranked"))
    met_on = (select(ranked.c.case_id, func.min(ranked.c.occurred_on).label("met_on"))
              .where(or_(and_(ranked.c.kind == "violation", ranked.c.n == 2),
                         and_(ranked.c.kind == "malicious_violation", ranked.c.n == 1)))
              .group_by(ranked.c.case_id).subquery("met"))
    row = conn.execute(select(*[
        _count_if(met_on.c.met_on.between(literal(p.start, Date), literal(p.end, Date)),
                  f"g{i}") for i, p in enumerate(periods)]).select_from(met_on)).one()
    return [int(n or 0) for n in row]


@cached("outcomes.escalation")
def escalation(conn: Connection, scope: Scope, periods: Sequence[Period],
               narrowing: Narrowing = EVERYTHING) -> list[Escalation]:
    """One Escalation per period: the steps (escalation_steps) and the grounds met."""
    steps = escalation_steps(conn, scope, periods, narrowing)
    grounds = grounds_met(conn, scope, periods, narrowing)
    return [Escalation(violations=n_violations, malicious_violations=malicious,
                       grounds=g, submitted=submitted, revoked=revoked, rejected=rejected)
            for (n_violations, malicious, submitted, revoked, rejected), g
            in zip(steps, grounds, strict=True)]


ASSISTANCE_COLUMNS = ["requested", "provided", "achieved", "partial", "not_achieved", "people"]


@cached("outcomes.assistance_results")
@measure
def assistance_results(conn: Connection, scope: Scope, period: Period,
                       narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Assistance per kind: requested in `period`, provided in `period` by result
    (achieved / partial / not_achieved) and the people who received it. Columns: kind,
    requested, provided, achieved, partial, not_achieved, people."""
    a = assistance
    joined = a.join(cases, a.c.case_id == cases.c.id).join(units, cases.c.unit_id == units.c.id)
    requested = a.c.requested_on.between(period.start, period.end)
    provided = a.c.provided_on.between(period.start, period.end)
    # Requested and provided in one pass (either date in the period).
    frame = pd.read_sql_query(
        select(a.c.kind, _count_if(requested, "requested"), _count_if(provided, "provided"),
               _count_if(and_(provided, a.c.result == "achieved"), "achieved"),
               _count_if(and_(provided, a.c.result == "partial"), "partial"),
               _count_if(and_(provided, a.c.result == "not_achieved"), "not_achieved"),
               func.count(func.distinct(case((provided, cases.c.person_id)))).label("people"))
        .select_from(joined)
        .where(_where(scope, narrowing), or_(requested, provided))
        .group_by(a.c.kind), conn)
    for column in ASSISTANCE_COLUMNS:
        frame[column] = frame.get(column, pd.Series(dtype=float)).fillna(0).astype(int)
    return frame[["kind", *ASSISTANCE_COLUMNS]].sort_values("kind", ignore_index=True)


@cached("outcomes.cohort_repeat")
@measure
def cohort_repeat(conn: Connection, scope: Scope, periods: Sequence[Period],
                  narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Registration cohorts: cases registered in each period and how many of them had a
    new offence within twelve months of registration (on or after the day registered,
    before the same day a year later). Columns: period_start, period_end, registered,
    reoffended_12m. Whether the twelve months are over is for the caller to judge."""
    p = periods_table(periods)
    where = and_(_where(scope, narrowing),
                 cases.c.registered_on.between(min(x.start for x in periods),
                                               max(x.end for x in periods)))
    on_period = cases.c.registered_on.between(p.c.p_start, p.c.p_end)
    registered = (select(p.c.idx, func.count().label("registered"))
                  .select_from(_cases_units().join(p, on_period))
                  .where(where).group_by(p.c.idx))
    reoffended = (select(p.c.idx, func.count(func.distinct(cases.c.id)).label("reoffended_12m"))
                  .select_from(_cases_units().join(p, on_period).join(violations, and_(
                      violations.c.case_id == cases.c.id,
                      violations.c.kind == "new_offence",
                      violations.c.occurred_on >= cases.c.registered_on,
                      violations.c.occurred_on < one_year_after(cases.c.registered_on))))
                  .where(where).group_by(p.c.idx))
    return outer([_frame(conn, registered, periods, ["registered"], None),
                  _frame(conn, reoffended, periods, ["reoffended_12m"], None)],
                 periods, None, ["registered", "reoffended_12m"])


# --- the outlier rule: counts per unit or officer over trailing windows -------------------

# Every count below is per entity and per unit of the case, so that one national count
# serves every scope (a scope keeps the rows of its units and adds them up): a region or
# unit head's page no longer counts its own rows and the national peers apart.
_PLACE = [units.c.id.label("unit_id"), units.c.region_code]
KEYS = ["idx", "entity_id", "unit_id", "region_code"]


def _wide(conn, entity, columns, source, where) -> pd.DataFrame:
    """One row per (entity, unit) with one column per window, melted to rows per window."""
    rows = conn.execute(
        select(entity.label("entity_id"), *_PLACE, *columns).select_from(source).where(where)
        .group_by(entity, units.c.id, units.c.region_code)).all()
    return _melted(rows, len(columns))


def _melted(rows, n: int) -> pd.DataFrame:
    """Rows (entity_id, unit_id, region_code, w0 .. w{n-1}) as one row per entity and
    window with a value above zero: columns entity_id, unit_id, region_code, idx, value
    (what DataFrame.melt gives, in the same order, without its cost)."""
    keys = [tuple(r[:3]) for r in rows]
    values = np.array([[float(v or 0) for v in r[3:]] for r in rows],
                      dtype=float).reshape(len(rows), n)
    window, row = np.nonzero(values.T > 0)
    return pd.DataFrame({
        "entity_id": np.array([keys[i][0] for i in row], dtype=np.int64),
        "unit_id": np.array([keys[i][1] for i in row], dtype=np.int64),
        "region_code": np.array([keys[i][2] for i in row], dtype=object),
        "idx": window.astype(np.int64), "value": values.T[window, row]})


def _caseload_days(conn, source, entity, start_col, end_col, where, windows) -> pd.DataFrame:
    """Days each entity held spells [start, end) inside each window: one column per window
    in a single scan (joined to a windows table, PostgreSQL would rescan an index once per
    window)."""
    columns = []
    for i, w in enumerate(windows):
        first, after = literal(w.start, Date), literal(w.end + timedelta(days=1), Date)
        inside = and_(start_col <= literal(w.end, Date),
                      or_(end_col.is_(None), end_col > first))
        days = days_between(later_of(start_col, first),
                            earlier_of(func.coalesce(end_col, after), after))
        columns.append(func.sum(case((inside, days), else_=0)).label(f"w{i}"))
    return _wide(conn, entity, columns, source,
                 and_(where, start_col <= max(w.end for w in windows),
                      or_(end_col.is_(None), end_col > min(w.start for w in windows))))


def _events(conn, source, entity, day, where, windows) -> pd.DataFrame:
    """Events per entity on days inside each window, in one scan of the days from the
    first window's start to the last one's end (joined to a windows table, PostgreSQL
    would read each event once per window holding it)."""
    columns = [func.sum(case((day.between(literal(w.start, Date), literal(w.end, Date)), 1),
                             else_=0)).label(f"w{i}") for i, w in enumerate(windows)]
    return _wide(conn, entity, columns, source,
                 and_(where, day.between(min(w.start for w in windows),
                                         max(w.end for w in windows))))


def _unit_counts(conn, windows, where):
    caseload = _caseload_days(conn, _cases_units(), units.c.id, cases.c.registered_on,
                              cases.c.closed_on, where, windows)
    offences = _events(conn, violations.join(cases, violations.c.case_id == cases.c.id)
                       .join(units, cases.c.unit_id == units.c.id), units.c.id,
                       violations.c.occurred_on,
                       and_(where, violations.c.kind == "new_offence"), windows)
    revocations = _events(conn, _cases_units(), units.c.id, cases.c.closed_on,
                          and_(where, cases.c.close_reason == "revoked"), windows)
    return caseload, offences, revocations


def _officer_counts(conn, windows, where):
    # Officers are judged on the cases they held, when they held them: an officer who
    # took over a case last month answers for that month, not for the year before.
    ca = case_assignments
    held = (ca.join(cases, ca.c.case_id == cases.c.id)
            .join(units, cases.c.unit_id == units.c.id))
    caseload = _caseload_days(conn, held, ca.c.officer_id, ca.c.assigned_on,
                              ca.c.unassigned_on, where, windows)
    # The officer responsible on the day of the offence (queries/common.py's rule).
    offences = _events(conn, violations.join(held, violations.c.case_id == ca.c.case_id),
                       ca.c.officer_id, violations.c.occurred_on,
                       and_(where, violations.c.kind == "new_offence",
                            assigned_on(violations.c.occurred_on)), windows)
    # A revocation: the officer who held the case on its last day on the register.
    revocations = _events(conn, with_officer(_cases_units(), held_before(cases.c.closed_on)),
                          OFFICER, cases.c.closed_on,
                          and_(where, cases.c.close_reason == "revoked"), windows)
    return caseload, offences, revocations


@measure
def national_counts(conn: Connection, windows: tuple[Period, ...], level: str,
                    narrowing: Narrowing) -> pd.DataFrame:
    """outlier_counts' counts over the whole country, per (window, entity, unit of the
    case): columns idx, entity_id, unit_id, region_code, caseload_days and the events;
    a row has at least one of them above zero."""
    return _counted_pool(conn, Scope.nation(), windows, level, narrowing)


@cached("outcomes.outlier_pool")
def _counted_pool(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                  narrowing: Narrowing) -> pd.DataFrame:
    count = _unit_counts if level == "unit" else _officer_counts
    caseload, offences, revocations = count(conn, windows, _where(scope, narrowing))
    # An outer join of the three on (window, entity, unit), with numpy: one int64 per
    # (window, entity, unit), 24 bits for each id. (The region follows from the unit.)
    parts = [caseload, offences, revocations]
    keys = np.concatenate([(p["idx"].to_numpy(dtype=np.int64) << 48)
                           | (p["entity_id"].to_numpy(dtype=np.int64) << 24)
                           | p["unit_id"].to_numpy(dtype=np.int64) for p in parts])
    packed, row = np.unique(keys, return_inverse=True)
    found = np.stack([packed >> 48, (packed >> 24) & 0xFFFFFF, packed & 0xFFFFFF], axis=1)
    row = row.reshape(-1)
    region = {}
    for p in parts:
        region.update(zip(p["unit_id"].to_numpy(dtype=np.int64).tolist(),
                          p["region_code"].tolist(), strict=True))
    frame = pd.DataFrame({"idx": found[:, 0], "entity_id": found[:, 1],
                          "unit_id": found[:, 2]})
    frame["region_code"] = np.array([region[u] for u in frame["unit_id"].tolist()],
                                    dtype=object)
    start = 0
    for name, p in zip(["caseload_days", *OUTLIER_EVENTS], parts, strict=True):
        values = np.zeros(len(found), dtype=float)
        np.add.at(values, row[start:start + len(p)], p["value"].to_numpy(dtype=float))
        frame[name] = values
        start += len(p)
    return frame[[*KEYS, "caseload_days", *OUTLIER_EVENTS]]


def _units_in(conn, scope: Scope) -> list[int]:
    return list(conn.execute(select(units.c.id).where(scope.units_where(units))).scalars())


def outlier_counts(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                   narrowing: Narrowing = EVERYTHING, *,
                   benchmark_pool: bool = False) -> pd.DataFrame:
    """Per unit or officer and per window: repeat offences, revocations and the average
    daily caseload held in the window. Columns: window_start, window_end, entity_id,
    repeat_offences, revocations, caseload_days, average_caseload; rows ordered by window
    end, then entity (window_runs relies on it).

    `benchmark_pool=True` counts every unit in the country (the narrowing still applies):
    the peers the rule compares against. Only `outlier_benchmarks` asks for it.

    The units' counts are kept in the server cache; the officers' are not: nationally
    they are tens of thousands of rows, slower to pickle into the shared cache and read
    back than to count again from the pool in memory."""
    if level == "officer":
        return _outlier_counts(conn, scope, windows, level, narrowing,
                               benchmark_pool=benchmark_pool)
    return _kept_outlier_counts(conn, scope, windows, level, narrowing,
                                benchmark_pool=benchmark_pool)


def _outlier_counts(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                    narrowing: Narrowing = EVERYTHING, *,
                    benchmark_pool: bool = False) -> pd.DataFrame:
    if level not in OUTLIER_LEVELS:
        raise ValueError(f"unknown level {level!r}")
    if not scope.sees_cases:
        raise NotPermitted("no case data for this role")
    frame = national_counts(conn, tuple(windows), level, narrowing)
    if not benchmark_pool and scope.role != "ministry":
        frame = frame[frame.unit_id.isin(_units_in(conn, scope))]
    # Summed over the units per (window, entity).
    measures = ["caseload_days", *OUTLIER_EVENTS]
    idx = frame["idx"].to_numpy(dtype=np.int64)
    keys, row = np.unique((idx << 32) | frame["entity_id"].to_numpy(dtype=np.int64),
                          return_inverse=True)
    row = row.reshape(-1)
    sums = {m: np.bincount(row, weights=frame[m].to_numpy(dtype=float), minlength=len(keys))
            for m in measures}
    idx, entity = keys >> 32, keys & 0xFFFFFFFF
    ends = np.array([w.end.toordinal() for w in windows], dtype=np.int64)
    order = np.lexsort((entity, ends[idx]))
    idx, entity = idx[order], entity[order]
    caseload = sums["caseload_days"][order]
    return pd.DataFrame({
        "window_start": np.array([w.start for w in windows], dtype=object)[idx],
        "window_end": np.array([w.end for w in windows], dtype=object)[idx],
        "entity_id": entity,
        **{event: sums[event][order].astype(np.int64) for event in OUTLIER_EVENTS},
        "caseload_days": caseload,
        # float / int per row, as Python divides them.
        "average_caseload": caseload / np.array([w.days for w in windows], dtype=float)[idx]})


_kept_outlier_counts = cached("outcomes.outlier_counts")(_outlier_counts)
outlier_counts.uncached = _outlier_counts


def window_runs(counts: pd.DataFrame, windows: Sequence[Period]) -> dict[date, slice]:
    """The rows of each window in `counts`, a frame of outlier_counts (or rows taken from
    one in order), whose rows come ordered by window end: each window's are one run,
    found by bisection."""
    ends = counts["window_end"].to_numpy()
    return {end: slice(int(np.searchsorted(ends, end, side="left")),
                       int(np.searchsorted(ends, end, side="right")))
            for end in sorted({w.end for w in windows})}


def benchmarks_of(pool: pd.DataFrame, windows: Sequence[Period], min_caseload: float,
                  per: float = 1000) -> dict[str, list[Benchmark]]:
    """Per event, the Benchmark of each window over the rows of `pool` (outlier_counts'
    rows, in their order)."""
    rows = window_runs(pool, windows)
    den = pool["average_caseload"].to_numpy(dtype=float)
    events = {event: pool[event].to_numpy(dtype=float) for event in OUTLIER_EVENTS}
    return {event: [benchmark_of(events[event][rows[w.end]], den[rows[w.end]],
                                 min_caseload, per)
                    for w in windows]
            for event in OUTLIER_EVENTS}


@cached("outcomes.outlier_benchmarks")
def outlier_benchmarks(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                       narrowing: Narrowing = EVERYTHING, min_caseload: float = 10,
                       per: float = 1000) -> dict[str, list[Benchmark]]:
    """Per event, the national target and peer IQR of each window, over every unit or
    officer in the country (within the narrowing).

    Deliberately not limited to the scope: a region head is measured against the national
    rate, as design.md's rule says, and the answer is two numbers per window that name
    no place, unit or person."""
    if not scope.sees_cases:
        raise NotPermitted("no case data for this role")
    # The pool is the same for every scope: cached once, as the nation's.
    pool = outlier_counts(conn, Scope.nation(), windows, level, narrowing, benchmark_pool=True)
    return benchmarks_of(pool, windows, min_caseload, per)


@cached("outcomes.entity_ids")
def entity_ids(conn: Connection, scope: Scope, level: str, region: str | None = None
               ) -> list[int]:
    """The units or officers (of units) in scope, and in `region` when given: those
    entity_names can name."""
    if level == "unit":
        q = select(units.c.id).where(scope.units_where(units))
    else:
        q = (select(officers.c.id)
             .select_from(officers.join(units, officers.c.unit_id == units.c.id))
             .where(scope.units_where(units)))
    if region:
        q = q.where(units.c.region_code == region)
    return list(conn.execute(q).scalars())


@cached("outcomes.entity_names")
def entity_names(conn: Connection, scope: Scope, level: str,
                 ids: Sequence[int]) -> pd.DataFrame:
    """Names of units (name_kk/ru/en, region_code) or officers (code, unit names) in
    scope, for the outlier table. Columns: entity_id, label_kk, label_ru, label_en,
    region_code, unit_id."""
    if not ids:
        return pd.DataFrame(columns=["entity_id", "label_kk", "label_ru", "label_en",
                                     "region_code", "unit_id"])
    if level == "unit":
        q = (select(units.c.id.label("entity_id"), units.c.name_kk.label("label_kk"),
                    units.c.name_ru.label("label_ru"), units.c.name_en.label("label_en"),
                    units.c.region_code, units.c.id.label("unit_id"))
             .where(scope.units_where(units), units.c.id.in_(list(ids))))
    else:
        sep = literal(" · ")
        q = (select(officers.c.id.label("entity_id"),
                    (officers.c.code + sep + units.c.name_kk).label("label_kk"),
                    (officers.c.code + sep + units.c.name_ru).label("label_ru"),
                    (officers.c.code + sep + units.c.name_en).label("label_en"),
                    units.c.region_code, units.c.id.label("unit_id"))
             .select_from(officers.join(units, officers.c.unit_id == units.c.id))
             .where(scope.units_where(units), officers.c.id.in_(list(ids))))
    return pd.read_sql_query(q, conn)


@cached("outcomes.place_names")
def place_names(conn: Connection, scope: Scope, by: str, region: str | None,
                lang: str | None) -> pd.DataFrame:
    """Regions (by="region"), units (by="unit", within `region` if given) or officers
    (by="officer": their staff code) in scope, named in `lang`: columns key, name."""
    column = name_column(lang)
    if by == "officer":
        q = (select(officers.c.id.label("key"), officers.c.code.label("name"))
             .select_from(officers.join(units, officers.c.unit_id == units.c.id))
             .where(scope.units_where(units)))
        if region:
            q = q.where(units.c.region_code == region)
        return pd.read_sql_query(q.order_by("name"), conn)
    if by == "region":
        q = (select(regions.c.code.label("key"), regions.c[column].label("name"))
             .where(regions.c.code.in_(select(units.c.region_code)
                                       .where(scope.units_where(units)))))
    else:
        q = (select(units.c.id.label("key"), units.c[column].label("name"))
             .where(scope.units_where(units)))
        if region:
            q = q.where(units.c.region_code == region)
    return pd.read_sql_query(q.order_by("name"), conn)
