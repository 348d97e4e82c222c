"""The outcome stocks (queries/readmodel/outcome_stocks.py) answer exactly what the
measures' definitions answer, on both backends: people on the register (a person with two
cases once),
closures, new offences, escalation steps, assistance with its people, registration
cohorts; over random periods (whole months, mid-month edges, one day, the data's last
day), splits, narrowings and scopes; on the hand-counted fixtures, on a generated dataset
through the bulk load, and after a reload that is not refreshed (they fall back) or is."""

import random
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, update

from dashboard.metrics import Period, buckets
from dashboard.schema import cases, dataset_info
from dashboard.scope import Scope
from queries import outcomes as Q
from queries.readmodel import outcome_stocks as OS
from queries.readmodel import outcome_tables as OT
from service import readmodel
from service.readmodel import outcome_stocks as OB
from tests import fixture_small
from tests.readmodel_helpers import (
    NARROWINGS,
    SCOPES,
    SPLITS,
    WINDOW_SETS,
    random_narrowing,
    random_period,
)
from tests.seam import both


def assert_same(conn, scope, periods, narrowing, by):
    """Every outcome measure of these periods as the page gets it equals its definition."""
    calls = [lambda: Q.period_counts(conn, scope, periods, by, narrowing),
             *(lambda f=function: f(conn, scope, periods, by, narrowing)
               for function in (Q.repeat_offences, Q.closures, Q.on_register)),
             lambda: Q.escalation(conn, scope, periods, narrowing),
             lambda: Q.cohort_repeat(conn, scope, periods, narrowing),
             *(lambda p=period: Q.assistance_results(conn, scope, p, narrowing)
               for period in periods)]
    fast, direct = both(lambda: [call() for call in calls])
    for one, other in zip(fast, direct, strict=True):
        if isinstance(one, pd.DataFrame):
            pd.testing.assert_frame_equal(one, other, check_dtype=False)
        elif isinstance(one, tuple):
            for x, y in zip(one, other, strict=True):
                pd.testing.assert_frame_equal(x, y, check_dtype=False)
        else:
            assert one == other


def _random_checks(conn, rng, runs, scopes, regions, types, categories, first, last):
    for _ in range(runs):
        periods = list(dict.fromkeys(random_period(rng, first, last)
                                     for _ in range(rng.randint(1, 4))))
        assert_same(conn, rng.choice(scopes), periods,
                    random_narrowing(rng, regions, types, categories), rng.choice(SPLITS))


def test_the_stocks_answer_and_are_used(small_versioned):
    """Fresh after the load; periods inside the data are answered from them (not the
    fallback), a day before the first stock day is not."""
    with small_versioned.connect() as conn:
        held = OS.held_days(conn)
        assert held[0] == date(2013, 12, 31) and held[-1] == fixture_small.DATA_UNTIL
        flt = OS.Filter(Scope.nation())
        periods = [Period(date(2025, 1, 1), date(2025, 12, 31)),
                   Period(date(2024, 9, 15), date(2025, 3, 10))]
        assert OS.people_on_register(conn, flt, periods) is not None
        assert OS.period_counts(conn, flt, periods, ["closed"]) is not None
        assert OS.period_counts(conn, flt, [Period(date(2013, 12, 1), date(2013, 12, 31))],
                                ["closed"]) is None


def test_hand_counted_people_on_register(outcomes_db):
    """2015: p1 (c1), p2 (c2), p3 (c3) and p4 (c4 then c5: once), 4 people, 5 cases;
    2014: p1, p2, p4 (c4 from 31 Dec), 3; 2016: p3, p5, 2. Mid-month: 1-15 Mar 2015
    holds c2, c3, c5 (c4 closed on 1 Mar is off the register that day): 3."""
    periods = [Period(date(2014, 1, 1), date(2014, 12, 31)),
               Period(date(2015, 1, 1), date(2015, 12, 31)),
               Period(date(2016, 1, 1), date(2016, 12, 31)),
               Period(date(2015, 3, 1), date(2015, 3, 15))]
    with outcomes_db.connect() as conn:
        fast = OS.people_on_register(conn, OS.Filter(Scope.nation()), periods)
    assert fast.on_register.tolist() == [3, 4, 2, 3]


def rows(frame):
    return sorted(tuple(r) for r in frame.itertuples(index=False))


