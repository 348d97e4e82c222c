"""The month-end milestone stock answers exactly what the direct counts answer: on the
hand-counted fixture of test_milestones_queries and on a small generated dataset, on both
backends; it is used only while it belongs to the data loaded."""

from datetime import date as d
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import delete, insert, select, update

from dashboard import demo, load
from dashboard import schema as S
from dashboard.scope import Scope
from queries import milestones as M
from queries import stocks as MS
from queries.milestones import Where
from tests.test_milestones_queries import AS_OF, fixture  # noqa: F401  (the fixture)

SCOPES = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
          Scope("unit_head", unit_id=3)]
WHERES = [M.EVERYWHERE, Where(probation_type="sentence"), Where(region="KZ-75"),
          Where(unit_id=1), Where(legal_category="parole")]


def test_stock_days_are_month_ends_and_the_last_day():
    assert MS.stock_days(d(2024, 11, 15), d(2025, 2, 10)) == [
        d(2024, 11, 30), d(2024, 12, 31), d(2025, 1, 31), d(2025, 2, 10)]
    assert MS.stock_days(d(2024, 1, 1), d(2024, 2, 29)) == [d(2024, 1, 31), d(2024, 2, 29)]


def test_buckets_are_the_aging_buckets():
    assert [(f"overdue_{n}", a, b) for n, a, b in M.AGING_BUCKETS] == list(MS.BUCKETS)
    assert MS.DUE_SOON_DAYS == M.DUE_SOON_DAYS


@pytest.fixture
def stocked(fixture):  # noqa: F811
    """The fixture with dataset_info (data up to the as-of day) and a refreshed stock."""
    conn = fixture
    with conn.begin():
        conn.execute(insert(S.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
            for k, v in {"data_from": "2024-09-01", "data_until": AS_OF.isoformat(),
                         "data_version": "v1"}.items()])
        MS.refresh(conn)
    return conn


def test_the_stock_holds_the_hand_counted_figures(stocked):
    """On 1 April: six overdue (m2, m11, m12, m14, m18, m27), aged 67, 88, 12, 106, 120
    and 6 days. Due: every milestone due before 1 April of a case on the register then
    (cases 6, 9 and 10 had left it): m1, m2, m4, m6, m7, m9-m15, m17-m20, m24, m26 and
    m27, 19. Due soon (1-15 April, open): m3, m5, m8, m28, m30. On the register: ten
    cases (all but 6, 9 and 10)."""
    conn = stocked
    rows = conn.execute(select(MS.milestone_stock).where(
        MS.milestone_stock.c.day == AS_OF)).mappings().all()
    totals = {m: sum(r[m] for r in rows) for m in MS.MEASURES}
    assert totals == {"due": 19, "overdue": 6, "due_soon": 5, "overdue_1_7": 1, "overdue_8_30": 1,
                      "overdue_31_90": 2, "overdue_over_90": 2}
    assert sum(r.on_register for r in conn.execute(select(MS.case_stock).where(
        MS.case_stock.c.day == AS_OF))) == 10
    assert MS.holds(conn, [AS_OF, d(2025, 3, 31), d(2024, 9, 30)])
    assert not MS.holds(conn, [d(2025, 3, 30)])  # not a stock day


def _both(conn, monkeypatch, call):
    """(from the stock, direct) of the same call; asserts the stock was the one asked."""
    asked = []
    real = M._from_stock

    def spy(*args, **kwargs):
        asked.append(real(*args, **kwargs))
        return asked[-1]

    monkeypatch.setattr(M, "_from_stock", spy)
    stocked = call()
    monkeypatch.setattr(M, "_from_stock", lambda *a, **k: False)
    direct = call()
    monkeypatch.setattr(M, "_from_stock", real)
    assert asked and all(asked)
    return stocked, direct


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    keys = [c for c in ("key", "bucket", "day") if c in a.columns]
    pd.testing.assert_frame_equal(a.sort_values(keys, ignore_index=True),
                                  b.sort_values(keys, ignore_index=True), check_dtype=False)


