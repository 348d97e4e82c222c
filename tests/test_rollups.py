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
MONTH_ENDS = [date(2024, 6, 30), date(2024, 12, 31), date(2025, 2, 28), date(2025, 11, 30),
              date(2025, 12, 31)]


def _filters(as_of: date, **kw) -> Filters:
    return Filters(period="custom", start=date(as_of.year, 1, 1), end=as_of, as_of=as_of, **kw)


@pytest.fixture
def fixture_engine(engine):
    fixture_small.load(engine)
    return engine


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_rollup_stock_equals_the_direct_count(fixture_engine, scope):
    with fixture_engine.connect() as conn:
        for as_of in MONTH_ENDS:
            for extra in ({}, {"probation_type": "sentence"},
                          {"legal_category": "conditionally_sentenced"}):
                f = _filters(as_of, **extra)
                direct = caseload.by_region_and_type(conn, scope, f, "en", use_rollup=False)
                rolled = caseload.by_region_and_type(conn, scope, f, "en", use_rollup=True)
                pd.testing.assert_frame_equal(rolled, direct, check_dtype=False)
                pd.testing.assert_frame_equal(
                    caseload.by_category(conn, scope, f, use_rollup=True),
                    caseload.by_category(conn, scope, f, use_rollup=False), check_dtype=False)


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


def test_a_hand_counted_stock_from_the_rollup(fixture_engine):
    """31 Dec 2025, nation: open are cases 1, 2, 4, 6, 9, 11, 12 (8 closed that day)."""
    with fixture_engine.connect() as conn:
        frame = caseload.by_region_and_type(conn, Scope.nation(), _filters(date(2025, 12, 31)))
    assert frame[["region_code", "probation_type", "cases"]].values.tolist() == [
        ["KZ-71", "pre_trial", 1], ["KZ-71", "sentence", 3],
        ["KZ-75", "penitentiary", 1], ["KZ-75", "sentence", 2]]


def test_refresh_follows_the_data(fixture_engine):
    """Conditionally sentenced on 31 Dec 2025: cases 1, 4, 9, 12; without case 12, three."""
    from sqlalchemy import delete

    from dashboard.schema import assistance, case_assignments, cases, milestones, violations

    with fixture_engine.begin() as conn:
        for table in (case_assignments, milestones, violations, assistance):
            conn.execute(delete(table).where(table.c.case_id == 12))
        conn.execute(delete(cases).where(cases.c.id == 12))
        rollups.refresh(conn)
    with fixture_engine.connect() as conn:
        frame = caseload.by_category(conn, Scope.nation(), _filters(date(2025, 12, 31)))
    assert dict(zip(frame.legal_category, frame.cases, strict=True))[
        "conditionally_sentenced"] == 3
