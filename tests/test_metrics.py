"""Periods, rates and the outlier rule: pure functions, numbers worked out by hand."""

from datetime import date as d

import pandas as pd
import pytest

from dashboard.metrics import (
    FAR,
    MET,
    NEAR,
    Period,
    benchmark,
    buckets,
    change,
    iqr,
    month_ends,
    outliers,
    previous_period,
    rate,
    rates,
    status,
    trailing_months,
    year_earlier,
)


def test_buckets_by_quarter_clip_to_the_period():
    assert buckets(d(2015, 2, 15), d(2015, 7, 10), "quarter") == [
        Period(d(2015, 2, 15), d(2015, 3, 31)), Period(d(2015, 4, 1), d(2015, 6, 30)),
        Period(d(2015, 7, 1), d(2015, 7, 10))]


def test_buckets_by_month_and_year():
    assert len(buckets(d(2015, 1, 1), d(2015, 12, 31), "month")) == 12
    assert buckets(d(2014, 1, 1), d(2015, 12, 31), "year") == [
        Period(d(2014, 1, 1), d(2014, 12, 31)), Period(d(2015, 1, 1), d(2015, 12, 31))]
    assert buckets(d(2015, 2, 1), d(2015, 2, 28), "month")[0].days == 28


@pytest.mark.parametrize("period, previous", [
    (Period(d(2015, 1, 1), d(2015, 12, 31)), Period(d(2014, 1, 1), d(2014, 12, 31))),
    (Period(d(2015, 4, 1), d(2015, 6, 30)), Period(d(2015, 1, 1), d(2015, 3, 31))),
    (Period(d(2015, 3, 1), d(2015, 3, 31)), Period(d(2015, 2, 1), d(2015, 2, 28))),
    # Not a calendar unit: the same number of days just before.
    (Period(d(2015, 1, 11), d(2015, 1, 20)), Period(d(2015, 1, 1), d(2015, 1, 10))),
])
def test_previous_period(period, previous):
    assert previous_period(period) == previous


def test_year_earlier_turns_29_february_into_the_28th():
    assert year_earlier(Period(d(2016, 2, 1), d(2016, 2, 29))) == Period(d(2015, 2, 1),
                                                                         d(2015, 2, 28))


def test_trailing_twelve_months_and_month_ends():
    assert trailing_months(d(2015, 12, 31)) == Period(d(2015, 1, 1), d(2015, 12, 31))
    assert trailing_months(d(2015, 6, 30)) == Period(d(2014, 7, 1), d(2015, 6, 30))
    assert month_ends(d(2015, 3, 31), 3) == [d(2015, 1, 31), d(2015, 2, 28), d(2015, 3, 31)]


def test_rate_per_thousand_and_the_small_sample_mark():
    assert rate(46, 4789, 30).value == pytest.approx(9.6054, abs=1e-4)
    hidden = rate(1, 12, 30)
    assert hidden.value is None and hidden.small_sample and hidden.events == 1
    assert rate(0, 0, 0).value is None  # nothing to divide by, whatever the threshold


def test_change_between_periods():
    assert change(461, 671) == pytest.approx(-0.313, abs=1e-3)  # the speech's "30 %"
    assert change(5, 0) is None
    assert change(None, 3) is None


def test_rates_on_a_frame():
    frame = rates(pd.DataFrame({"e": [2, 1], "n": [400, 20]}), "e", "n", 30)
    assert frame.rate.tolist()[0] == 5.0 and pd.isna(frame.rate[1])
    assert frame.small_sample.tolist() == [False, True]


def test_iqr_interpolates_like_numpy():
    assert iqr([1, 2, 3, 4]) == 1.5  # Q1 1.75, Q3 3.25
    assert iqr([]) is None


@pytest.mark.parametrize("value, expected", [
    (8.0, MET), (10.0, MET), (12.0, NEAR), (13.0, NEAR), (13.1, FAR), (None, None)])
def test_status_against_target_10_and_iqr_3(value, expected):
    assert status(value, 10.0, 3.0) == expected


def test_outliers_from_peers():
    # Four units: rates per 1,000 average caseload 10, 20, 30, 80; one too small to rate.
    peers = pd.DataFrame({"entity_id": [1, 2, 3, 4, 5],
                          "events": [1, 2, 3, 8, 5], "caseload": [100, 100, 100, 100, 5]})
    bench = benchmark(peers, "events", "caseload", 10)
    # Target over everyone: 19 events / 405 = 46.9 per 1,000; IQR of 10, 20, 30, 80:
    # Q1 17.5, Q3 42.5 -> 25. Unit 5 counts in the target but gets no rate.
    assert bench.target == pytest.approx(19 / 405 * 1000)
    assert bench.iqr == pytest.approx(25.0)
    assert bench.peers == 4
    judged = outliers(peers, "events", "caseload", 10, bench=bench)
    assert list(zip(judged.entity_id, judged.status, strict=True)) == [
        (4, FAR), (3, MET), (2, MET), (1, MET), (5, None)]


def test_judge_windows_judges_each_row_as_status_does():
    """The vectorised judgement equals `status` row by row: rates above, at, within and
    beyond one IQR of the target, hidden rates, a window without a target or an IQR and
    a window with no benchmark at all."""
    import random
    from datetime import date

    from dashboard.metrics import Benchmark, judge_windows, status

    rng = random.Random(3)
    windows = [date(2025, m, 28) for m in range(1, 6)]
    benches = {windows[0]: Benchmark(50.0, 10.0, 9), windows[1]: Benchmark(None, None, 0),
               windows[2]: Benchmark(20.0, None, 1), windows[3]: Benchmark(0.0, 0.0, 5)}
    counts = pd.DataFrame({
        "window_end": [rng.choice(windows) for _ in range(400)],
        "events": [rng.choice([0, 1, 2, 5, 6]) for _ in range(400)],
        "average_caseload": [rng.choice([0.0, 5.0, 40.0, 100.0, 120.5]) for _ in range(400)]})
    judged = judge_windows(counts, benches, 10)
    expected = [status(r, benches[w].target, benches[w].iqr) if w in benches else None
                for r, w in zip(judged["rate"], judged["window_end"], strict=True)]
    assert judged["status"].tolist() == expected
    assert {"MET", "NEAR", "FAR", None} <= set(expected)
