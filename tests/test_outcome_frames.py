"""Equivalence of the two ways of building the outcome stocks: counting rows read back from
the database (the import and refresh path) and counting the frames at hand
(service/readmodel/outcome_frames.py, after a generate) give the same rows, on the
hand-counted outcomes fixture (with a registration on 29 February, where the backends'
"a year later" differ) and on a small generated dataset, on both backends."""

from datetime import date as d
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Date, insert, literal, select

from dashboard import schema as S
from queries.dates import one_year_after
from queries.readmodel import loaded
from queries.readmodel.outcome_stocks import stock_days
from service.readmodel import outcome_frames as F
from service.readmodel import outcome_stocks as OB
from service.readmodel import stocks as SB
from tests.fixture_outcomes import COND, SENTENCE, case, violation
from tests.test_stock_frames import _sorted

TABLES = (S.cases, S.violations, S.assistance)


def _tables_of(conn) -> dict[str, pd.DataFrame]:
    """The case tables as frames (dates as datetime64), as a dataset holds them."""
    out = {}
    for table in TABLES:
        rows = conn.execute(select(table).order_by(table.c.id)).all()
        frame = pd.DataFrame(rows, columns=[c.name for c in table.columns])
        for column in table.columns:
            if isinstance(column.type, Date):
                frame[column.name] = pd.to_datetime(frame[column.name])
        out[table.name] = frame
    return out


def _both(conn, spec, tables):
    data = loaded(conn)
    args = (conn, spec, data.first - timedelta(days=1), data.until,
            stock_days(data.first, data.until))
    return (SB.compute(*args),
            SB.compute(*args, given=F.reader(tables, conn.dialect.name)(spec)))


def _same_both_ways(conn) -> dict[str, int]:
    tables = _tables_of(conn)
    sizes = {}
    for spec in OB.SPECS:
        read, held = _both(conn, spec, tables)
        assert list(read.columns) == list(held.columns)
        pd.testing.assert_frame_equal(_sorted(read), _sorted(held), check_dtype=False)
        sizes[spec.table.name] = len(read)
    return sizes


def test_the_frames_give_the_rows_the_database_gives_on_the_fixture(outcomes_db):
    with outcomes_db.begin() as conn:
        # Registered on 29 February, a new offence on 28 February a year later: within
        # twelve months on SQLite (1 March), not on PostgreSQL (28 February).
        conn.execute(insert(S.cases), [case(12, 5, 1, 1, SENTENCE, COND, d(2016, 2, 29))])
        conn.execute(insert(S.violations), [violation(9, 12, d(2017, 2, 28), "new_offence")])
        sizes = _same_both_ways(conn)
    assert all(sizes.values()), sizes  # every stock holds rows: the comparison compared


@pytest.mark.parametrize("scale", [0.01])
def test_the_frames_give_the_rows_the_database_gives_on_generated_data(generated, scale):
    eng = generated(scale, 7, d(2025, 6, 30))
    with eng.connect() as conn:
        sizes = _same_both_ways(conn)
    assert min(sizes.values()) > 50, sizes


def test_a_change_in_the_frames_shows(outcomes_db):
    """The comparison can fail: a violation of another kind in the frames alone changes
    the rows."""
    with outcomes_db.connect() as conn:
        tables = _tables_of(conn)
        tables["violations"].loc[0, "kind"] = "malicious_violation"
        read, held = _both(conn, OB.SPECS[0], tables)
        assert not _sorted(read).equals(_sorted(held))


def test_a_year_after_as_each_backend_answers(engine):
    days = [d(2016, 2, 29), d(2016, 2, 28), d(2015, 12, 31), d(2016, 3, 1), d(2020, 2, 29)]
    with engine.connect() as conn:
        expected = [conn.execute(select(one_year_after(literal(day, Date)))).scalar_one()
                    for day in days]
        numbers = np.array([(day - SB.EPOCH).days for day in days], dtype=np.float64)
        got = F.one_year_after(numbers, conn.dialect.name)
    expected = [e if isinstance(e, d) else d.fromisoformat(e) for e in expected]
    assert [SB.EPOCH + timedelta(days=int(n)) for n in got] == expected
