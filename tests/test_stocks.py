"""The month-end milestone stock answers exactly what the direct counts answer: on the
hand-counted fixture of test_milestones_queries and on a small generated dataset, on both
backends; it is used only while it belongs to the data loaded."""

from datetime import date as d
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, insert, select, update

from dashboard import rules as R
from dashboard import schema as S
from dashboard.scope import Scope
from queries import milestones as M
from queries import readmodel
from queries.milestones import Where
from queries.readmodel import CannotAnswer
from queries.readmodel import milestones as MR
from queries.readmodel import stocks as MS
from service import demo, load
from service.readmodel import stocks as SB
from tests import fixture_milestones
from tests.fixture_milestones import AS_OF
from tests.seam import answered, both, definitions_only

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


def _load_stocked(engine) -> None:
    """The milestones fixture with dataset_info (data up to the as-of day), stock refreshed."""
    fixture_milestones.load(engine)
    with engine.begin() as conn:
        conn.execute(insert(S.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
            for k, v in {"data_from": "2024-09-01", "data_until": AS_OF.isoformat(),
                         "data_version": "v1"}.items()])
        SB.refresh(conn)


@pytest.fixture
def stocked(loaded_copy):
    """A connection to the fixture with dataset_info (data up to the as-of day) and a
    refreshed stock (refreshed once per run and backend; each test gets a copy)."""
    with loaded_copy("milestones-stocked", _load_stocked).connect() as conn:
        yield conn


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


def test_the_case_stock_holds_the_prisoners_releasing(stocked):
    """Releasing within 12 months of 1 April 2025: cases 7 (1 Dec 2025), 12 (2 Jun) and
    13 (1 Sep; case 11 goes in June 2026); no program drafted by then: 7 and 13; past due:
    7's (due 2 Dec 2024; 13's is due 10 Apr). On 31 December 2024: cases 7 and 12 (11 and
    13 were not yet registered), 7's program past due since 3 December."""
    conn = stocked

    def releasing(day):
        rows = conn.execute(select(MS.case_stock).where(MS.case_stock.c.day == day)).all()
        return tuple(sum(getattr(r, m) for r in rows) for m in MS.RELEASE_MEASURES)

    assert releasing(AS_OF) == (3, 2, 1)
    assert releasing(d(2024, 12, 31)) == (2, 1, 1)
    # 30 November + 12 months falls short of case 7's 1 December: case 12 alone, drafted.
    assert releasing(d(2024, 11, 30)) == (1, 0, 0)
    assert readmodel.page_info(conn)[MS.RELEASE_MONTHS] == "12"


def test_the_hearing_stock_holds_running_totals(stocked, monkeypatch):
    """Hearings of cases on the register until them: case 9 on 10 March (its report handed
    in that day: late) and case 10 on 17 March; case 3's (17 April) is after the data. A
    period's count is the difference of two days' totals."""
    conn = stocked

    def totals(day):
        rows = conn.execute(select(MS.hearing_stock).where(MS.hearing_stock.c.day == day))
        rows = rows.all()
        return sum(r.hearings for r in rows), sum(r.hearings_late for r in rows)

    assert [totals(day) for day in (d(2025, 2, 28), d(2025, 3, 31), AS_OF)] == [
        (0, 0), (2, 1), (2, 1)]
    read = []
    real = MS.sums
    monkeypatch.setattr(MS, "sums", lambda *a, **k: read.append(a[1].name) or real(*a, **k))
    march = M.new_type_gaps.uncached(conn, Scope.nation(), AS_OF, d(2025, 3, 1),
                                     d(2025, 3, 31))
    assert (march.hearings, march.reports_not_before_hearing) == (2, 1)
    assert read == ["hearing_stock", "case_stock"]
    read.clear()
    # 11 March - 31 March: case 10 only; the 10th is not a stock day, so counted directly.
    later = M.new_type_gaps.uncached(conn, Scope.nation(), AS_OF, d(2025, 3, 11),
                                     d(2025, 3, 31))
    assert (later.hearings, later.reports_not_before_hearing, read) == (1, 0, ["case_stock"])


