"""The outlier rule's spells and events held in memory, per serving process and data
version.

The outlier pool (queries.outcomes._national_counts) sums, for six trailing twelve-month
windows, every unit's and officer's caseload days, new offences and revocations. Counted
by statements on each request it took five of them and their Python, over a quarter of
the outcomes page's time at scale 1, and a pool narrowed by type or category read the
assignments themselves (80-100 ms for the officers). Here the same counts come from numpy
arrays: the spells on the register (a case in its unit, an assignment with its officer)
and the events, as day numbers with the codes a page narrows by. Each request keeps the
rows in the narrowing that touch the windows' span and, per window, clips the spells to it
and counts with a bincount: exact for any window, whole months or not, as the direct
statements define it (`_caseload_days`, `_events`):

    caseload days of a spell [s, e) in a window [a, b]  max(0, min(e, b + 1) - max(s, a))
    an event on day d                                   counted when a <= d <= b

What is held: the cases (unit level), queries.outcome_rollups.officer_spells (officer
level), the new offences (with the officer responsible on the day) and the revocations
(cases.officer_id, responsible at closing): about 1.1 million rows and 17 MB at scale 1,
read once per process and data version. The "outcome_stocks" marker says the spells
belong to the version loaded (it is written in the transaction that refreshes them).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Date, and_, literal, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.metrics import Period
from dashboard.schema import case_assignments, cases, units, violations
from queries import stocks
from queries.dates import days_between
from queries.outcome_rollups import officer_spells

log = logging.getLogger(__name__)

MARKER = "outcome_stocks"
"""dataset_info key written with the rollups (queries.outcome_stocks.MARKER)."""
KEPT = 2
"""Data versions kept per process: the one loaded, and the one before it for the requests
still running when an import lands."""
EPOCH = date(1970, 1, 1)
OPEN = np.iinfo(np.int32).max
"""The end of a spell still open."""
MEASURES = ("caseload_days", "repeat_offences", "revocations")


def day_number(day: date) -> int:
    return (day - EPOCH).days


def _day(column):
    return days_between(literal(EPOCH, Date), column)


@dataclass(frozen=True)
class Rows:
    """Spells (start, end) or events (start only) with what a page narrows them by."""

    start: np.ndarray
    end: np.ndarray | None
    pair: np.ndarray
    """Index of the row's (entity, unit of the case) in Held.pairs."""
    unit: np.ndarray
    type: np.ndarray
    category: np.ndarray
    """Codes into Held.types and Held.categories."""

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.start, self.end, self.pair, self.unit, self.type,
                                      self.category) if a is not None)


@dataclass(frozen=True)
class Held:
    """One level's spells, offences and revocations."""

    spells: Rows
    offences: Rows
    revocations: Rows
    pairs: np.ndarray
    """(entity << 24) | unit, ascending: the order of the pool's rows."""
    types: dict[str, int]
    categories: dict[str, int]
    region_of_unit: dict[int, str]

    @property
    def nbytes(self) -> int:
        return self.spells.nbytes + self.offences.nbytes + self.revocations.nbytes \
            + self.pairs.nbytes


def _read(conn: Connection, query) -> pd.DataFrame:
    """Columns entity, unit, type, category, start[, end] (day numbers). On PostgreSQL
    through COPY and pandas' CSV reader: a million rows as Row objects into a DataFrame
    took 3.5 s at scale 1, this 0.5 s."""
    names = ["entity", "unit", "type", "category", "start", "end"][:len(query.selected_columns)]
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            text = io.StringIO()
            cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV", text)
            text.seek(0)
            return pd.read_csv(text, header=None, names=names,
                               dtype={"type": str, "category": str})
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=names)
    finally:
        cursor.close()


def _queries(level: str) -> tuple:
    new_offence = violations.c.kind == "new_offence"
    revoked = and_(cases.c.close_reason == "revoked", cases.c.closed_on.is_not(None))
    narrowing = [cases.c.unit_id, cases.c.probation_type, cases.c.legal_category]
    if level == "unit":
        spells = select(cases.c.unit_id, *narrowing, _day(cases.c.registered_on),
                        _day(cases.c.closed_on))
        offences = (select(cases.c.unit_id, *narrowing, _day(violations.c.occurred_on))
                    .select_from(violations.join(cases, cases.c.id == violations.c.case_id))
                    .where(new_offence))
        revocations = select(cases.c.unit_id, *narrowing, _day(cases.c.closed_on)).where(revoked)
        return spells, offences, revocations
    sp, ca = officer_spells, case_assignments
    spells = select(sp.c.officer_id, sp.c.unit_id, sp.c.probation_type, sp.c.legal_category,
                    _day(sp.c.assigned_on), _day(sp.c.unassigned_on))
    # As queries.outcomes._officer_counts counts them: the officer responsible on the day
    # of the offence; cases.officer_id (responsible at closing) for a revocation.
    offences = (select(ca.c.officer_id, *narrowing, _day(violations.c.occurred_on))
                .select_from(violations.join(ca, ca.c.case_id == violations.c.case_id)
                             .join(cases, cases.c.id == ca.c.case_id))
                .where(new_offence, ca.c.assigned_on <= violations.c.occurred_on,
                       or_(ca.c.unassigned_on.is_(None),
                           ca.c.unassigned_on > violations.c.occurred_on)))
    revocations = (select(cases.c.officer_id, *narrowing, _day(cases.c.closed_on))
                   .where(revoked, cases.c.officer_id.is_not(None)))
    return spells, offences, revocations


