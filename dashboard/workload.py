"""Workload points and capacity, after the UK probation Workload Measurement Tool.

Each work item an officer holds on a day carries points: a case by its probation type,
legal category and risk tier; a pre-trial report in hand (asked for, not yet handed to
the court) by the same keys. The weights are data with effective dates (the
`workload_weights` table); `DEFAULT_WEIGHTS` below is the set the migration seeds.

    available points = nominal target x contracted hours / standard hours x (1 - reduction)
    capacity %       = points held / available points x 100      (over 110 %: overloaded)

The capacity parameters are `CapacityParams`, overridable through the environment
(`PROBATION_WORKLOAD_<FIELD>`, documented in the README). Nothing here reads a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.codes import CATEGORY_TYPE, RISK_TIERS
from dashboard.config import overrides_from_env

WORK_ITEMS = ("case", "pre_trial_report")
ITEM_KEYS = ["work_item", "probation_type", "legal_category", "risk_tier"]

# The seeded default weights. Points are relative: a medium-risk conditional sentence is 7.
# Higher risk means more check-ins and home visits; restriction of freedom adds the
# movement checks; administrative supervision is shared with the police, so it weighs less;
# penitentiary and pre-trial cases are one program each whatever the tier; a pre-trial
# report is extra work on top of its case (social inquiry, the report itself).
DEFAULT_FROM = date(2012, 1, 1)


def _w(item, ptype, category, risk, points, start=DEFAULT_FROM, until=None) -> dict:
    return {"work_item": item, "probation_type": ptype, "legal_category": category,
            "risk_tier": risk, "points": float(points), "effective_from": start,
            "effective_until": until}


DEFAULT_WEIGHTS: tuple[dict, ...] = (
    _w("case", "sentence", None, "low", 4),
    _w("case", "sentence", None, "medium", 7),
    _w("case", "sentence", None, "high", 12),
    _w("case", "sentence", "restriction_of_freedom", "low", 5),
    _w("case", "sentence", "restriction_of_freedom", "medium", 8),
    _w("case", "sentence", "restriction_of_freedom", "high", 13),
    _w("case", "post_penitentiary", None, "low", 5),
    _w("case", "post_penitentiary", None, "medium", 8),
    _w("case", "post_penitentiary", None, "high", 14),
    _w("case", "post_penitentiary", "admin_supervision", "low", 3),
    _w("case", "post_penitentiary", "admin_supervision", "medium", 5),
    _w("case", "post_penitentiary", "admin_supervision", "high", 9),
    _w("case", "penitentiary", None, None, 6),
    _w("case", "pre_trial", None, None, 8),
    _w("pre_trial_report", "pre_trial", None, None, 5),
    # Public works: the local authority runs the work and sends the timesheets; the service
    # summons, explains and checks (lighter than a conditional sentence). A deferred sentence
    # is watched like a conditional one, with more assistance at the high tier (a parent
    # raising a young child alone). Assumptions, configurable like every weight (migration 0019).
    _w("case", "sentence", "public_works", "low", 3),
    _w("case", "sentence", "public_works", "medium", 5),
    _w("case", "sentence", "public_works", "high", 9),
    _w("case", "sentence", "deferred_sentence", "low", 4),
    _w("case", "sentence", "deferred_sentence", "medium", 7),
    _w("case", "sentence", "deferred_sentence", "high", 11),
)


@dataclass(frozen=True)
class CapacityParams:
    nominal_target: float = 110.0
    """Points an officer on standard hours, with no reductions, can hold (100 % capacity)."""

    standard_hours: float = 40.0
    """Contracted hours a week of a full-time officer."""

    head_reduction: float = 0.3
    """Share of a unit head's time taken by running the unit (0 to 1)."""

    overload_pct: float = 110.0
    """Capacity above this is overloaded."""

    @classmethod
    def from_env(cls) -> CapacityParams:
        values = overrides_from_env(cls, "PROBATION_WORKLOAD_", float, "a number")
        params = cls(**values)
        if params.nominal_target <= 0 or params.standard_hours <= 0:
            raise ValueError("nominal target and standard hours must be positive")
        if not 0 <= params.head_reduction < 1:
            raise ValueError("PROBATION_WORKLOAD_HEAD_REDUCTION must be in [0, 1)")
        return params

    def reduction(self, grade: str) -> float:
        return self.head_reduction if grade == "head" else 0.0

    def available_points(self, contracted_hours: float, grade: str) -> float:
        """Points this officer can hold at 100 % capacity."""
        return (self.nominal_target * contracted_hours / self.standard_hours
                * (1 - self.reduction(grade)))


def capacity_pct(points: float, available: float) -> float:
    """Points held as a percentage of the points available (NaN when none are)."""
    return points / available * 100 if available > 0 else float("nan")


def _specificity(row) -> int:
    return (2 if row["legal_category"] is not None else 0) + (
        1 if row["risk_tier"] is not None else 0)


