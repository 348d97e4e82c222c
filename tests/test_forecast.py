"""The fitting module (dashboard/forecast.py) on synthetic series whose trend and season
are known: the forecast recovers them, the interval is statsmodels' own, and the seasonal
naive fallback says why it was used."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from dashboard import forecast as F

MONTHS = 155  # January 2014 to November 2026


def synthetic(level=500.0, slope=2.0, amplitude=30.0, noise=5.0, months=MONTHS, seed=1):
    """Month-end counts with a linear trend, a 12-month sine season and normal noise,
    and the noise-free continuation for the 12 months after."""
    t = np.arange(months + F.HORIZON)
    truth = level + slope * t + amplitude * np.sin(2 * np.pi * t / 12)
    noisy = truth[:months] + np.random.default_rng(seed).normal(0, noise, months)
    index = pd.date_range("2014-01-31", periods=months, freq="ME")
    return pd.Series(noisy, index=index), truth[months:]


@pytest.fixture(scope="module")
def fitted():
    y, ahead = synthetic()
    return y, ahead, F.forecast(y)


def test_recovers_trend_and_season(fitted):
    y, ahead, fc = fitted
    assert fc.method == F.ETS and fc.reason is None
    mean = fc.frame["mean"].to_numpy()
    # Level within 3 % a year out (the damped trend bends a little under the true line).
    assert np.max(np.abs(mean - ahead) / ahead) < 0.03
    # The season: month-to-month moves of the forecast follow the true ones.
    assert np.corrcoef(np.diff(mean), np.diff(ahead))[0, 1] > 0.95
    # The trend: a year on, the forecast has grown by about 12 x the slope.
    assert abs((mean[-1] - mean[0]) - (ahead[-1] - ahead[0])) < 10
    # The 80 % interval widens with the horizon and holds most of the truth (the damped
    # trend lets the last months fall a little under the undamped line).
    width = (fc.frame["upper"] - fc.frame["lower"]).to_numpy()
    assert np.all(np.diff(width) >= 0)
    assert np.mean((fc.frame["lower"] <= ahead) & (ahead <= fc.frame["upper"])) >= 0.5


def test_interval_is_statsmodels_own(fitted):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y, _, fc = fitted
    model = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add",
                     seasonal_periods=12, initialization_method="heuristic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = model.smooth(fc.params.as_list()).get_prediction(
            start=len(y), end=len(y) + 11).summary_frame(alpha=0.2)
    np.testing.assert_allclose(fc.frame["lower"], frame["pi_lower"], rtol=1e-9)
    np.testing.assert_allclose(fc.frame["upper"], frame["pi_upper"], rtol=1e-9)


def test_pooled_parameters_forecast_another_series(fitted):
    y, ahead, fc = fitted
    small = y / 10
    pooled = F.forecast(small, params=fc.params)
    assert pooled.method == F.ETS and pooled.params == fc.params
    np.testing.assert_allclose(pooled.frame["mean"], fc.frame["mean"] / 10, rtol=1e-6)


def test_months_ahead_follow_the_last_month(fitted):
    y, _, fc = fitted
    assert list(fc.frame.index[:2]) == [pd.Timestamp("2026-12-31"), pd.Timestamp("2027-01-31")]
    assert len(fc.frame) == 12


def test_short_series_falls_back_to_seasonal_naive():
    y, _ = synthetic(months=30)
    fc = F.forecast(y)
    assert (fc.method, fc.reason) == (F.NAIVE, "short")
    np.testing.assert_allclose(fc.frame["mean"], np.maximum(y.iloc[-12:], 0))


def test_zero_series_falls_back_and_stays_zero():
    y = pd.Series(0.0, index=pd.date_range("2014-01-31", periods=60, freq="ME"))
    fc = F.forecast(y)
    assert (fc.method, fc.reason) == (F.NAIVE, "zero")
    assert fc.frame.to_numpy().max() == 0


def test_seasonal_naive_repeats_last_year():
    index = pd.date_range("2020-01-31", periods=24, freq="ME")
    y = pd.Series(np.r_[np.arange(12), np.arange(12) + 10], index=index, dtype=float)
    fc = F.seasonal_naive(y, 12)
    np.testing.assert_allclose(fc.frame["mean"], np.arange(12) + 10)
    # Every year-on-year change is 10: sd 10, the interval mean +- 1.2816 x 10.
    np.testing.assert_allclose(fc.frame["upper"] - fc.frame["mean"], F.Z * 10)


def test_backtest_beats_seasonal_naive_on_a_trending_series():
    y, _ = synthetic()
    bt = F.backtest(y, refit=False)
    # 24 origins, 12 months ahead but never past the end: 12 x 13 + (11 + ... + 1).
    assert bt.points == 12 * 13 + 66
    assert bt.mape < bt.naive_mape
    assert 60 <= bt.coverage <= 100