@pytest.mark.parametrize("day", [AS_OF, d(2025, 3, 31), d(2025, 1, 31), d(2024, 12, 31)])
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.key())
@pytest.mark.parametrize("where", WHERES, ids=repr)
def test_stock_equals_direct_on_the_fixture(stocked, monkeypatch, day, scope, where):
    conn = stocked
    for by in M.BREAKDOWNS:
        _same(*_both(conn, monkeypatch,
                     lambda by=by: M.overdue_breakdown.uncached(conn, scope, day, by, where)))
    _same(*_both(conn, monkeypatch, lambda: M.aging.uncached(conn, scope, day, where)))
    _same(*_both(conn, monkeypatch, lambda: M.due_soon.uncached(conn, scope, day, where)))
    for level in ("region", "unit"):
        (a, bench_a), (b, bench_b) = _both(
            conn, monkeypatch,
            lambda level=level: M.timeliness.uncached(conn, scope, day, level, where))
        _same(a, b)
        assert bench_a == bench_b
    if day == AS_OF:
        _same(*_both(conn, monkeypatch,
                     lambda: M.overdue_at_month_ends.uncached(conn, scope, day, 6, where)))


def test_stale_or_officer_narrowed_falls_back(stocked):
    conn = stocked
    assert M._from_stock(conn, M.EVERYWHERE, [AS_OF])
    assert not M._from_stock(conn, Where(officer_id=1), [AS_OF])
    assert not M._from_stock(conn, M.EVERYWHERE, [AS_OF], "officer")
    conn.rollback()  # end the reads' transaction
    with conn.begin():  # new data loaded without a refresh: the stock is not its own
        conn.execute(update(S.dataset_info).where(S.dataset_info.c.key == "data_version")
                     .values(value="v2"))
    assert not MS.holds(conn, [AS_OF])
    conn.rollback()
    with conn.begin():
        conn.execute(delete(S.milestones).where(S.milestones.c.id == 2))
        MS.refresh(conn)
    assert MS.holds(conn, [AS_OF])
    assert int(M.aging.uncached(conn, Scope.nation(), AS_OF).overdue.sum()) == 5


def test_stock_equals_direct_on_generated_data(engine, monkeypatch):
    """A small national dataset through the bulk load (which refreshes the stock)."""
    load.replace_all(engine, demo.generate(scale=0.01, seed=3, until=d(2025, 8, 20)))
    nation, region = Scope.nation(), Scope("region_head", region_code="KZ-75")
    with engine.connect() as conn:
        assert MS.fresh(conn) is not None
        for day in (d(2025, 8, 20), d(2024, 2, 29), d(2019, 12, 31), d(2014, 1, 31)):
            for scope, where in ((nation, M.EVERYWHERE), (region, M.EVERYWHERE),
                                 (nation, Where(probation_type="post_penitentiary"))):
                for by in M.BREAKDOWNS:
                    _same(*_both(conn, monkeypatch, lambda: M.overdue_breakdown.uncached(
                        conn, scope, day, by, where)))  # noqa: B023
                _same(*_both(conn, monkeypatch,
                             lambda: M.aging.uncached(conn, scope, day, where)))  # noqa: B023
                _same(*_both(conn, monkeypatch,
                             lambda: M.due_soon.uncached(conn, scope, day, where)))  # noqa: B023
                for level in ("region", "unit"):
                    (a, x), (b, y) = _both(conn, monkeypatch, lambda: M.timeliness.uncached(
                        conn, scope, day, level, where))  # noqa: B023
                    _same(a, b)
                    assert x == y
        _same(*_both(conn, monkeypatch, lambda: M.overdue_at_month_ends.uncached(
            conn, nation, d(2025, 8, 20), 24)))
        from queries import staff

        for scope in (nation, region):
            for call in (staff.work_items_by_unit.uncached, staff.work_items_by_officer.uncached):
                stocked = call(conn, scope, d(2025, 8, 20))
                monkeypatch.setattr(MS, "holds", lambda *a, **k: False)
                direct = call(conn, scope, d(2025, 8, 20))
                monkeypatch.undo()
                assert len(direct) > 10
                pd.testing.assert_frame_equal(_sorted(stocked), _sorted(direct),
                                              check_dtype=False)
        due = M.overdue_breakdown.uncached(conn, nation, d(2025, 8, 20), "kind")
        assert due.due.sum() > 1000 and due.overdue.sum() > 0