def points_by_item(weights: pd.DataFrame | list[dict], day: date) -> dict[tuple, float]:
    """Points of every (work item, type, category, risk tier) under the weights in force on
    `day`. The most specific weight wins (category and tier > category > tier > type);
    between two equally specific ones, the one that took effect later. A key no weight
    covers is absent: it counts 0 points (see `unweighted_items`)."""
    rows = weights.to_dict("records") if isinstance(weights, pd.DataFrame) else list(weights)
    rows = [{k: (None if _missing(v) else v) for k, v in r.items()} for r in rows]
    in_force = [r for r in rows if _as_date(r["effective_from"]) <= day
                and (r["effective_until"] is None or _as_date(r["effective_until"]) > day)]
    best: dict[tuple, tuple] = {}
    for item in WORK_ITEMS:
        for category, ptype in CATEGORY_TYPE.items():
            for risk in RISK_TIERS:
                for r in in_force:
                    if (r["work_item"] != item or r["probation_type"] != ptype
                            or r["legal_category"] not in (None, category)
                            or r["risk_tier"] not in (None, risk)):
                        continue
                    rank = (_specificity(r), _as_date(r["effective_from"]))
                    key = (item, ptype, category, risk)
                    if key not in best or rank > best[key][0]:
                        best[key] = (rank, float(r["points"]))
    return {key: points for key, (_, points) in best.items()}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def weigh(items: pd.DataFrame, weights, day: date,
          growth: Mapping[str, float] | None = None) -> pd.DataFrame:
    """`items` (ITEM_KEYS + `items`, a count) with a `points` column: count x weight in force
    on `day`, times (1 + growth[type]) for a what-if growth by probation type."""
    out = items.copy()
    per_item = _lookup(points_by_item(weights, day), out).fillna(0.0).to_numpy()
    growth = growth or {}
    types = out["probation_type"]
    factor = types.map({p: 1 + growth.get(p, 0.0) for p in types.unique()}).astype(float)
    out["points"] = out["items"].astype(float).to_numpy() * per_item * factor.to_numpy()
    return out


def _lookup(table: dict[tuple, float], items: pd.DataFrame) -> pd.Series:
    """The points of each row's key (NaN where no weight covers it). A dict probe per row:
    a page weighs tens of thousands of rows, and a MultiIndex of them costs several times
    more to build than the probes."""
    if items.empty:
        return pd.Series(dtype=float)
    nan = float("nan")
    keys = zip(*(items[k].to_numpy() for k in ITEM_KEYS), strict=True)
    return pd.Series(np.fromiter((table.get(k, nan) for k in keys), dtype=float,
                                 count=len(items)), index=items.index)


EXACT_STEP = 1 / 1024
EXACT_BELOW = 2.0 ** 20


def sums_exactly(table: Mapping[tuple, float]) -> bool:
    """Whether points_by_item's `table` weighs every count exactly, so that any order of
    adding gives the same double: each weight a multiple of 1/1024 below 2^20 (whole and
    half points, as the seeded ones), so that a sum over fewer than 2^23 items has at most
    53 significant bits. Then a database's sum is pandas' sum, bit for bit; otherwise the
    two may differ in the last bit, and the points are weighed here."""
    return all(abs(p) < EXACT_BELOW and (p / EXACT_STEP).is_integer() for p in table.values())


def unweighted_items(items: pd.DataFrame, weights, day: date) -> int:
    """How many work items no weight in force on `day` covers (they count 0 points)."""
    if items.empty:
        return 0
    missing = _lookup(points_by_item(weights, day), items).isna().to_numpy()
    return int(items["items"][missing].sum())


def officer_capacity(officers: pd.DataFrame, items: pd.DataFrame, weights, day: date,
                     params: CapacityParams) -> pd.DataFrame:
    """One row per officer in `officers` (officer_id, grade, contracted_hours, ...) with
    cases, pre_trial_reports, points, available, capacity_pct and overloaded.

    `items` holds counts per officer_id and ITEM_KEYS; an officer with none holds 0."""
    weighed = weigh(items, weights, day)
    is_case = weighed["work_item"] == "case"
    per_officer = pd.DataFrame({
        "cases": weighed[is_case].groupby("officer_id")["items"].sum(),
        "pre_trial_reports": weighed[~is_case].groupby("officer_id")["items"].sum(),
        "points": weighed.groupby("officer_id")["points"].sum(),
    })
    out = officers.merge(per_officer, left_on="officer_id", right_index=True, how="left")
    for column in ("cases", "pre_trial_reports"):
        out[column] = out[column].fillna(0).astype(int)
    out["points"] = out["points"].fillna(0.0)
    return with_capacity(out, params)


def with_capacity(out: pd.DataFrame, params: CapacityParams) -> pd.DataFrame:
    """`out` (officers with contracted_hours, grade or head, and points) with available,
    capacity_pct and overloaded added (in place, and returned)."""
    # Vectorised, in the same order of operations as available_points and capacity_pct,
    # so that every value is bit for bit theirs.
    hours = out["contracted_hours"].to_numpy(dtype=float)
    # queries.staff.officer_load_numbers gives a head flag, not the grade.
    head = (out["head"].to_numpy() == 1) if "head" in out else (out["grade"].to_numpy()
                                                                == "head")
    reduction = np.where(head, params.head_reduction, 0.0)
    available = (params.nominal_target * hours / params.standard_hours * (1 - reduction))
    points = out["points"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(available > 0, points / available * 100, np.nan)
    out["available"] = available
    out["capacity_pct"] = pct
    out["overloaded"] = out["capacity_pct"] > params.overload_pct
    return out
