"""Fills the needs-attention table (queries/readmodel/attention.py) for the data's last day
with queries.attention's own per-case query, grouped by the case's unit, type and category
as well as its officer, and marks it fresh (inside the load's transaction, after
dataset_info was written)."""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from dashboard.schema import cases, dataset_info
from dashboard.scope import Scope
from queries import attention, readmodel
from queries.milestones import DUE_SOON_DAYS, EVERYWHERE
from queries.readmodel.attention import COUNTS, GROUP, MARKER, officer_actions_day
from service.readmodel.stocks import _now


def refresh(conn: Connection) -> None:
    conn.execute(delete(officer_actions_day))
    conn.execute(delete(dataset_info).where(dataset_info.c.key == MARKER))
    data = readmodel.loaded(conn)
    if data is None:
        return
    extra = [cases.c[g] for g in GROUP]
    rows = attention.per_case(Scope.nation(), data.until, EVERYWHERE, DUE_SOON_DAYS, *extra)
    conn.execute(insert(officer_actions_day).from_select(
        ["officer_id", *GROUP, *COUNTS], attention.summed(rows, *GROUP)))
    conn.execute(insert(dataset_info).values(key=MARKER, value=data.version,
                                             updated_at=_now()))
