"""A unit's outcomes split by officer, held in memory per serving process and data version
(outlier_pool.OTHERS): the reader behind queries.outcomes' by="officer" counts, which a
unit's outcomes page asks for its officers' table.

The definitions join every case of the unit to its assignments; here the joins are made
once, when the arrays are read, and each kind of row is sorted by unit, then by day, so
that a page looks at its own unit's slice. The rows and the rules they keep:

    on the register   a case with each of its assignments (or alone, officer None): the
                      person with the case's days on the register [registered_on,
                      closed_on) and the assignment's [assigned_on, unassigned_on)
                      folded into one spell [max of starts, min of ends). Both spans touch
                      a period [a, b] exactly when start <= b and end > a.
    new offences      each new offence with the assignment in force on its day
                      (queries.common.held_on; officer None when nobody held the case)
    closures          each closed case with the assignment in force on its last day on
                      the register (held_before), and its reason
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from dashboard.codes import LEGAL_CATEGORIES, PROBATION_TYPES
from dashboard.metrics import Period
from dashboard.schema import case_assignments, cases, units, violations
from queries import readmodel
from queries.common import held_before, held_on
from queries.readmodel import outlier_pool
from queries.readmodel.outlier_pool import (
    OPEN,
    code_column,
    coded_in,
    day_column,
    day_number,
    read_columns,
)

LEVEL = "officer_outcomes"
"""The read model's name, and the key outlier_pool holds these arrays under."""
readmodel.model(LEVEL)(outlier_pool.fresh)  # fresh when the outlier pool is: same marker


NOBODY = -1
"""The officer of a row whose case nobody held then."""
REASONS = ("completed", "revoked")
"""A closure's reason as its index here; OTHER for any other reason, NONE for none."""
OTHER, NONE = 2, 3


@dataclass(frozen=True)
class Rows:
    """One kind of row, sorted by unit and then by `day`: units[i]'s rows are
    at[i]:at[i + 1]. Days are day numbers (outlier_pool.day_number)."""

    units: np.ndarray
    at: np.ndarray
    officer: np.ndarray
    type: np.ndarray
    category: np.ndarray
    day: np.ndarray
    """The spell's start, or the event's day."""
    end: np.ndarray | None = None
    """The spell's end (OPEN: still open)."""
    person: np.ndarray | None = None
    reason: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self)
                   if getattr(self, f.name) is not None)

    def of_unit(self, unit_id: int) -> slice:
        i = int(np.searchsorted(self.units, unit_id))
        if i == len(self.units) or self.units[i] != unit_id:
            return slice(0, 0)
        return slice(int(self.at[i]), int(self.at[i + 1]))


@dataclass(frozen=True)
class Held:
    """The three kinds of row of every unit, and each unit's region (the narrowing's)."""

    register: Rows
    offences: Rows
    closures: Rows
    region_of: dict
    """Unit id -> region code."""

    @property
    def nbytes(self) -> int:
        return self.register.nbytes + self.offences.nbytes + self.closures.nbytes


def _queries():
    ca = case_assignments
    coded = [func.coalesce(ca.c.officer_id, NOBODY), cases.c.unit_id,
             code_column(cases.c.probation_type, PROBATION_TYPES),
             code_column(cases.c.legal_category, LEGAL_CATEGORIES)]
    registered = day_column(cases.c.registered_on)
    register = (select(*coded, registered, func.coalesce(day_column(cases.c.closed_on), OPEN),
                       func.coalesce(day_column(ca.c.assigned_on), registered),
                       func.coalesce(day_column(ca.c.unassigned_on), OPEN), cases.c.person_id)
                .select_from(cases.outerjoin(ca, ca.c.case_id == cases.c.id)))
    offences = (select(*coded, day_column(violations.c.occurred_on))
                .select_from(violations.join(cases, cases.c.id == violations.c.case_id)
                             .outerjoin(ca, held_on(violations.c.occurred_on)))
                .where(violations.c.kind == "new_offence"))
    reason = cases.c.close_reason
    closures = (select(*coded, day_column(cases.c.closed_on),
                       case((reason == REASONS[0], 0), (reason == REASONS[1], 1),
                            (reason.is_not(None), OTHER), else_=NONE))
                .select_from(cases.outerjoin(ca, held_before(cases.c.closed_on)))
                .where(cases.c.closed_on.is_not(None)))
    return register, offences, closures


NAMES = ["officer", "unit", "type", "category", "day"]


def _rows(read: dict[str, np.ndarray], **extra: np.ndarray) -> Rows:
    order = np.lexsort((read["day"], read["unit"]))
    unit = read["unit"][order]
    found, at = np.unique(unit, return_index=True)
    return Rows(units=found, at=np.append(at, len(unit)),
                officer=read["officer"][order].astype(np.int32),
                type=read["type"][order].astype(np.int8),
                category=read["category"][order].astype(np.int8),
                day=read["day"][order].astype(np.int32),
                **{k: v[order].astype(np.int32 if k != "reason" else np.int8)
                   for k, v in extra.items()})