def test_new_type_gaps_read_the_release_counts_from_the_stock(stocked, monkeypatch):
    conn = stocked
    read = []
    real = MS.sums
    monkeypatch.setattr(MS, "sums", lambda *a, **k: read.append(a[1].name) or real(*a, **k))
    gaps = M.new_type_gaps.uncached(conn, Scope.nation(), AS_OF, d(2025, 1, 1),
                                    d(2025, 3, 31))
    assert read == ["hearing_stock", "case_stock"]
    assert gaps == M.NewTypeGaps(2, 1, 3, 2, 1)  # as tests/test_milestones_queries counts


@pytest.mark.parametrize("months", [1, 3, 6, 12, 13, 24])
def test_first_day_within_is_where_the_horizon_reaches_the_release(months):
    """Brute force: the first of all days d with add_months(d, months) >= release."""
    days = np.arange(np.datetime64("2023-01-01"), np.datetime64("2027-01-01"))
    horizons = R.add_months(days, months)
    releases = np.arange(np.datetime64("2025-01-01"), np.datetime64("2026-12-31"))
    expected = days[np.searchsorted(horizons, releases, side="left")]
    found = SB.first_day_within(releases.astype(np.int64), months)
    assert (found == expected.astype(np.int64)).all()
    # 31 May - 3 months: no 31 February, so 1 March (31 May is reached from 1 March only).
    assert SB.first_day_within(np.array([np.datetime64("2025-05-31")]).astype(np.int64), 3
                               )[0] == np.datetime64("2025-03-01").astype(np.int64)


def _both(conn, monkeypatch, call):
    """(as the pages get it, from the definitions alone) of the same call; asserts the
    stocks answered the first."""
    return both(call, MS.MARKER)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    keys = [c for c in ("key", "bucket", "day") if c in a.columns]
    pd.testing.assert_frame_equal(a.sort_values(keys, ignore_index=True),
                                  b.sort_values(keys, ignore_index=True), check_dtype=False)


@pytest.mark.slow
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
    for level in ("region", "unit", "officer"):
        (a, bench_a), (b, bench_b) = _both(
            conn, monkeypatch,
            lambda level=level: M.timeliness.uncached(conn, scope, day, level, where))
        _same(a, b)
        assert bench_a == bench_b
    gaps = _both(conn, monkeypatch, lambda: M.new_type_gaps.uncached(
        conn, scope, day, d(2025, 1, 1), d(2025, 3, 31), where))
    assert gaps[0] == gaps[1]
    if day == AS_OF:
        _same(*_both(conn, monkeypatch,
                     lambda: M.overdue_at_month_ends.uncached(conn, scope, day, 6, where)))


def test_another_release_horizon_is_counted_directly(stocked, monkeypatch):
    """The stock counted 12 months ahead; a 6-month rule must not read it: 1 April 2025 +
    6 months reaches case 12 (2 June) and 13 (1 September), not case 7 (1 December)."""
    conn = stocked
    read = []
    real = MS.sums
    monkeypatch.setattr(MS, "sums", lambda *a, **k: read.append(a[1].name) or real(*a, **k))
    gaps = M.new_type_gaps.uncached(conn, Scope.nation(), AS_OF, d(2025, 1, 1),
                                    d(2025, 3, 31),
                                    rules=R.DeadlineRules(release_prep_months_before_release=6))
    assert (gaps.releasing_within_year, gaps.without_release_program,
            gaps.without_release_program_overdue) == (2, 1, 0)
    assert read == ["hearing_stock"]


