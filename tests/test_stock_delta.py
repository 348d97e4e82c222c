"""Cases on the register and overdue milestones on days that are not stock days: the
nearest month-end stock plus the change (queries/readmodel/stock_delta.py) equals the
definitions' count, on hand-counted days of tests/fixture_small and on many days, scopes,
levels and narrowings of it, on both backends (tests/test_readmodel.py checks the readers
on a generated dataset)."""

from datetime import date as d

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.scope import Scope
from queries import caseload, kpis
from queries.readmodel import stock_delta
from tests.seam import definitions_only

SCOPES = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
          Scope("unit_head", unit_id=3)]
NARROWINGS = [{}, {"region": "KZ-71"}, {"region": "KZ-75"}, {"unit_id": 3},
              {"probation_type": "sentence"}, {"legal_category": "conditionally_sentenced"},
              {"region": "KZ-71", "probation_type": "sentence"}]
# Stock days of fixture_small: every month end from January 2014, and 31 Dec 2025.
DAYS = [
    d(2025, 2, 28),  # a month end (a stock day)
    d(2025, 3, 1), d(2025, 3, 2),  # just after: case 5 closed on 1 March
    d(2025, 3, 15), d(2025, 3, 16),  # mid-month: nearer the end before, the end after
    d(2025, 2, 24), d(2025, 2, 25), d(2025, 3, 10), d(2025, 3, 11),  # m3 due, done
    d(2024, 2, 29), d(2024, 3, 1), d(2024, 5, 31), d(2024, 6, 1), d(2024, 6, 2),
    d(2024, 12, 30), d(2024, 12, 31), d(2025, 1, 1), d(2025, 1, 2),  # case 10's one day
    d(2025, 4, 1), d(2025, 4, 2), d(2025, 10, 1), d(2025, 10, 2), d(2025, 11, 1),
    d(2025, 11, 2), d(2025, 11, 4), d(2025, 11, 5), d(2025, 12, 1), d(2025, 12, 2),
    d(2025, 12, 15), d(2025, 12, 16), d(2025, 12, 30),
    d(2025, 12, 31),  # the data's last day (a stock day)
    d(2026, 1, 10),  # after it
    d(2014, 1, 10), d(2013, 12, 31),  # before the first stock day, within MAX_GAP
    d(2013, 11, 15), d(2010, 1, 1),  # before it, further: counted directly
]


@pytest.fixture
def small(small_versioned):
    """fixture_small with a data version and fresh stocks."""
    return small_versioned


def _filters(as_of, **narrow) -> Filters:
    start = min(d(as_of.year, 1, 1), as_of)
    return Filters(period="custom", start=start, end=as_of, as_of=as_of, **narrow)


@pytest.fixture(autouse=True)
def everywhere(monkeypatch):
    """The change also for pages of one unit (which count directly by default), so that
    every scope and narrowing goes through it."""
    monkeypatch.setattr(stock_delta, "ONE_UNIT_DIRECT", False)


def _direct(monkeypatch, call):
    with definitions_only():
        return call()


def test_base_day_is_the_nearest_stock_day(small):
    with small.connect() as conn:
        def base(day, **kw):
            return stock_delta.base_day(conn, _filters(day, **kw))

        assert base(d(2025, 2, 28)) == d(2025, 2, 28)
        assert base(d(2025, 3, 1)) == d(2025, 2, 28)
        assert base(d(2025, 3, 15)) == d(2025, 2, 28)  # 15 days after it, 16 before the next
        assert base(d(2025, 3, 16)) == d(2025, 3, 31)
        assert base(d(2025, 12, 30)) == d(2025, 12, 31)
        assert base(d(2026, 1, 10)) == d(2025, 12, 31)
        assert base(d(2014, 1, 10)) == d(2014, 1, 31)
        assert base(d(2013, 11, 15)) is None  # 77 days before the first stock day
        assert base(d(2025, 3, 1), officer_id=1) is None
        assert stock_delta.base_day(conn, _filters(d(2025, 3, 1)), "officer") is None
        unit = Scope("unit_head", unit_id=3)
        assert stock_delta.base_day(conn, _filters(d(2025, 3, 1)), None, unit) == d(2025, 2, 28)
        stock_delta.ONE_UNIT_DIRECT = True  # the default (the fixture restores False)
        assert stock_delta.base_day(conn, _filters(d(2025, 3, 1)), None, unit) is None
        assert base(d(2025, 3, 1), unit_id=3) is None
        assert base(d(2025, 3, 1), region="KZ-71") == d(2025, 2, 28)
        assert stock_delta.base_day(conn, _filters(d(2025, 2, 28)), None, unit) == d(2025, 2, 28)


