"""Conditions every view shares: the user's scope plus the page's filters, on cases;
who holds a case on a day; which pre-trial reports are still in hand.

The officer of a case on day d, on every page: the one whose assignment
(case_assignments) is in force on d, assigned_on <= d < unassigned_on. A case nobody
held on d belongs to no officer that day. `cases.officer_id` (the officer now, or at
close) is not used for counting. Point-in-time figures take the day in view; an event
takes its own day (a registration its registered_on, a new offence its occurred_on), and
a closure, a revocation or a court hearing the case's last day on the register before it
(`held_before`), since assignments end on the day the case leaves the register."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Boolean, Date, and_, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from dashboard.cache import dataset_days
from dashboard.filters import DATA_FROM, Filters
from dashboard.schema import OPEN_RANGE, case_assignments, cases, dataset_info, milestones, units
from dashboard.scope import Scope


def data_period(conn: Connection) -> tuple[date, date]:
    """First and last day the data covers (dataset_info data_from, data_until).

    An empty database answers with its first day twice, so pages still render."""
    rows = dataset_days()
    if rows is None:
        rows = dict(conn.execute(select(dataset_info.c.key, dataset_info.c.value).where(
            dataset_info.c.key.in_(["data_from", "data_until"]))).all())
    first = date.fromisoformat(rows["data_from"]) if "data_from" in rows else DATA_FROM
    last = date.fromisoformat(rows["data_until"]) if "data_until" in rows else first
    return first, last


SYNTHETIC_SOURCE = "synthetic demo"
"""dataset_info `source` of the generator's data (service.demo), and of an import of its
export (service.extract: the manifest says so)."""


def synthetic_data(conn: Connection) -> bool:
    """Whether the data are the demo generator's: its inter-region transfers (a share of
    cases closed as moved, each continued by a case elsewhere) are invented, and the
    screens and exports that show them say so."""
    source = conn.execute(select(dataset_info.c.value)
                          .where(dataset_info.c.key == "source")).scalar()
    return bool(source) and source.startswith(SYNTHETIC_SOURCE)


def place_where(scope: Scope, f: Filters) -> ColumnElement[bool]:
    """Units in scope, narrowed to the page's region and unit (needs `units` joined)."""
    conditions = [scope.units_where(units)]
    if f.region:
        conditions.append(units.c.region_code == f.region)
    if f.unit_id is not None:
        conditions.append(units.c.id == f.unit_id)
    return and_(*conditions)


def cases_where(scope: Scope, f: Filters) -> ColumnElement[bool]:
    """Cases of the page's place, probation type, legal category and officer, in scope."""
    conditions = [place_where(scope, f)]
    if f.probation_type:
        conditions.append(cases.c.probation_type == f.probation_type)
    if f.legal_category:
        conditions.append(cases.c.legal_category == f.legal_category)
    if f.officer_id is not None:
        # The cases the officer held on the as-of day (the module's rule).
        conditions.append(held_by(f.officer_id, f.as_of))
    return and_(*conditions) if conditions else true()


def cases_with_units():
    return cases.join(units, cases.c.unit_id == units.c.id)


OFFICER = case_assignments.c.officer_id
"""The officer of a case, once `with_officer` has joined the assignment in force."""


def assigned_on(day):
    """Assignments in force on `day` (a date, or a date column such as a violation's
    occurred_on): the officer responsible for the case that day."""
    return and_(case_assignments.c.assigned_on <= day,
                or_(case_assignments.c.unassigned_on.is_(None),
                    case_assignments.c.unassigned_on > day))


def assigned_before(day):
    """Assignments in force on the day before `day` (a date or a date column): for a
    case closed on `day` (exclusive), its officer on its last day on the register. Written
    without date arithmetic, so that it runs on a column on both backends."""
    return and_(case_assignments.c.assigned_on < day,
                or_(case_assignments.c.unassigned_on.is_(None),
                    case_assignments.c.unassigned_on >= day))


def held_on(day) -> ColumnElement[bool]:
    """Join condition: the assignment of each case (`cases`) in force on `day`."""
    return and_(case_assignments.c.case_id == cases.c.id, assigned_on(day))


def held_before(day) -> ColumnElement[bool]:
    """Join condition: the assignment of each case in force on the day before `day`."""
    return and_(case_assignments.c.case_id == cases.c.id, assigned_before(day))


def with_officer(source, on: ColumnElement[bool], officer_id: int | None = None,
                 outer: bool = False):
    """`source` (which holds `cases`) joined to the assignment `on` picks (`held_on`,
    `held_before`); group or pick by `OFFICER`. `officer_id`: only that officer's.
    `outer`: keep the cases nobody held (OFFICER None) instead of leaving them out."""
    if officer_id is not None:
        on = and_(on, case_assignments.c.officer_id == officer_id)
    return source.outerjoin(case_assignments, on) if outer else source.join(case_assignments, on)


def held_by(officer_id: int, day) -> ColumnElement[bool]:
    """Cases (`cases`) that `officer_id` held on `day` (a date or a date column)."""
    return cases.c.id.in_(select(case_assignments.c.case_id).where(
        case_assignments.c.officer_id == officer_id, assigned_on(day)))


def pre_trial_report_in_hand_on(day: date):
    """Pre-trial report milestones not yet handed to the court on `day`."""
    return and_(milestones.c.kind == "pre_trial_report",
                or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > day))


class milestone_overdue_on(FunctionElement):
    """Milestones due before `day` and not done by it: due_on < day and (completed_on is
    null or completed_on > day). On PostgreSQL written as a range containment, so that the
    GiST index ix_milestones_open_range (migration 0005) answers it."""

    type = Boolean()
    name = "milestone_overdue_on"
    inherit_cache = True

    def __init__(self, day: date) -> None:
        super().__init__(literal(day, Date()))


@compiles(milestone_overdue_on)
def _overdue_default(element, compiler, **kw) -> str:
    day = list(element.clauses)[0]
    return compiler.process(and_(milestones.c.due_on < day,
                                 or_(milestones.c.completed_on.is_(None),
                                     milestones.c.completed_on > day)), **kw)


@compiles(milestone_overdue_on, "postgresql")
def _overdue_postgresql(element, compiler, **kw) -> str:
    day = compiler.process(list(element.clauses)[0], **kw)
    return f"{OPEN_RANGE.format(t='milestones.')} @> {day}"


def rows_frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    """The query's rows as a frame of `columns` (in the query's order): from plain tuples,
    several times faster than from row mappings (a scale-10 unit's 3,000 officers)."""
    return pd.DataFrame([tuple(r) for r in conn.execute(query).all()], columns=columns)