@pytest.fixture
def small_stocked(engine):
    """tests/fixture_small with a data version, so that its stocks are fresh."""
    from tests import fixture_small

    fixture_small.load(engine)
    with engine.begin() as conn:
        conn.execute(insert(S.dataset_info).values(key="data_version", value="small-1",
                                                   updated_at=datetime(2026, 1, 1)))
        MS.refresh(conn)
    return engine


KPI_FILTERS = [{}, {"region": "KZ-71"}, {"unit_id": 3}, {"probation_type": "sentence"},
               {"legal_category": "parole"}]


@pytest.mark.parametrize("as_of", [d(2025, 12, 31), d(2025, 6, 30), d(2024, 2, 29)])
@pytest.mark.parametrize("level", [None, "region", "unit"])
@pytest.mark.parametrize("narrow", KPI_FILTERS, ids=repr)
def test_kpis_from_the_stock_equal_the_direct_count(small_stocked, monkeypatch, as_of, level,
                                                    narrow):
    from dashboard.filters import Filters
    from queries import kpis

    f = Filters(period="custom", start=d(as_of.year, 1, 1), end=as_of, as_of=as_of, **narrow)
    with small_stocked.connect() as conn:
        assert MS.holds(conn, [as_of])
        for scope in SCOPES:
            stocked = kpis.by_place.uncached(conn, scope, f, level)
            monkeypatch.setattr(MS, "holds", lambda *a, **k: False)
            direct = kpis.by_place.uncached(conn, scope, f, level)
            monkeypatch.undo()
            pd.testing.assert_frame_equal(stocked.sort_index(), direct.sort_index(),
                                          check_dtype=False)


@pytest.mark.parametrize("as_of", [d(2025, 12, 31), d(2025, 6, 30), d(2024, 2, 29)])
@pytest.mark.parametrize("narrow", KPI_FILTERS, ids=repr)
def test_caseload_tables_from_the_stock_equal_the_direct_count(small_stocked, monkeypatch,
                                                               as_of, narrow):
    from dashboard.filters import Filters
    from queries import caseload

    f = Filters(period="custom", start=d(as_of.year, 1, 1), end=as_of, as_of=as_of, **narrow)
    with small_stocked.connect() as conn:
        for scope in SCOPES:
            stocked = (caseload.by_region_and_type.uncached(conn, scope, f, "ru"),
                       caseload.by_category.uncached(conn, scope, f))
            monkeypatch.setattr(MS, "holds", lambda *a, **k: False)
            direct = (caseload.by_region_and_type.uncached(conn, scope, f, "ru"),
                      caseload.by_category.uncached(conn, scope, f))
            monkeypatch.undo()
            for a, b in zip(stocked, direct, strict=True):
                pd.testing.assert_frame_equal(a, b, check_dtype=False)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True)


@pytest.mark.parametrize("as_of", [d(2025, 12, 31), d(2025, 6, 30), d(2024, 2, 29)])
def test_staff_work_items_from_the_stock_equal_the_direct_count(small_stocked, monkeypatch,
                                                                 as_of):
    from queries import staff

    with small_stocked.connect() as conn:
        # The officers' stock keeps the last 25 stock days only (to Dec 2023 here).
        assert MS.holds(conn, [as_of], MS.OFFICER_DAYS) == (as_of >= d(2023, 12, 31))
        for scope in SCOPES:
            calls = [lambda: staff.work_items_by_unit.uncached(conn, scope, as_of),  # noqa: B023
                     lambda: staff.work_items_by_unit.uncached(conn, scope, as_of, "KZ-71"),  # noqa: B023
                     lambda: staff.work_items_by_officer.uncached(conn, scope, as_of),  # noqa: B023
                     lambda: staff.work_items_by_officer.uncached(conn, scope, as_of,  # noqa: B023
                                                                  unit_id=1)]
            stocked = [call() for call in calls]
            monkeypatch.setattr(MS, "holds", lambda *a, **k: False)
            direct = [call() for call in calls]
            monkeypatch.undo()
            for a, b in zip(stocked, direct, strict=True):
                pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_dtype=False)
        assert staff.work_items_by_unit.uncached(conn, Scope.nation(), d(2025, 12, 31))[
            "items"].sum() > 0