def test_hand_counted_people_with_several_cases(several_db):
    """People on the register with p6 (three cases: counted by person) and p7 (two: one
    pair) added to test_hand_counted_people_on_register's. Nation: 2014 p1, p2, p4, p6
    (c7 and c8): 4; 2015 p1-p4, p6 (c8 and c9): 5; 2016 p3, p5, p6, p7 (c10 and c11): 4;
    2014-2016 p1-p7: 7 (9 + 2 cases less p4's c5, p6's c8 and c9, p7's c11); 1-15 Mar 2015
    p2, p3, p4, p6: 4. KZ-71 (unit 1) in 2014-2016: p1, p2, p5, p6 (c7, c9), p7 (c10): 5;
    KZ-75 (unit 2): p3, p4, p6 (c8), p7 (c11): 4. Post-penitentiary: p3, p6, p7: 3."""
    periods = [Period(date(2014, 1, 1), date(2014, 12, 31)),
               Period(date(2015, 1, 1), date(2015, 12, 31)),
               Period(date(2016, 1, 1), date(2016, 12, 31)),
               Period(date(2014, 1, 1), date(2016, 12, 31)),
               Period(date(2015, 3, 1), date(2015, 3, 15))]
    whole = periods[3:4]
    with several_db.connect() as conn:
        nation = OS.people_on_register(conn, OS.Filter(Scope.nation()), periods)
        regions = OS.people_on_register(conn, OS.Filter(Scope.nation()), whole, "region")
        # By year and region: 2014 KZ-71 p1, p2, p6 (c7), KZ-75 p4, p6 (c8); 2015 KZ-71
        # p1, p2, p6 (c9), KZ-75 p3, p4, p6 (c8); 2016 KZ-71 p5, p6, p7, KZ-75 p3, p7.
        yearly = OS.people_on_register(conn, OS.Filter(Scope.nation()), periods[:3],
                                       "region")
        # 2016 by type: sentence p6 (c9), p7 (c10); post-penitentiary p3, p7 (c11);
        # pre-trial p5.
        types = OS.people_on_register(conn, OS.Filter(Scope.nation()), periods[2:3],
                                      "probation_type")
        astana = OS.people_on_register(
            conn, OS.Filter(Scope("region_head", region_code="KZ-71")), whole)
        post = OS.people_on_register(conn, OS.Filter(Scope.nation(),
                                                     types=("post_penitentiary",)), whole)
        direct = Q.on_register.definition(conn, Scope.nation(), periods)
    assert nation.on_register.tolist() == [4, 5, 4, 7, 4] == direct.on_register.tolist()
    assert rows(regions) == [(0, "KZ-71", 5), (0, "KZ-75", 4)]
    assert rows(yearly) == [(0, "KZ-71", 3), (0, "KZ-75", 2), (1, "KZ-71", 3),
                            (1, "KZ-75", 3), (2, "KZ-71", 3), (2, "KZ-75", 2)]
    assert rows(types) == [(0, "post_penitentiary", 2), (0, "pre_trial", 1),
                           (0, "sentence", 2)]
    assert astana.on_register.tolist() == [5]
    assert post.on_register.tolist() == [3]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_random_filters_on_the_outcomes_fixture(outcomes_db, seed):
    rng = random.Random(seed)
    scopes = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
              Scope("region_head", region_code="KZ-75"), Scope("unit_head", unit_id=2)]
    with outcomes_db.connect() as conn:
        _random_checks(conn, rng, 25, scopes, ["KZ-71", "KZ-75"],
                       ["sentence", "post_penitentiary", "pre_trial"],
                       ["conditionally_sentenced", "restriction_of_freedom", "parole"],
                       date(2014, 1, 1), date(2016, 12, 31))


@pytest.mark.slow
def test_random_filters_on_the_small_fixture(small_versioned):
    rng = random.Random(7)
    scopes = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
              Scope("unit_head", unit_id=3)]
    with small_versioned.connect() as conn:
        _random_checks(conn, rng, 30, scopes, ["KZ-71", "KZ-75"],
                       ["sentence", "post_penitentiary", "pre_trial", "penitentiary"],
                       ["conditionally_sentenced", "restriction_of_freedom", "parole",
                        "admin_supervision"], date(2024, 9, 1), date(2025, 12, 31))


