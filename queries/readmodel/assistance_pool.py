"""The repeated assistance (outcome_tables.repeat_assistance) held in memory, per serving
process and data version, as pair_pool holds the repeat pairs.

The people who received a kind of assistance in a period are the provisions less, per
kind, those beyond each person's first; only people who received a kind more than once
are in repeat_assistance. Here the period's rows are one run of the day-sorted arrays,
filtered and counted with numpy instead of a statement over the period's rows; the
statement still answers when the arrays are not held.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from sqlalchemy import Date, literal, select
from sqlalchemy.engine import Connection

from dashboard.schema import units
from queries.dates import days_between
from queries.readmodel import outlier_pool
from queries.readmodel.outcome_tables import repeat_assistance
from queries.readmodel.outlier_pool import coded_in

LEVEL = "repeat_assistance"
"""The key outlier_pool holds these arrays under."""


@dataclass(frozen=True)
class Provided:
    """One row per provision of repeat_assistance, in day order. Kind, region, type and
    category as indexes into `labels[...]` (the values found in the data)."""

    day: np.ndarray
    """outlier_pool.day_number of provided_on, ascending."""
    person: np.ndarray
    unit: np.ndarray
    kind: np.ndarray
    region: np.ndarray
    probation_type: np.ndarray
    legal_category: np.ndarray
    labels: dict

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray))


def _build(conn: Connection) -> Provided:

    r = repeat_assistance
    day = days_between(literal(outlier_pool.EPOCH, Date), r.c.provided_on)
    rows = conn.execute(select(day, r.c.person_id, r.c.unit_id, r.c.kind, units.c.region_code,
                               r.c.probation_type, r.c.legal_category)
                        .select_from(r.join(units, units.c.id == r.c.unit_id))
                        .order_by(r.c.provided_on, r.c.person_id)).all()
    frame = pd.DataFrame(rows, columns=["day", "person", "unit", "kind", "region",
                                        "probation_type", "legal_category"])
    coded, labels = {}, {}
    for part in ("kind", "region", "probation_type", "legal_category"):
        codes, values = pd.factorize(frame[part], sort=True)
        coded[part], labels[part] = codes.astype(np.int16), tuple(values.tolist())
    return Provided(day=frame["day"].to_numpy(dtype=np.int32),
                    person=frame["person"].to_numpy(dtype=np.int32),
                    unit=frame["unit"].to_numpy(dtype=np.int32), labels=labels, **coded)


outlier_pool.OTHERS[LEVEL] = _build


def held(conn: Connection) -> Provided | None:
    """The provisions of the data loaded now (None: not fresh, or being read in the
    background during a request; see outlier_pool.held)."""
    return outlier_pool.held(conn, LEVEL)


def extra(p: Provided, flt, period) -> dict[str, int]:
    """outcome_stocks.extra_assistance from the arrays: per kind provided in `period`
    within `flt` (the scope, types, categories, region), the provisions beyond each
    person's first."""
    lo = int(np.searchsorted(p.day, outlier_pool.day_number(period.start), side="left"))
    # max: a period that ends before it starts holds no day (as BETWEEN finds none).
    hi = max(lo, int(np.searchsorted(p.day, outlier_pool.day_number(period.end),
                                     side="right")))
    part = slice(lo, hi)
    keep = np.ones(hi - lo, dtype=bool)
    scope, regions = flt.scope, p.labels["region"]
    if scope.role == "unit_head":
        keep &= p.unit[part] == scope.unit_id
    elif scope.role == "region_head":
        keep &= coded_in(p.region[part], regions, [scope.region_code])
    elif scope.role != "ministry":
        keep[:] = False
    if flt.region:
        keep &= coded_in(p.region[part], regions, [flt.region])
    if flt.types:
        keep &= coded_in(p.probation_type[part], p.labels["probation_type"], flt.types)
    if flt.categories:
        keep &= coded_in(p.legal_category[part], p.labels["legal_category"], flt.categories)
    kinds = p.kind[part][keep].astype(np.int64)
    if not len(kinds):
        return {}
    provisions = np.bincount(kinds)
    people = np.bincount(np.unique((kinds << 40) | p.person[part][keep].astype(np.int64))
                         >> 40,
                         minlength=len(provisions))
    return {p.labels["kind"][k]: int(provisions[k] - people[k])
            for k in np.flatnonzero(provisions).tolist()}
