"""Pure computations shared by the views: periods and their comparisons, rates with
small-sample protection, and the Recidiviz outlier rule (design.md). No database, no Dash.

The outlier rule, for any entity (unit, officer, region) and any event (repeat offence,
revocation, overdue milestone...):
    rate      = events / denominator (e.g. average daily caseload), per `per`
    target    = the rate of all peers together (the national rate)
    threshold = the interquartile range of the peers' rates
    MET  when rate <= target
    NEAR when target < rate <= target + IQR
    FAR  when rate  > target + IQR
Entities whose denominator is under `min_denominator` get no rate and no status: one
event among three cases says nothing about an officer. Nor is an entity flagged NEAR or
FAR on fewer than `min_events` events (OutlierRule): two or three offences make a high
rate on a small caseload by chance; such an entity is not judged (no status).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

GRAINS = ("year", "quarter", "month")
MET, NEAR, FAR = "MET", "NEAR", "FAR"
STATUSES = (MET, NEAR, FAR)


# --- periods ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _grain_start(day: date, grain: str) -> date:
    if grain == "year":
        return date(day.year, 1, 1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}")


def _add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def _grain_months(grain: str) -> int:
    return {"year": 12, "quarter": 3, "month": 1}[grain]


def buckets(start: date, end: date, grain: str) -> list[Period]:
    """The calendar years, quarters or months covering [start, end], clipped to it: a
    period that starts mid-month gets a shorter first bucket, never days outside it."""
    if start > end:
        return []
    out = []
    first = _grain_start(start, grain)
    while first <= end:
        following = _add_months(first, _grain_months(grain))
        out.append(Period(max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return out


def is_whole(period: Period, grain: str) -> bool:
    """True when `period` is exactly one calendar year, quarter or month."""
    return (period.start == _grain_start(period.start, grain)
            and period.end == _add_months(period.start, _grain_months(grain))
            - timedelta(days=1))


def grain_end(day: date, grain: str) -> date:
    """The last day of the calendar year, quarter or month holding `day`."""
    return _add_months(_grain_start(day, grain), _grain_months(grain)) - timedelta(days=1)


def is_partial(period: Period, grain: str | None) -> bool:
    """True when `period` is a calendar year, quarter or month (`grain`) so far: it starts
    the calendar one but stops before its end (the data's last day falls inside it). Such
    a period is shown as partial and compared with the same days of another."""
    return (grain in GRAINS and period.start == _grain_start(period.start, grain)
            and period.end < grain_end(period.start, grain))


def previous_period(period: Period, grain: str | None = None) -> Period:
    """The period just before `period`, like for like, and never `period` itself: the
    previous calendar year, quarter or month when `period` is a whole one; when it is one
    so far (`grain`, the filters' period: is_partial), the same days of the one before
    (1 Jan-24 Nov 2026: 1 Jan-24 Nov 2025; 29 February becomes the 28th); otherwise the
    same number of days ending the day before. The one definition every page, KPI and
    review uses."""
    if is_partial(period, grain):
        back = _grain_months(grain)
        return Period(_add_months(period.start, -back), _add_months(period.end, -back))
    for whole in GRAINS:
        if is_whole(period, whole):
            start = _add_months(period.start, -_grain_months(whole))
            return Period(start, period.start - timedelta(days=1))
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def year_earlier(period: Period) -> Period:
    """The same days one year earlier (29 February becomes the 28th)."""
    return Period(_add_months(period.start, -12), _add_months(period.end, -12))


def trailing_months(end: date, months: int = 12) -> Period:
    """The `months` months ending on `end`, inclusive (Recidiviz's trailing window)."""
    return Period(_add_months(end + timedelta(days=1), -months), end)


def month_ends(last: date, count: int) -> list[date]:
    """The last `count` month ends up to `last` (`last` itself when it is not one), oldest
    first: the days the status history is taken on."""
    days = [last]
    for _ in range(count - 1):
        days.append(days[-1].replace(day=1) - timedelta(days=1))
    return days[::-1]


# --- rates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """A rate with the counts behind it. `value` is None when the denominator is too
    small to trust (or zero): the screen shows the counts and a mark, not a number."""

    events: int
    denominator: float
    value: float | None
    small_sample: bool


def rate(events: int, denominator: float, min_denominator: float, per: float = 1000) -> Rate:
    """`events` per `per` of `denominator`, hidden when the denominator is under
    `min_denominator`."""
    small = denominator < max(min_denominator, 1e-9)
    value = None if small else events / denominator * per
    return Rate(int(events), float(denominator), value, small)


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change (0.3 = +30 %); None when either side is missing or the base is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return current / previous - 1


def rates(frame: pd.DataFrame, events: str, denominator: str, min_denominator: float,
          per: float = 1000, into: str = "rate") -> pd.DataFrame:
    """`frame` with a column `into` = events / denominator * per, NaN (and
    `small_sample` True) where the denominator is under `min_denominator`."""
    out = frame.copy()
    out[into], out["small_sample"] = rate_values(out[events].astype(float).to_numpy(),
                                                 out[denominator].astype(float).to_numpy(),
                                                 min_denominator, per)
    return out


# --- the outlier rule -------------------------------------------------------------------

@dataclass(frozen=True)
class Benchmark:
    """The target (national rate) and the IQR of the peers' rates."""

    target: float | None
    iqr: float | None
    peers: int


def iqr(values) -> float | None:
    """Interquartile range (linear interpolation, as numpy and pandas compute it)."""
    if isinstance(values, np.ndarray) and values.dtype == float:
        arr = values[~np.isnan(values)]
    else:
        arr = np.asarray([v for v in values if v is not None and not pd.isna(v)],
                         dtype=float)
    if len(arr) == 0:
        return None
    q1, q3 = np.percentile(arr, [25, 75])
    return float(q3 - q1)


def benchmark(frame: pd.DataFrame, events: str, denominator: str, min_denominator: float,
              per: float = 1000) -> Benchmark:
    """Target = all peers' events over all peers' denominator (so large units weigh more,
    as the national rate does); IQR over the peers that pass `min_denominator`."""
    return benchmark_of(frame[events].to_numpy(dtype=float),
                        frame[denominator].to_numpy(dtype=float), min_denominator, per)


def benchmark_of(events: np.ndarray, den: np.ndarray, min_denominator: float,
                 per: float = 1000) -> Benchmark:
    """`benchmark` of the peers' events and denominators as arrays (called per window
    and event on every officer: no frame to build)."""
    total = float(den.sum())
    target = float(events.sum()) / total * per if total > 0 else None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = events / den * per
    peer_rates = value[~(den < max(min_denominator, 1e-9)) & ~np.isnan(value)]
    return Benchmark(target, iqr(peer_rates), int(len(peer_rates)))


@dataclass(frozen=True)
class OutlierRule:
    """When an entity may be flagged: its denominator (average daily caseload) at least
    `min_caseload` and, to be NEAR or FAR, at least `min_events` events (the settings
    PROBATION_OUTLIER_MIN_CASELOAD and PROBATION_OUTLIER_MIN_EVENTS)."""

    min_caseload: float = 10
    min_events: int = 5


def status(value: float | None, target: float | None, spread: float | None) -> str | None:
    """MET at or below the target, NEAR within one IQR above it, FAR beyond."""
    if value is None or pd.isna(value) or target is None:
        return None
    if value <= target:
        return MET
    if spread is None or value <= target + spread:
        return NEAR
    return FAR


def outliers(frame: pd.DataFrame, events: str, denominator: str, min_denominator: float,
             per: float = 1000, bench: Benchmark | None = None) -> pd.DataFrame:
    """`frame` (one row per entity) with `rate`, `small_sample` and `status` columns,
    judged against `bench` (computed from `frame` itself when not given), FAR first."""
    bench = bench or benchmark(frame, events, denominator, min_denominator, per)
    out = rates(frame, events, denominator, min_denominator, per)
    # object dtype keeps None as None (pandas would infer strings and turn it into NaN).
    out["status"] = pd.Series([status(v, bench.target, bench.iqr) for v in out["rate"]],
                              index=out.index, dtype=object)
    order = out["status"].map({FAR: 0, NEAR: 1, MET: 2}).fillna(3)
    return (out.assign(_order=order).sort_values(["_order", "rate"], ascending=[True, False])
            .drop(columns="_order").reset_index(drop=True))


def judge_windows(counts: pd.DataFrame, benchmarks: dict, min_denominator: float,
                  events: str = "events", denominator: str = "average_caseload",
                  per: float = 1000, min_events: int = 0) -> pd.DataFrame:
    """Rows of (window_end, entity, events, denominator) judged each against its own
    window's Benchmark (`benchmarks[window_end]`): adds rate, small_sample, status (NEAR
    or FAR only on `min_events` events or more)."""
    out = rates(counts, events, denominator, min_denominator, per)
    out["status"] = pd.Series(
        statuses(out["rate"].to_numpy(dtype=float), out["window_end"].to_numpy(), benchmarks,
                 out[events].to_numpy(), min_events),
        index=out.index, dtype=object)
    return out


def statuses(value: np.ndarray, window_end: np.ndarray, benchmarks: dict,
             events: np.ndarray | None = None, min_events: int = 0) -> np.ndarray:
    """judge_windows' status of each rate `value` (NaN: none) against its window's
    Benchmark, as an object array (None: not judged). A rate above the target on fewer
    than `min_events` `events` is not judged: too few events to flag."""
    # Vectorised (tens of thousands of officer rows): NaN stands for None (no rate, no
    # target, no spread, or a window without a benchmark). Each row's benchmark by
    # position, looked up once (-1, no benchmark, takes the NaN at the end).
    at = pd.Index(list(benchmarks), dtype=object).get_indexer(window_end)

    def of(attribute):
        values = [getattr(b, attribute) for b in benchmarks.values()]
        return np.array([np.nan if v is None else v for v in values] + [np.nan],
                        dtype=float)[at]

    target, spread = of("target"), of("iqr")
    judged = np.full(len(value), None, dtype=object)
    rated = ~np.isnan(value) & ~np.isnan(target)
    with np.errstate(invalid="ignore"):
        near = rated & ~(value <= target) & (np.isnan(spread) | (value <= target + spread))
        above = rated & ~(value <= target)
        if events is not None and min_events > 0:
            above &= np.asarray(events, dtype=float) >= min_events
        judged[rated & (value <= target)] = MET
        judged[near & above] = NEAR
        judged[above & ~near] = FAR
    return judged


def rate_values(events: np.ndarray, denominator: np.ndarray, min_denominator: float,
                per: float = 1000) -> tuple[np.ndarray, np.ndarray]:
    """`rates` of arrays: (rate, NaN where small; small_sample)."""
    den = denominator.astype(float)
    small = den < max(min_denominator, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = events.astype(float) / den * per
    return np.where(small, np.nan, value), small
