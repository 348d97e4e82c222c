"""officer_load_stock's and officer_narrowed_stock's rows (queries/readmodel/stocks.py):
officer_stock's totals per day and officer, summed from the officer stock's frame as
service/readmodel/stocks.compute returns it, before or after it is written.

Rows are in day order, then officer with the cases nobody held (officer NULL) last: the
staff and milestones pages read one day, whose rows then share the table's pages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.codes import CATEGORY_TYPE, RISK_TIERS
from queries.readmodel.stocks import (
    LOAD_ITEMS,
    LOAD_KEYS,
    NARROWED_BY,
    load_column,
    officer_load_stock,
    officer_narrowed_stock,
)

TOTALS = ("cases_held", "reports_held", "due", "overdue")
LAST = np.iinfo(np.int64).max
"""The sort key of officer NULL: after every officer."""


def _keyed(officer: pd.DataFrame) -> pd.DataFrame:
    """The officer stock with `who`: the officer id, NULL as LAST."""
    who = officer["officer_id"].astype("Int64").fillna(LAST).astype(np.int64)
    return officer.assign(who=who.to_numpy())


def _officer_ids(who: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(who, dtype="Int64")).mask(who == LAST)


def loads(officer: pd.DataFrame) -> pd.DataFrame:
    """Per day and officer: cases held, reports in hand, due and overdue in all, and
    cases held and reports per item key (type, category, risk tier) where the type is
    the category's (the others have no weight and count in the totals only)."""
    columns = [c.name for c in officer_load_stock.columns]
    if officer.empty:
        return pd.DataFrame(columns=columns)
    s = _keyed(officer)
    out = s.groupby(["day", "who"], sort=False)[list(TOTALS)].sum()
    # The rows of an item key: LOAD_KEYS is every category with its type x every tier.
    matching = s[((s["legal_category"].map(CATEGORY_TYPE) == s["probation_type"])
                  & s["risk_tier"].isin(RISK_TIERS)).to_numpy()]
    measures = [measure for _, measure in LOAD_ITEMS]
    wide = (matching.groupby(["day", "who", "legal_category", "risk_tier"], sort=False)
            [measures].sum().unstack(["legal_category", "risk_tier"], fill_value=0)
            .reindex(out.index, fill_value=0))
    for item, measure in LOAD_ITEMS:
        for _, category, risk in LOAD_KEYS:
            name = load_column(item, category, risk)
            key = (measure, category, risk)
            out[name] = wide[key] if key in wide.columns else 0
    out = out.sort_index().reset_index()
    out["officer_id"] = _officer_ids(out["who"].to_numpy())
    return out[columns].astype({c: np.int64 for c in columns if c not in ("day", "officer_id")})


def narrowed(officer: pd.DataFrame) -> pd.DataFrame:
    """Per day, column narrowed by (type or category), its code and officer: cases held,
    due and overdue."""
    columns = [c.name for c in officer_narrowed_stock.columns]
    if officer.empty:
        return pd.DataFrame(columns=columns)
    s = _keyed(officer)
    parts = []
    for by in NARROWED_BY:
        part = (s.groupby(["day", by, "who"], sort=False)[["cases_held", "due", "overdue"]]
                .sum().reset_index().rename(columns={by: "code"}))
        part.insert(1, "narrowed_by", by)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["code"] = out["code"].astype(str)
    out = out.sort_values(["day", "narrowed_by", "code", "who"], ignore_index=True)
    out["officer_id"] = _officer_ids(out["who"].to_numpy())
    return out[columns]
