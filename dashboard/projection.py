"""From the caseload forecast to posts: today's work items scaled to the forecast 12 months
ahead, the capacity of today's filled posts under that load, and the shock what-if (a
share of one legal category released or added at once on a day). Pure functions.

A place's items of a probation type are scaled by forecast / today of that place and type
(its categories and risk tiers keep today's mix); a place and type with nothing today
stays at nothing. A shock multiplies the items of its category by 1 + pct / 100 and moves
the forecast line by that share of the category from its day on, as a lasting level shift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard.codes import CATEGORY_TYPE, LEGAL_CATEGORIES

SHOCK_MIN, SHOCK_MAX = -100.0, 200.0
SHOCK_PARAMS = ("shock_category", "shock_pct", "shock_date")


@dataclass(frozen=True)
class Shock:
    """`pct` percent of `category` released (negative) or added on `day`."""

    category: str
    pct: float
    day: date

    @property
    def factor(self) -> float:
        return 1 + self.pct / 100


def typed_date(text: str) -> date | None:
    """A day as the form gives it: ISO (2027-03-01) or DD.MM.YYYY (01.03.2027); None if
    neither."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return None


def parse_shock(params: Mapping[str, str], after: date, last: date
                ) -> tuple[Shock | None, str | None]:
    """The shock of the URL's parameters, or the catalog key of what is wrong with them
    (None, None: no shock asked). The day must fall after `after` (the as-of day) and on
    or before `last` (the forecast's last month-end); the percent within SHOCK_MIN..MAX."""
    given = {k: (params.get(k) or "").strip() for k in SHOCK_PARAMS}
    if not any(given.values()):
        return None, None
    if not all(given.values()):
        return None, "staff.forecast.shock.incomplete"
    if given["shock_category"] not in LEGAL_CATEGORIES:
        return None, "staff.forecast.shock.bad_category"
    try:
        pct = float(given["shock_pct"])
    except ValueError:
        return None, "staff.forecast.shock.bad_pct"
    if not (SHOCK_MIN <= pct <= SHOCK_MAX) or pct != pct:
        return None, "staff.forecast.shock.bad_pct"
    day = typed_date(given["shock_date"])
    if day is None:
        return None, "staff.forecast.shock.bad_date"
    if not after < day <= last:
        return None, "staff.forecast.shock.bad_date"
    return Shock(given["shock_category"], pct, day), None


def cases_today(items: pd.DataFrame, key: str) -> pd.Series:
    """Cases on the register per (place `key`, probation type) in work_items_by_unit's
    frame (its "case" rows)."""
    cases = items[items["work_item"] == "case"]
    return cases.groupby([key, "probation_type"])["items"].sum().astype(float)


def growth_factors(items: pd.DataFrame, key: str, ahead: Mapping[tuple, float],
                   shock: Shock | None = None, today: pd.Series | None = None) -> pd.Series:
    """Per row of `items`: what its count grows by to `ahead` ((place, type) -> cases
    forecast), times the shock's factor on its category. A row's points grow by the same
    factor, so a projected load is the weighed points times these, not a second weighing.
    `today`: cases_today(items, key), when already counted."""
    today = cases_today(items, key) if today is None else today
    ratio = {k: (ahead.get(k, n) / n if n else 1.0) for k, n in today.items()}
    keys = zip(items[key].to_numpy(), items["probation_type"].to_numpy(), strict=True)
    factor = pd.Series([ratio.get(k, 1.0) for k in keys], index=items.index, dtype=float)
    if shock is not None:
        factor = factor.where(items["legal_category"] != shock.category,
                              factor * shock.factor)
    return factor


def shocked_line(mean: pd.Series, category_today: float, type_today: float,
                 type_mean: pd.Series, shock: Shock) -> pd.Series:
    """The forecast line of a place (`mean`, month-end index) with the shock: from its day
    on, pct of the category's cases today, grown as its type is forecast to grow."""
    growth = type_mean / type_today if type_today else type_mean * 0 + 1
    moved = shock.pct / 100 * category_today * growth
    after = mean.index >= pd.Timestamp(shock.day)
    return (mean + moved.where(after, 0.0)).clip(lower=0)


def shock_type(shock: Shock) -> str:
    return CATEGORY_TYPE[shock.category]


def capacity_pct(points: float, filled: float, nominal_target: float) -> float:
    """Points per filled post against a full-time officer's target, in percent (NaN
    without a filled post)."""
    return points / (filled * nominal_target) * 100 if filled else float("nan")


@dataclass(frozen=True)
class ForecastView:
    """What the staff page's forecast section shows: the place's month-end history, its
    stored forecast (queries/forecast.py), the table of the level below (None within a
    unit), the national backtest, the shock (or the catalog key of what was wrong with
    it), whether the forecast belongs to the data loaded and the month it starts after."""

    level: str
    history: pd.Series
    place: pd.DataFrame
    table: pd.DataFrame | None
    backtest: dict | None
    shock: Shock | None
    shock_error: str | None
    fresh: bool
    origin: date | None
