"""The needs-attention list read from the officer stock (queries/readmodel/stocks.py): on
its stock days (every month end and the data's last day, the day every page opens on) it
holds queries.attention's counts per officer, unit, type, category and risk tier, so that
a page sums a few hundred rows instead of counting every milestone of the place (the
scale-10 floor of `make bench` needs it). Any other day, or another due-soon horizon, is
counted by the definition. Like the definition, it takes no narrowing by officer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from dashboard.schema import units
from dashboard.scope import Scope
from queries import attention
from queries.milestones import DUE_SOON_DAYS, EVERYWHERE, Where, place_condition
from queries.readmodel import CannotAnswer, reads, stocks

STOCK_COUNTS = {"caseload": "cases_held", "due": "due", "overdue": "overdue",
                "due_soon": "due_soon", "without_program": "without_program"}
"""Each count of the list and the officer stock's column that holds it."""


@reads(attention.officer_actions, stocks.MARKER)
def officer_actions(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
                    days: int = DUE_SOON_DAYS):
    if days != stocks.DUE_SOON_DAYS or not stocks.holds(conn, [as_of]):
        raise CannotAnswer
    t = stocks.officer_stock
    q = (select(t.c.officer_id, *(func.sum(t.c[column]) for column in STOCK_COUNTS.values()))
         .select_from(t.join(units, units.c.id == t.c.unit_id))
         .where(t.c.day == as_of, place_condition(scope, where, t))
         .group_by(t.c.officer_id))
    return attention.action_frame(conn.execute(q).all())
