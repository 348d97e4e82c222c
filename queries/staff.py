"""Staff allocation: posts (authorised, filled, vacant, by source), the work items each
officer and unit holds, and the cases behind one officer's load. Counts are made in SQL;
points and capacity are computed from the counts by dashboard.workload."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.i18n import name_column
from dashboard.schema import (
    case_assignments,
    cases,
    milestones,
    officers,
    posts,
    units,
    workload_weights,
)
from dashboard.scope import Scope
from queries.common import assigned_on, pre_trial_report_in_hand_on, rows_frame
from queries.national import officer_in_post_on, on_register_on, post_exists_on
from queries.readmodel import measure

ITEM_COLUMNS = ["work_item", "probation_type", "legal_category", "risk_tier", "items"]


def narrowed_place(scope: Scope, region: str | None, unit_id: int | None = None):
    """The scope, narrowed to a region or unit the user picked (never widened by it)."""
    where = [scope.units_where(units)]
    if region is not None:
        where.append(units.c.region_code == region)
    if unit_id is not None:
        where.append(units.c.id == unit_id)
    return where


@cached("staff.units_in_scope")
def units_in_scope(conn: Connection, scope: Scope, lang: str,
                   region: str | None = None) -> pd.DataFrame:
    """Units the user may see: unit_id, region_code, unit_name (in `lang`)."""
    q = (select(units.c.id, units.c.region_code, units.c[name_column(lang)])
         .where(*narrowed_place(scope, region)).order_by(units.c.id))
    return rows_frame(conn, q, ["unit_id", "region_code", "unit_name"])


def _filled_posts(as_of: date):
    return select(officers.c.post_id).where(officer_in_post_on(as_of)).distinct().subquery()


def _transfer_year():
    return cast(extract("year", posts.c.transferred_on), Integer)


POSTS_COLUMNS = ["region_code", "unit_id", "source", "transfer_year", "authorised", "filled"]


@cached("staff.posts_by_unit")
@measure
def posts_by_unit(conn: Connection, scope: Scope, as_of: date,
                  region: str | None = None) -> pd.DataFrame:
    """Posts existing on `as_of` per unit, source and year of transfer from the penal
    system (NULL for the 2012 establishment): authorised, filled (an officer in post that
    day) and vacant."""
    filled = _filled_posts(as_of)
    q = (select(units.c.region_code, posts.c.unit_id, posts.c.source,
                _transfer_year().label("transfer_year"), func.count().label("authorised"),
                func.count(filled.c.post_id).label("filled"))
         .select_from(posts.join(units, units.c.id == posts.c.unit_id)
                      .outerjoin(filled, filled.c.post_id == posts.c.id))
         .where(post_exists_on(as_of), *narrowed_place(scope, region))
         .group_by(units.c.region_code, posts.c.unit_id, posts.c.source, _transfer_year())
         .order_by(posts.c.unit_id, posts.c.source, _transfer_year()))
    return posts_frame(rows_frame(conn, q, POSTS_COLUMNS))


def posts_frame(df: pd.DataFrame) -> pd.DataFrame:
    """posts_by_unit's rows with their types and the vacant posts."""
    df["transfer_year"] = df["transfer_year"].astype("Int64")
    df["vacant"] = df["authorised"] - df["filled"]
    return df


def _days_table(days: list[date]):
    """`days` as a subquery: day (a date, to compare) and label (its ISO text)."""
    rows = [select(literal(day, Date).label("day"),
                   cast(literal(day.isoformat()), String).label("label")) for day in days]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("days")


TIMELINE_COLUMNS = ["day", "source", "transfer_year", "authorised", "filled"]


@cached("staff.headcount_timeline")
@measure
def headcount_timeline(conn: Connection, scope: Scope, days: list[date],
                       region: str | None = None) -> pd.DataFrame:
    """Posts existing and filled on each of `days`, by source and year of transfer. One
    statement for all the days (a statement per day was planned and run once each)."""
    if not days:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    on = _days_table(days)
    filled = (select(on.c.day, officers.c.post_id)
              .select_from(on.join(officers, officer_in_post_on(on.c.day)))
              .distinct().subquery("filled"))
    q = (select(on.c.label, posts.c.source, _transfer_year().label("transfer_year"),
                func.count().label("authorised"), func.count(filled.c.post_id).label("filled"))
         .select_from(on.join(posts, post_exists_on(on.c.day))
                      .join(units, units.c.id == posts.c.unit_id)
                      .outerjoin(filled, (filled.c.post_id == posts.c.id)
                                 & (filled.c.day == on.c.day)))
         .where(*narrowed_place(scope, region))
         .group_by(on.c.label, posts.c.source, _transfer_year()))
    return timeline_frame(rows_frame(conn, q, TIMELINE_COLUMNS))


