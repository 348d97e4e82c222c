"""Predicates shared by several views (the register's own are in queries.national)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_

from dashboard.schema import case_assignments, milestones


def assigned_on(day: date):
    """Assignments in force on `day`: the officer responsible for the case that day."""
    return and_(case_assignments.c.assigned_on <= day,
                or_(case_assignments.c.unassigned_on.is_(None),
                    case_assignments.c.unassigned_on > day))


def pre_trial_report_in_hand_on(day: date):
    """Pre-trial report milestones not yet handed to the court on `day`."""
    return and_(milestones.c.kind == "pre_trial_report",
                or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > day))
