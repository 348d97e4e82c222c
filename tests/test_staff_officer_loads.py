"""The officers' loads summed by the database (queries.staff.officer_loads) are what
workload.officer_capacity makes of every officer's item counts, bit for bit, on the staff
fixture of test_staff_queries: from the officer stock, counted directly, and for every
scope; and weights that do not add up exactly in any order are weighed in Python."""

from datetime import date as d
from datetime import datetime
from functools import partial

import pandas as pd
import pytest
from sqlalchemy import insert, update

from callbacks.staff import officer_capacity
from dashboard import schema as S
from dashboard import workload as W
from queries import staff as Q
from queries.readmodel import stocks
from service.readmodel import stocks as SB
from tests.fixture_staff import (
    ALMATY,
    AS_OF,
    ASTANA,
    MEDEU,
    NATION,
    PARAMS,
    rows,
)
from tests.seam import definitions_only

SCOPES = [(NATION, None, None), (NATION, "KZ-71", None), (NATION, None, 2), (ASTANA, None, None),
          (ALMATY, None, None), (MEDEU, None, None), (ASTANA, "KZ-75", None)]
# A month end (in the stock), a day that is not, the day before the new sentence weight
# and a day before the first case.
DAYS = [AS_OF, d(2025, 6, 17), d(2024, 12, 31), d(2020, 1, 31)]


@pytest.fixture
def stocked(staff):
    with staff.begin() as conn:
        conn.execute(insert(S.dataset_info).values(key="data_version", value="staff-1",
                                                   updated_at=datetime(2026, 1, 1)))
        SB.refresh(conn)
    return staff


def weighed_in_python(conn, scope, day, region, unit_id):
    return W.officer_capacity(Q.officers_in_post(conn, scope, day, region, unit_id),
                              Q.work_items_by_officer(conn, scope, day, region, unit_id),
                              Q.workload_weights_table(conn), day, PARAMS)


@pytest.mark.parametrize("day", DAYS)
def test_summed_in_sql_equals_weighed_in_python(stocked, day):
    with stocked.connect() as conn:
        assert stocks.holds(conn, [day]) == (day != d(2025, 6, 17))
        weights = Q.workload_weights_table(conn)
        for scope, region, unit_id in SCOPES:
            got = officer_capacity(conn, scope, day, weights, PARAMS, region, unit_id)
            pd.testing.assert_frame_equal(
                got, weighed_in_python(conn, scope, day, region, unit_id), check_exact=True)


def test_summed_in_sql_gives_the_hand_counted_loads(stocked):
    with stocked.connect() as conn:
        df = officer_capacity(conn, NATION, AS_OF, Q.workload_weights_table(conn), PARAMS)
    # test_staff_queries.test_officer_load_and_capacity: 5 + 10 + 5; 6 + 8 + 3; 7 + 8; 0;
    # 8 + 3
    assert rows(df, ["officer_id", "cases", "pre_trial_reports", "points", "overloaded"]) == [
        (1, 3, 0, 20.0, True), (2, 2, 1, 17.0, True), (4, 2, 0, 15.0, True),
        (6, 1, 0, 0.0, False), (7, 1, 1, 11.0, False)]


def test_weights_that_do_not_add_up_exactly_are_weighed_in_python(stocked):
    assert W.sums_exactly({"a": 4.0, "b": 7.5, "c": 0.25})
    assert not W.sums_exactly({"a": 4.0, "b": 0.1})
    with stocked.begin() as conn:
        conn.execute(update(S.workload_weights).where(
            S.workload_weights.c.probation_type == "post_penitentiary").values(points=7.3))
    with stocked.connect() as conn:
        weights = Q.workload_weights_table(conn)
        got = officer_capacity(conn, NATION, AS_OF, weights, PARAMS)
        pd.testing.assert_frame_equal(got, weighed_in_python(conn, NATION, AS_OF, None, None),
                                      check_exact=True)
    assert got.set_index("officer_id").loc[4, "points"] == 7.3 + 8


def counted_directly(conn, call, monkeypatch):
    with definitions_only():
        return call()


