"""The staff page's numbers, assembled from the query frames (pure: no database).

A "place" is a region on the national view and a unit on a region's view. A place's
workload is the points of the cases registered in it (whoever holds them): posts should
follow the work, not the officers who happen to hold it today.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard import workload as W
from dashboard.redistribution import Redistribution, redistribute


def place_key(level: str) -> str:
    return "region_code" if level == "nation" else "unit_id"


def posts_by_place(posts: pd.DataFrame, level: str) -> pd.DataFrame:
    """authorised, filled, vacant and transferred (from the penal system) per place."""
    key = place_key(level)
    out = posts.assign(transferred=posts["authorised"].where(
        posts["source"] == "penal_transfer", 0))
    return (out.groupby(key)[["authorised", "filled", "vacant", "transferred"]].sum()
            .astype(int))


@dataclass(frozen=True)
class Box:
    """A place's officer capacity %: quartiles and the 1.5 IQR whiskers (the furthest
    values within them), what a box plot draws."""

    place: object
    q1: float
    median: float
    q3: float
    low: float
    high: float


@dataclass(frozen=True)
class CapacitySummary:
    """What the staff page shows of the officers in post: not every officer (tens of
    thousands nationally), but their counts, a box per place and the most overloaded."""

    officers: int
    overloaded: int
    median: float
    """Capacity % of the officers with hours to work (NaN when none)."""
    boxes: tuple[Box, ...]
    """Per place with any capacity, in key order."""
    worst: pd.DataFrame
    """The overloaded, most loaded first (then by officer id), at most `shown` of them."""


def capacity_summary(officers: pd.DataFrame, key: str, shown: int) -> CapacitySummary:
    """The CapacitySummary of workload.officer_capacity's frame, places by `key`."""
    capacity = officers["capacity_pct"].to_numpy(dtype=float)
    boxes = []
    # numpy on each place's positions: what Series.quantile computes (np.percentile,
    # linear), without a Series per place.
    for place, rows in officers.groupby(key, sort=True).indices.items():
        c = capacity[rows]
        c = c[~np.isnan(c)]
        if not len(c):
            continue
        q1, med, q3 = np.percentile(c, [25.0, 50.0, 75.0])
        low = c[c >= q1 - 1.5 * (q3 - q1)].min()
        high = c[c <= q3 + 1.5 * (q3 - q1)].max()
        boxes.append(Box(place, float(q1), float(med), float(q3), float(low), float(high)))
    over = np.flatnonzero(officers["overloaded"].to_numpy(dtype=bool))
    ids = officers["officer_id"].to_numpy()[over]
    order = over[np.lexsort((ids, -capacity[over]))]
    known = capacity[~np.isnan(capacity)]
    return CapacitySummary(
        officers=len(officers), overloaded=len(over),
        median=float(np.median(known)) if len(known) else float("nan"),
        boxes=tuple(boxes), worst=officers.iloc[order[:shown]].reset_index(drop=True))


def points_by_place(unit_items: pd.DataFrame, weights, day: date, level: str,
                    growth: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted workload per place on `day`, with the what-if growth by type applied."""
    if unit_items.empty:
        return pd.Series(dtype=float)
    weighed = W.weigh(unit_items, weights, day, growth)
    return weighed.groupby(place_key(level))["points"].sum()


def units_ranked(posts: pd.DataFrame, unit_points: pd.Series) -> pd.DataFrame:
    """Units by points per filled post, highest first (a unit with no officer in post
    comes first: its load has nobody to carry it)."""
    per_unit = posts_by_place(posts, "region").join(unit_points.rename("points"), how="left")
    per_unit["points"] = per_unit["points"].fillna(0.0)
    filled = per_unit["filled"].where(per_unit["filled"] > 0)
    per_unit["points_per_filled_post"] = per_unit["points"] / filled
    return per_unit.sort_values("points_per_filled_post", ascending=False,
                                na_position="first").reset_index()


def recommend(posts: pd.DataFrame, points: pd.Series, level: str,
              params: W.CapacityParams) -> Redistribution | None:
    """The redistribution of the posts in view: across regions (each keeps one post per
    unit) or across a region's units (each keeps one). None within one unit."""
    if level == "unit" or posts.empty:
        return None
    key = place_key(level)
    current = posts.groupby(key)["authorised"].sum()
    minimum = (posts.groupby(key)["unit_id"].nunique() if level == "nation"
               else pd.Series(1, index=current.index))
    return redistribute(points.to_dict(), {k: int(v) for k, v in current.items()}, params,
                        minimum={k: int(v) for k, v in minimum.items()})


@dataclass(frozen=True)
class Growth:
    """What-if caseload growth by probation type, as fractions (0.2 = +20 %)."""

    by_type: Mapping[str, float]

    @classmethod
    def from_percent(cls, values: Mapping[str, object]) -> Growth:
        """Percent values from the page's inputs; blanks and junk count as 0, and growth
        is kept within -100 % .. +1000 % so no weight turns negative."""
        out = {}
        for ptype, raw in values.items():
            try:
                pct = float(raw)
            except (TypeError, ValueError):
                continue
            if pct == pct and pct != 0:  # not NaN
                out[ptype] = min(max(pct, -100.0), 1000.0) / 100
        return cls(out)


def case_points(cases: pd.DataFrame, weights, day: date) -> pd.DataFrame:
    """`cases` (officer_cases) with the points each carries on `day`: its own weight plus
    its pre-trial report's while the report is in hand."""
    table = W.points_by_item(weights, day)
    out = cases.copy()

    def points(r) -> float:
        own = table.get(("case", r.probation_type, r.legal_category, r.risk_tier), 0.0)
        report = table.get(("pre_trial_report", r.probation_type, r.legal_category,
                            r.risk_tier), 0.0) if r.pre_trial_report_in_hand else 0.0
        return own + report

    out["points"] = [points(r) for r in out.itertuples(index=False)] if len(out) else []
    return out


def weights_in_force(weights: pd.DataFrame, day: date) -> pd.DataFrame:
    """The weight rows in force on `day`, as stored (not resolved per case)."""
    if weights.empty:
        return weights
    start = weights["effective_from"].map(W._as_date)
    until = weights["effective_until"].map(lambda v: None if v is None else W._as_date(v))
    keep = (start <= day) & until.map(lambda u: u is None or u > day)
    return weights[keep.astype(bool)].reset_index(drop=True)


@dataclass(frozen=True)
class StaffData:
    """Everything the staff page shows for one scope, level and day."""

    level: str  # nation (places are regions), region (units) or unit
    names: Mapping  # place key -> name
    unit_names: Mapping  # unit id -> name
    posts: pd.DataFrame  # queries.staff.posts_by_unit
    timeline: pd.DataFrame  # queries.staff.headcount_timeline
    capacity: CapacitySummary
    units: pd.DataFrame  # units_ranked
    unweighted: int
    params: W.CapacityParams