def _build(conn: Connection, level: str) -> Held:
    regions = dict(conn.execute(select(units.c.id, units.c.region_code)).all())
    frames = [_read(conn, q) for q in _queries(level)]
    everything = pd.concat(frames, ignore_index=True)
    types = {v: i for i, v in enumerate(sorted(everything.type.unique()))}
    categories = {v: i for i, v in enumerate(sorted(everything.category.unique()))}
    packed = ((everything.entity.to_numpy(dtype=np.int64) << 24)
              | everything.unit.to_numpy(dtype=np.int64))
    pairs, pair = np.unique(packed, return_inverse=True)
    pair = pair.reshape(-1).astype(np.int32)
    parts, at = [], 0
    for frame in frames:
        n = len(frame)
        end = None
        if "end" in frame:
            end = frame.end.fillna(OPEN).to_numpy(dtype=np.int64).astype(np.int32)
        parts.append(Rows(start=frame.start.to_numpy(dtype=np.int32), end=end,
                          pair=pair[at:at + n], unit=frame.unit.to_numpy(dtype=np.int32),
                          type=frame.type.map(types).to_numpy(dtype=np.int8),
                          category=frame.category.map(categories).to_numpy(dtype=np.int8)))
        at += n
    return Held(*parts, pairs=pairs, types=types, categories=categories,
                region_of_unit=regions)


_held: OrderedDict[tuple[str, str, str], Held] = OrderedDict()
_lock = threading.Lock()


def held(conn: Connection, level: str) -> Held | None:
    """The level's spells and events for the data loaded now; None when the rollups do
    not belong to it (never refreshed, or the data changed since)."""
    info = stocks.page_info(conn)
    version = info.get("data_version")
    if version is None or info.get(MARKER) != version:
        return None
    key = (str(conn.engine.url), version, level)
    # One build per process and version: the other threads of a worker wait for it.
    with _lock:
        if key not in _held:
            _held[key] = _build(conn, level)
            while len(_held) > KEPT * 2:
                _held.popitem(last=False)
        return _held[key]


def _kept(rows: Rows, h: Held, types, categories, region_units) -> np.ndarray:
    keep = np.ones(len(rows.start), dtype=bool)
    if types:
        keep &= np.isin(rows.type, [h.types[t] for t in types if t in h.types])
    if categories:
        keep &= np.isin(rows.category, [h.categories[c] for c in categories
                                        if c in h.categories])
    if region_units is not None:
        keep &= np.isin(rows.unit, region_units)
    return keep


def pool(conn: Connection, level: str, windows: Sequence[Period], types: Sequence[str],
         categories: Sequence[str], region: str | None) -> pd.DataFrame | None:
    """queries.outcomes._national_counts from memory: the same rows in the same order
    (idx, entity_id, unit_id, region_code, caseload_days, repeat_offences, revocations);
    None when the spells are not fresh."""
    h = held(conn, level)
    if h is None or not windows:
        return None
    region_units = (None if region is None else
                    np.array([u for u, r in h.region_of_unit.items() if r == region]))
    bounds = [(day_number(w.start), day_number(w.end) + 1) for w in windows]
    first, after = min(a for a, _ in bounds), max(b for _, b in bounds)
    spells = h.spells
    live = (_kept(spells, h, types, categories, region_units)
            & (spells.start < after) & (spells.end > first))
    s, e, sp = spells.start[live], spells.end[live], spells.pair[live]
    events = []
    for rows in (h.offences, h.revocations):
        live = (_kept(rows, h, types, categories, region_units)
                & (rows.start >= first) & (rows.start < after))
        events.append((rows.start[live], rows.pair[live]))
    n = len(h.pairs)
    idx, found, sums = [], [], {m: [] for m in MEASURES}
    for i, (a, b) in enumerate(bounds):
        days = np.minimum(e, b).astype(np.int64) - np.maximum(s, a)
        counted = [np.bincount(sp, weights=np.clip(days, 0, None), minlength=n)]
        for d, p in events:
            inside = (d >= a) & (d < b)
            counted.append(np.bincount(p[inside], minlength=n).astype(float))
        hit = np.nonzero((counted[0] > 0) | (counted[1] > 0) | (counted[2] > 0))[0]
        idx.append(np.full(len(hit), i, dtype=np.int64))
        found.append(hit)
        for m, values in zip(MEASURES, counted, strict=True):
            sums[m].append(values[hit])
    packed = h.pairs[np.concatenate(found)]
    unit = packed & 0xFFFFFF
    return pd.DataFrame({
        "idx": np.concatenate(idx), "entity_id": packed >> 24, "unit_id": unit,
        "region_code": np.array([h.region_of_unit[u] for u in unit.tolist()], dtype=object),
        **{m: np.concatenate(sums[m]) for m in MEASURES}})


def warm(engine: Engine) -> float | None:
    """Read both levels now: a serving process before its first request (gunicorn's
    master before it forks, so that its workers share the arrays). Seconds taken; None
    when the database could not be read (the first request that needs them reads them)."""
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            for level in ("unit", "officer"):
                held(conn, level)
    except SQLAlchemyError as exc:
        log.warning("outlier pool not read ahead: %s", str(exc).splitlines()[0])
        return None
    return time.perf_counter() - started
