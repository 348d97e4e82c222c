"""National figures for a calendar year: the smoke check after a load (`summary`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from dashboard.codes import PROGRAM_KINDS
from dashboard.schema import cases, milestones, officers, posts, units, violations


def on_register_between(first: date, last: date):
    """Cases on the register on at least one day of [first, last]."""
    return and_(cases.c.registered_on <= last,
                or_(cases.c.closed_on.is_(None), cases.c.closed_on > first))


def on_register_on(day: date):
    """Cases on the register on `day` (closed_on is the first day off the register)."""
    return on_register_between(day, day)


def overdue_on(day: date):
    """Milestones overdue on `day`: due before it and not completed by it.

    The due day itself is still on time (a milestone completed on its due day was never
    overdue); the day after, an open milestone is 1 day overdue. A milestone completed
    late counts as overdue on every day from the day after its due day up to the day
    before its completion. Combine with `on_register_on(day)`: milestones of cases off
    the register are nobody's to act on."""
    return and_(milestones.c.due_on < day,
                or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > day),
                late_or_open())


def late_or_open():
    """Milestones that are overdue on some day: never completed, or completed after the
    due day. Implied by `overdue_on`, spelled out so that a partial index on exactly this
    condition can serve it (the planner does not derive it from the date comparisons)."""
    return or_(milestones.c.completed_on.is_(None),
               milestones.c.completed_on > milestones.c.due_on)


def post_exists_on(day: date):
    return and_(posts.c.valid_from <= day,
                or_(posts.c.valid_until.is_(None), posts.c.valid_until > day))


def officer_in_post_on(day: date):
    return and_(officers.c.started_on <= day,
                or_(officers.c.left_on.is_(None), officers.c.left_on > day))


def year_summary(conn: Connection, year: int) -> dict[str, int]:
    """The national figures of `year`; people are counted once however many cases."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    day_after = last + timedelta(days=1)

    def scalar(query) -> int:
        return int(conn.execute(query).scalar_one() or 0)

    people = func.count(func.distinct(cases.c.person_id))
    return {
        "year": year,
        "on_register_during_year": scalar(
            select(people).where(on_register_between(first, last))),
        "on_register_at_year_end": scalar(select(people).where(on_register_on(last))),
        "new_registrations": scalar(
            select(func.count()).where(cases.c.registered_on.between(first, last))),
        "repeat_offences": scalar(
            select(func.count()).select_from(violations).where(
                violations.c.kind == "new_offence",
                violations.c.occurred_on >= first, violations.c.occurred_on < day_after)),
        "programs_drafted": scalar(
            select(func.count()).select_from(milestones).where(
                milestones.c.kind.in_(PROGRAM_KINDS),
                milestones.c.completed_on >= first, milestones.c.completed_on < day_after)),
        "posts": scalar(select(func.count()).select_from(posts).where(post_exists_on(last))),
        "filled_posts": scalar(
            select(func.count(func.distinct(officers.c.post_id))).where(
                officer_in_post_on(last))),
    }


def people_on_register_on(conn: Connection, day: date, region_code: str | None = None) -> int:
    """People on the register on `day`, nationally or in one region (by the unit of the
    case); a person is counted once however many cases."""
    query = select(func.count(func.distinct(cases.c.person_id))).where(on_register_on(day))
    if region_code is not None:
        query = query.select_from(cases.join(units, cases.c.unit_id == units.c.id)).where(
            units.c.region_code == region_code)
    return int(conn.execute(query).scalar_one() or 0)


def sentences_replaced(conn: Connection, first: date, last: date) -> int:
    """Cases closed in [first, last] because the court replaced the sentence with
    imprisonment on the service's submission (close reason `revoked`, as the outcomes
    page counts them)."""
    return int(conn.execute(select(func.count()).select_from(cases).where(
        cases.c.close_reason == "revoked", cases.c.closed_on.between(first, last)))
        .scalar_one() or 0)


def posts_on(conn: Connection, day: date) -> int:
    """Posts of the establishment that exist on `day`."""
    return int(conn.execute(select(func.count()).select_from(posts).where(
        post_exists_on(day))).scalar_one() or 0)
