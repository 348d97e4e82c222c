"""The stored forecast on the hand-counted fixture (tests/fixture_small.py, data until
2025-12-31): the refresh writes a 12-month forecast for every place x type the register
knows, fitted on the month-end series counted below, and queries/forecast.py reads it
within the scope."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.scope import Scope
from queries import forecast as Q
from service.readmodel import forecast as R


@pytest.fixture
def fixture_engine(small_versioned):
    return small_versioned  # refreshed, as generate and import do


def test_series_are_the_month_end_counts(fixture_engine):
    """On 31 Dec 2025: unit 1 holds sentence cases 1, 2, 4 (3 closed in Nov, 5 in Mar);
    unit 2 pre-trial case 6 (8 left on 31 Dec); unit 3 cases 9, 11, 12. Unit 1 held
    post-penitentiary case 3 at the end of October 2025, not after (closed 5 Nov)."""
    with fixture_engine.connect() as conn:
        series = R.all_series(conn)
    assert series[("KZ-71", 1, "sentence")].iloc[-1] == 3
    assert series[("KZ-71", 1, "post_penitentiary")].loc["2025-10-31"] == 1
    assert series[("KZ-71", 1, "post_penitentiary")].iloc[-1] == 0
    assert series[("KZ-71", 2, None)].iloc[-1] == 1
    assert series[("KZ-75", 3, None)].iloc[-1] == 3
    assert series[("KZ-71", None, None)].iloc[-1] == 4
    assert series[(None, None, None)].iloc[-1] == 7
    # Case 7 (unit 2) from June 2023 to May 2024, case 5 (unit 1) from Jan 2024: the
    # nation held 1 case at the end of 2023 and 4 (5, 7, 12, 1) at the end of March 2024.
    assert series[(None, None, None)].loc["2023-12-31"] == 1
    assert series[(None, None, None)].loc["2024-03-31"] == 4
    assert series[(None, None, None)].index[0] == pd.Timestamp("2014-01-31")


def test_the_series_fitted_on_is_stored_from_three_years_back(fixture_engine):
    """The chart's history: the nation's all-types counts of the series above, from
    January 2022 (three years before the data's last year) to December 2025; a region
    head reads their region's and units' only."""
    with fixture_engine.connect() as conn:
        nation = Q.history(conn, Scope.nation())
        astana = Q.history(conn, Scope("region_head", region_code="KZ-71"), "KZ-71")
        unit_3 = Q.history(conn, Scope("region_head", region_code="KZ-71"), unit_id=3)
    assert nation.index[0] == pd.Timestamp("2022-01-31") and len(nation) == 48
    assert nation.loc["2023-12-31"] == 1 and nation.loc["2024-03-31"] == 4
    assert nation.iloc[-1] == 7 and nation.index[-1] == pd.Timestamp("2025-12-31")
    assert astana.iloc[-1] == 4 and unit_3.empty  # unit 3 is in KZ-75


def test_refresh_writes_every_place_and_type(fixture_engine):
    with fixture_engine.connect() as conn:
        frame = Q.place(conn, Scope.nation())
        assert Q.fresh(conn)
        backtest = Q.national_backtest(conn)
    # The nation: all types and the four types it has held.
    assert sorted(frame["probation_type"].fillna("all").unique()) == [
        "all", "penitentiary", "post_penitentiary", "pre_trial", "sentence"]
    months = sorted(frame["month"].unique())
    assert [m.date() for m in (months[0], months[-1])] == [date(2026, 1, 31),
                                                          date(2026, 12, 31)]
    assert len(months) == 12
    assert (frame["lower"] <= frame["mean"]).all() and (frame["mean"] <= frame["upper"]).all()
    assert (frame["lower"] >= 0).all()
    assert set(frame["method"]) <= {"ets", "seasonal_naive"}
    assert set(backtest) == {"mape", "naive_mape", "coverage", "points"}


@pytest.mark.parametrize("scope, region, expected", [
    (Scope.nation(), None, {("KZ-71", None), ("KZ-75", None)}),
    (Scope.nation(), "KZ-71", {("KZ-71", 1), ("KZ-71", 2)}),
    (Scope("region_head", region_code="KZ-71"), "KZ-71", {("KZ-71", 1), ("KZ-71", 2)}),
    (Scope("region_head", region_code="KZ-71"), None, {("KZ-71", None)}),
    (Scope("region_head", region_code="KZ-75"), "KZ-71", set()),
    (Scope("unit_head", unit_id=3), "KZ-75", {("KZ-75", 3)}),
], ids=lambda v: getattr(v, "key", lambda: str(sorted(v, key=repr) if isinstance(v, set)
                                                  else v))())
def test_below_reads_within_the_scope(fixture_engine, scope, region, expected):
    with fixture_engine.connect() as conn:
        frame = Q.below(conn, scope, region)
    places = {(r, None if pd.isna(u) else int(u))
              for r, u in zip(frame["region_code"], frame["unit_id"], strict=True)}
    assert places == expected


def test_place_outside_the_scope_is_empty(fixture_engine):
    with fixture_engine.connect() as conn:
        assert Q.place(conn, Scope("region_head", region_code="KZ-75"), "KZ-71").empty
        assert Q.place(conn, Scope("region_head", region_code="KZ-75")).empty
        assert Q.place(conn, Scope("unit_head", unit_id=3), "KZ-75", 1).empty
        own = Q.place(conn, Scope("unit_head", unit_id=3), "KZ-75", 3)
    # Unit 3: all types, sentence, post-penitentiary (case 10), penitentiary (case 11).
    assert len(own) == 4 * 12


def test_below_one_month(fixture_engine):
    with fixture_engine.connect() as conn:
        frame = Q.below(conn, Scope.nation(), "KZ-71", date(2026, 12, 31))
    # Units 1 and 2, all types and each of their types (1: sentence, post-penitentiary;
    # 2: pre-trial, sentence), the last month only.
    assert len(frame) == 6 and set(frame["month"]) == {pd.Timestamp("2026-12-31")}


def test_the_fits_spread_over_processes_are_the_fits_made_one_by_one(fixture_engine):
    with fixture_engine.connect() as conn:
        series = R.all_series(conn)
    alone, spread = R.fit_all(series, processes=1), R.fit_all(series, processes=2)
    assert list(alone) == list(spread)
    for key, fc in alone.items():
        pd.testing.assert_frame_equal(fc.frame, spread[key].frame, check_exact=True)
        assert (fc.method, fc.reason, fc.params) == (spread[key].method, spread[key].reason,
                                                     spread[key].params)
