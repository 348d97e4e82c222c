"""The needs-attention list of the data's last day, stored: queries.attention's per-officer
counts for the as-of day every page opens on, per officer x unit x probation type x legal
category, so that the landing page of a region or unit head sums a few hundred rows instead
of counting every milestone of the region (the scale-10 floor of `make bench` needs it).
service/readmodel/attention.py fills it with the definition's own query. The other stock
days (month ends) are read from the officer stock (queries/readmodel/stocks.py), which
counts the same per officer; any other day, or another due-soon horizon, is counted by the
definition. Like the definition, neither takes a narrowing by officer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Connection

from dashboard.schema import units
from dashboard.scope import Scope
from queries import attention, readmodel
from queries.milestones import DUE_SOON_DAYS, EVERYWHERE, Where, place_condition
from queries.readmodel import CannotAnswer, reads, stocks

MARKER = "attention_day"
"""dataset_info key: the data_version the table was filled for (on the data's last day)."""

GROUP = ("unit_id", "probation_type", "legal_category")
COUNTS = ("caseload", "due", "overdue", "due_soon", "without_program")

attention_metadata = MetaData()
officer_actions_day = Table(
    "officer_actions_day", attention_metadata,
    Column("officer_id", Integer),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    *(Column(c, Integer, nullable=False) for c in COUNTS),
    Index("ix_officer_actions_day_unit", "unit_id"),
)
"""Per officer responsible on the data's last day (NULL: nobody) and the case's unit, type
and category: queries.attention.officer_actions' counts on that day."""


@readmodel.model(MARKER)
def fresh(conn: Connection) -> bool:
    return readmodel.marked(conn, MARKER)


def stored_day(conn: Connection) -> date | None:
    """The day the table holds: the data's last day."""
    until = readmodel.page_info(conn).get("data_until")
    return None if until is None else date.fromisoformat(until)


@reads(attention.officer_actions, MARKER)
def officer_actions(conn: Connection, scope: Scope, as_of: date, where: Where = EVERYWHERE,
                    days: int = DUE_SOON_DAYS):
    if days != DUE_SOON_DAYS or as_of != stored_day(conn):
        raise CannotAnswer
    t = officer_actions_day
    q = (select(t.c.officer_id, *(func.sum(t.c[c]) for c in COUNTS))
         .select_from(t.join(units, units.c.id == t.c.unit_id))
         .where(place_condition(scope, where, t)).group_by(t.c.officer_id))
    return attention.action_frame(conn.execute(q).all())


STOCK_COUNTS = {"caseload": "cases_held", "due": "due", "overdue": "overdue",
                "due_soon": "due_soon", "without_program": "without_program"}
"""Each count of the list and the officer stock's column that holds it."""


@reads(attention.officer_actions, stocks.MARKER)
def officer_actions_on_stock_days(conn: Connection, scope: Scope, as_of: date,
                                  where: Where = EVERYWHERE, days: int = DUE_SOON_DAYS):
    if days != stocks.DUE_SOON_DAYS or not stocks.holds(conn, [as_of]):
        raise CannotAnswer
    t = stocks.officer_stock
    q = (select(t.c.officer_id, *(func.sum(t.c[STOCK_COUNTS[c]]) for c in COUNTS))
         .select_from(t.join(units, units.c.id == t.c.unit_id))
         .where(t.c.day == as_of, place_condition(scope, where, t))
         .group_by(t.c.officer_id))
    return attention.action_frame(conn.execute(q).all())