@pytest.mark.parametrize("day", [AS_OF, d(2025, 1, 1), d(2018, 1, 1), d(2016, 1, 31)])
def test_posts_from_the_headcount_stock_equal_the_direct_count(stocked, monkeypatch, day):
    from callbacks.staff import timeline_days

    with stocked.connect() as conn:
        assert stocks.headcount_holds(conn, [day, *timeline_days(day)])
        for scope, region, _ in SCOPES:
            for call in (partial(Q.posts_by_unit.uncached, conn, scope, day, region),
                         partial(Q.headcount_timeline.uncached, conn, scope,
                                 timeline_days(day), region)):
                pd.testing.assert_frame_equal(
                    call(), counted_directly(conn, call, monkeypatch), check_exact=True)


def test_the_headcount_stock_holds_the_hand_counted_posts(stocked):
    with stocked.connect() as conn:
        assert not stocks.headcount_holds(conn, [d(2025, 6, 17)])  # not a day it holds
        timeline = Q.headcount_timeline(conn, NATION, [d(2016, 1, 1), AS_OF])
    # 1 Jan 2016: posts 1, 2, 4 and 6 (post 5 abolished that day; 3 and 7 from 2017),
    # all filled; 30 Jun 2025: six posts, post 3 vacant since officer 3 left
    assert rows(timeline, ["day", "source", "transfer_year", "authorised", "filled"]) == [
        (d(2016, 1, 1), "establishment_2012", None, 3, 3),
        (d(2016, 1, 1), "penal_transfer", 2015, 1, 1),
        (AS_OF, "establishment_2012", None, 3, 3),
        (AS_OF, "penal_transfer", 2015, 1, 1),
        (AS_OF, "penal_transfer", 2017, 2, 1)]


@pytest.mark.parametrize("day", DAYS)
def test_the_page_s_summary_from_the_numbers_alone_is_the_whole_frame_s(stocked, day):
    """callbacks.staff.capacity_summary reads the officers' numbers without codes, grades
    or order, and the codes of the most overloaded afterwards: the same summary as the
    full frame's, for every scope and level."""
    from dataclasses import fields

    from callbacks.staff import capacity_summary
    from dashboard.staffing import capacity_summary as summarise

    with stocked.connect() as conn:
        weights = Q.workload_weights_table(conn)
        for scope, region, unit_id in SCOPES:
            if unit_id is not None:
                continue
            level = ("unit" if scope.role == "unit_head" else
                     "region" if region or scope.role == "region_head" else "nation")
            key = "region_code" if level == "nation" else "unit_id"
            got = capacity_summary(conn, scope, day, weights, PARAMS, level, region, "en")
            want = summarise(weighed_in_python(conn, scope, day, region, None), key, 50)
            for field in fields(want):
                a, b = getattr(got, field.name), getattr(want, field.name)
                if field.name != "worst":
                    assert a == b or (pd.isna(a) and pd.isna(b)), (scope, region, field)
            columns = ["officer_id", "code", "unit_id", "contracted_hours", "cases",
                       "pre_trial_reports", "points", "available", "capacity_pct"]
            assert rows(got.worst, columns) == rows(want.worst, columns)


def test_the_summary_by_hand_on_the_staff_fixture(stocked):
    """Officers 1, 2, 4 are overloaded (200, 170, 150 %; test_officer_load_and_capacity),
    6 and 7 are not (0 and 55 %); Astana (officers 1, 2, 4) and Almaty (6, 7)."""
    from callbacks.staff import capacity_summary

    with stocked.connect() as conn:
        s = capacity_summary(conn, NATION, AS_OF, Q.workload_weights_table(conn), PARAMS,
                             "nation", None, "en")
    assert (s.officers, s.overloaded, s.median) == (5, 3, 150.0)
    assert s.worst["code"].tolist() == ["OF-1", "OF-2", "OF-4"]
    assert [b.place for b in s.boxes] == ["KZ-71", "KZ-75"]
    assert [(b.q1, b.median, b.q3, b.low, b.high) for b in s.boxes] == [
        pytest.approx((160.0, 170.0, 185.0, 150.0, 200.0)),
        pytest.approx((13.75, 27.5, 41.25, 0.0, 55.0))]
