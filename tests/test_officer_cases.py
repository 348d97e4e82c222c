"""The officer page's table of open cases (queries/drill.officer_cases), counted in one
pass in Python: the same frame, value for value and type for type, as the pandas
implementation it replaced (kept here as the reference), for officers, days, narrowings
and scopes drawn at random from generated data, on both backends. The hand-counted
figures are in tests/test_queries_views.py."""

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import or_, select

from dashboard.filters import Filters
from dashboard.schema import cases, milestones, persons, units
from dashboard.scope import Scope
from queries import drill
from queries.common import cases_where, cases_with_units
from queries.national import on_register_on
from service import demo, load


def pandas_officer_cases(conn, scope: Scope, f: Filters) -> pd.DataFrame:
    """What drill.officer_cases read before (sort, groupbys and joins in pandas)."""
    open_on = or_(milestones.c.completed_on.is_(None), milestones.c.completed_on > f.as_of)
    active = (select(cases.c.id, persons.c.code.label("person_code"), cases.c.probation_type,
                     cases.c.legal_category, cases.c.risk_tier, cases.c.registered_on,
                     cases.c.planned_end)
              .select_from(cases_with_units().join(persons, persons.c.id == cases.c.person_id))
              .where(cases_where(scope, f), on_register_on(f.as_of)))
    frame = pd.DataFrame(conn.execute(active.order_by(cases.c.registered_on, cases.c.id))
                         .mappings().all(),
                         columns=["id", "person_code", "probation_type", "legal_category",
                                  "risk_tier", "registered_on", "planned_end"])
    frame = frame.rename(columns={"id": "case_id"})
    ids = select(cases.c.id).select_from(cases_with_units()).where(
        cases_where(scope, f), on_register_on(f.as_of))
    pending = (select(milestones.c.case_id, milestones.c.kind, milestones.c.due_on)
               .where(milestones.c.case_id.in_(ids), open_on))
    due = pd.DataFrame(conn.execute(pending).mappings().all(),
                       columns=["case_id", "kind", "due_on"])
    upcoming = (due[due.due_on >= f.as_of].sort_values(["case_id", "due_on", "kind"])
                .groupby("case_id").first()
                .rename(columns={"kind": "next_kind", "due_on": "next_due"}))
    late = due[due.due_on < f.as_of].groupby("case_id").due_on.agg(["count", "min"])
    late.columns = ["overdue", "first_overdue_due"]
    out = frame.join(upcoming, on="case_id").join(late, on="case_id")
    out["overdue"] = out.overdue.fillna(0).astype(int)
    return out.astype(object).where(out.notna(), None)


def _typed(frame: pd.DataFrame) -> list:
    return [[(type(v).__name__, v) for v in row] for row in frame.itertuples(index=False)]


@pytest.mark.slow
def test_the_same_frame_as_pandas_on_generated_data(engine):
    load.replace_all(engine, demo.generate(scale=0.02, seed=8))
    rng = random.Random(4)
    until = date(2026, 11, 24)
    with engine.connect() as conn:
        held = conn.execute(select(cases.c.officer_id, cases.c.unit_id, units.c.region_code,
                                   cases.c.registered_on, cases.c.closed_on)
                            .join_from(cases, units, units.c.id == cases.c.unit_id)
                            .where(cases.c.officer_id.is_not(None))
                            .order_by(cases.c.id)).all()  # one sample on either backend
        compared = overdue = upcoming = 0
        for _ in range(40):
            # An officer on a day one of their cases was open (half of them in the data's
            # last year, where most milestones are still open).
            officer_id, unit_id, region, registered, closed = rng.choice(held)
            last = min(closed or until, until)
            first = max(registered, last - timedelta(days=365)) if rng.random() < 0.5 \
                else registered
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            scope = rng.choice([Scope.nation(), Scope("region_head", region_code=region),
                                Scope("unit_head", unit_id=unit_id)])
            f = Filters.from_query(f"?period=month&to={day.isoformat()}", until)
            f = f.within(officer_id=officer_id,
                         probation_type=rng.choice([None, None, "sentence", "pre_trial"]))
            mine, theirs = drill.officer_cases(conn, scope, f), pandas_officer_cases(conn, scope, f)
            assert list(mine.columns) == drill.OFFICER_CASE_COLUMNS == list(theirs.columns)
            assert all(str(dtype) == "object" for dtype in mine.dtypes), mine.dtypes
            assert _typed(mine) == _typed(theirs), (officer_id, scope, f.as_of)
            compared += len(mine)
            overdue += int((mine.overdue > 0).sum())
            upcoming += int(mine.next_kind.notna().sum())
        # Not only empty tables, and both kinds of milestone met.
        assert compared > 100 and overdue > 10 and upcoming > 10, (compared, overdue, upcoming)