@pytest.mark.slow
def test_generated_data_through_the_bulk_load(generated):
    """A few thousand generated cases (people with several cases, assistance provided
    twice): what hand-made fixtures cannot cover; then a reload that is not refreshed
    falls back to the definitions, and a refresh makes the stocks answer again (on a copy
    of its own)."""
    engine = generated(0.02, 5)
    with engine.connect() as conn:
        held = OS.held_days(conn)
        assert held is not None
        first, last = held[0] + timedelta(days=1), held[-1]
        repeats = conn.exec_driver_sql("SELECT COUNT(*) FROM repeat_cases").scalar()
        aided = conn.exec_driver_sql("SELECT COUNT(*) FROM repeat_assistance").scalar()
        assert repeats > 0 and aided > 0
        # The page's own periods: yearly trend since the data begin, the last year.
        trend = buckets(first, last, "year")
        assert_same(conn, Scope.nation(), trend, Q.EVERYTHING, None)
        assert_same(conn, Scope.nation(), trend[-2:], Q.EVERYTHING, "region")
    with engine.begin() as conn:
        # A change the stocks do not know: a new data version without a refresh.
        conn.execute(delete(cases).where(cases.c.id.in_(
            conn.exec_driver_sql("SELECT id FROM cases WHERE id NOT IN "
                                 "(SELECT case_id FROM milestones UNION SELECT case_id FROM "
                                 "violations UNION SELECT case_id FROM assistance UNION "
                                 "SELECT case_id FROM case_assignments) LIMIT 50")
            .scalars().all())))
        conn.execute(update(dataset_info).where(dataset_info.c.key == "data_version")
                     .values(value="changed"))
    with engine.connect() as conn:
        assert OS.held_days(conn) is None
        with pytest.raises(AssertionError):  # no reader answers
            assert_same(conn, Scope.nation(), trend, Q.EVERYTHING, None)
    with engine.begin() as conn:
        readmodel.refresh(conn)
    with engine.connect() as conn:
        assert OS.held_days(conn) is not None
        assert_same(conn, Scope.nation(), trend, Q.EVERYTHING, "region")


def test_the_anchor_days_are_the_default_periods_comparison_days():
    """Data until Tue 24 Nov 2026. The year so far (1 Jan - 24 Nov): the period before is
    the same days of 2025, as is a year earlier. The quarter so far (1 Oct - 24 Nov):
    1 Jul - 24 Aug before, 1 Oct - 24 Nov 2025 a year earlier. The month so far
    (1 - 24 Nov): 1 - 24 Oct before, 1 - 24 Nov 2025. The days read: the day before each
    start and each end."""
    assert OS.anchor_days(date(2026, 11, 24)) == [
        date(2024, 12, 31), date(2025, 9, 30), date(2025, 10, 31), date(2025, 11, 24),
        date(2026, 6, 30), date(2026, 8, 24), date(2026, 9, 30), date(2026, 10, 24)]
    # A year's last day: every default period is whole, every day read a month end.
    assert all((d + timedelta(days=1)).day == 1 for d in OS.anchor_days(date(2025, 12, 31)))
    days = OS.stock_days(date(2014, 1, 1), date(2026, 11, 24))
    assert set(OS.anchor_days(date(2026, 11, 24))) <= set(days)
    assert days == sorted(set(days)) and days[0] == date(2013, 12, 31)


@pytest.mark.parametrize("period", ["year", "quarter", "month"])
def test_the_default_periods_are_read_from_the_stocks_alone(small_versioned, monkeypatch,
                                                            period):
    """The page a user opens first (a period so far, its period before and a year
    earlier) needs no direct count of a month's events, and equals the direct count."""
    from callbacks import outcomes as page
    from dashboard import metrics as M
    from dashboard.filters import Filters

    until = date(2025, 11, 24)  # the small fixture's data, as if loaded that day
    with small_versioned.begin() as conn:
        conn.execute(update(dataset_info).where(dataset_info.c.key == "data_until")
                     .values(value=until.isoformat()))
        readmodel.refresh(conn)
    f = Filters.from_query(f"period={period}", until)
    current = M.Period(f.start, f.end)
    periods = list(dict.fromkeys([current, f.previous(),
                                  M.year_earlier(current)]))
    assert current.end == until and not M.is_whole(current, period)
    edges = []
    real = OS._add_edges
    monkeypatch.setattr(OS, "_add_edges", lambda *a: edges.append(a[3]) or real(*a))
    with small_versioned.connect() as conn:
        assert OS.held_days(conn)[-1] == until
        for by in (None, "region"):
            assert_same(conn, Scope.nation(), periods, page.narrowing_of(f), by)
    assert edges == []


