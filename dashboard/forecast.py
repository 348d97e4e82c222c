"""The caseload forecast: pure functions over a monthly series of month-end counts.

The model is statsmodels' ETS with additive error, additive damped trend and additive
12-month season (ETS(A,Ad,A), initial states by the heuristic so that only the four
smoothing parameters are estimated). Its 80 % interval is the analytic one of the additive
class (Hyndman et al. 2008, ch. 6), computed here so that a series can be forecast with
parameters fitted on another (a unit with its region's): statsmodels' own get_prediction
gives the same numbers (tests/test_forecast.py) ten times slower.

Where a series is too short, all zero or the fit fails, the forecast is the seasonal
naive one (each month as the same month a year before) and says why. docs/forecast.md
has the method and its limits. Nothing here reads a database.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

PERIOD = 12
HORIZON = 12
LEVEL = 0.8
Z = 1.2815515655446004
"""The standard normal quantile at (1 + LEVEL) / 2: the 80 % interval is mean +- Z sd."""
MIN_MONTHS = 3 * PERIOD
"""Fewer month-ends than this: the seasonal naive forecast (ETS needs seasons to see)."""

ETS = "ets"
NAIVE = "seasonal_naive"


@dataclass(frozen=True)
class Params:
    """The smoothing parameters of ETS(A,Ad,A) (statsmodels' innovations form)."""

    alpha: float
    beta: float
    gamma: float
    phi: float

    def as_list(self) -> list[float]:
        return [self.alpha, self.beta, self.gamma, self.phi]


@dataclass(frozen=True)
class Forecast:
    """`frame`: one row per month ahead (index: month-end Timestamps), columns mean,
    lower, upper (the 80 % interval, never below zero). `method` ETS or NAIVE; `reason`
    why the naive one was used (None for ETS): short, zero or failed."""

    frame: pd.DataFrame
    method: str
    reason: str | None = None
    params: Params | None = None


def month_ends(after: pd.Timestamp, horizon: int = HORIZON) -> pd.DatetimeIndex:
    """The `horizon` month-ends after the month of `after`."""
    return pd.date_range(pd.Timestamp(after) + pd.offsets.MonthEnd(1), periods=horizon,
                         freq="ME")


def _model(y: pd.Series):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(np.asarray(y, dtype=float), error="add", trend="add", damped_trend=True,
                    seasonal="add", seasonal_periods=PERIOD,
                    initialization_method="heuristic")


def unusable(y: pd.Series) -> str | None:
    """Why ETS cannot be fitted to `y` (None: it can)."""
    if len(y) < MIN_MONTHS:
        return "short"
    if not np.any(np.asarray(y.iloc[-2 * PERIOD:], dtype=float)):
        return "zero"
    return None


def fit(y: pd.Series) -> Params | None:
    """The maximum-likelihood parameters of ETS(A,Ad,A) on `y`; None where the series is
    unusable or the optimizer fails."""
    if unusable(y):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _model(y).fit(disp=False)
        params = Params(*(float(v) for v in result.params[:4]))
    except (ValueError, np.linalg.LinAlgError):
        return None
    return params if np.all(np.isfinite(params.as_list())) else None


def _variance_factors(p: Params, horizon: int) -> np.ndarray:
    """v_h / sigma^2 for h = 1..horizon: 1 + sum_{j<h} c_j^2 with
    c_j = alpha + beta (phi + ... + phi^j) + gamma [j a multiple of the period]."""
    j = np.arange(1, horizon)
    damped = np.cumsum(p.phi ** j)
    c = p.alpha + p.beta * damped + p.gamma * (j % PERIOD == 0)
    return 1 + np.concatenate([[0.0], np.cumsum(c ** 2)])


def _frame(index: pd.DatetimeIndex, mean: np.ndarray, sd: np.ndarray) -> pd.DataFrame:
    mean = np.maximum(mean, 0.0)
    return pd.DataFrame({"mean": mean, "lower": np.maximum(mean - Z * sd, 0.0),
                         "upper": np.maximum(mean + Z * sd, 0.0)}, index=index)


def seasonal_naive(y: pd.Series, horizon: int = HORIZON, reason: str | None = None) -> Forecast:
    """Each month ahead as the same month a year before (the last value where the series is
    shorter than a year); the interval from the spread of the year-on-year changes."""
    values = np.asarray(y, dtype=float)
    index = month_ends(y.index[-1], horizon)
    if len(values) >= PERIOD:
        last_year = values[-PERIOD:]
        mean = np.array([last_year[h % PERIOD] for h in range(horizon)])
        changes = values[PERIOD:] - values[:-PERIOD]
    else:
        mean = np.full(horizon, values[-1] if len(values) else 0.0)
        changes = np.diff(values)
    sigma = float(np.sqrt(np.mean(changes ** 2))) if len(changes) else 0.0
    sd = sigma * np.sqrt(1 + np.arange(horizon) // PERIOD)
    return Forecast(_frame(index, mean, sd), NAIVE, reason)


def forecast(y: pd.Series, horizon: int = HORIZON, params: Params | None = None) -> Forecast:
    """The forecast of `y` (month-end counts, a DatetimeIndex) for `horizon` months: ETS
    with `params` where given (fitted on another series), else fitted here."""
    reason = unusable(y)
    if reason:
        return seasonal_naive(y, horizon, reason)
    if params is None:
        params = fit(y)
        if params is None:
            return seasonal_naive(y, horizon, "failed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _model(y).smooth(params.as_list())
        mean = np.asarray(result.forecast(horizon), dtype=float)
        sigma2 = float(result.mse)
    except (ValueError, np.linalg.LinAlgError):
        return seasonal_naive(y, horizon, "failed")
    if not (np.all(np.isfinite(mean)) and np.isfinite(sigma2)):
        return seasonal_naive(y, horizon, "failed")
    sd = np.sqrt(sigma2 * _variance_factors(params, horizon))
    return Forecast(_frame(month_ends(y.index[-1], horizon), mean, sd), ETS, None, params)


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin accuracy: MAPE (percent) of the model and of the seasonal naive
    baseline over the same (origin, month ahead) pairs, and the share of actual values
    inside the model's 80 % interval (percent)."""

    mape: float
    naive_mape: float
    coverage: float
    points: int


def backtest(y: pd.Series, months: int = 24, horizon: int = HORIZON,
             refit: bool = True) -> Backtest:
    """Forecast from each of the origins in the last `months` months (the series cut
    there), up to `horizon` months ahead but not past the series' end, and score each
    forecast against what happened. `refit`: fit at every origin (else once, on the
    series up to the first origin)."""
    values = np.asarray(y, dtype=float)
    errors, naive_errors, inside = [], [], []
    fixed = None if refit else fit(y.iloc[:len(y) - months])
    for origin in range(len(y) - months, len(y)):
        past = y.iloc[:origin]
        ahead = min(horizon, len(y) - origin)
        actual = values[origin:origin + ahead]
        model = forecast(past, ahead, fixed).frame
        naive = seasonal_naive(past, ahead).frame
        keep = actual != 0
        errors.extend(np.abs(model["mean"].to_numpy() - actual)[keep] / actual[keep])
        naive_errors.extend(np.abs(naive["mean"].to_numpy() - actual)[keep] / actual[keep])
        inside.extend((model["lower"].to_numpy() <= actual) & (actual <= model["upper"].to_numpy()))
    if not inside:
        return Backtest(float("nan"), float("nan"), float("nan"), 0)
    return Backtest(100 * float(np.mean(errors)) if errors else float("nan"),
                    100 * float(np.mean(naive_errors)) if naive_errors else float("nan"),
                    100 * float(np.mean(inside)), len(inside))