def test_stale_or_officer_narrowed_falls_back(stocked):
    conn = stocked
    with answered() as used:
        M.aging.uncached(conn, Scope.nation(), AS_OF)
        M.due_and_overdue(conn, Scope.nation(), AS_OF, "officer")  # the officer stock
    assert used == [MS.MARKER, MS.MARKER]
    with pytest.raises(CannotAnswer):
        MR.aging(conn, Scope.nation(), AS_OF, Where(officer_id=1))
    conn.rollback()  # end the reads' transaction
    with conn.begin():  # new data loaded without a refresh: the stock is not its own
        conn.execute(update(S.dataset_info).where(S.dataset_info.c.key == "data_version")
                     .values(value="v2"))
    assert not MS.holds(conn, [AS_OF])
    conn.rollback()
    with conn.begin():
        conn.execute(delete(S.milestones).where(S.milestones.c.id == 2))
        SB.refresh(conn)
    assert MS.holds(conn, [AS_OF])
    assert int(M.aging.uncached(conn, Scope.nation(), AS_OF).overdue.sum()) == 5


@pytest.fixture
def small_stocked(small_versioned):
    """tests/fixture_small with a data version, so that its stocks are fresh."""
    return small_versioned


KPI_FILTERS = [{}, {"region": "KZ-71"}, {"unit_id": 3}, {"probation_type": "sentence"},
               {"legal_category": "parole"}]


@pytest.mark.slow
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
            with definitions_only():
                direct = kpis.by_place.uncached(conn, scope, f, level)
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
            with definitions_only():
                direct = (caseload.by_region_and_type.uncached(conn, scope, f, "ru"),
                          caseload.by_category.uncached(conn, scope, f))
            for a, b in zip(stocked, direct, strict=True):
                pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("as_of", [d(2025, 12, 31), d(2025, 6, 30), d(2024, 2, 29)])
@pytest.mark.parametrize("narrow", KPI_FILTERS, ids=repr)
def test_the_trends_last_month_from_the_stock_equals_the_direct_count(small_stocked,
                                                                      monkeypatch, as_of,
                                                                      narrow):
    """The caseload trend's as-of month as the change of the case stock since the month
    before: the same trend as one grouped count per event, without counting the month."""
    from dashboard.filters import Filters
    from queries import caseload
    from queries.readmodel import caseload as CR

    f = Filters(period="custom", start=d(as_of.year, 1, 1), end=as_of, as_of=as_of, **narrow)
    with small_stocked.connect() as conn:
        sizes = []
        for scope in SCOPES:
            monkeypatch.setattr(CR, "_as_of_month_counted", None)  # must not be called
            stocked = caseload.monthly_trend.uncached(conn, scope, f, d(2023, 1, 1))
            monkeypatch.undo()
            with definitions_only():
                direct = caseload.monthly_trend.uncached(conn, scope, f, d(2023, 1, 1))
            pd.testing.assert_frame_equal(stocked, direct, check_dtype=False)
            sizes.append(len(direct))
        assert sizes[0] > 0 or narrow  # the nation, unless a narrowing leaves nothing


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), ignore_index=True)


@pytest.mark.parametrize("as_of", [d(2025, 12, 31), d(2025, 6, 30), d(2024, 2, 29)])
def test_staff_work_items_from_the_stock_equal_the_direct_count(small_stocked, monkeypatch,
                                                                 as_of):
    from queries import staff

    with small_stocked.connect() as conn:
        assert MS.holds(conn, [as_of])
        for scope in SCOPES:
            calls = [lambda: staff.work_items_by_unit.uncached(conn, scope, as_of),  # noqa: B023
                     lambda: staff.work_items_by_unit.uncached(conn, scope, as_of, "KZ-71"),  # noqa: B023
                     lambda: staff.work_items_by_officer.uncached(conn, scope, as_of),  # noqa: B023
                     lambda: staff.work_items_by_officer.uncached(conn, scope, as_of,  # noqa: B023
                                                                  unit_id=1)]
            stocked = [call() for call in calls]
            with definitions_only():
                direct = [call() for call in calls]
            for a, b in zip(stocked, direct, strict=True):
                pd.testing.assert_frame_equal(_sorted(a), _sorted(b), check_dtype=False)
        assert staff.work_items_by_unit.uncached(conn, Scope.nation(), d(2025, 12, 31))[
            "items"].sum() > 0


# --- the officer stock: every stock day, per officer, milestones too -----------------------

