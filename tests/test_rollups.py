"""The monthly rollup answers exactly what the direct queries on the cases answer, on the
hand-counted fixture, on both backends; it follows a reload; cache keys separate scopes."""

from datetime import date

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.scope import Scope
from queries import caseload, rollups
from tests import fixture_small

SCOPES = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
          Scope("unit_head", unit_id=3)]


def _filters(as_of: date, **kw) -> Filters:
    return Filters(period="custom", start=date(as_of.year, 1, 1), end=as_of, as_of=as_of, **kw)


@pytest.fixture
def fixture_engine(engine):
    fixture_small.load(engine)
    return engine


@pytest.mark.parametrize("as_of", [date(2025, 12, 31), date(2025, 7, 15), date(2024, 3, 1)])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_rollup_trend_equals_the_direct_trend(fixture_engine, scope, as_of):
    with fixture_engine.connect() as conn:
        f = _filters(as_of)
        since = date(2023, 1, 1)
        direct = caseload.monthly_trend(conn, scope, f, since, use_rollup=False)
        rolled = caseload.monthly_trend(conn, scope, f, since, use_rollup=True)
    pd.testing.assert_frame_equal(rolled, direct, check_dtype=False)
    assert len(direct) > 0


def test_refresh_follows_the_data(fixture_engine):
    """Sentence probation on 30 Nov 2025: cases 1, 2, 4, 8, 9, 12; without case 12, five."""
    from sqlalchemy import delete

    from dashboard.schema import assistance, case_assignments, cases, milestones, violations

    with fixture_engine.begin() as conn:
        for table in (case_assignments, milestones, violations, assistance):
            conn.execute(delete(table).where(table.c.case_id == 12))
        conn.execute(delete(cases).where(cases.c.id == 12))
        rollups.refresh(conn)
    with fixture_engine.connect() as conn:
        f = _filters(date(2025, 12, 31))
        frame = caseload.monthly_trend(conn, Scope.nation(), f, date(2025, 1, 1))
        direct = caseload.monthly_trend(conn, Scope.nation(), f, date(2025, 1, 1),
                                        use_rollup=False)
    pd.testing.assert_frame_equal(frame, direct, check_dtype=False)
    last = frame[frame.month_end == date(2025, 11, 30)]
    assert dict(zip(last.probation_type, last.cases, strict=True))["sentence"] == 5
