"""Periods need not come in order: the page asks for the trend, then the current period,
the previous one and the year before, and a custom range puts the year before last."""

from datetime import date as d

from dashboard.metrics import Period
from queries import outcomes as Q
from tests.fixture_outcomes import NATION, Y2014, Y2015, rows


def test_counts_do_not_depend_on_the_order_of_the_periods(outcomes_db):
    later_first = [Y2015, Period(d(2015, 3, 1), d(2015, 9, 30)), Y2014]
    with outcomes_db.connect() as conn:
        for query in (Q.repeat_offences, Q.closures):
            together = query(conn, NATION, later_first)
            for period in later_first:
                alone = query(conn, NATION, [period])
                mine = together[together.period_start == period.start]
                assert rows(mine, *alone.columns[2:]) == rows(alone, *alone.columns[2:])
        assert rows(Q.closures(conn, NATION, later_first), "closed")[0] == (4,)