def _officer_rows(conn, day):
    """{officer_id: (unit_id, cases_held, reports_held, due, overdue)} summed on `day`."""
    out = {}
    for r in conn.execute(select(MS.officer_stock).where(MS.officer_stock.c.day == day)):
        unit, *counts = out.get((r.officer_id, r.unit_id), (r.unit_id, 0, 0, 0, 0))
        out[(r.officer_id, r.unit_id)] = (unit, counts[0] + r.cases_held,
                                          counts[1] + r.reports_held, counts[2] + r.due,
                                          counts[3] + r.overdue)
    return {key: value[1:] for key, value in out.items()}


def test_the_officer_stock_holds_the_hand_counted_figures(stocked):
    """1 April 2025, (officer, unit of the case): cases held, reports in hand, due, overdue.
    Officer 1: cases 1, 2, 4 (case 4 since 1 March); due m1, m2, m4, m9-m12, overdue m2,
    m11, m12. Officer 2: case 3; due m6, m7; its report m8 in hand. Officer 3: cases 5,
    11, 13; due m13-m15, m24; overdue m14. Officer 4: cases 7, 8, 12; due m17-m20, m26,
    m27; overdue m18, m27. Nobody holds no case."""
    conn = stocked
    assert _officer_rows(conn, AS_OF) == {
        (1, 1): (3, 0, 7, 3), (2, 1): (1, 1, 2, 0), (3, 2): (3, 0, 4, 1), (4, 3): (3, 0, 6, 2)}
    # 28 February: officer 2 still held case 4 (m9, m10, m11 due, m11 overdue) with cases
    # 3 (m6, m7 due; m7 done late on 20 March) and 10 (report m23 in hand until 12 March).
    feb = _officer_rows(conn, d(2025, 2, 28))
    assert feb[(2, 1)] == (3, 2, 5, 2)
    assert feb[(1, 1)] == (1, 0, 2, 1)  # case 1: m1, m2 due; m2 overdue


@pytest.fixture
def gaps(milestones_conn):
    """The milestones fixture with a case nobody held for its first days, a deputy who
    held another unit's case for a month beside its officer, and a fresh stock.

    Case 14 (unit 1, sentence, registered 15 Jan 2025): officer 1 from 10 Feb; its
    registration m31 due 17 Jan, never done. Case 5 (unit 2, officer 3): also officer 2
    (unit 1) from 1 March to 2 April."""
    conn = milestones_conn
    with conn.begin():
        conn.execute(insert(S.persons).values(id=14, code="P-14", sex="F",
                                              birth_date=d(1990, 1, 1)))
        conn.execute(insert(S.cases).values(
            id=14, person_id=14, unit_id=1, officer_id=1, probation_type="sentence",
            legal_category="conditionally_sentenced", risk_tier="high",
            appeared_on=d(2025, 1, 15), registered_on=d(2025, 1, 15),
            planned_end=d(2027, 1, 1)))
        conn.execute(insert(S.case_assignments), [
            {"case_id": 14, "officer_id": 1, "assigned_on": d(2025, 2, 10)},
            {"case_id": 5, "officer_id": 2, "assigned_on": d(2025, 3, 1),
             "unassigned_on": d(2025, 4, 2)}])
        conn.execute(insert(S.milestones).values(id=31, case_id=14, kind="registration",
                                                 seq=1, due_on=d(2025, 1, 17)))
        conn.execute(insert(S.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
            for k, v in {"data_from": "2024-09-01", "data_until": AS_OF.isoformat(),
                         "data_version": "v1"}.items()])
        SB.refresh(conn)
    return conn