def timeline_frame(df: pd.DataFrame) -> pd.DataFrame:
    df["day"] = pd.to_datetime(df["day"]).dt.date
    df["transfer_year"] = df["transfer_year"].astype("Int64")
    for column in ("authorised", "filled"):
        df[column] = df[column].astype(int)
    return df.sort_values(["day", "source", "transfer_year"], ignore_index=True)


@cached("staff.officers_in_post")
def officers_in_post(conn: Connection, scope: Scope, as_of: date, region: str | None = None,
                     unit_id: int | None = None) -> pd.DataFrame:
    """Officers in post on `as_of`: officer_id, code, unit_id, region_code, grade of their
    post, contracted_hours."""
    q = (select(officers.c.id, officers.c.code, officers.c.unit_id, units.c.region_code,
                posts.c.grade, officers.c.contracted_hours)
         .select_from(officers.join(units, units.c.id == officers.c.unit_id)
                      .join(posts, posts.c.id == officers.c.post_id))
         .where(officer_in_post_on(as_of), *narrowed_place(scope, region, unit_id))
         .order_by(officers.c.id))
    return rows_frame(conn, q, ["officer_id", "code", "unit_id", "region_code", "grade",
                            "contracted_hours"])


def _item_keys():
    return (cases.c.probation_type, cases.c.legal_category, cases.c.risk_tier)


@cached("staff.work_items_by_officer")
@measure
def work_items_by_officer(conn: Connection, scope: Scope, as_of: date,
                          region: str | None = None,
                          unit_id: int | None = None) -> pd.DataFrame:
    """Work items each officer is responsible for on `as_of`, counted per work item, type,
    category and risk tier: cases on the register assigned to them that day, and the
    pre-trial reports of those cases still in hand. An officer is placed (scope, region,
    unit) by their own unit."""
    officer = case_assignments.c.officer_id
    base = (case_assignments.join(cases, cases.c.id == case_assignments.c.case_id)
            .join(officers, officers.c.id == officer)
            .join(units, units.c.id == officers.c.unit_id))
    where = [assigned_on(as_of), on_register_on(as_of), *narrowed_place(scope, region, unit_id)]
    held = (select(officer, literal("case").label("work_item"), *_item_keys(),
                   func.count().label("items"))
            .select_from(base).where(*where).group_by(officer, *_item_keys()))
    reports = (select(officer, literal("pre_trial_report").label("work_item"), *_item_keys(),
                      func.count().label("items"))
               .select_from(base.join(milestones, milestones.c.case_id == cases.c.id))
               .where(*where, pre_trial_report_in_hand_on(as_of))
               .group_by(officer, *_item_keys()))
    return rows_frame(conn, union_all(held, reports), ["officer_id", *ITEM_COLUMNS])


@cached("staff.work_items_by_unit")
@measure
def work_items_by_unit(conn: Connection, scope: Scope, as_of: date,
                       region: str | None = None) -> pd.DataFrame:
    """Work items of each unit on `as_of` (its cases on the register and their pre-trial
    reports in hand), whoever holds them: the load that posts should follow."""
    base = cases.join(units, units.c.id == cases.c.unit_id)
    where = [on_register_on(as_of), *narrowed_place(scope, region)]
    place = (units.c.region_code, cases.c.unit_id)
    held = (select(*place, literal("case").label("work_item"), *_item_keys(),
                   func.count().label("items"))
            .select_from(base).where(*where).group_by(*place, *_item_keys()))
    reports = (select(*place, literal("pre_trial_report").label("work_item"), *_item_keys(),
                      func.count().label("items"))
               .select_from(base.join(milestones, milestones.c.case_id == cases.c.id))
               .where(*where, pre_trial_report_in_hand_on(as_of))
               .group_by(*place, *_item_keys()))
    return rows_frame(conn, union_all(held, reports), ["region_code", "unit_id", *ITEM_COLUMNS])


