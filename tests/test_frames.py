"""Equivalence of the two ways of building the month-end and the outcome stocks: counting
rows read back from the database (stocks.compute, the import and refresh path) and
counting the frames at hand (service/readmodel/stock_frames.py and outcome_frames.py,
after a generate) give the same rows, on the hand-counted milestones and outcomes
fixtures (with a registration on 29 February, where the backends' "a year later"
differ) and on a small generated dataset, on both backends."""

from datetime import date as d
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Date, insert, literal, select

from dashboard import schema as S
from queries.dates import one_year_after
from queries.readmodel import loaded
from queries.readmodel.outcome_stocks import stock_days
from service.readmodel import outcome_frames as OF
from service.readmodel import outcome_stocks as OB
from service.readmodel import stock_frames as F
from service.readmodel import stocks as SB
from tests.fixture_outcomes import COND, SENTENCE, case, violation


def _tables_of(conn, tables=(S.cases, S.milestones, S.case_assignments)
               ) -> dict[str, pd.DataFrame]:
    """The case tables as frames (dates as datetime64), as a dataset holds them."""
    out = {}
    for table in tables:
        rows = conn.execute(select(table).order_by(table.c.id)).all()
        frame = pd.DataFrame(rows, columns=[c.name for c in table.columns])
        for column in table.columns:
            if isinstance(column.type, Date):
                frame[column.name] = pd.to_datetime(frame[column.name])
        out[table.name] = frame
    return out


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in one order (the order within a day is the grouping's, not a meaning)."""
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(frame.columns), key=lambda s: s.map(repr),
                             ignore_index=True)


def _same_both_ways(conn) -> dict[str, int]:
    data = loaded(conn)
    rows = F.reader(_tables_of(conn))
    sizes = {}
    for spec in SB.SPECS:
        read = SB.compute(conn, spec, data.first, data.until)
        held = SB.compute(conn, spec, data.first, data.until, given=rows(spec))
        assert list(read.columns) == list(held.columns)
        pd.testing.assert_frame_equal(_sorted(read), _sorted(held), check_dtype=False)
        sizes[spec.table.name] = len(read)
    return sizes


