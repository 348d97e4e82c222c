"""dashboard/projection.py by hand: the shock's parameters checked, today's items scaled
to the forecast and the shock, the shocked line, capacity."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import projection as P

AFTER, LAST = date(2025, 12, 31), date(2026, 12, 31)


def test_no_shock_asked():
    assert P.parse_shock({}, AFTER, LAST) == (None, None)


def test_a_good_shock():
    shock, error = P.parse_shock({"shock_category": "parole", "shock_pct": "-20",
                                  "shock_date": "2026-03-01"}, AFTER, LAST)
    assert error is None and shock == P.Shock("parole", -20.0, date(2026, 3, 1))
    assert shock.factor == pytest.approx(0.8)


def test_the_day_as_typed_in_kk_and_ru():
    """The form's day reads DD.MM.YYYY in kk and ru; the URL may also carry ISO."""
    shock, error = P.parse_shock({"shock_category": "parole", "shock_pct": "-20",
                                  "shock_date": "01.03.2026"}, AFTER, LAST)
    assert error is None and shock.day == date(2026, 3, 1)
    assert P.typed_date("31.02.2026") is None and P.typed_date("03/01/2026") is None


@pytest.mark.parametrize("params, error", [
    ({"shock_category": "parole"}, "incomplete"),
    ({"shock_category": "x", "shock_pct": "1", "shock_date": "2026-03-01"}, "bad_category"),
    ({"shock_category": "parole", "shock_pct": "nan", "shock_date": "2026-03-01"}, "bad_pct"),
    ({"shock_category": "parole", "shock_pct": "201", "shock_date": "2026-03-01"}, "bad_pct"),
    ({"shock_category": "parole", "shock_pct": "5", "shock_date": "2025-12-31"}, "bad_date"),
    ({"shock_category": "parole", "shock_pct": "5", "shock_date": "2027-01-01"}, "bad_date"),
    ({"shock_category": "parole", "shock_pct": "5", "shock_date": "1 March"}, "bad_date"),
])
def test_bad_shocks(params, error):
    assert P.parse_shock(params, AFTER, LAST) == (None, f"staff.forecast.shock.{error}")


ITEMS = pd.DataFrame({
    "unit_id": [1, 1, 1, 2],
    "work_item": ["case", "case", "pre_trial_report", "case"],
    "probation_type": ["post_penitentiary", "post_penitentiary", "pre_trial", "sentence"],
    "legal_category": ["parole", "admin_supervision", "suspect_protected",
                       "conditionally_sentenced"],
    "risk_tier": ["low", "low", None, "low"],
    "items": [6, 4, 2, 5],
})


def test_items_follow_the_forecast_and_the_shock():
    # Unit 1 post-penitentiary: 10 today, 15 forecast (x 1.5); unit 2 sentence 5 -> 4;
    # unit 1's pre-trial reports have no case row of their type: unchanged.
    ahead = {(1, "post_penitentiary"): 15.0, (2, "sentence"): 4.0}
    out = ITEMS["items"] * P.growth_factors(ITEMS, "unit_id", ahead)
    assert out.tolist() == [9.0, 6.0, 2.0, 4.0]
    shocked = ITEMS["items"] * P.growth_factors(ITEMS, "unit_id", ahead,
                                                P.Shock("parole", -50, LAST))
    assert shocked.tolist() == [4.5, 6.0, 2.0, 4.0]


def test_shocked_line_from_its_day():
    index = pd.date_range("2026-01-31", periods=3, freq="ME")
    mean = pd.Series([100.0, 110.0, 120.0], index=index)
    of_type = pd.Series([20.0, 20.0, 40.0], index=index)
    # 10 parole cases today of 20 post-penitentiary; -50 % on 15 February: -5 from
    # February on, -10 in March as the type doubles.
    line = P.shocked_line(mean, 10, 20, of_type, P.Shock("parole", -50, date(2026, 2, 15)))
    assert line.tolist() == [100.0, 105.0, 110.0]


def test_capacity():
    assert P.capacity_pct(150, 2, 100) == 75
    assert P.capacity_pct(150, 0, 100) != P.capacity_pct(150, 0, 100)  # NaN
