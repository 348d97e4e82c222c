"""Needs attention: the officers of a place ranked by what needs action on a day.

Definitions (the milestones page's, so that the two pages agree for the same place and
day; see queries/milestones.py):
- the officer of a case on day d is the one it was assigned to on d (case_assignments),
  the assignment history on the day in view; cases nobody held that day form one row
  with no officer (key None);
- a case counts where its unit is (the page's region or unit, within the scope), and
  only while it is on the register on d;
- due, overdue: `queries.national.overdue_on(d)` over the milestones due before d;
- due soon: `queries.milestones.due_soon_on(d, 14)`, due from d to 14 days after it and
  not completed by d;
- open cases without a program: cases on the register on d with no individual program
  (in penitentiary probation the release-preparation program: `PROGRAM_KINDS`)
  completed on or before d.
Capacity % is the staff page's (dashboard.workload), per officer in post in the place.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.codes import PROGRAM_KINDS
from dashboard.i18n import name_column
from dashboard.schema import case_assignments, cases, milestones, officers, units
from dashboard.scope import Scope
from queries.milestones import (
    DUE_SOON_DAYS,
    EVERYWHERE,
    Where,
    count_if,
    due_soon_on,
    milestone_source,
    place_condition,
)
from queries.national import on_register_on, overdue_on
from queries.readmodel import measure

ACTION_COLUMNS = ["key", "caseload", "due", "overdue", "due_soon", "without_program"]
RANKED_COLUMNS = ["officer_id", "code", "unit_id", "unit", "in_post", "caseload", "due",
                  "overdue", "overdue_share", "due_soon", "without_program", "capacity_pct"]


def program_drafted_by(day: date):
    """Milestones that are a program (individual, or release-preparation) drafted on or
    before `day`."""
    return and_(milestones.c.kind.in_(PROGRAM_KINDS), milestones.c.completed_on <= day)


def per_case(scope: Scope, as_of: date, where: Where, days: int):
    """One row per case of the place on the register on `as_of` and its officer that day
    (key): its milestones due, overdue and due soon, and whether a program is drafted."""
    officer = case_assignments.c.officer_id.label("key")
    return (
        select(officer,
               count_if(milestones.c.due_on < as_of).label("due"),
               count_if(overdue_on(as_of)).label("overdue"),
               count_if(due_soon_on(as_of, days)).label("due_soon"),
               func.max(case((program_drafted_by(as_of), 1), else_=0)).label("drafted"))
        .select_from(milestone_source(as_of, officer=True, with_milestones=False)
                     .outerjoin(milestones, milestones.c.case_id == cases.c.id))
        .where(place_condition(scope, where), on_register_on(as_of))
        .group_by(cases.c.id, case_assignments.c.officer_id)
        .subquery("per_case"))


def summed(rows):
    """`per_case` rows summed per officer: ACTION_COLUMNS."""
    c = rows.c
    return (select(c.key, func.count().label("caseload"),
                   func.sum(c.due).label("due"), func.sum(c.overdue).label("overdue"),
                   func.sum(c.due_soon).label("due_soon"),
                   count_if(func.coalesce(c.drafted, 0) == 0).label("without_program"))
            .group_by(c.key))


def action_frame(rows) -> pd.DataFrame:
    """ACTION_COLUMNS from a query's rows: counts as int, no officer as None."""
    frame = pd.DataFrame([tuple(r) for r in rows], columns=ACTION_COLUMNS)
    for column in ACTION_COLUMNS[1:]:
        frame[column] = frame[column].fillna(0).astype(int)
    frame["key"] = frame["key"].astype(object).where(frame["key"].notna(), None)
    return frame


@cached("attention.officer_actions")
@measure
def officer_actions(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
                    days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """Per officer responsible on `as_of` (key; None: cases nobody held that day), over the
    place's cases on the register that day: caseload, milestones due and overdue, due in
    the next `days` days, and open cases without a program. Columns ACTION_COLUMNS."""
    return action_frame(conn.execute(summed(per_case(scope, as_of, where, days))).all())


@cached("attention.officer_places")
def officer_places(conn: Connection, scope: Scope, officer_ids: tuple[int, ...],
                   lang: str) -> pd.DataFrame:
    """Code, unit and unit name (in `lang`) of each of `officer_ids` inside the scope.
    Columns officer_id, code, unit_id, unit."""
    q = (select(officers.c.id, officers.c.code, units.c.id, units.c[name_column(lang)])
         .select_from(officers.join(units, units.c.id == officers.c.unit_id))
         .where(officers.c.id.in_([int(i) for i in officer_ids]), scope.units_where(units))
         .order_by(officers.c.id))
    return pd.DataFrame([tuple(r) for r in conn.execute(q).all()],
                        columns=["officer_id", "code", "unit_id", "unit"])


def ranked(actions: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """One row per officer of the place: those with cases there on the day (`actions`)
    and those in post there (`capacity`: officer_id, capacity_pct); the cases nobody held
    last (officer_id None). Worst first: most overdue, then most due soon, most without a
    program, highest capacity. Columns RANKED_COLUMNS, not yet named (`with_places`)."""
    held = actions.rename(columns={"key": "officer_id"})
    known = held[held.officer_id.notna()].astype({"officer_id": int})
    nobody = held[held.officer_id.isna()]
    in_post = capacity[["officer_id", "capacity_pct"]].astype({"officer_id": int})
    frame = known.merge(in_post, on="officer_id", how="outer")
    frame["in_post"] = frame.officer_id.isin(in_post.officer_id)
    if len(nobody):
        frame = pd.concat([frame, nobody.assign(in_post=False, capacity_pct=np.nan)],
                          ignore_index=True)
    for column in ACTION_COLUMNS[1:]:
        frame[column] = frame[column].fillna(0).astype(int)
    frame["overdue_share"] = np.where(frame.due > 0, frame.overdue / frame.due.where(
        frame.due > 0, 1), np.nan)
    frame["unassigned"] = frame.officer_id.isna()
    frame = frame.sort_values(
        ["unassigned", "overdue", "due_soon", "without_program", "capacity_pct", "officer_id"],
        ascending=[True, False, False, False, False, True], na_position="last",
        ignore_index=True)
    frame["officer_id"] = [None if v != v else int(v) for v in frame.officer_id]
    return frame.assign(code=None, unit_id=None, unit=None)[RANKED_COLUMNS]


def with_places(frame: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """`ranked`'s rows with the code, unit and unit name of each officer `places` holds
    (officer_places); the others keep None."""
    by_id = places.set_index("officer_id")
    ids = frame.officer_id
    out = frame.copy()
    for column, kind in (("code", str), ("unit_id", int), ("unit", str)):
        values = by_id[column].to_dict()
        out[column] = pd.Series([None if (v := values.get(i)) is None else kind(v)
                                 for i in ids], index=out.index, dtype=object)
    return out