def _stamp(conn) -> None:
    """The fixture's data days and version, as a load writes them."""
    conn.execute(insert(S.dataset_info), [
        {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
        for k, v in {"data_from": "2024-09-01", "data_until": "2025-04-01",
                     "data_version": "v1"}.items()])


def test_the_frames_give_the_rows_the_database_gives_on_the_fixture(milestones_conn):
    conn = milestones_conn
    with conn.begin():
        _stamp(conn)
        sizes = _same_both_ways(conn)
    assert all(sizes.values()), sizes  # every stock holds rows: the comparison compared


@pytest.mark.parametrize("scale", [0.01])
def test_the_frames_give_the_rows_the_database_gives_on_generated_data(generated, scale):
    eng = generated(scale, 7, d(2025, 6, 30))
    with eng.connect() as conn:
        sizes = {**_same_both_ways(conn), **_outcomes_same_both_ways(conn)}
    assert len(sizes) == len(SB.SPECS) + len(OB.SPECS)
    assert min(sizes.values()) > 50, sizes


def test_a_change_in_the_frames_shows(milestones_conn):
    """The comparison can fail: a case closed earlier in the frames alone changes the
    rows."""
    conn = milestones_conn
    with conn.begin():
        _stamp(conn)
        tables = _tables_of(conn)
        open_cases = tables["cases"]["closed_on"].isna()
        tables["cases"].loc[open_cases.idxmax(), "closed_on"] = pd.Timestamp("2024-10-15")
        data = loaded(conn)
        read = SB.compute(conn, SB.CASES, data.first, data.until)
        held = SB.compute(conn, SB.CASES, data.first, data.until,
                          given=F.reader(tables)(SB.CASES))
        assert not _sorted(read).equals(_sorted(held))


def test_a_chunk_of_units_holds_their_cases_milestones_and_assignments(milestones_conn):
    """Frames.of_units (the rows are built a chunk of units at a time): every case of the
    chunk's units and none other, each milestone and assignment with its own case, and
    the rows of the chunks together are the rows of all the units."""
    conn = milestones_conn
    tables = _tables_of(conn)
    frames = F.Frames.of(tables)
    units = sorted(set(frames.cases["unit_id"]))
    assert len(units) > 1, units  # a chunk leaves some units out
    chunks = [units[:1], units[1:]]
    parts = [frames.of_units(chunk) for chunk in chunks]
    for chunk, part in zip(chunks, parts, strict=True):
        assert set(part.cases["unit_id"]) == set(chunk)
        for table in (part.milestones, part.assignments):
            assert (table["at"] >= 0).all()
        ids = part.cases["case_id"].to_numpy()
        assert (ids[part.assignments["at"]] == part.assignments["case_id"].to_numpy()).all()
        owners = tables["milestones"].set_index("id")["case_id"]
        assert (ids[part.milestones["at"]] == owners[part.milestones["id"]].to_numpy()).all()
    for name in ("cases", "milestones", "assignments"):
        assert sum(len(getattr(p, name)) for p in parts) == len(getattr(frames, name))
    whole = F.held_milestone_rows(frames)
    chunked = pd.concat([F.held_milestone_rows(p) for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(_sorted(whole), _sorted(chunked))


@pytest.mark.parametrize("scale", [0.01])
def test_the_stocks_counted_ahead_are_the_ones_read_back(generated, dataset, scale):
    """readmodel.count (what a load counts on a thread of its own, with no database) gives
    every month-end and outcome stock the rows compute() gives from the rows read back,
    and the officer stock's totals theirs."""
    from queries.readmodel.outcome_stocks import stock_days
    from queries.readmodel.stocks import officer_load_stock, officer_narrowed_stock
    from service import readmodel
    from service.readmodel import officer_totals
    from service.readmodel import outcome_stocks as OB

    eng = generated(scale, 7, d(2025, 6, 30))
    data_set = dataset(scale, 7, d(2025, 6, 30))
    with eng.connect() as conn:
        counted = readmodel.count(data_set.tables, data_set.info, conn.dialect.name)
        data = loaded(conn)
        assert (counted.first, counted.until) == (data.first, data.until)
        read = {spec.table: SB.compute(conn, spec, data.first, data.until)
                for spec in SB.SPECS}
        officers = read[SB.OFFICERS.table]
        read[officer_load_stock] = officer_totals.loads(officers)
        read[officer_narrowed_stock] = officer_totals.narrowed(officers)
        for spec in OB.SPECS:
            read[spec.table] = SB.compute(conn, spec, data.first, data.until,
                                          stock_days(data.first, data.until))
    assert set(counted.frames) == set(read)
    for table, frame in read.items():
        assert len(frame) > 50, table.name
        pd.testing.assert_frame_equal(_sorted(frame), _sorted(counted.frames[table]),
                                      check_dtype=False, obj=table.name)


# --- the outcome stocks ---------------------------------------------------------------

OUTCOME_TABLES = (S.cases, S.violations, S.assistance)


def _outcomes_both(conn, spec, tables):
    data = loaded(conn)
    args = (conn, spec, data.first - timedelta(days=1), data.until,
            stock_days(data.first, data.until))
    return (SB.compute(*args),
            SB.compute(*args, given=OF.reader(tables, conn.dialect.name)(spec)))


def _outcomes_same_both_ways(conn) -> dict[str, int]:
    tables = _tables_of(conn, OUTCOME_TABLES)
    sizes = {}
    for spec in OB.SPECS:
        read, held = _outcomes_both(conn, spec, tables)
        assert list(read.columns) == list(held.columns)
        pd.testing.assert_frame_equal(_sorted(read), _sorted(held), check_dtype=False)
        sizes[spec.table.name] = len(read)
    return sizes


def test_the_outcome_frames_give_the_rows_the_database_gives_on_the_fixture(outcomes_db):
    with outcomes_db.begin() as conn:
        # Registered on 29 February, a new offence on 28 February a year later: within
        # twelve months on SQLite (1 March), not on PostgreSQL (28 February).
        conn.execute(insert(S.cases), [case(12, 5, 1, 1, SENTENCE, COND, d(2016, 2, 29))])
        conn.execute(insert(S.violations), [violation(9, 12, d(2017, 2, 28), "new_offence")])
        sizes = _outcomes_same_both_ways(conn)
    assert all(sizes.values()), sizes  # every stock holds rows: the comparison compared


def test_a_change_in_the_outcome_frames_shows(outcomes_db):
    """The comparison can fail: a violation of another kind in the frames alone changes
    the rows."""
    with outcomes_db.connect() as conn:
        tables = _tables_of(conn, OUTCOME_TABLES)
        tables["violations"].loc[0, "kind"] = "malicious_violation"
        read, held = _outcomes_both(conn, OB.SPECS[0], tables)
        assert not _sorted(read).equals(_sorted(held))


def test_a_year_after_as_each_backend_answers(engine):
    days = [d(2016, 2, 29), d(2016, 2, 28), d(2015, 12, 31), d(2016, 3, 1), d(2020, 2, 29)]
    with engine.connect() as conn:
        expected = [conn.execute(select(one_year_after(literal(day, Date)))).scalar_one()
                    for day in days]
        numbers = np.array([(day - SB.EPOCH).days for day in days], dtype=np.float64)
        got = OF.one_year_after(numbers, conn.dialect.name)
    expected = [e if isinstance(e, d) else d.fromisoformat(e) for e in expected]
    assert [SB.EPOCH + timedelta(days=int(n)) for n in got] == expected
