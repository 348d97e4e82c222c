"""Conditions every view shares: the user's scope plus the page's filters, on cases;
who holds a case on a day; which pre-trial reports are still in hand."""

from __future__ import annotations

from datetime import date

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
        # The officer responsible now, or when the case closed.
        conditions.append(cases.c.officer_id == f.officer_id)
    return and_(*conditions) if conditions else true()


def cases_with_units():
    return cases.join(units, cases.c.unit_id == units.c.id)


def assigned_on(day: date):
    """Assignments in force on `day`: the officer responsible for the case that day."""
    return and_(case_assignments.c.assigned_on <= day,
                or_(case_assignments.c.unassigned_on.is_(None),
                    case_assignments.c.unassigned_on > day))


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