def test_the_cohort_measure_looks_up_the_read_cases_own_violations(engine):
    """The build reads the cases a few units at a time: whether a case reoffended within
    twelve months is asked of that case's violations (a correlated EXISTS), not of a list
    of every reoffending case in the country computed again for each group of units."""
    read = OB.SPECS[0].reads[0]
    with engine.connect() as conn:
        sql = str(read.rows([1, 2]).compile(conn, compile_kwargs={"literal_binds": True}))
    assert "EXISTS" in sql and "violations.case_id = cases.id" in sql
    assert "JOIN cases" not in sql  # no second reading of the cases inside


def test_the_tables_are_the_migrations():
    """Migration 0010 froze the measure columns; the code builds the same."""
    from pathlib import Path

    migration = (Path(__file__).parent.parent / "dashboard" / "migrations" / "versions"
                 / "0010_outcome_stocks.py")
    namespace: dict = {}
    exec(compile(migration.read_text(), str(migration), "exec"), namespace)  # noqa: S102
    measures = [c.name for c in OT.outcome_stock.columns][4:]
    assert tuple(measures) == namespace["OUTCOME_MEASURES"]
    assert tuple(c.name for c in OT.assistance_stock.columns)[4:] == \
        namespace["ASSISTANCE_MEASURES"]


@pytest.mark.parametrize("level", Q.OUTLIER_LEVELS)
def test_outlier_counts_with_the_stocks_equal_the_direct_counts(small_versioned, level):
    """With the outcome stocks fresh (test_outlier_counts' fixture has no data version),
    the outlier rule still counts what the direct count does."""
    with small_versioned.connect() as conn:
        flt = OS.Filter(Scope.nation())
        assert OS.period_counts(conn, flt, WINDOW_SETS["mid-month"], ["revoked"]) is not None
        for windows in WINDOW_SETS.values():
            for scope in SCOPES:
                for narrowing in NARROWINGS:
                    pd.testing.assert_frame_equal(*both(
                        lambda w=windows, s=scope, n=narrowing: Q.outlier_counts(
                            conn, s, w, level, n), "outlier_pool"))


@pytest.mark.parametrize("level", Q.OUTLIER_LEVELS)
def test_the_national_pool_names_each_unit_s_region(small_versioned, level):
    """Every row of the outlier pool carries the region of its unit (a scope keeps its
    rows by unit and the page by region), one row per window, entity and unit."""
    with small_versioned.connect() as conn:
        regions = dict(conn.exec_driver_sql("SELECT id, region_code FROM units").all())
        for windows in WINDOW_SETS.values():
            # From memory (queries/outlier_pool.py) and by the statements.
            for count in (Q.national_counts, Q.national_counts.definition):
                pool = count(conn, tuple(windows), level, Q.EVERYTHING)
                assert len(pool) > 0
                assert pool.region_code.tolist() == [regions[u] for u in pool.unit_id]
                assert not pool.duplicated(["idx", "entity_id", "unit_id"]).any()


def test_a_day_just_before_a_stock_day_is_counted_back_from_it(small_versioned, monkeypatch):
    """28 February 2024 (a leap year) is a day before a stock day and 28 after the one
    before: its edge reads 29 February alone and takes it away. Every edge reads at most
    half a month; the numbers are the direct count's."""
    edges = []
    real = OS._add_edges
    monkeypatch.setattr(OS, "_add_edges", lambda *a: edges.extend(a[3]) or real(*a))
    periods = [Period(date(2024, 2, 1), date(2024, 2, 28)),
               Period(date(2025, 2, 10), date(2025, 3, 10))]
    with small_versioned.connect() as conn:
        for by in (None, "region"):
            edges.clear()
            assert_same(conn, Scope.nation(), periods, Q.EVERYTHING, by)
            assert (date(2024, 2, 29), date(2024, 2, 29), date(2024, 2, 28), -1) in edges
            assert (date(2025, 2, 1), date(2025, 2, 9), date(2025, 2, 9), 1) in edges
            assert all((hi - lo).days < 16 for lo, hi, _, _ in edges)
