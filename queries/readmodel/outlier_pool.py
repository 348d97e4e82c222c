"""The outlier rule's spells and events held in memory, per serving process and data
version: the read model behind queries.outcomes.national_counts.

The outlier counts sum, for six trailing twelve-month windows, every unit's and
officer's caseload days, new offences and revocations. Here they come from numpy arrays:
the spells on the register (a case in its unit, an assignment with its officer) and the
events, as day numbers with the codes a page narrows by. Each request keeps the rows in
the narrowing that touch the windows' span and, per window, clips the spells to it and
counts with a bincount: exact for any window, whole months or not, as the definition's
statements count (`_caseload_days`, `_events`):

    caseload days of a spell [s, e) in a window [a, b]  max(0, min(e, b + 1) - max(s, a))
    an event on day d                                   counted when a <= d <= b

What is held: the cases (unit level), the assignments with their case's unit, type and
category (officer level), the new offences (with the officer responsible on the day) and
the revocations (with the officer on the case's last day on the register: the one rule of
queries/common.py), as day numbers and one-byte codes, the spells sorted by their end
and the events by their day, so that a request looks only at the rows that can touch its
windows. Windows of every type and category
whose ends are month boundaries (the page's trailing windows, and the default one ending
on the data's last day) subtract rows of each pair's caseload days up to every boundary
(Held.cumulative) instead of passing over the spells. Read once per process and data
version: ahead of the first request (gunicorn's master before it forks, so that the
workers share the pages), or, after an import, by a background thread while the
definitions answer. The "outcome_stocks_2" marker says the data version loaded was
refreshed (the pools follow it).
"""
from __future__ import annotations

import io
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import flask
import numpy as np
import pandas as pd
from sqlalchemy import Date, and_, case, func, literal, select
from sqlalchemy.engine import Connection, Engine

from dashboard.codes import LEGAL_CATEGORIES, PROBATION_TYPES
from dashboard.metrics import Period, trailing_months
from dashboard.schema import case_assignments, cases, units, violations
from queries import readmodel
from queries.common import assigned_on, held_before
from queries.dates import days_between

log = logging.getLogger(__name__)

MARKER = "outcome_stocks_2"
"""The pool follows the data version the outcome stocks were refreshed for (the key of
outcome_tables.MARKER)."""
NAME = "outlier_pool"


@readmodel.model(NAME)
def fresh(conn: Connection) -> bool:
    return readmodel.marked(conn, MARKER)


KEPT = 2
"""Data versions kept per process: the one loaded, and the one before it for the requests
still running when an import lands."""
EPOCH = date(1970, 1, 1)
OPEN = np.iinfo(np.int32).max
"""The end of a spell still open."""
MEASURES = ("caseload_days", "repeat_offences", "revocations")


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_column(column):
    return days_between(literal(EPOCH, Date), column)


@dataclass(frozen=True)
class Rows:
    """Spells (start, end), sorted by end, or events (start only), sorted by day, with
    what a page narrows them by; day numbers."""

    start: np.ndarray
    end: np.ndarray | None
    pair: np.ndarray
    """Index of the row's (entity, unit of the case) in Held.pairs."""
    type: np.ndarray
    category: np.ndarray
    """Indexes into PROBATION_TYPES and LEGAL_CATEGORIES (-1: neither)."""

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.start, self.end, self.pair, self.type,
                                      self.category) if a is not None)

    def touching(self, first: int, after: int) -> slice:
        """The rows that may touch the days [first, after): spells ending after `first`,
        events on those days (a binary search: the rest are not looked at)."""
        # The needles in the arrays' own int32: given a Python int, numpy widens (copies)
        # the whole array first.
        if self.end is None:
            bounds = np.array((first, after), dtype=self.start.dtype)
            return slice(*(int(i) for i in np.searchsorted(self.start, bounds)))
        needle = np.array(first, dtype=self.end.dtype)
        return slice(int(np.searchsorted(self.end, needle, side="right")), len(self.end))


@dataclass(frozen=True)
class Held:
    """One level's spells, offences and revocations."""

    spells: Rows
    offences: Rows
    revocations: Rows
    pairs: np.ndarray
    """(entity << 24) | unit, ascending: the order of the pool's rows."""
    pair_region: np.ndarray
    """The region code of each pair's unit (objects), in the order of `pairs`."""
    boundaries: np.ndarray
    """Day numbers, ascending: every month's first day over the data (and a year before
    it), and the first day after the data and a year before that (the default window)."""
    cumulative: np.ndarray
    """cumulative[j, p]: pair p's caseload days (every type and category) before
    boundaries[j]; a window [a, b] whose a and b + 1 are boundaries is one subtraction."""

    @property
    def nbytes(self) -> int:
        return self.spells.nbytes + self.offences.nbytes + self.revocations.nbytes \
            + self.pairs.nbytes + self.boundaries.nbytes + self.cumulative.nbytes

    def column(self, day: int) -> int | None:
        """The index of `day` in boundaries; None when it is not one."""
        j = int(np.searchsorted(self.boundaries, np.array(day, dtype=self.boundaries.dtype)))
        return j if j < len(self.boundaries) and self.boundaries[j] == day else None


