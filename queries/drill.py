"""The tables of the drill-down: the level below each place, each row with its KPIs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import case, or_, select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.i18n import name_column
from dashboard.schema import cases, milestones, officers, persons, regions, units
from dashboard.scope import Scope
from queries import kpis
from queries.common import (
    cases_where,
    cases_with_units,
    place_where,
    rows_frame,
)
from queries.national import officer_in_post_on, on_register_on


def _with_kpis(places: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """`places` with each KPI of its key in `counts` (0 where it has none)."""
    # By position: a key `counts` lacks is at -1, the 0 appended to each column.
    at = counts.index.get_indexer(places["key"])
    out = places.reset_index(drop=True)
    values = {c: np.append(counts[c].to_numpy(dtype=np.int64), 0)[at] for c in kpis.COLUMNS}
    return pd.concat([out, pd.DataFrame(values, index=out.index)], axis=1)


@cached("drill.regions_table")
def regions_table(conn: Connection, scope: Scope, f: Filters, lang: str = "kk") -> pd.DataFrame:
    """One row per region in scope (key = ISO code, name) with the KPI counts."""
    query = (select(regions.c.code.label("key"), regions.c[name_column(lang)].label("name"))
             .distinct().join_from(regions, units, units.c.region_code == regions.c.code)
             .where(place_where(scope, f)).order_by(regions.c.code))
    places = rows_frame(conn, query, ["key", "name"])
    return _with_kpis(places, kpis.by_place(conn, scope, f, "region"))


@cached("drill.units_table")
def units_table(conn: Connection, scope: Scope, f: Filters, lang: str = "kk") -> pd.DataFrame:
    """One row per unit of the filters' region in scope (key = unit id, name)."""
    query = (select(units.c.id.label("key"), units.c[name_column(lang)].label("name"))
             .where(place_where(scope, f)).order_by(units.c[name_column(lang)]))
    places = rows_frame(conn, query, ["key", "name"])
    return _with_kpis(places, kpis.by_place(conn, scope, f, "unit"))


@cached("drill.officers_table")
def officers_table(conn: Connection, scope: Scope, f: Filters) -> pd.DataFrame:
    """One row per officer of the filters' unit who was in post on f.as_of or held a case
    of it on the register that day (key = officer id, name = staff code)."""
    counts = kpis.by_place(conn, scope, f, "officer")
    query = (select(officers.c.id.label("key"), officers.c.code.label("name"),
                    case((officer_in_post_on(f.as_of), True), else_=False).label("in_post"))
             .join_from(officers, units, units.c.id == officers.c.unit_id)
             .where(place_where(scope, f)).order_by(officers.c.code))
    places = rows_frame(conn, query, ["key", "name", "in_post"])
    # Those who held a case on the register that day are the keys the counts name with
    # one (the same cases, the same rule): no second pass over the unit's cases.
    held = counts.index[counts["on_register"].to_numpy() > 0]
    places = places[places["in_post"].astype(bool) | places["key"].isin(held)]
    return _with_kpis(places, counts)


OFFICER_CASE_COLUMNS = ["case_id", "person_code", "probation_type", "legal_category",
                        "risk_tier", "registered_on", "planned_end", "next_kind", "next_due",
                        "overdue", "first_overdue_due"]


@cached("drill.officer_cases")
def officer_cases(conn: Connection, scope: Scope, f: Filters) -> pd.DataFrame:
    """The cases the officer (f.officer_id) held on f.as_of (the assignment in force that
    day, queries/common.py) while on the register, each with its next milestone not yet
    done and its overdue milestones on that day: columns OFFICER_CASE_COLUMNS,
    object-typed, None where a case has no such milestone."""
    open_on = or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > f.as_of)
    active = (select(cases.c.id, persons.c.code.label("person_code"), cases.c.probation_type,
                     cases.c.legal_category, cases.c.risk_tier, cases.c.registered_on,
                     cases.c.planned_end)
              .select_from(cases_with_units().join(persons, persons.c.id == cases.c.person_id))
              .where(cases_where(scope, f), on_register_on(f.as_of)))
    held = conn.execute(active.order_by(cases.c.registered_on, cases.c.id)).all()
    ids = select(cases.c.id).select_from(cases_with_units()).where(
        cases_where(scope, f), on_register_on(f.as_of))
    pending = (select(milestones.c.case_id, milestones.c.kind, milestones.c.due_on)
               .where(milestones.c.case_id.in_(ids), open_on))
    # One pass over an officer's few hundred open milestones.
    upcoming: dict[int, tuple] = {}  # case -> (due, kind) of the earliest not yet due
    late: dict[int, list] = {}  # case -> [count, earliest due] of those overdue
    for case_id, kind, due_on in conn.execute(pending):
        if due_on >= f.as_of:
            first = upcoming.get(case_id)
            if first is None or (due_on, kind) < first:
                upcoming[case_id] = (due_on, kind)
        elif (seen := late.get(case_id)) is None:
            late[case_id] = [1, due_on]
        else:
            seen[0] += 1
            seen[1] = min(seen[1], due_on)
    rows = []
    for row in held:
        due_kind = upcoming.get(row[0])
        overdue = late.get(row[0])
        rows.append((*row, *(reversed(due_kind) if due_kind else (None, None)),
                     *(overdue if overdue else (0, None))))
    return pd.DataFrame(rows, columns=OFFICER_CASE_COLUMNS, dtype=object)