def _build(conn: Connection) -> Held:
    register, offences, closures = _queries()
    r = read_columns(conn, register, [*NAMES[:4], "registered", "closed", "assigned",
                                      "unassigned", "person"])
    r["day"] = np.maximum(r["registered"], r["assigned"])
    spells = _rows(r, end=np.minimum(r["closed"], r["unassigned"]), person=r["person"])
    c = read_columns(conn, closures, [*NAMES, "reason"])
    return Held(register=spells,
                offences=_rows(read_columns(conn, offences, NAMES)),
                closures=_rows(c, reason=c["reason"]),
                region_of=dict(conn.execute(select(units.c.id, units.c.region_code)).all()))


outlier_pool.OTHERS[LEVEL] = _build


def held(conn: Connection) -> Held | None:
    """The arrays of the data loaded now (None: not fresh, or being read in the
    background during a request; see outlier_pool.held)."""
    return outlier_pool.held(conn, LEVEL)


def _kept(h: Held, rows: Rows, unit_id: int, types: Sequence[str],
          categories: Sequence[str], region: str | None) -> tuple[slice, np.ndarray]:
    """The unit's rows and which of them are in the narrowing."""
    part = rows.of_unit(unit_id)
    keep = np.ones(part.stop - part.start, dtype=bool)
    if region is not None and h.region_of.get(unit_id) != region:
        keep[:] = False
    if types:
        keep &= coded_in(rows.type[part], PROBATION_TYPES, types)
    if categories:
        keep &= coded_in(rows.category[part], LEGAL_CATEGORIES, categories)
    return part, keep


def _keys(officers: np.ndarray) -> list:
    return [None if o == NOBODY else o for o in officers.tolist()]


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["idx", "key", *columns])


def on_register(h: Held, unit_id: int, periods: Sequence[Period], types, categories,
                region) -> pd.DataFrame:
    """Rows (idx, key, on_register) as queries.outcomes._on_register gives them by
    officer: every officer with a spell touching the periods' span, in every period,
    with the people whose spell with them touches that period."""
    rows = h.register
    part, keep = _kept(h, rows, unit_id, types, categories, region)
    bounds = [(day_number(p.start), day_number(p.end)) for p in periods]
    start, end = rows.day[part], rows.end[part]
    keep &= (start <= max(b for _, b in bounds)) & (end > min(a for a, _ in bounds))
    start, end = start[keep], end[keep]
    officers, which = np.unique(rows.officer[part][keep], return_inverse=True)
    pairs = (which.astype(np.int64) << 32) | rows.person[part][keep].astype(np.int64)
    keys, out = _keys(officers), []
    for i, (a, b) in enumerate(bounds):
        touching = np.unique(pairs[(start <= b) & (end > a)])
        counts = np.bincount(touching >> 32, minlength=len(officers)) if len(touching) \
            else np.zeros(len(officers), dtype=np.int64)
        out += [(i, k, int(n)) for k, n in zip(keys, counts.tolist(), strict=True)]
    return _frame(out, ["on_register"])


def _events(h: Held, rows: Rows, unit_id: int, periods: Sequence[Period], narrowing,
            count) -> list[tuple]:
    """(idx, key, *counts) of the events of each period, per officer with any."""
    part, keep = _kept(h, rows, unit_id, *narrowing)
    day = rows.day[part][keep]
    officer = rows.officer[part][keep]
    extra = None if rows.reason is None else rows.reason[part][keep]
    out = []
    for i, p in enumerate(periods):
        # The events are in day order within the unit: the period's are one run of them.
        bounds = np.array((day_number(p.start), day_number(p.end) + 1), dtype=day.dtype)
        lo, hi = (int(at) for at in np.searchsorted(day, bounds))
        found, which = np.unique(officer[lo:hi], return_inverse=True)
        for k, counts in zip(_keys(found), count(which, None if extra is None
                                                 else extra[lo:hi], len(found)),
                             strict=True):
            out.append((i, k, *counts))
    return out


def new_offences(h: Held, unit_id: int, periods: Sequence[Period], types, categories,
                 region) -> pd.DataFrame:
    """Rows (idx, key, repeat_offences) as queries.outcomes._offences gives them by
    officer: the (period, officer) pairs with any."""
    def count(which, _extra, n):
        return [(int(c),) for c in np.bincount(which, minlength=n).tolist()]
    return _frame(_events(h, h.offences, unit_id, periods, (types, categories, region),
                          count), ["repeat_offences"])


def closures(h: Held, unit_id: int, periods: Sequence[Period], types, categories,
             region) -> pd.DataFrame:
    """Rows (idx, key, completed, revoked, other, closed) as queries.outcomes._closures
    gives them by officer: the (period, officer) pairs with any."""
    def count(which, reason, n):
        by_reason = [np.bincount(which[reason == r], minlength=n) for r in (0, 1, OTHER)]
        closed = np.bincount(which, minlength=n)
        return zip(*(c.tolist() for c in (*by_reason, closed)), strict=True)
    return _frame(_events(h, h.closures, unit_id, periods, (types, categories, region),
                          count), ["completed", "revoked", "other", "closed"])
