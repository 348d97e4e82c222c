"""The outlier pool counted in memory (queries/readmodel/outlier_pool.py), on both
backends: the numbers worked out by hand on fixture_small, the same frames as the
definitions' statements for
every window set, scope and narrowing, a new data version read again, stale spells never
used, and a database that cannot be read at start-up."""

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import delete, insert, update

from dashboard.db import make_engine
from dashboard.metrics import Period
from dashboard.schema import (
    assistance,
    case_assignments,
    cases,
    dataset_info,
    milestones,
    violations,
)
from dashboard.scope import Scope
from queries import outcomes as Q
from queries.readmodel import outlier_pool, readers
from service import readmodel
from tests.readmodel_helpers import NARROWINGS, SCOPES, WINDOW_SETS
from tests.seam import both

YEAR_2025 = [Period(date(2025, 1, 1), date(2025, 12, 31))]


def _row(pool: pd.DataFrame, entity: int, unit: int, idx: int = 0) -> dict:
    rows = pool[(pool.idx == idx) & (pool.entity_id == entity) & (pool.unit_id == unit)]
    assert len(rows) == 1
    return rows.iloc[0][["caseload_days", "repeat_offences", "revocations"]].to_dict()


def test_hand_counted_officers_in_2025(small_versioned):
    """Officer 1 (unit 1): c1 all 365 days; c2 from 10 Feb, 325; c3 5 May to 5 Nov (closed
    that day), 184; c4 from 1 Jul when officer 2 handed it over, 184: 1,058. Officer 2:
    c4 1 Jan to 30 Jun, 181; c5 until it was revoked on 1 Mar, 59: 240, one revocation.
    Officer 4 (unit 3): new offences of c9 (15 Jun) and c12 (3 Mar): 2; officer 3 (unit
    2): c8's of 20 Dec: 1."""
    with small_versioned.connect() as conn:
        pool = outlier_pool.pool(conn, "officer", YEAR_2025, (), (), None)
    assert _row(pool, 1, 1) == {"caseload_days": 1058, "repeat_offences": 0, "revocations": 0}
    assert _row(pool, 2, 1) == {"caseload_days": 240, "repeat_offences": 0, "revocations": 1}
    assert _row(pool, 4, 3)["repeat_offences"] == 2
    assert _row(pool, 3, 2)["repeat_offences"] == 1
    assert set(pool.region_code[pool.unit_id == 3]) == {"KZ-75"}


def test_hand_counted_unit_at_a_mid_month_edge(small_versioned):
    """Unit 3 from 16 Jul 2024 to 15 Jul 2025 (test_outlier_counts.test_hand_counted_edge):
    562 days; sentence cases only (c9, c12): 196 + 365 = 561."""
    windows = WINDOW_SETS["mid-month"]
    with small_versioned.connect() as conn:
        every = outlier_pool.pool(conn, "unit", windows, (), (), None)
        sentence = outlier_pool.pool(conn, "unit", windows, ("sentence",), (), None)
        elsewhere = outlier_pool.pool(conn, "unit", windows, (), (), "KZ-71")
    last = len(windows) - 1
    assert _row(every, 3, 3, last)["caseload_days"] == 562
    assert _row(sentence, 3, 3, last)["caseload_days"] == 561
    assert set(elsewhere.unit_id) == {1, 2}


@pytest.mark.slow
def test_the_pool_answers_what_the_statements_count(small_versioned):
    with small_versioned.connect() as conn:
        for windows in WINDOW_SETS.values():
            for level in Q.OUTLIER_LEVELS:
                for narrowing in NARROWINGS:
                    assert outlier_pool.pool(conn, level, windows, narrowing.types,
                                             narrowing.categories, None) is not None
                    for scope in SCOPES:
                        pd.testing.assert_frame_equal(*both(
                            lambda w=windows, s=scope, n=narrowing, lv=level: Q.outlier_counts(
                                conn, s, w, lv, n), "outlier_pool"))


def _new_version(conn, value: str) -> None:
    conn.execute(update(dataset_info).where(dataset_info.c.key == "data_version")
                 .values(value=value))


def test_a_new_data_version_is_read_again_and_stale_spells_are_not_used(small_versioned):
    """Case 12 (unit 3, all of the last mid-month window) removed: not counted once the
    load that removed it is refreshed; before the refresh the pool steps aside (and the
    statements answer, as they did before the pool)."""
    windows = WINDOW_SETS["mid-month"]
    last = len(windows) - 1
    with small_versioned.connect() as conn:
        before = outlier_pool.pool(conn, "unit", windows, (), (), None)
    assert _row(before, 3, 3, last)["caseload_days"] == 562
    with small_versioned.begin() as conn:
        for table in (case_assignments, milestones, violations, assistance):
            conn.execute(delete(table).where(table.c.case_id == 12))
        conn.execute(delete(cases).where(cases.c.id == 12))
        _new_version(conn, "small-v2")
    with small_versioned.connect() as conn:
        # The spells read before belong to small-v1: not used for small-v2.
        assert outlier_pool.pool(conn, "unit", windows, (), (), None) is None
    with small_versioned.begin() as conn:
        readmodel.refresh(conn)
    with small_versioned.connect() as conn:
        after = outlier_pool.pool(conn, "unit", windows, (), (), None)
    assert _row(after, 3, 3, last)["caseload_days"] == 562 - 365


