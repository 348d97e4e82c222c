"""The repeat pairs (outcome_tables.repeat_pairs) held in memory, per serving process and
data version, the way outlier_pool holds the outlier rule's spells.

People on the register in a period are the cases on the register less, for each person,
the cases beyond the first (outcome_stocks.py). For the people with exactly two cases
that is a count of pairs: those with both cases in the filter, under the same key when
split, and on the register during the period:

    registered_on <= period end  and  (closed_on is None or closed_on > period start)

(registered_on is the later registration, closed_on the earlier closure). Here the counts
are comparisons over arrays rather than a scan of repeat_pairs with a CASE per period for
each split the outcomes page shows. The people with three or more cases are still
counted by a statement (by person, over repeat_cases), and only when the data has any.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from sqlalchemy import Date, func, literal, select
from sqlalchemy.engine import Connection

from queries.dates import days_between
from queries.readmodel import outlier_pool
from queries.readmodel.outcome_tables import repeat_cases, repeat_pairs
from queries.readmodel.outlier_pool import coded_in

LEVEL = "repeat_pairs"
"""The key outlier_pool holds these arrays under."""
SPLITS = ("region", "unit", "probation_type", "legal_category")


@dataclass(frozen=True)
class Pairs:
    """One row per pair; `first_*` and `other_*` are its two cases. Region, type and
    category as indexes into `labels[...]` (the values found in the data)."""

    first_unit: np.ndarray
    other_unit: np.ndarray
    first_region: np.ndarray
    other_region: np.ndarray
    first_type: np.ndarray
    other_type: np.ndarray
    first_category: np.ndarray
    other_category: np.ndarray
    registered: np.ndarray
    closed: np.ndarray
    """Day numbers (outlier_pool.day_number); closed is outlier_pool.OPEN when open."""
    labels: dict
    """"region", "probation_type", "legal_category" -> the values the codes index."""
    many: int
    """repeat_cases rows of people with three or more cases (0: no statement for them)."""

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray))

    def sides(self, by: str) -> tuple[np.ndarray, np.ndarray, Sequence]:
        """Each case's key for a split, and what the keys are (unit ids: themselves)."""
        if by == "unit":
            return self.first_unit, self.other_unit, None
        part = {"region": "region", "probation_type": "type", "legal_category": "category"}[by]
        return (getattr(self, f"first_{part}"), getattr(self, f"other_{part}"),
                self.labels[by])


def _codes(first: pd.Series, other: pd.Series) -> tuple[np.ndarray, np.ndarray, tuple]:
    codes, values = pd.factorize(pd.concat([first, other], ignore_index=True), sort=True)
    codes = codes.astype(np.int16)
    return codes[:len(first)], codes[len(first):], tuple(values.tolist())


def _build(conn: Connection) -> Pairs:

    r = repeat_pairs
    epoch = literal(outlier_pool.EPOCH, Date)
    rows = conn.execute(select(
        r.c.unit_id, r.c.other_unit_id, r.c.region_code, r.c.other_region_code,
        r.c.probation_type, r.c.other_probation_type, r.c.legal_category,
        r.c.other_legal_category, days_between(epoch, r.c.registered_on),
        func.coalesce(days_between(epoch, r.c.closed_on), outlier_pool.OPEN))).all()
    frame = pd.DataFrame(rows, columns=["unit", "other_unit", "region", "other_region",
                                        "type", "other_type", "category", "other_category",
                                        "registered", "closed"])
    coded, labels = {}, {}
    for part, by in (("region", "region"), ("type", "probation_type"),
                     ("category", "legal_category")):
        coded[f"first_{part}"], coded[f"other_{part}"], labels[by] = _codes(
            frame[part], frame[f"other_{part}"])
    many = conn.execute(select(func.count()).select_from(repeat_cases)
                        .where(repeat_cases.c.person_cases > 2)).scalar_one()
    return Pairs(first_unit=frame["unit"].to_numpy(dtype=np.int32),
                 other_unit=frame["other_unit"].to_numpy(dtype=np.int32),
                 registered=frame["registered"].to_numpy(dtype=np.int32),
                 closed=frame["closed"].to_numpy(dtype=np.int32),
                 labels=labels, many=int(many), **coded)


outlier_pool.OTHERS[LEVEL] = _build


def held(conn: Connection) -> Pairs | None:
    """The pairs of the data loaded now (None: not fresh, or being read in the
    background during a request; see outlier_pool.held)."""
    return outlier_pool.held(conn, LEVEL)


def _kept(p: Pairs, flt) -> np.ndarray:
    """Pairs whose both cases are within the filter (outcome_stocks.Filter: the scope,
    types, categories, region)."""
    keep = np.ones(len(p.registered), dtype=bool)
    scope = flt.scope
    regions = p.labels["region"]
    wanted_regions = [c for c in (scope.region_code if scope.role == "region_head" else None,
                                  flt.region) if c is not None]
    if scope.role == "unit_head":
        keep &= (p.first_unit == scope.unit_id) & (p.other_unit == scope.unit_id)
    elif scope.role not in ("ministry", "region_head"):
        keep[:] = False
    for code in wanted_regions:
        keep &= coded_in(p.first_region, regions, [code]) & coded_in(p.other_region,
                                                                     regions, [code])
    if flt.types:
        labels = p.labels["probation_type"]
        keep &= coded_in(p.first_type, labels, flt.types) & coded_in(p.other_type, labels,
                                                                     flt.types)
    if flt.categories:
        labels = p.labels["legal_category"]
        keep &= (coded_in(p.first_category, labels, flt.categories)
                 & coded_in(p.other_category, labels, flt.categories))
    return keep


def extra(p: Pairs, flt, periods: Sequence, by: str | None) -> dict | None:
    """(period index, key or None) -> the pairs of `p` with both cases within `flt`
    (under the same key when split by `by`) and on the register during the period;
    nonzero counts only. None for a split the arrays do not know."""
    if by is not None and by not in SPLITS:
        return None
    bounds = [(outlier_pool.day_number(x.start), outlier_pool.day_number(x.end))
              for x in periods]
    keep = _kept(p, flt)
    keep &= p.registered <= max(b for _, b in bounds)
    keep &= p.closed > min(a for a, _ in bounds)
    key = labels = None
    if by is not None:
        first, other, labels = p.sides(by)
        keep &= first == other
        key = first[keep]
    registered, closed = p.registered[keep], p.closed[keep]
    out = {}
    for i, (a, b) in enumerate(bounds):
        during = (registered <= b) & (closed > a)
        if by is None:
            n = int(np.count_nonzero(during))
            if n:
                out[(i, None)] = n
            continue
        counts = np.bincount(key[during])
        for j in np.flatnonzero(counts).tolist():
            out[(i, j if labels is None else labels[j])] = int(counts[j])
    return out