COLUMNS = ["entity", "unit", "type", "category", "start", "end"]


def read_columns(conn: Connection, query, names: Sequence[str] | None = None
                 ) -> dict[str, np.ndarray]:
    """The query's integer columns, named `names` (default: COLUMNS), as arrays; on
    PostgreSQL through COPY and pandas' CSV reader (millions of rows: no Row objects)."""
    names = list(names or COLUMNS[:len(query.selected_columns)])
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            text = io.StringIO()
            cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV", text)
            text.seek(0)
            frame = pd.read_csv(text, header=None, names=names, dtype=np.int64)
        else:
            cursor.execute(sql)
            frame = pd.DataFrame(cursor.fetchall(), columns=names, dtype=np.int64)
    finally:
        cursor.close()
    return {name: frame[name].to_numpy() for name in names}


def code_column(column, values: Sequence[str]):
    """The column as its index in `values` (-1 for anything else): one byte per row held,
    not a string."""
    return case({v: i for i, v in enumerate(values)}, value=column, else_=-1)


def _queries(level: str) -> tuple:
    new_offence = violations.c.kind == "new_offence"
    revoked = and_(cases.c.close_reason == "revoked", cases.c.closed_on.is_not(None))

    def narrowing(table):
        return [table.c.unit_id, code_column(table.c.probation_type, PROBATION_TYPES),
                code_column(table.c.legal_category, LEGAL_CATEGORIES)]

    if level == "unit":
        spells = select(cases.c.unit_id, *narrowing(cases), day_column(cases.c.registered_on),
                        func.coalesce(day_column(cases.c.closed_on), OPEN))
        offences = (select(cases.c.unit_id, *narrowing(cases), day_column(violations.c.occurred_on))
                    .select_from(violations.join(cases, cases.c.id == violations.c.case_id))
                    .where(new_offence))
        revocations = select(cases.c.unit_id, *narrowing(cases),
                             day_column(cases.c.closed_on)).where(revoked)
        return spells, offences, revocations
    ca = case_assignments
    # Each assignment with its case's unit, type and category.
    spells = (select(ca.c.officer_id, *narrowing(cases), day_column(ca.c.assigned_on),
                     func.coalesce(day_column(ca.c.unassigned_on), OPEN))
              .select_from(ca.join(cases, cases.c.id == ca.c.case_id)))
    # As queries.outcomes._officer_counts counts them (queries/common.py's rule): the
    # officer responsible on the day of the offence; for a revocation, the one who held
    # the case on its last day on the register.
    offences = (select(ca.c.officer_id, *narrowing(cases), day_column(violations.c.occurred_on))
                .select_from(violations.join(ca, ca.c.case_id == violations.c.case_id)
                             .join(cases, cases.c.id == ca.c.case_id))
                .where(new_offence, assigned_on(violations.c.occurred_on)))
    revocations = (select(ca.c.officer_id, *narrowing(cases), day_column(cases.c.closed_on))
                   .select_from(cases.join(ca, held_before(cases.c.closed_on)))
                   .where(revoked))
    return spells, offences, revocations


def _build(conn: Connection, level: str) -> Held:
    regions = dict(conn.execute(select(units.c.id, units.c.region_code)).all())
    read = [read_columns(conn, q) for q in _queries(level)]
    packed = [(r["entity"] << 24) | r["unit"] for r in read]
    pairs, pair = np.unique(np.concatenate(packed), return_inverse=True)
    pair = pair.reshape(-1).astype(np.int32)
    parts, at = [], 0
    for r, p in zip(read, packed, strict=True):
        n = len(p)
        order = np.argsort(r["end"] if "end" in r else r["start"], kind="stable")
        parts.append(Rows(start=r["start"][order].astype(np.int32),
                          end=r["end"][order].astype(np.int32) if "end" in r else None,
                          pair=pair[at:at + n][order],
                          type=r["type"][order].astype(np.int8),
                          category=r["category"][order].astype(np.int8)))
        at += n
    pair_region = np.array([regions.get(u) for u in (pairs & 0xFFFFFF).tolist()],
                           dtype=object)
    spells = parts[0]
    boundaries = _boundaries(spells.start, readmodel.page_info(conn).get("data_until"))
    return Held(*parts, pairs=pairs, pair_region=pair_region, boundaries=boundaries,
                cumulative=_cumulative(spells, len(pairs), boundaries))