def _points_table(points: tuple):
    """`points` ((work item, type, category, tier, points) rows, those of
    workload.points_by_item) as a subquery of one row per key: case_points and
    report_points, 0 where no weight covers the item. Literal rows, so both backends read
    it, and typed, so that PostgreSQL multiplies in double precision as pandas does."""
    per_key: dict[tuple, dict[str, float]] = {}
    for item, *key, value in points:
        per_key.setdefault(tuple(key), {})[item] = float(value)
    if not per_key:  # no weight in force: one row that matches no item
        per_key[("", "", "")] = {}
    rows = [select(*(cast(literal(v), String).label(c) for v, c in zip(
        key, ("probation_type", "legal_category", "risk_tier"), strict=True)),
        cast(literal(w.get("case", 0.0)), Float).label("case_points"),
        cast(literal(w.get("pre_trial_report", 0.0)), Float).label("report_points"))
        for key, w in per_key.items()]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("points")


def _counted_per_officer(as_of: date, points: tuple, where: list):
    """cases, reports and points of each officer on `as_of`, counted from the assignments
    as work_items_by_officer does, and weighed by `points`."""
    w = _points_table(points)
    officer = case_assignments.c.officer_id
    base = (case_assignments.join(cases, cases.c.id == case_assignments.c.case_id)
            .join(officers, officers.c.id == officer)
            .join(units, units.c.id == officers.c.unit_id))
    held = [assigned_on(as_of), on_register_on(as_of), *where]
    items = union_all(
        select(officer.label("officer_id"), literal(1).label("is_case"), *_item_keys())
        .select_from(base).where(*held),
        select(officer.label("officer_id"), literal(0).label("is_case"), *_item_keys())
        .select_from(base.join(milestones, milestones.c.case_id == cases.c.id))
        .where(*held, pre_trial_report_in_hand_on(as_of))).subquery("items")
    on = ((items.c.probation_type == w.c.probation_type)
          & (items.c.legal_category == w.c.legal_category)
          & (items.c.risk_tier == w.c.risk_tier))
    weight = case((items.c.is_case == 1, func.coalesce(w.c.case_points, 0.0)),
                  else_=func.coalesce(w.c.report_points, 0.0))
    return (select(items.c.officer_id, func.sum(items.c.is_case).label("cases"),
                   func.sum(1 - items.c.is_case).label("reports"),
                   func.sum(weight).label("points"))
            .select_from(items.outerjoin(w, on))
            .group_by(items.c.officer_id).subquery("per_officer"))


@cached("staff.officer_loads")
@measure
def officer_loads(conn: Connection, scope: Scope, as_of: date, points: tuple,
                  region: str | None = None, unit_id: int | None = None) -> pd.DataFrame:
    """officers_in_post with the work items each holds on `as_of` (work_items_by_officer's)
    summed in SQL: cases, pre_trial_reports and points, weighed by `points` (the rows of
    workload.points_by_item). One row per officer.

    The database sums the points in its own order: equal to workload.officer_capacity's
    only when every sum is exact (workload.sums_exactly says when)."""
    place = narrowed_place(scope, region, unit_id)
    per = _counted_per_officer(as_of, points, place)
    return loads_frame(conn, as_of, place,
                       lambda source: source.outerjoin(per, per.c.officer_id == officers.c.id),
                       (per.c.cases, per.c.reports, per.c.points))


def _in_post(with_posts: bool):
    source = officers.join(units, units.c.id == officers.c.unit_id)
    return source.join(posts, posts.c.id == officers.c.post_id) if with_posts else source


def _held(held: tuple) -> tuple:
    """Cases, reports and points held, 0 for an officer with none."""
    cases_held, reports_held, points_held = held
    return (func.coalesce(cases_held, 0), func.coalesce(reports_held, 0),
            func.coalesce(points_held, 0.0))


def loads_frame(conn: Connection, as_of: date, place: list, join, held: tuple) -> pd.DataFrame:
    """officer_loads' frame: the officers in post in `place`, their source joined by
    `join` to what gives `held` (the cases, reports and points of each)."""
    q = (select(officers.c.id, officers.c.code, officers.c.unit_id, units.c.region_code,
                posts.c.grade, officers.c.contracted_hours, *_held(held))
         .select_from(join(_in_post(True))).where(officer_in_post_on(as_of), *place)
         .order_by(officers.c.id))
    df = rows_frame(conn, q, ["officer_id", "code", "unit_id", "region_code", "grade",
                          "contracted_hours", "cases", "pre_trial_reports", "points"])
    return df.astype({"cases": int, "pre_trial_reports": int, "points": float})


LOAD_NUMBERS = ["officer_id", "unit_id", "head", "contracted_hours", "cases",
                "pre_trial_reports", "points"]


