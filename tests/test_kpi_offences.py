"""The KPIs' new offences (this period and the same period a year before) from the outcome
stocks' running totals (per officer, the officer rollup's months), against the
hand-counted fixture (see fixture_small) and against the measure's definition
(kpis.repeat_offences), on SQLite and PostgreSQL.

New offences in the fixture: case 8 (unit 2, KZ-71, restriction of freedom) 2025-12-20;
case 5 (unit 1, KZ-71) 2024-05-10; case 12 (unit 3, KZ-75) 2024-08-01 and 2025-03-03;
case 9 (unit 3, KZ-75) 2025-06-15. Every case but 8 is conditionally sentenced."""

import pytest
from sqlalchemy import update

from dashboard.filters import Filters
from dashboard.schema import dataset_info
from dashboard.scope import Scope
from queries import kpis
from queries.readmodel import CannotAnswer
from queries.readmodel import kpis as KR
from service import readmodel
from tests import fixture_small
from tests.seam import definitions_only

NATION = Scope.nation()
ASTANA_HEAD = Scope("region_head", region_code="KZ-71")
UNIT_3_HEAD = Scope("unit_head", unit_id=3)
COLUMNS = ["repeat_offences", "repeat_offences_year_before"]


def filters(query: str) -> Filters:
    return Filters.from_query(query, fixture_small.DATA_UNTIL)


@pytest.fixture
def conn(small_versioned):  # fixture_small with a data version, refreshed
    with small_versioned.connect() as connection:
        yield connection


@pytest.fixture
def no_direct_count(monkeypatch):
    """Fail if the offences are counted from the violations."""
    def refuse(*args, **kwargs):
        raise AssertionError("counted directly")
    monkeypatch.setattr(kpis.repeat_offences, "definition", refuse)


def from_stock(conn, scope, f, level):
    """The outcome stocks' answer; None when they cannot answer."""
    try:
        return KR.repeat_offences(conn, scope, f, level)
    except CannotAnswer:
        return None


def offences(conn, scope, f, level):
    frame = kpis.by_place(conn, scope, f, level)
    if level is None:
        return tuple(int(frame.iloc[0][c]) for c in COLUMNS)
    frame = frame[COLUMNS]
    return {k: tuple(int(v) for v in row)
            for k, row in frame[(frame != 0).any(axis=1)].iterrows()}


def test_offences_from_the_stocks_by_hand(conn, no_direct_count):
    assert offences(conn, NATION, filters(""), None) == (3, 2)
    assert offences(conn, NATION, filters(""), "region") == {"KZ-71": (1, 1), "KZ-75": (2, 1)}
    # Both ends inside a month: the stock days before them, plus the days up to each end.
    mid = filters("from=2025-03-04&to=2025-12-19")  # a year before: 2024-03-04 .. 12-19
    assert offences(conn, NATION, mid, "unit") == {1: (0, 1), 3: (1, 1)}
    assert offences(conn, NATION, mid, None) == (1, 2)
    # The ends are inclusive: 2025-03-03 and 2025-12-20 are offence days.
    wide = filters("from=2025-03-03&to=2025-12-20")
    assert offences(conn, NATION, wide, "unit") == {1: (0, 1), 2: (1, 0), 3: (2, 1)}
    assert offences(conn, NATION, filters("category=restriction_of_freedom"), None) == (1, 0)
    assert offences(conn, NATION, filters("type=sentence&region=KZ-75"), "unit") == {3: (2, 1)}
    assert offences(conn, ASTANA_HEAD, filters(""), "unit") == {1: (0, 1), 2: (1, 0)}
    assert offences(conn, UNIT_3_HEAD, mid, None) == (1, 1)


def test_stale_stocks_count_directly_with_the_same_figures(conn, small_versioned):
    engine = small_versioned
    with engine.begin() as c:
        c.execute(update(dataset_info).where(dataset_info.c.key == "data_version")
                  .values(value="changed"))
    with engine.connect() as c:
        f = filters("from=2025-03-04&to=2025-12-19")
        assert from_stock(c, NATION, f, "unit") is None
        assert offences(c, NATION, f, "unit") == {1: (0, 1), 3: (1, 1)}
        assert offences(c, NATION, filters(""), None) == (3, 2)
    with engine.begin() as c:
        readmodel.refresh(c)
    with engine.connect() as c:
        assert from_stock(c, NATION, filters(""), None) is not None


