"""The outlier rule's counts from the arrays held in memory (queries/readmodel/
outlier_pool.py) and the escalation's grounds from case_grounds answer exactly what the
definitions count over the cases, assignments and violations, on both backends: windows
ending on a month end and mid-month, one day long, past the data; narrowed by type and
category; for the nation, a region head and a unit head; after a reload."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.metrics import Period
from dashboard.scope import Scope
from queries import outcomes as Q
from service import readmodel
from service.readmodel import rollups as RB
from tests.readmodel_helpers import NARROWINGS, SCOPES, WINDOW_SETS
from tests.seam import both


@pytest.fixture
def fixture_engine(small_versioned):
    return small_versioned


def _both(conn, scope, windows, level, narrowing):
    return both(lambda: Q.outlier_counts(conn, scope, windows, level, narrowing),
                "outlier_pool")


@pytest.mark.parametrize("name", list(WINDOW_SETS))
@pytest.mark.parametrize("level", Q.OUTLIER_LEVELS)
def test_counts_from_memory_equal_the_definition(fixture_engine, name, level):
    windows = WINDOW_SETS[name]
    with fixture_engine.connect() as conn:
        for scope in SCOPES:
            for narrowing in NARROWINGS:
                rolled, direct = _both(conn, scope, windows, level, narrowing)
                pd.testing.assert_frame_equal(rolled, direct)
        everything, _ = _both(conn, Scope.nation(), windows, level, Q.EVERYTHING)
    assert everything.caseload_days.sum() > 0


def test_hand_counted_edge(fixture_engine):
    """Unit 3 from 16 Jul 2024 to 15 Jul 2025 (the last of the mid-month windows):
    c12 all 365 days; c9 from 1 Jan 2025, 196 days; c10 on 31 Dec 2024 only, 1 day;
    c11 not yet registered: 562 days."""
    with fixture_engine.connect() as conn:
        frame = Q.outlier_counts(conn, Scope.nation(), WINDOW_SETS["mid-month"], "unit")
    last = frame[(frame.window_end == date(2025, 7, 15)) & (frame.entity_id == 3)]
    assert last.caseload_days.tolist() == [562]


PERIOD_SETS = [
    [Period(date(2025, 1, 1), date(2025, 12, 31)), Period(date(2024, 1, 1), date(2024, 12, 31))],
    # Periods ending before violations the cases had later (the grounds met after them
    # must not count), one day long, and out of order.
    [Period(date(2025, 4, 1), date(2025, 4, 1)), Period(date(2024, 9, 1), date(2025, 3, 31)),
     Period(date(2025, 4, 2), date(2025, 6, 30))],
]


@pytest.mark.parametrize("periods", PERIOD_SETS)
def test_grounds_from_case_grounds_equal_the_direct_ranking(fixture_engine, periods):
    with fixture_engine.connect() as conn:
        for scope in SCOPES:
            for narrowing in NARROWINGS:
                fast, plain = both(lambda s=scope, n=narrowing: Q.escalation(
                    conn, s, periods, n), "rollups")
                assert fast == plain


def test_grounds_on_the_outcomes_fixture(outcomes_db):
    """c1 met the grounds on 1 Sep 2014 (its second violation), c2 on 3 Mar 2015 (a
    malicious one); c3 had one violation. Periods ending the day before and on the day."""
    periods = [Period(date(2014, 1, 1), date(2014, 8, 31)),
               Period(date(2014, 9, 1), date(2014, 9, 1)),
               Period(date(2015, 1, 1), date(2015, 3, 2)),
               Period(date(2014, 1, 1), date(2015, 12, 31))]
    with outcomes_db.connect() as conn:
        rolled = Q.escalation(conn, Scope.nation(), periods)
        for scope in [Scope.nation(), Scope("region_head", region_code="KZ-71"),
                      Scope("unit_head", unit_id=2)]:
            for narrowing in NARROWINGS:
                for cut in (periods, periods[:2], periods[2:]):
                    fast, plain = both(lambda s=scope, n=narrowing, c=cut: Q.escalation(
                        conn, s, c, n), "rollups")
                    assert fast == plain
    assert [e.grounds for e in rolled] == [0, 1, 0, 2]


def test_refresh_follows_the_data(fixture_engine):
    from tests.helpers import delete_case

    with fixture_engine.begin() as conn:
        delete_case(conn, 12)
        readmodel.refresh(conn)
    with fixture_engine.connect() as conn:
        for level in Q.OUTLIER_LEVELS:
            rolled, direct = _both(conn, Scope.nation(), WINDOW_SETS["mid-month"], level,
                                   Q.EVERYTHING)
            pd.testing.assert_frame_equal(rolled, direct)
        frame = Q.outlier_counts(conn, Scope.nation(), WINDOW_SETS["mid-month"], "unit")
    last = frame[(frame.window_end == date(2025, 7, 15)) & (frame.entity_id == 3)]
    assert last.caseload_days.tolist() == [562 - 365]


MIGRATIONS = Path(__file__).parent.parent / "dashboard" / "migrations" / "versions"


def _frozen(name: str) -> dict:
    path = MIGRATIONS / name
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102
    return namespace


def _words(sql: str) -> list[str]:
    return sql.split()


def test_the_refresh_code_builds_what_the_migrations_froze():
    """PostgreSQL refreshes the views the migrations defined; SQLite refills its tables
    from the refresh code's copies. The two must say the same."""
    assert _words(_frozen("0008_outcome_rollups.py")["GROUNDS"]) == _words(RB.CASE_GROUNDS_SQL)
    assert _words(_frozen("0005_rollups.py")["ROLLUP_SQLITE"]) == \
        _words(RB.MONTHLY_ROLLUP_SQLITE)