def test_the_officer_stock_counts_nobody_and_both_holders(gaps):
    conn = gaps
    # 31 January: case 14 held by nobody (NULL), its m31 due and overdue.
    jan = _officer_rows(conn, d(2025, 1, 31))
    assert jan[(None, 1)] == (1, 0, 1, 1)
    assert d(2025, 1, 31) in MS.stock_days(d(2024, 9, 1), AS_OF)
    # 31 March: case 5 (m13-m15 due, m14 overdue) counts for officer 2 and for officer 3
    # (with case 11's m24: 4 due); case 14 for officer 1 (now 4 cases).
    mar = _officer_rows(conn, d(2025, 3, 31))
    assert mar[(2, 2)] == (1, 0, 3, 1)
    assert mar[(3, 2)][2:] == (4, 1)
    assert mar[(1, 1)][0] == 4
    assert (None, 1) not in mar
    # The milestones page of unit 2 places officer 2 there (the case's unit); the staff
    # page counts case 5 for officer 2 within unit 1 (the officer's unit).
    table, _ = M.timeliness.uncached(conn, Scope("unit_head", unit_id=2), d(2025, 3, 31),
                                     "officer")
    assert dict(zip(table.key, table.due, strict=True)) == {2: 3, 3: 4}
    from queries import staff

    held = staff.work_items_by_officer.uncached(conn, Scope("unit_head", unit_id=1),
                                                d(2025, 3, 31))
    officer_2 = held[(held.officer_id == 2) & (held.work_item == "case")]
    assert sorted(officer_2.probation_type) == ["pre_trial", "sentence"]
    assert 3 not in set(held.officer_id)


def test_the_national_officer_level_reads_each_officers_totals(gaps, monkeypatch):
    """officer_load_stock's due, overdue and cases held (one row per officer and the
    unheld cases' row) give the national officer level what the officer stock's sums
    and the direct count give, on every stock day; a narrowed page reads the officer
    stock."""
    conn = gaps
    read = []
    real = MS.sums
    monkeypatch.setattr(MS, "sums", lambda *a, **k: read.append(a[1].name) or real(*a, **k))
    due, held = MR._officer_totals(conn, d(2025, 1, 31))
    nobody = due.key.isna()  # case 14 (test_the_officer_stock_counts_nobody_and_both_holders)
    assert (due[nobody].due.tolist(), due[nobody].overdue.tolist(),
            held[held.key.isna()].cases_held.tolist()) == ([1], [1], [1])
    for day in MS.stock_days(d(2024, 9, 1), AS_OF):
        read.clear()
        (a, bench_a), (b, bench_b) = _both(conn, monkeypatch, lambda: M.timeliness.uncached(
            conn, Scope.nation(), day, "officer"))  # noqa: B023
        assert "officer_stock" not in read
        _same(a, b)
        assert bench_a == bench_b
        for where in (Where(probation_type="sentence"), Where(legal_category="parole"),
                      Where(probation_type="pre_trial")):
            read.clear()
            (a, bench_a), (b, bench_b) = _both(conn, monkeypatch, lambda: M.timeliness.uncached(
                conn, Scope.nation(), day, "officer", where))  # noqa: B023
            assert "officer_stock" not in read
            _same(a, b)
            assert bench_a == bench_b
        # Narrowed further (a region, or a type and a category): the officer stock's sums.
        for where in (Where(region="KZ-71", probation_type="sentence"),
                      Where(probation_type="sentence", legal_category="conditionally_sentenced")):
            read.clear()
            via_stock = _both(conn, monkeypatch, lambda: M.timeliness.uncached(
                conn, Scope.nation(), day, "officer", where))  # noqa: B023
            assert "officer_stock" in read
            _same(via_stock[0][0], via_stock[1][0])


