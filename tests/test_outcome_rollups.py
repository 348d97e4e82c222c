"""The outlier rule's rollups (queries/outcome_rollups.py) answer exactly what the direct
count over the cases and assignments answers, on both backends: windows ending on a month
end and mid-month, one day long, past the rollup's last month; narrowed by type and
category; for the nation, a region head and a unit head; after a reload."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete

from dashboard.metrics import Period
from dashboard.scope import Scope
from queries import outcome_rollups, rollups
from queries import outcomes as Q
from service import demo, load
from tests import fixture_small
from tests.readmodel_helpers import NARROWINGS, SCOPES, WINDOW_SETS, windows_to


@pytest.fixture
def fixture_engine(engine):
    fixture_small.load(engine)
    return engine


def _both(conn, scope, windows, level, narrowing):
    rolled = Q.outlier_counts(conn, scope, windows, level, narrowing)
    direct = Q.outlier_counts(conn, scope, windows, level, narrowing, use_rollups=False)
    return rolled, direct


@pytest.mark.parametrize("name", list(WINDOW_SETS))
@pytest.mark.parametrize("level", Q.OUTLIER_LEVELS)
def test_rollup_counts_equal_the_direct_counts(fixture_engine, name, level):
    windows = WINDOW_SETS[name]
    with fixture_engine.connect() as conn:
        for scope in SCOPES:
            for narrowing in NARROWINGS:
                rolled, direct = _both(conn, scope, windows, level, narrowing)
                pd.testing.assert_frame_equal(rolled, direct)
        everything, _ = _both(conn, Scope.nation(), windows, level, Q.EVERYTHING)
    assert everything.caseload_days.sum() > 0


@pytest.mark.parametrize("level", Q.OUTLIER_LEVELS)
def test_mid_month_windows_are_answered_by_the_rollup(fixture_engine, level):
    """Not by the fallback: the edges are where the rollup could go wrong."""
    with fixture_engine.connect() as conn:
        for name in ("to-data-end", "mid-month", "first-of-month", "leap-day", "short"):
            assert Q._caseload_from_rollup(conn, level, WINDOW_SETS[name], Q.EVERYTHING) \
                is not None, name
        assert Q._caseload_from_rollup(conn, level, WINDOW_SETS["past-the-data"],
                                       Q.EVERYTHING) is None
        narrowed = Q._caseload_from_rollup(conn, level, WINDOW_SETS["mid-month"],
                                           Q.Narrowing.of(["sentence"]))
    # The officers' rollup knows no types or categories.
    assert (narrowed is None) == (level == "officer")


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
                assert Q.escalation(conn, scope, periods, narrowing) == \
                    Q.escalation(conn, scope, periods, narrowing, use_rollups=False)


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
                    assert Q.escalation(conn, scope, cut, narrowing) == \
                        Q.escalation(conn, scope, cut, narrowing, use_rollups=False)
    assert [e.grounds for e in rolled] == [0, 1, 0, 2]


def test_refresh_follows_the_data(fixture_engine):
    from dashboard.schema import assistance, case_assignments, cases, milestones, violations

    with fixture_engine.begin() as conn:
        for table in (case_assignments, milestones, violations, assistance):
            conn.execute(delete(table).where(table.c.case_id == 12))
        conn.execute(delete(cases).where(cases.c.id == 12))
        rollups.refresh(conn)
    with fixture_engine.connect() as conn:
        for level in Q.OUTLIER_LEVELS:
            rolled, direct = _both(conn, Scope.nation(), WINDOW_SETS["mid-month"], level,
                                   Q.EVERYTHING)
            pd.testing.assert_frame_equal(rolled, direct)
        frame = Q.outlier_counts(conn, Scope.nation(), WINDOW_SETS["mid-month"], "unit")
    last = frame[(frame.window_end == date(2025, 7, 15)) & (frame.entity_id == 3)]
    assert last.caseload_days.tolist() == [562 - 365]


@pytest.mark.slow
def test_generated_data_through_the_bulk_load(engine):
    """The load refreshes the rollups in its transaction; a few thousand generated cases
    cover what twelve hand-made ones cannot."""
    dataset = demo.generate(scale=0.02, seed=11)
    load.replace_all(engine, dataset)
    with engine.connect() as conn:
        grounds = conn.exec_driver_sql("SELECT COUNT(*) FROM case_grounds").scalar()
        last = conn.exec_driver_sql("SELECT MAX(registered_on) FROM cases").scalar()
        region = conn.exec_driver_sql("SELECT MIN(region_code) FROM units").scalar()
        unit = conn.exec_driver_sql("SELECT MIN(id) FROM units").scalar()
        last = date.fromisoformat(str(last)[:10])
        scopes = [Scope.nation(), Scope("region_head", region_code=region),
                  Scope("unit_head", unit_id=unit)]
        for end in (last, date(2019, 5, 31), date(2019, 5, 17)):
            for level in Q.OUTLIER_LEVELS:
                for scope in scopes:
                    for narrowing in NARROWINGS[:3]:
                        rolled, direct = _both(conn, scope, windows_to(end), level,
                                               narrowing)
                        pd.testing.assert_frame_equal(rolled, direct)
                        if scope.role == "ministry":
                            assert rolled.caseload_days.sum() > 0
            for scope in scopes:
                periods = [Period(date(end.year, 1, 1), end),
                           Period(date(end.year - 1, 1, 1), date(end.year - 1, 12, 31))]
                for narrowing in NARROWINGS[:3]:
                    assert Q.escalation(conn, scope, periods, narrowing) == \
                        Q.escalation(conn, scope, periods, narrowing, use_rollups=False)
    assert grounds > 0


MIGRATION = (Path(__file__).parent.parent / "dashboard" / "migrations" / "versions"
             / "0008_outcome_rollups.py")


def test_the_refresh_code_builds_what_the_migration_froze():
    """PostgreSQL refreshes the view the migration defined; SQLite refills its table from
    the refresh code's copy. The two must say the same."""
    namespace: dict = {}
    exec(compile(MIGRATION.read_text(), str(MIGRATION), "exec"), namespace)  # noqa: S102
    for level in Q.OUTLIER_LEVELS:
        for dialect, suffix in (("postgresql", "PG"), ("sqlite", "SQLITE")):
            frozen = namespace[f"{level.upper()}_ROLLUP_{suffix}"]
            assert frozen.strip() == outcome_rollups.select_sql(dialect, level).strip()
    assert namespace["SPELLS"].strip() == outcome_rollups.SPELLS_SQL.strip()
    assert namespace["GROUNDS"].strip() == outcome_rollups.GROUNDS_SQL.strip()