def test_a_unit_page_reads_the_stocks_by_hand(conn, no_direct_count):
    """Unit 3 (KZ-75): case 12's 2025-03-03 and case 9's 2025-06-15 this year, case 12's
    2024-08-01 the year before; Astana's head sees nothing of it."""
    unit_3 = filters("").within(unit_id=3)
    assert offences(conn, NATION, unit_3, None) == (2, 1)
    assert offences(conn, UNIT_3_HEAD, unit_3, None) == (2, 1)
    assert offences(conn, ASTANA_HEAD, unit_3, None) == (0, 0)
    assert offences(conn, NATION, unit_3.within(region="KZ-71"), None) == (0, 0)


def test_another_unit_s_head_and_a_period_before_the_stocks_count_directly(conn):
    assert from_stock(conn, UNIT_3_HEAD, filters("").within(unit_id=1), None) is None
    assert from_stock(conn, ASTANA_HEAD, filters("region=KZ-75").within(unit_id=3),
                      None) is None
    # The year before 2014 begins before the first stock day (the month before the data).
    early = filters("from=2014-01-01&to=2014-06-30")
    assert from_stock(conn, NATION, early, None) is None
    assert offences(conn, NATION, early, None) == (0, 0)


def _counts(period: int, year_before: int) -> dict:
    return {"repeat_offences": period, "repeat_offences_year_before": year_before}


def test_per_officer_the_officer_rollup_counts_by_hand(conn, no_direct_count):
    # 2025: officer 3 holds case 8 (20 Dec), officer 4 cases 12 (3 Mar) and 9 (15 Jun);
    # 2024: officer 2 case 5 (10 May), officer 4 case 12 (1 Aug). Whole years: no edge.
    found = from_stock(conn, NATION, filters(""), "officer")
    assert found.to_dict("index") == {2: _counts(0, 1), 3: _counts(1, 0), 4: _counts(2, 1)}
    one = from_stock(conn, NATION, filters("").within(officer_id=4), None)
    assert one.iloc[0].tolist() == [2, 1]


def test_per_officer_the_days_outside_whole_months_count_directly(conn):
    # 29 Feb 2024 - 3 Mar 2025: March 2024 to February 2025 from the rollup (10 May,
    # officer 2; 1 Aug, officer 4), 29 Feb 2024 and 1-3 March 2025 (3 Mar, officer 4)
    # counted from the violations; nothing the year before.
    f = filters("from=2024-02-29&to=2025-03-03")
    found = from_stock(conn, NATION, f, "officer")
    assert found.to_dict("index") == {2: _counts(1, 0), 4: _counts(2, 0)}


@pytest.mark.parametrize("scope", [NATION, ASTANA_HEAD, UNIT_3_HEAD])
@pytest.mark.parametrize("level", [None, "region", "unit", "officer"])
def test_the_stocks_agree_with_the_direct_count(conn, scope, level):
    for query in ("", "period=month&to=2025-06-30", "from=2024-02-29&to=2025-03-03",
                  "from=2025-01-01&to=2025-12-31&type=sentence",
                  "category=conditionally_sentenced", "region=KZ-75", "region=KZ-71",
                  "period=quarter&to=2025-12-31&asof=2025-11-15"):
        f = filters(query)
        if f.region and not scope.allows_region(f.region):
            continue
        found = from_stock(conn, scope, f, level)
        with definitions_only():
            direct = kpis.repeat_offences(conn, scope, f, level)
        assert found is not None, query
        if level is None:
            assert found.iloc[0].tolist() == [int(v) for v in direct.fillna(0).iloc[0]], query
        else:
            found = found[(found != 0).any(axis=1)].sort_index()
            assert found.to_dict("index") == direct.sort_index().astype(int).to_dict(
                "index"), query
