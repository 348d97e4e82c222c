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

import pandas as pd
from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from dashboard.metrics import Benchmark, Period, benchmark
from dashboard.schema import assistance, case_assignments, cases, officers, units, violations
from dashboard.scope import NotPermitted, Scope
from queries.dates import days_between, earlier_of, later_of, one_year_after, periods_table

# The groupings a trend can be split by.
BY = {
    "region": units.c.region_code,
    "probation_type": cases.c.probation_type,
    "legal_category": cases.c.legal_category,
    "unit": units.c.id,
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
    conditions = [scope.units_where(units)]
    if narrowing.types:
        conditions.append(cases.c.probation_type.in_(narrowing.types))
    if narrowing.categories:
        conditions.append(cases.c.legal_category.in_(narrowing.categories))
    if narrowing.region:
        conditions.append(units.c.region_code == narrowing.region)
    return and_(*conditions)


def _cases_units():
    return cases.join(units, cases.c.unit_id == units.c.id)


def _by(by: str | None):
    if by is None:
        return []
    if by not in BY:
        raise ValueError(f"cannot split by {by!r}")
    return [BY[by].label("key")]


def _frame(conn: Connection, query, periods: Sequence[Period], value_columns: list[str],
           by: str | None) -> pd.DataFrame:
    """The result with each period's start and end in place of its index, zero-filled."""
    frame = pd.read_sql(query, conn)
    keys = ["idx"] + (["key"] if by else [])
    for column in value_columns:
        frame[column] = frame[column].fillna(0).astype(int)
    frame = frame[keys + value_columns]
    frame.insert(1, "period_start", [periods[i].start for i in frame["idx"]])
    frame.insert(2, "period_end", [periods[i].end for i in frame["idx"]])
    return frame.sort_values(keys, ignore_index=True)


def _outer(frames: list[pd.DataFrame], periods: Sequence[Period], by: str | None,
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


def _on_register(conn, scope, periods, by, narrowing) -> pd.DataFrame:
    p = periods_table(periods)
    q = (select(p.c.idx, *_by(by),
                func.count(func.distinct(cases.c.person_id)).label("on_register"))
         .select_from(_cases_units().join(p, and_(
             cases.c.registered_on <= p.c.p_end,
             or_(cases.c.closed_on.is_(None), cases.c.closed_on > p.c.p_start))))
         .where(_where(scope, narrowing),
                # The whole span first, so the join only sees cases that can match.
                cases.c.registered_on <= max(x.end for x in periods),
                or_(cases.c.closed_on.is_(None),
                    cases.c.closed_on > min(x.start for x in periods)))
         .group_by(p.c.idx, *_by(by)))
    return _frame(conn, q, periods, ["on_register"], by)


def on_register(conn: Connection, scope: Scope, periods: Sequence[Period],
                by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """People on the register at any time in each period (a person with two cases in it
    counts once): the denominator of the rates per 1,000."""
    return _outer([_on_register(conn, scope, periods, by, narrowing)], periods, by,
                  ["on_register"])


def _offences(conn, scope, periods, by, narrowing) -> pd.DataFrame:
    p = periods_table(periods)
    q = (select(p.c.idx, *_by(by), func.count(violations.c.id).label("repeat_offences"))
         .select_from(violations.join(cases, violations.c.case_id == cases.c.id)
                      .join(units, cases.c.unit_id == units.c.id)
                      .join(p, violations.c.occurred_on.between(p.c.p_start, p.c.p_end)))
         .where(violations.c.kind == "new_offence", _where(scope, narrowing),
                violations.c.occurred_on.between(periods[0].start, periods[-1].end))
         .group_by(p.c.idx, *_by(by)))
    return _frame(conn, q, periods, ["repeat_offences"], by)


def repeat_offences(conn: Connection, scope: Scope, periods: Sequence[Period],
                    by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """New offences committed by people on the register, per period (and `by`), with the
    people on the register in that period: columns period_start, period_end, [key],
    repeat_offences, on_register."""
    cols = ["repeat_offences", "on_register"]
    return _outer([_offences(conn, scope, periods, by, narrowing),
                   _on_register(conn, scope, periods, by, narrowing)], periods, by, cols)


def closures(conn: Connection, scope: Scope, periods: Sequence[Period],
             by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Cases closed in each period, as completed, revoked (sentence replaced with
    imprisonment) and other (new offence, death, transfer, hand-over...), with the people
    on the register: columns period_start, period_end, [key], completed, revoked, other,
    closed, on_register."""
    p = periods_table(periods)
    reason = cases.c.close_reason

    def count_if(condition, label):
        return func.sum(case((condition, 1), else_=0)).label(label)

    q = (select(p.c.idx, *_by(by),
                count_if(reason == "completed", "completed"),
                count_if(reason == "revoked", "revoked"),
                count_if(reason.not_in(["completed", "revoked"]), "other"),
                func.count().label("closed"))
         .select_from(_cases_units().join(p, cases.c.closed_on.between(p.c.p_start, p.c.p_end)))
         .where(_where(scope, narrowing),
                cases.c.closed_on.between(periods[0].start, periods[-1].end))
         .group_by(p.c.idx, *_by(by)))
    cols = ["completed", "revoked", "other", "closed", "on_register"]
    return _outer([_frame(conn, q, periods, cols[:4], by),
                   _on_register(conn, scope, periods, by, narrowing)], periods, by, cols)


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


def escalation(conn: Connection, scope: Scope, period: Period,
               narrowing: Narrowing = EVERYTHING) -> Escalation:
    """Each step counted by its own date in `period`: violations by occurred_on, grounds
    by the day the case met them (its second ordinary violation or first malicious one),
    submissions by submitted_to_court_on, decisions by decided_on."""
    v = violations
    joined = v.join(cases, v.c.case_id == cases.c.id).join(units, cases.c.unit_id == units.c.id)
    in_scope = _where(scope, narrowing)

    def between(column):
        return column.between(period.start, period.end)

    def count_if(condition, label):
        return func.sum(case((condition, 1), else_=0)).label(label)

    steps = conn.execute(
        select(count_if(and_(v.c.kind == "violation", between(v.c.occurred_on)), "violations"),
               count_if(and_(v.c.kind == "malicious_violation", between(v.c.occurred_on)),
                        "malicious"),
               count_if(between(v.c.submitted_to_court_on), "submitted"),
               count_if(and_(v.c.court_decision == "revoked", between(v.c.decided_on)),
                        "revoked"),
               count_if(and_(v.c.court_decision == "rejected", between(v.c.decided_on)),
                        "rejected"))
        .select_from(joined)
        .where(in_scope, v.c.kind != "new_offence",
               or_(between(v.c.occurred_on), between(v.c.submitted_to_court_on),
                   between(v.c.decided_on)))).one()

    # The n-th violation of each kind per case, to find the day a case met the grounds.
    ranked = (select(v.c.case_id, v.c.kind, v.c.occurred_on,
                     func.row_number().over(partition_by=[v.c.case_id, v.c.kind],
                                            order_by=[v.c.occurred_on, v.c.id]).label("n"))
              .select_from(joined)
              .where(in_scope, v.c.kind.in_(["violation", "malicious_violation"]),
                     v.c.occurred_on <= period.end)
              .subquery("ranked"))
    met_on = (select(ranked.c.case_id, func.min(ranked.c.occurred_on).label("met_on"))
              .where(or_(and_(ranked.c.kind == "violation", ranked.c.n == 2),
                         and_(ranked.c.kind == "malicious_violation", ranked.c.n == 1)))
              .group_by(ranked.c.case_id).subquery("met"))
    grounds = conn.execute(select(func.count()).select_from(met_on)
                           .where(met_on.c.met_on.between(period.start, period.end))
                           ).scalar_one()
    return Escalation(int(steps.violations or 0), int(steps.malicious or 0), int(grounds),
                      int(steps.submitted or 0), int(steps.revoked or 0),
                      int(steps.rejected or 0))


def assistance_results(conn: Connection, scope: Scope, period: Period,
                       narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Assistance per kind: requested in `period`, provided in `period` by result
    (achieved / partial / not_achieved) and the people who received it. Columns: kind,
    requested, provided, achieved, partial, not_achieved, people."""
    a = assistance
    joined = a.join(cases, a.c.case_id == cases.c.id).join(units, cases.c.unit_id == units.c.id)
    in_scope = _where(scope, narrowing)
    requested = pd.read_sql(
        select(a.c.kind, func.count().label("requested")).select_from(joined)
        .where(in_scope, a.c.requested_on.between(period.start, period.end))
        .group_by(a.c.kind), conn)

    def count_if(condition, label):
        return func.sum(case((condition, 1), else_=0)).label(label)

    provided = pd.read_sql(
        select(a.c.kind, func.count().label("provided"),
               count_if(a.c.result == "achieved", "achieved"),
               count_if(a.c.result == "partial", "partial"),
               count_if(a.c.result == "not_achieved", "not_achieved"),
               func.count(func.distinct(cases.c.person_id)).label("people"))
        .select_from(joined)
        .where(in_scope, a.c.provided_on.between(period.start, period.end))
        .group_by(a.c.kind), conn)
    cols = ["requested", "provided", "achieved", "partial", "not_achieved", "people"]
    frame = requested.merge(provided, on="kind", how="outer")
    for column in cols:
        frame[column] = frame.get(column, pd.Series(dtype=float)).fillna(0).astype(int)
    return frame[["kind", *cols]].sort_values("kind", ignore_index=True)


def cohort_repeat(conn: Connection, scope: Scope, periods: Sequence[Period],
                  narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Registration cohorts: cases registered in each period and how many of them had a
    new offence within twelve months of registration (on or after the day registered,
    before the same day a year later). Columns: period_start, period_end, registered,
    reoffended_12m. Whether the twelve months are over is for the caller to judge."""
    p = periods_table(periods)
    where = and_(_where(scope, narrowing),
                 cases.c.registered_on.between(periods[0].start, periods[-1].end))
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
    return _outer([_frame(conn, registered, periods, ["registered"], None),
                   _frame(conn, reoffended, periods, ["reoffended_12m"], None)],
                  periods, None, ["registered", "reoffended_12m"])


# --- the outlier rule: counts per unit or officer over trailing windows -------------------

def _caseload_days(conn, source, entity, start_col, end_col, where, windows) -> pd.DataFrame:
    """Days each entity held spells [start, end) inside each window: one column per window
    in a single scan. (Joining spells to a windows table made PostgreSQL rescan an index
    once per window: 2.7 s against 0.3 s at scale 1.)"""
    columns = []
    for i, w in enumerate(windows):
        first, after = literal(w.start, Date), literal(w.end + timedelta(days=1), Date)
        inside = and_(start_col <= literal(w.end, Date),
                      or_(end_col.is_(None), end_col > first))
        days = days_between(later_of(start_col, first),
                            earlier_of(func.coalesce(end_col, after), after))
        columns.append(func.sum(case((inside, days), else_=0)).label(f"w{i}"))
    wide = pd.read_sql(
        select(entity.label("entity_id"), *columns).select_from(source)
        .where(where, start_col <= windows[-1].end,
               or_(end_col.is_(None), end_col > windows[0].start))
        .group_by(entity), conn)
    long = wide.melt(id_vars="entity_id", var_name="idx", value_name="caseload_days")
    long["idx"] = long["idx"].str[1:].astype(int)
    return long[long.caseload_days > 0]


def _unit_counts(conn, scope, windows, event, narrowing, all_units: bool) -> pd.DataFrame:
    p = periods_table(windows, "windows")
    where = _where(Scope.nation() if all_units else scope, narrowing)
    caseload = _caseload_days(conn, _cases_units(), units.c.id, cases.c.registered_on,
                              cases.c.closed_on, where, windows)
    if event == "repeat_offences":
        q = (select(p.c.idx, units.c.id.label("entity_id"), func.count().label("events"))
             .select_from(violations.join(cases, violations.c.case_id == cases.c.id)
                          .join(units, cases.c.unit_id == units.c.id)
                          .join(p, violations.c.occurred_on.between(p.c.p_start, p.c.p_end)))
             .where(where, violations.c.kind == "new_offence"))
    else:
        q = (select(p.c.idx, units.c.id.label("entity_id"), func.count().label("events"))
             .select_from(_cases_units().join(p, cases.c.closed_on.between(p.c.p_start,
                                                                           p.c.p_end)))
             .where(where, cases.c.close_reason == "revoked"))
    events = pd.read_sql(q.group_by(p.c.idx, units.c.id), conn)
    return caseload, events


def _officer_counts(conn, scope, windows, event, narrowing, all_units: bool):
    # Officers are judged on the cases they held, when they held them: an officer who
    # took over a case last month answers for that month, not for the year before.
    p = periods_table(windows, "windows")
    where = _where(Scope.nation() if all_units else scope, narrowing)
    ca = case_assignments
    held = (ca.join(cases, ca.c.case_id == cases.c.id)
            .join(units, cases.c.unit_id == units.c.id))
    caseload = _caseload_days(conn, held, ca.c.officer_id, ca.c.assigned_on, ca.c.unassigned_on,
                              where, windows)
    if event == "repeat_offences":
        # The officer responsible on the day of the offence.
        q = (select(p.c.idx, ca.c.officer_id.label("entity_id"), func.count().label("events"))
             .select_from(violations.join(held, violations.c.case_id == ca.c.case_id)
                          .join(p, violations.c.occurred_on.between(p.c.p_start, p.c.p_end)))
             .where(where, violations.c.kind == "new_offence",
                    ca.c.assigned_on <= violations.c.occurred_on,
                    or_(ca.c.unassigned_on.is_(None),
                        ca.c.unassigned_on > violations.c.occurred_on))
             .group_by(p.c.idx, ca.c.officer_id))
    else:
        # cases.officer_id is the officer responsible when the case closed.
        q = (select(p.c.idx, cases.c.officer_id.label("entity_id"),
                    func.count().label("events"))
             .select_from(_cases_units().join(p, cases.c.closed_on.between(p.c.p_start,
                                                                           p.c.p_end)))
             .where(where, cases.c.close_reason == "revoked", cases.c.officer_id.is_not(None))
             .group_by(p.c.idx, cases.c.officer_id))
    return caseload, pd.read_sql(q, conn)


def outlier_counts(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                   event: str, narrowing: Narrowing = EVERYTHING, *,
                   benchmark_pool: bool = False) -> pd.DataFrame:
    """Per unit or officer and per window: `events` (repeat offences, or revocations)
    and `average_caseload` (average daily cases held in the window). Columns:
    window_start, window_end, entity_id, events, caseload_days, average_caseload.

    `benchmark_pool=True` counts every unit in the country (the narrowing still applies):
    the peers the rule compares against. Only `outlier_benchmarks` asks for it."""
    if level not in OUTLIER_LEVELS or event not in OUTLIER_EVENTS:
        raise ValueError(f"unknown level {level!r} or event {event!r}")
    if not scope.sees_cases:
        raise NotPermitted("no case data for this role")
    count = _unit_counts if level == "unit" else _officer_counts
    caseload, events = count(conn, scope, windows, event, narrowing, benchmark_pool)
    frame = caseload.merge(events, on=["idx", "entity_id"], how="outer")
    frame["caseload_days"] = frame["caseload_days"].fillna(0).astype(float)
    frame["events"] = frame["events"].fillna(0).astype(int)
    frame["window_start"] = [windows[i].start for i in frame["idx"]]
    frame["window_end"] = [windows[i].end for i in frame["idx"]]
    frame["average_caseload"] = [row.caseload_days / windows[row.idx].days
                                 for row in frame.itertuples()]
    frame["entity_id"] = frame["entity_id"].astype(int)
    return (frame[["window_start", "window_end", "entity_id", "events", "caseload_days",
                   "average_caseload"]]
            .sort_values(["window_end", "entity_id"], ignore_index=True))


def outlier_benchmarks(conn: Connection, scope: Scope, windows: Sequence[Period], level: str,
                       event: str, narrowing: Narrowing = EVERYTHING,
                       min_caseload: float = 10, per: float = 1000) -> list[Benchmark]:
    """The national target and peer IQR for each window, over every unit or officer in
    the country (within the narrowing).

    Deliberately not limited to the scope: a region head is measured against the national
    rate, as design.md's rule says, and the answer is two numbers per window that name
    no place, unit or person."""
    pool = outlier_counts(conn, scope, windows, level, event, narrowing, benchmark_pool=True)
    out = []
    for window in windows:
        rows = pool[pool.window_end == window.end]
        out.append(benchmark(rows, "events", "average_caseload", min_caseload, per))
    return out


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
    return pd.read_sql(q, conn)


def data_until(conn: Connection) -> date | None:
    """The last day the data covers (dataset_info), for judging open cohorts."""
    from dashboard.schema import dataset_info
    value = conn.execute(select(dataset_info.c.value)
                         .where(dataset_info.c.key == "data_until")).scalar_one_or_none()
    return date.fromisoformat(value) if value else None