def _narrowed_rows(conn, day, narrowed_by, code):
    s = MS.officer_narrowed_stock
    rows = conn.execute(select(s.c.officer_id, s.c.cases_held, s.c.due, s.c.overdue).where(
        s.c.day == day, s.c.narrowed_by == narrowed_by, s.c.code == code)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_the_officer_narrowed_stock_holds_the_hand_counted_figures(gaps):
    """31 March 2025, sentence cases (cases held, due, overdue). Officer 1: cases 1, 2, 14;
    due m1, m2, m4, m31; overdue m2, m31. Officers 2 and 3: case 5 (both hold it); due m13,
    m14, m15; overdue m14. Officer 4: case 8; due m19, m20, m27; overdue m27. Pre-trial:
    officer 2's case 3, due m6, m7 (m7 done 20 March: not overdue on the 31st). On 31
    January nobody held case 14 (m31 due, overdue). The fixture's categories follow the
    types one to one."""
    conn = gaps
    sentence = {1: (3, 4, 2), 2: (1, 3, 1), 3: (1, 3, 1), 4: (1, 3, 1)}
    march = d(2025, 3, 31)
    assert _narrowed_rows(conn, march, "probation_type", "sentence") == sentence
    assert _narrowed_rows(conn, march, "legal_category", "conditionally_sentenced") == sentence
    assert _narrowed_rows(conn, march, "probation_type", "pre_trial") == {2: (1, 2, 0)}
    assert _narrowed_rows(conn, march, "legal_category", "sentence") == {}
    assert _narrowed_rows(conn, d(2025, 1, 31), "probation_type", "sentence")[None] == (1, 1, 1)
    due, held = MR._officer_totals(conn, march, "probation_type", "sentence")
    assert dict(zip(due.key, zip(due.due, due.overdue, strict=True), strict=True)) == {
        k: v[1:] for k, v in sentence.items()}
    assert dict(zip(held.key, held.cases_held, strict=True)) == {
        k: v[0] for k, v in sentence.items()}


def _officer_level_pairs(conn, monkeypatch, scope, day, where):
    """(stock, direct) of the officer-level figures: milestones timeliness and staff work
    items per officer."""
    from queries import staff

    table = _both(conn, monkeypatch,
                  lambda: M.timeliness.uncached(conn, scope, day, "officer", where))
    items = []
    for unit_id in (None, where.unit_id):
        items.append(staff.work_items_by_officer.uncached(conn, scope, day, where.region,
                                                          unit_id))
    with definitions_only():
        direct_items = [staff.work_items_by_officer.uncached(conn, scope, day, where.region, u)
                        for u in (None, where.unit_id)]
    return table, list(zip(items, direct_items, strict=True))


def _assert_officer_level_equal(conn, monkeypatch, scope, day, where):
    ((a, bench_a), (b, bench_b)), items = _officer_level_pairs(conn, monkeypatch, scope, day,
                                                                where)
    _same(a, b)
    assert bench_a == bench_b
    for stocked, direct in items:
        pd.testing.assert_frame_equal(_sorted(stocked), _sorted(direct), check_dtype=False)


@pytest.mark.parametrize("seed", range(3))
def test_officer_level_stock_equals_direct_on_random_days(gaps, monkeypatch, seed):
    """Random stock days, scopes and narrowings on the fixture with a gap and an overlap."""
    import random

    rng = random.Random(seed)
    conn = gaps
    days = MS.stock_days(d(2024, 9, 1), AS_OF)
    scopes = [*SCOPES, Scope("unit_head", unit_id=1), Scope("unit_head", unit_id=2)]
    wheres = [*WHERES, Where(unit_id=2), Where(region="KZ-71", probation_type="sentence")]
    for _ in range(12):
        _assert_officer_level_equal(conn, monkeypatch, rng.choice(scopes), rng.choice(days),
                                    rng.choice(wheres))


@pytest.mark.postgres
def test_the_officer_load_stock_is_written_in_day_order(postgres_server):
    """The staff page reads officer_load_stock one day at a time: written in day order, a
    day's rows share the table's pages (in its aggregate's order each of a day's 17,000 rows
    at scale 10 lay on a page of its own). Sorting is made costly here, so the aggregate
    hashes: only an explicit order keeps the rows in day order."""
    from dashboard.db import make_engine

    engine = make_engine(postgres_server(True))
    load.replace_all(engine, demo.generate(scale=0.01, seed=5, until=d(2025, 8, 20)))
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        SB.refresh(conn)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT day, officer_id FROM officer_load_stock ORDER BY ctid").all()
    engine.dispose()
    assert len(rows) > 1000
    # PostgreSQL orders the row of the cases nobody held (officer NULL) last in its day.
    keys = [(day, officer if officer is not None else float("inf")) for day, officer in rows]
    assert keys == sorted(keys)