def test_no_data_version_no_pool(small_versioned):
    with small_versioned.begin() as conn:
        conn.execute(delete(dataset_info).where(dataset_info.c.key == "data_version"))
        readmodel.refresh(conn)
        assert outlier_pool.pool(conn, "unit", YEAR_2025, (), (), None) is None
        conn.execute(insert(dataset_info).values(key="data_version", value="v",
                                                 updated_at=datetime(2026, 1, 1)))
        assert outlier_pool.pool(conn, "unit", YEAR_2025, (), (), None) is None


def test_warming_up_against_a_database_that_is_down_reports_and_goes_on(caplog):
    engine = make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert outlier_pool.warm(engine) is None
    assert "outlier pool not read ahead" in caplog.text


def test_warming_up_reads_both_levels_ahead(small_versioned):
    outlier_pool._held.clear()
    assert readers.warm(small_versioned) >= 0
    url = str(small_versioned.url)
    assert {key[2] for key in outlier_pool._held if key[0] == url} == {
        "unit", "officer", "repeat_pairs", "repeat_assistance", "officer_outcomes"}
    # The fixture's dozen cases and their assignments: a few hundred bytes, not nothing.
    assert 0 < outlier_pool.held_bytes() < 100_000


def test_in_a_request_the_arrays_are_read_in_the_background(small_versioned):
    """A page does not wait for the read: the statements answer the first request after
    an import, the arrays the ones after the background read."""
    import threading

    import flask

    outlier_pool._held.clear()
    app = flask.Flask(__name__)
    with app.test_request_context(), small_versioned.connect() as conn:
        assert outlier_pool.pool(conn, "officer", YEAR_2025, (), (), None) is None
    for thread in threading.enumerate():
        if thread.name.startswith("outlier-pool"):
            thread.join(60)
    with app.test_request_context(), small_versioned.connect() as conn:
        pool = outlier_pool.pool(conn, "officer", YEAR_2025, (), (), None)
    assert _row(pool, 1, 1)["caseload_days"] == 1058


def test_a_request_counts_the_national_pool_once_per_level(small_versioned, monkeypatch):
    """A region head's page asks for the pool twice per level (its rows, the benchmark's
    national peers): counted once in a request; the same numbers as two requests."""
    import flask

    head = Scope("region_head", region_code="KZ-71")
    calls = []
    real = outlier_pool.pool
    monkeypatch.setattr(outlier_pool, "pool", lambda *a: calls.append(a[1]) or real(*a))
    app = flask.Flask(__name__)
    with small_versioned.connect() as conn:
        apart = [(Q.outlier_counts(conn, head, YEAR_2025, level),
                  Q.outlier_benchmarks(conn, head, YEAR_2025, level))
                 for level in ("unit", "officer")]
        assert calls == ["unit", "unit", "officer", "officer"]
        with app.test_request_context():
            together = [(Q.outlier_counts(conn, head, YEAR_2025, level),
                         Q.outlier_benchmarks(conn, head, YEAR_2025, level))
                        for level in ("unit", "officer")]
    assert calls[4:] == ["unit", "officer"]
    for (rows, bench), (rows_again, bench_again) in zip(apart, together, strict=True):
        pd.testing.assert_frame_equal(rows, rows_again)
        assert bench == bench_again


def test_cumulative_caseload_days_by_hand():
    """Pair 0: spells [10, 20) and [15, 40); pair 1: [5, open) and one that ends before it
    starts (no days). Before day 12: 2 and 7; before 20: 10 + 5 and 15; before 30:
    10 + 15 and 25."""
    import numpy as np

    spells = outlier_pool.Rows(
        start=np.array([10, 15, 5, 30], dtype=np.int32),
        end=np.array([20, 40, outlier_pool.OPEN, 25], dtype=np.int32),
        pair=np.array([0, 0, 1, 1], dtype=np.int32),
        type=np.zeros(4, dtype=np.int8), category=np.zeros(4, dtype=np.int8))
    held = outlier_pool._cumulative(spells, 2, np.array([0, 12, 20, 30], dtype=np.int32))
    assert held.tolist() == [[0, 0], [2, 7], [15, 15], [25, 25]]


def test_whole_month_windows_subtract_the_cumulative_days(small_versioned, monkeypatch):
    """Windows ending on month ends (every type and category, any region): the spells
    are not looked at, and the counts are the clipped sums over them."""
    looked = []
    real = outlier_pool._kept
    monkeypatch.setattr(outlier_pool, "_kept", lambda rows, *a: looked.append(rows) or
                        real(rows, *a))
    windows = WINDOW_SETS["to-data-end"]
    with small_versioned.connect() as conn:
        for level in Q.OUTLIER_LEVELS:
            spells = outlier_pool.held(conn, level).spells
            for region in (None, "KZ-71"):
                looked.clear()
                fast = outlier_pool.pool(conn, level, windows, (), (), region)
                assert looked and all(rows is not spells for rows in looked)
                with monkeypatch.context() as m:
                    m.setattr(outlier_pool.Held, "column", lambda _self, _day: None)
                    clipped = outlier_pool.pool(conn, level, windows, (), (), region)
                assert any(rows is spells for rows in looked)
                pd.testing.assert_frame_equal(fast, clipped)
                assert fast.caseload_days.sum() > 0


def test_one_of_a_few_codes_by_hand():
    import numpy as np

    from queries.readmodel.outlier_pool import _one_of, coded_in

    codes = np.array([0, 1, 2, 1, 3, 0], dtype=np.int8)
    assert _one_of(codes, [1, 3]).tolist() == [False, True, False, True, True, False]
    assert _one_of(codes, []).tolist() == [False] * 6  # a narrowing to no known code
    assert coded_in(codes, ["a", "b", "c", "d"], ["d", "x", "a"]).tolist() == [
        True, False, False, False, True, True]
