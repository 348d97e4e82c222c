"""The monthly rollup answers exactly what the direct queries on the cases answer, on the
hand-counted fixture, on both backends; it follows a reload; cache keys separate scopes."""

from datetime import date

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.scope import Scope
from queries import caseload
from service import readmodel
from tests.seam import both, definitions_only

SCOPES = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
          Scope("unit_head", unit_id=3)]


def _filters(as_of: date, **kw) -> Filters:
    return Filters(period="custom", start=date(as_of.year, 1, 1), end=as_of, as_of=as_of, **kw)


@pytest.fixture
def fixture_engine(small_versioned):
    return small_versioned


@pytest.mark.parametrize("as_of", [date(2025, 12, 31), date(2025, 7, 15), date(2024, 3, 1)])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_rollup_trend_equals_the_direct_trend(fixture_engine, scope, as_of):
    with fixture_engine.connect() as conn:
        f = _filters(as_of)
        since = date(2023, 1, 1)
        rolled, direct = both(lambda: caseload.monthly_trend(conn, scope, f, since), "rollups")
    pd.testing.assert_frame_equal(rolled, direct, check_dtype=False)
    assert len(direct) > 0


def test_refresh_follows_the_data(fixture_engine):
    """Sentence probation on 30 Nov 2025: cases 1, 2, 4, 8, 9, 12; without case 12, five."""
    from tests.helpers import delete_case

    with fixture_engine.begin() as conn:
        delete_case(conn, 12)
        readmodel.refresh(conn)
    with fixture_engine.connect() as conn:
        f = _filters(date(2025, 12, 31))
        frame, direct = both(
            lambda: caseload.monthly_trend(conn, Scope.nation(), f, date(2025, 1, 1)), "rollups")
    pd.testing.assert_frame_equal(frame, direct, check_dtype=False)
    last = frame[frame.month_end == date(2025, 11, 30)]
    assert dict(zip(last.probation_type, last.cases, strict=True))["sentence"] == 5


PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),   # whole months only
    (date(2024, 2, 10), date(2025, 11, 17)),  # whole months and both edges
    (date(2025, 3, 1), date(2025, 3, 20)),    # no whole month
    (date(2025, 6, 5), date(2025, 7, 31)),    # a leading edge only
    (date(2023, 1, 1), date(2026, 1, 9)),     # a trailing edge only
]


@pytest.mark.parametrize("level", [None, "region", "unit"])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_period_counts_from_the_rollup_equal_the_direct_counts(fixture_engine, scope, level):
    from queries import kpis

    with fixture_engine.connect() as conn:
        seen = 0
        for start, end in PERIODS:
            for narrowing in ({}, {"probation_type": "sentence"},
                              {"legal_category": "conditionally_sentenced"}):
                f = Filters(period="custom", start=start, end=end, as_of=end, **narrowing)
                rolled = kpis.registered_and_closed(conn, scope, f, level)
                with definitions_only():
                    direct = kpis.registered_and_closed(conn, scope, f, level)
                for r, d in ((rolled, direct),):
                    r, d = r.fillna(0).astype(int), d.fillna(0).astype(int)
                    if level is not None:  # places with nothing in the period: absent or 0
                        r, d = r[r.sum(axis=1) > 0].sort_index(), d[d.sum(axis=1) > 0].sort_index()
                    pd.testing.assert_frame_equal(r, d, check_dtype=False,
                                                  check_index_type=False)
                    seen += int(d.to_numpy().sum())
        assert seen > 0


def test_period_counts_hand_counted(fixture_engine):
    """10 Feb 2024 - 17 Nov 2025 (whole months March 2024 - October 2025 from the rollup,
    the edges from the cases), by hand from tests/fixture_small.py:
    registered: cases 1, 2, 3, 4, 6, 8, 9, 10 (case 12, 1 Feb 2024, is before the edge);
    closed: 3 (5 Nov 2025, in the trailing edge), 5, 7, 10; completed: 3, 7, 10.
    Per unit: 1 -> registered 1-4, closed 3 and 5 (3 completed); 2 -> registered 6 and 8,
    closed 7 (completed); 3 -> registered 9 and 10, closed 10 (completed)."""
    from queries import kpis

    f = Filters(period="custom", start=date(2024, 2, 10), end=date(2025, 11, 17),
                as_of=date(2025, 11, 17))
    with fixture_engine.connect() as conn:
        total = kpis.by_place(conn, Scope.nation(), f, None).iloc[0]
        per_unit = kpis.by_place(conn, Scope.nation(), f, "unit")
    assert (total.registered, total.closed, total.completed) == (8, 4, 3)
    assert per_unit.loc[[1, 2, 3], ["registered", "closed", "completed"]].to_numpy().tolist() \
        == [[4, 2, 1], [2, 1, 1], [2, 1, 1]]