def test_hand_counted_days_from_the_stock_plus_the_change(small):
    """On the register (fixture_small's table): 1 March 2025 cases 1, 2, 4, 8, 9, 12 (case
    5 left that day; 28 Feb, a stock day, had 7), Astana 1, 2, 4, 8 and Almaty 9, 12;
    overdue m3 (due 24 Feb, done 10 March: also on 28 Feb, not on 15 March). 4 November
    2025: cases 1, 2, 3, 4, 6, 8, 9, 12; overdue m7, m9 (done 31 Dec), m10. 30 December
    2025: cases 1, 2, 4, 6, 8, 9, 12 (8 leaves on the 31st, 11 comes); overdue m2, m6, m7,
    m9, m10 (m9 done the next day: 4 on the 31st)."""
    nation = Scope.nation()
    expected = {d(2025, 2, 28): (7, 1), d(2025, 3, 1): (6, 1), d(2025, 3, 15): (6, 0),
                d(2025, 11, 4): (8, 3), d(2025, 12, 30): (7, 5), d(2025, 12, 31): (7, 4)}
    with small.connect() as conn:
        for day, (on_register, overdue) in expected.items():
            assert stock_delta.base_day(conn, _filters(day)) is not None
            h = kpis.by_place.uncached(conn, nation, _filters(day), None).iloc[0]
            assert (h.on_register, h.overdue) == (on_register, overdue), day
        regions = kpis.by_place.uncached(conn, nation, _filters(d(2025, 3, 1)), "region")
        assert regions.on_register.to_dict() == {"KZ-71": 4, "KZ-75": 2}
        assert regions.overdue.to_dict() == {"KZ-71": 1, "KZ-75": 0}
        by_category = caseload.by_category.uncached(conn, nation, _filters(d(2025, 3, 1)))
        assert dict(zip(by_category.legal_category, by_category.cases, strict=True)) == {
            "conditionally_sentenced": 4, "restriction_of_freedom": 2}


@pytest.mark.slow
@pytest.mark.parametrize("level", [None, "region", "unit"])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_kpis_equal_the_direct_count_on_many_days(small, monkeypatch, scope, level):
    with small.connect() as conn:
        changed = 0
        for day in DAYS:
            for narrow in NARROWINGS:
                f = _filters(day, **narrow)
                found = kpis.by_place.uncached(conn, scope, f, level)
                direct = _direct(monkeypatch,
                                 lambda f=f: kpis.by_place.uncached(conn, scope, f, level))
                pd.testing.assert_frame_equal(found.sort_index(), direct.sort_index(),
                                              check_dtype=False, obj=f"{day} {narrow}")
                base = stock_delta.base_day(conn, f, level)
                changed += base is not None and base != day
        assert changed > len(DAYS)


@pytest.mark.slow
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
def test_caseload_tables_equal_the_direct_count_on_many_days(small, monkeypatch, scope):
    with small.connect() as conn:
        for day in DAYS:
            for narrow in NARROWINGS:
                f = _filters(day, **narrow)
                calls = (lambda f=f: caseload.by_region_and_type.uncached(conn, scope, f, "ru"),
                         lambda f=f: caseload.by_category.uncached(conn, scope, f))
                for call in calls:
                    pd.testing.assert_frame_equal(call(), _direct(monkeypatch, call),
                                                  check_dtype=False, obj=f"{day} {narrow}")
