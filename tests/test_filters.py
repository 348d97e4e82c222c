from datetime import date

from dashboard.filters import Filters, Notice

UNTIL = date(2025, 12, 31)


def test_default_is_the_year_of_the_datas_last_day_not_today():
    f = Filters.from_query("", date(2026, 11, 24))
    assert (f.period, f.start, f.end, f.as_of) == ("year", date(2026, 1, 1),
                                                  date(2026, 11, 24), date(2026, 11, 24))
    assert f.notices == ()


def test_from_and_to_make_a_custom_period():
    f = Filters.from_query("?region=KZ-71&type=pre_trial&from=2025-01-01&to=2025-06-30", UNTIL)
    assert (f.period, f.start, f.end, f.as_of) == ("custom", date(2025, 1, 1),
                                                  date(2025, 6, 30), date(2025, 6, 30))
    assert (f.region, f.probation_type) == ("KZ-71", "pre_trial")


def test_month_and_quarter_hold_the_to_date():
    assert Filters.from_query("period=month&to=2025-02-10", UNTIL).start == date(2025, 2, 1)
    assert Filters.from_query("period=month&to=2025-02-10", UNTIL).end == date(2025, 2, 28)
    q = Filters.from_query("period=quarter&to=2025-08-15", UNTIL)
    assert (q.start, q.end) == (date(2025, 7, 1), date(2025, 9, 30))


def test_the_period_stops_at_the_datas_last_day():
    f = Filters.from_query("period=quarter", date(2025, 11, 24))
    assert (f.start, f.end) == (date(2025, 10, 1), date(2025, 11, 24))


def test_bad_values_fall_back_to_defaults_with_notices():
    f = Filters.from_query("period=decade&type=jail&from=2025-13-01&region=KZ-71&metric=x",
                           UNTIL, allowed_regions={"KZ-75"})
    assert f == Filters.default(UNTIL)
    assert set(f.notices) == {Notice("period", "decade"), Notice("type", "jail"),
                              Notice("from", "2025-13-01"), Notice("metric", "x"),
                              Notice("region", "KZ-71", "not_permitted")}


def test_reversed_range_is_refused():
    f = Filters.from_query("from=2025-06-01&to=2025-01-01", UNTIL)
    assert f.period == "year" and f.notices == (Notice("from", "2025-06-01"),)


def test_dates_outside_the_data_are_clipped_with_a_notice():
    f = Filters.from_query("from=2010-01-01&to=2030-01-01", UNTIL)
    assert (f.start, f.end) == (date(2014, 1, 1), UNTIL)
    assert {n.reason for n in f.notices} == {"out_of_range"}


def test_to_query_round_trips():
    f = Filters.from_query("from=2025-01-01&to=2025-06-30&asof=2025-03-31&category=parole",
                           UNTIL)
    assert Filters.from_query(f.to_query(), UNTIL) == f
    assert f.to_query(category=None, region="KZ-75") == (
        "?period=custom&from=2025-01-01&to=2025-06-30&asof=2025-03-31&region=KZ-75")
    # The plain query is kept once made: a link with changes neither alters nor reuses it,
    # and a changed copy makes its own.
    plain = "?period=custom&from=2025-01-01&to=2025-06-30&asof=2025-03-31&category=parole"
    assert f.to_query() == plain and f.to_query() == plain
    assert f.within(region="KZ-75").to_query() == plain + "&region=KZ-75"
    assert f == Filters.from_query(plain, UNTIL) and f.to_query() == plain


def test_year_before_of_a_leap_day():
    f = Filters.from_query("from=2024-02-01&to=2024-02-29", UNTIL)
    assert f.previous_year() == (date(2023, 2, 1), date(2023, 2, 28))


def test_the_categories_the_service_took_on_filter_like_the_others():
    for category in ("public_works", "deferred_sentence"):
        f = Filters.from_query(f"?type=sentence&category={category}", UNTIL)
        assert (f.probation_type, f.legal_category, f.notices) == ("sentence", category, ())