@measure
def officer_load_numbers(conn: Connection, scope: Scope, as_of: date, points: tuple,
                         region: str | None = None) -> pd.DataFrame:
    """officer_loads' numbers only, in no order, and whether the officer holds a head's
    post (head: 1 or 0) instead of the grade: what the staff page summarises of every
    officer in post. Columns LOAD_NUMBERS."""
    place = narrowed_place(scope, region)
    per = _counted_per_officer(as_of, points, place)
    return load_numbers_frame(
        conn, as_of, place,
        lambda source: source.outerjoin(per, per.c.officer_id == officers.c.id),
        (per.c.cases, per.c.reports, per.c.points))


def load_numbers_frame(conn: Connection, as_of: date, place: list, join,
                       held: tuple) -> pd.DataFrame:
    """officer_load_numbers' frame (as loads_frame)."""
    head_posts = select(posts.c.id).where(posts.c.grade == "head")
    head = case((officers.c.post_id.in_(head_posts), 1), else_=0)
    q = (select(officers.c.id, officers.c.unit_id, head, officers.c.contracted_hours,
                *_held(held))
         .select_from(join(_in_post(False))).where(officer_in_post_on(as_of), *place))
    rows = conn.execute(q).all()
    # Every value is a number (no NULLs: the columns are NOT NULL or coalesced).
    numbers = np.fromiter(itertools.chain.from_iterable(rows), dtype=float,
                          count=len(rows) * len(LOAD_NUMBERS))
    df = pd.DataFrame(numbers.reshape(len(rows), len(LOAD_NUMBERS)), columns=LOAD_NUMBERS)
    return df.astype({"officer_id": int, "unit_id": int, "head": int, "cases": int,
                      "pre_trial_reports": int})


def officer_codes(conn: Connection, scope: Scope, officer_ids: list[int]) -> dict[int, str]:
    """The codes of `officer_ids` (those in the scope)."""
    if not officer_ids:
        return {}
    q = (select(officers.c.id, officers.c.code)
         .select_from(officers.join(units, units.c.id == officers.c.unit_id))
         .where(officers.c.id.in_([int(i) for i in officer_ids]), scope.units_where(units)))
    return dict(conn.execute(q).all())


def officer_cases(conn: Connection, scope: Scope, as_of: date, officer_id: int) -> pd.DataFrame:
    """The cases that make up one officer's load on `as_of` (empty when the officer is
    outside the scope): case_id, type, category, risk tier, registered_on, planned_end,
    pre_trial_report_in_hand."""
    in_hand = (select(milestones.c.case_id).where(pre_trial_report_in_hand_on(as_of))
               .where(milestones.c.case_id == cases.c.id).exists())
    q = (select(cases.c.id, *_item_keys(), cases.c.registered_on, cases.c.planned_end,
                in_hand.label("report"))
         .select_from(case_assignments.join(cases, cases.c.id == case_assignments.c.case_id)
                      .join(officers, officers.c.id == case_assignments.c.officer_id)
                      .join(units, units.c.id == officers.c.unit_id))
         .where(case_assignments.c.officer_id == officer_id, assigned_on(as_of),
                on_register_on(as_of), scope.units_where(units))
         .order_by(cases.c.id))
    df = rows_frame(conn, q, ["case_id", "probation_type", "legal_category", "risk_tier",
                          "registered_on", "planned_end", "pre_trial_report_in_hand"])
    df["pre_trial_report_in_hand"] = df["pre_trial_report_in_hand"].astype(bool)
    return df


WEIGHT_COLUMNS = ["work_item", "probation_type", "legal_category", "risk_tier", "points",
                  "effective_from", "effective_until"]


def weight_rows(conn: Connection) -> tuple[tuple, ...]:
    """Every version of the workload weights as tuples in WEIGHT_COLUMNS order: what a
    cache key holds (the weights are edited in place, not loaded with a data version).
    National reference data, the same for every scope (it holds no case data), so no
    scope is taken."""
    q = select(*(workload_weights.c[c] for c in WEIGHT_COLUMNS)).where(true()).order_by(
        workload_weights.c.effective_from, workload_weights.c.id)
    return tuple(tuple(r) for r in conn.execute(q).all())


def workload_weights_table(conn: Connection) -> pd.DataFrame:
    """Every version of the workload weights (weight_rows as a frame)."""
    return weights_frame(weight_rows(conn))


def weights_frame(rows) -> pd.DataFrame:
    """The weights frame of `rows` (tuples in WEIGHT_COLUMNS order), missing values None."""
    df = pd.DataFrame([tuple(r) for r in rows], columns=WEIGHT_COLUMNS)
    return df.astype(object).where(df.notna(), None)