def _boundaries(start: np.ndarray, data_until: str | None) -> np.ndarray:
    """Held.boundaries for spells starting on `start` (day numbers)."""
    if not len(start):
        return np.array([], dtype=np.int32)
    first = EPOCH + timedelta(days=int(start.min()))
    last = date.fromisoformat(data_until) if data_until else EPOCH + timedelta(
        days=int(start.max()))
    default = trailing_months(last)
    days = {default.start, default.end + timedelta(days=1)}
    month = (first - timedelta(days=366)).replace(day=1)
    while month <= last + timedelta(days=1):
        days.add(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return np.array(sorted(day_number(d) for d in days), dtype=np.int32)


def _cumulative(spells: Rows, n: int, boundaries: np.ndarray) -> np.ndarray:
    """Held.cumulative. A spell [s, e) holds min(t, e) - s days before day t when s < t:
    (t - s)+ - (t - e)+, so per pair C(t) = t * (#starts - #ends before t) - (sum of those
    starts - sum of those ends): two running sums over the boundaries, no pass per one."""
    width = len(boundaries) + 1  # the last column: on or after every boundary (open ends)
    count = np.zeros(n * width)
    total = np.zeros(n * width)
    # A spell that ends before it starts holds no day (as the clipped sum says); the
    # formula would count it negative.
    valid = spells.end > spells.start
    pair = spells.pair[valid].astype(np.int64) * width
    for days, sign in ((spells.start[valid], 1.0), (spells.end[valid], -1.0)):
        # Counted from the first boundary after the day (days < t).
        at = pair + np.searchsorted(boundaries, days, side="right")
        count += np.bincount(at, minlength=n * width) * sign
        total += np.bincount(at, weights=days.astype(float), minlength=n * width) * sign
    count = count.reshape(n, width)[:, :-1].cumsum(axis=1)
    total = total.reshape(n, width)[:, :-1].cumsum(axis=1)
    held = (boundaries.astype(float) * count - total).T
    dtype = np.int32 if held.size == 0 or held.max() < np.iinfo(np.int32).max else np.int64
    return np.ascontiguousarray(held.astype(dtype))


def _one_of(values: np.ndarray, codes: list[int]) -> np.ndarray:
    """values in codes, one comparison per code in the values' own type (np.isin's table
    method widens every row to intp)."""
    keep = np.zeros(len(values), dtype=bool)
    for code in codes:
        keep |= values == values.dtype.type(code)
    return keep


def coded_in(codes: np.ndarray, labels: Sequence, wanted: Sequence[str]) -> np.ndarray:
    """Which of `codes` (indexes into `labels`) stand for one of `wanted`: the filter of
    the arrays held for OTHERS (queries/readmodel/pair_pool.py, assistance_pool.py)."""
    return _one_of(codes, [labels.index(w) for w in wanted if w in labels])


OTHERS: dict = {}
"""Other arrays of the outcome stocks held the same way, per process and data version:
level -> its builder (a function of the connection), registered by their modules
(queries/readmodel/pair_pool.py, assistance_pool.py)."""
_held: OrderedDict[tuple[str, str, str], Held] = OrderedDict()
_reading: set[tuple[str, str, str]] = set()
"""Keys being read in the background."""
_lock = threading.Lock()
"""Guards _held and _reading (held only for a lookup, never during a read)."""
_read_lock = threading.Lock()
"""One read at a time per process."""


def held(conn: Connection, level: str) -> Held | None:
    """The level's spells and events (for a level of OTHERS, what its builder made) for
    the data loaded now; None when the read models do not belong to it (never refreshed,
    or the data changed since).

    Inside a request, arrays not read yet are read by a background thread and this
    answers None (the definitions count meanwhile): the first outcomes page after an
    import does not wait for the read. Elsewhere (start-up, the CLI, tests) the read
    happens here."""
    key = _key(conn, level)
    if key is None:
        return None
    with _lock:
        if key in _held:
            return _held[key]
        if flask.has_request_context():
            if key not in _reading:
                _reading.add(key)
                threading.Thread(target=_read_in_background, args=(conn.engine, level, key),
                                 name=f"outlier-pool-{level}", daemon=True).start()
            return None
    return _load(conn, level, key)


def _key(conn: Connection, level: str) -> tuple[str, str, str] | None:
    if not readmodel.marked(conn, MARKER):
        return None
    return (str(conn.engine.url), readmodel.page_info(conn)["data_version"], level)


def _load(conn: Connection, level: str, key: tuple[str, str, str]) -> Held:
    with _read_lock:
        with _lock:
            if key in _held:
                return _held[key]
        built = OTHERS[level](conn) if level in OTHERS else _build(conn, level)
        with _lock:
            _held[key] = built
            while len(_held) > KEPT * (2 + len(OTHERS)):
                _held.popitem(last=False)
        return built


def _read_in_background(engine: Engine, level: str, key: tuple[str, str, str]) -> None:
    try:
        with engine.connect() as conn:
            # The version read again: an import may have landed since the request.
            now = _key(conn, level)
            if now is not None:
                _load(conn, level, now)
    except Exception as exc:  # noqa: BLE001 - a thread of its own: log, the statements answer
        log.warning("outlier pool not read: %s", (str(exc).splitlines() or [repr(exc)])[0])
    finally:
        with _lock:
            _reading.discard(key)


def _kept(rows: Rows, part: slice, types, categories, pair_in_region) -> np.ndarray:
    keep = np.ones(part.stop - part.start, dtype=bool)
    if types:
        keep &= _one_of(rows.type[part],
                        [PROBATION_TYPES.index(t) for t in types if t in PROBATION_TYPES])
    if categories:
        keep &= _one_of(rows.category[part], [LEGAL_CATEGORIES.index(c) for c in categories
                                              if c in LEGAL_CATEGORIES])
    if pair_in_region is not None:
        keep &= pair_in_region[rows.pair[part]]
    return keep


def pool(conn: Connection, level: str, windows: Sequence[Period], types: Sequence[str],
         categories: Sequence[str], region: str | None) -> pd.DataFrame | None:
    """queries.outcomes._national_counts from memory: the same rows in the same order
    (idx, entity_id, unit_id, region_code, caseload_days, repeat_offences, revocations);
    None when the spells are not fresh."""
    h = held(conn, level)
    if h is None or not windows:
        return None
    pair_in_region = None if region is None else h.pair_region == region
    bounds = [(day_number(w.start), day_number(w.end) + 1) for w in windows]
    first, after = min(a for a, _ in bounds), max(b for _, b in bounds)
    # Every type and category, both ends boundaries (whole months, the default window):
    # the caseload is a subtraction of Held.cumulative's rows, not a pass over the spells.
    columns = [(h.column(a), h.column(b)) if not types and not categories else (None, None)
               for a, b in bounds]
    spells = h.spells
    if any(None in c for c in columns):
        part = spells.touching(first, after)
        live = _kept(spells, part, types, categories, pair_in_region) \
            & (spells.start[part] < after)
        s, e, sp = spells.start[part][live], spells.end[part][live], spells.pair[part][live]
    events = []
    for rows in (h.offences, h.revocations):
        part = rows.touching(first, after)
        live = _kept(rows, part, types, categories, pair_in_region)
        events.append((rows.start[part][live], rows.pair[part][live]))
    n = len(h.pairs)
    idx, found, sums = [], [], {m: [] for m in MEASURES}
    for i, ((a, b), (before, until)) in enumerate(zip(bounds, columns, strict=True)):
        if before is not None and until is not None:
            caseload = (h.cumulative[until] - h.cumulative[before]).astype(float)
            if pair_in_region is not None:
                caseload[~pair_in_region] = 0
            counted = [caseload]
        else:
            # In place, in the spells' int32: three passes over them per window, not six.
            days = np.minimum(e, b)
            days -= np.maximum(s, a)
            np.maximum(days, 0, out=days)
            counted = [np.bincount(sp, weights=days, minlength=n)]
        for d, p in events:
            # The events are in day order: the window's are one run of them.
            lo, hi = np.searchsorted(d, np.array((a, b), dtype=d.dtype))  # as in touching
            counted.append(np.bincount(p[lo:hi], minlength=n).astype(float))
        hit = np.nonzero((counted[0] > 0) | (counted[1] > 0) | (counted[2] > 0))[0]
        idx.append(np.full(len(hit), i, dtype=np.int64))
        found.append(hit)
        for m, values in zip(MEASURES, counted, strict=True):
            sums[m].append(values[hit])
    hit_pairs = np.concatenate(found)
    packed = h.pairs[hit_pairs]
    unit = packed & 0xFFFFFF
    return pd.DataFrame({
        "idx": np.concatenate(idx), "entity_id": packed >> 24, "unit_id": unit,
        "region_code": h.pair_region[hit_pairs],
        **{m: np.concatenate(sums[m]) for m in MEASURES}})


def held_bytes() -> int:
    """Bytes of the arrays this process holds (every database and version kept)."""
    with _lock:
        return sum(h.nbytes for h in _held.values())


def warm(engine: Engine) -> float | None:
    """Read both levels (and the OTHERS) now: a serving process before its first
    request (gunicorn's master before it forks, so that its workers share the arrays).
    Seconds taken; None when the database could not be read (the first request that
    needs them reads them). The OTHERS are those imported with queries.readmodel.readers."""
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            for level in ("unit", "officer", *OTHERS):
                held(conn, level)
    except Exception as exc:  # noqa: BLE001 - start-up goes on; the first request reads it
        log.warning("outlier pool not read ahead: %s",
                    (str(exc).splitlines() or [repr(exc)])[0])
        return None
    return time.perf_counter() - started
