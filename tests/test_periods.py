"""Periods that tell the truth: an unfinished month, quarter or year is partial, and every
comparison is like for like (the same days of the period before, never the period
itself). Dates worked out by hand; the data's last day plays "today"."""

from datetime import date as d

import pytest
from babel.dates import format_interval

from dashboard import metrics as M
from dashboard.filters import Filters
from layouts.formatting import months

P = M.Period


@pytest.mark.parametrize("query, until, partial", [
    ("period=year", d(2026, 11, 24), True),      # this year so far
    ("period=month", d(2026, 11, 24), True),     # this month so far
    ("period=quarter", d(2026, 11, 24), True),
    ("period=year", d(2026, 12, 31), False),     # the data reach the year's last day
    ("period=month", d(2026, 11, 30), False),
    ("period=year&to=2025-12-31", d(2026, 11, 24), False),  # an earlier, whole year
    ("from=2026-01-01&to=2026-11-24", d(2026, 11, 24), False),  # days chosen as such
])
def test_an_unfinished_period_is_partial(query, until, partial):
    assert Filters.from_query(query, until).partial is partial


def test_year_to_date_against_the_same_days_a_year_earlier():
    f = Filters.from_query("period=year", d(2026, 11, 24))
    assert f.current == P(d(2026, 1, 1), d(2026, 11, 24))
    assert f.previous() == P(d(2025, 1, 1), d(2025, 11, 24))  # not 2025 whole
    assert f.previous_year() == (d(2025, 1, 1), d(2025, 11, 24))


def test_month_so_far_against_the_same_days_of_the_month_before():
    f = Filters.from_query("period=month", d(2026, 11, 24))
    assert f.previous() == P(d(2026, 10, 1), d(2026, 10, 24))
    # 31 March so far (30 days): February has no 30th, so its last day.
    march = Filters.from_query("period=month&to=2026-03-30", d(2026, 3, 30))
    assert march.partial and march.previous() == P(d(2026, 2, 1), d(2026, 2, 28))


def test_quarter_so_far_against_the_same_days_of_the_quarter_before():
    f = Filters.from_query("period=quarter", d(2026, 11, 24))
    assert f.current == P(d(2026, 10, 1), d(2026, 11, 24))
    assert f.previous() == P(d(2026, 7, 1), d(2026, 8, 24))


def test_leap_day():
    # The year so far to 29 February 2028 against 1 January-28 February 2027.
    f = Filters.from_query("period=year", d(2028, 2, 29))
    assert f.partial and f.previous() == P(d(2027, 1, 1), d(2027, 2, 28))
    assert f.previous_year() == (d(2027, 1, 1), d(2027, 2, 28))
    # February 2028 whole (29 days) against January whole; and a year after a leap
    # February, the whole of February 2029 against the whole of January.
    assert M.previous_period(P(d(2028, 2, 1), d(2028, 2, 29)), "month") == \
        P(d(2028, 1, 1), d(2028, 1, 31))
    assert M.year_earlier(P(d(2028, 2, 1), d(2028, 2, 29))) == P(d(2027, 2, 1), d(2027, 2, 28))
    assert not M.is_partial(P(d(2028, 2, 1), d(2028, 2, 29)), "month")
    assert M.is_partial(P(d(2028, 2, 1), d(2028, 2, 28)), "month")


@pytest.mark.parametrize("query, until", [
    ("period=year&to=2025-12-31", d(2026, 11, 24)),   # the 2025 review
    ("period=year", d(2026, 11, 24)),
    ("period=quarter&to=2025-06-30", d(2026, 11, 24)),
    ("period=month", d(2026, 11, 24)),
    ("from=2025-03-10&to=2025-04-20", d(2026, 11, 24)),
])
def test_the_previous_period_is_before_the_period_never_itself(query, until):
    f = Filters.from_query(query, until)
    before = f.previous()
    assert before != f.current and before.end < f.start


def test_a_whole_review_year_against_the_year_before():
    f = Filters.from_query("period=year&to=2025-12-31", d(2026, 11, 24))
    assert f.previous() == P(d(2024, 1, 1), d(2024, 12, 31))


@pytest.mark.parametrize("lang, first, last", [
    ("kk", "қаң.", "қар."), ("ru", "янв.", "нояб."), ("en", "Jan", "Nov")])
def test_a_partial_year_is_named_by_its_months_from_cldr(lang, first, last):
    text = months(d(2026, 1, 1), d(2026, 11, 24), lang)
    assert text == format_interval(d(2026, 1, 1), d(2026, 11, 24), "yMMM", locale=lang)
    assert first in text and last in text and "2026" in text
    # A month so far names its days; a whole month is the month alone.
    assert "24" in months(d(2026, 11, 1), d(2026, 11, 24), lang)
    assert "24" not in months(d(2026, 11, 1), d(2026, 11, 30), lang)
