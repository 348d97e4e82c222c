"""Builds the month-end stocks (queries/readmodel/stocks.py) from the case tables.

Each stock counts, on each stock day D, the rows whose interval of days [start, end)
contains D: a milestone is due from the day after its due day while its case is on the
register, overdue until it is completed, and so on, exactly as the definitions in
queries/milestones.py, queries/caseload.py and queries/staff.py count them:

    on_register on d  registered_on <= d < closed_on (or still open)
    due on d          due_on < d, of a case on the register on d
    overdue on d      of those, completed_on is null or after d
    overdue_a_b on d  of those, a <= d - due_on <= b (the aging buckets)
    due_soon on d     due on d or in the 14 days after, not completed by d, case on the
                      register on d
    held on d         an assignment of the case covers d (assigned_on <= d <
                      unassigned_on); the days none covers belong to officer NULL

so the stock on each day is a running sum of +1 where an interval starts and -1 where it
ends, computed with numpy from one read of the rows of a few units at a time.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Date,
    Integer,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from dashboard.codes import PROGRAM_KINDS
from dashboard.schema import (
    case_assignments,
    cases,
    dataset_info,
    milestones,
    officers,
    posts,
    units,
)
from queries.dates import days_between
from queries.readmodel import loaded
from queries.readmodel.stocks import (
    BUCKETS,
    CASE_GROUP,
    DUE_SOON_DAYS,
    MARKER,
    MILESTONE_GROUP,
    NOBODY,
    OFFICER_GROUP,
    RELEASE_MONTHS,
    case_stock,
    headcount_days,
    headcount_stock,
    hearing_stock,
    milestone_stock,
    officer_load_stock,
    officer_narrowed_stock,
    officer_stock,
    release_months,
    stock_days,
)
from service.bulk import write_table
from service.readmodel import officer_totals

EPOCH = date(1970, 1, 1)
UNITS_PER_READ = {"postgresql": 8, "sqlite": 70}
"""Units whose rows are read at once: bounds the memory of a read of a large dataset on
PostgreSQL. SQLite, the zero-setup demo, reads fewer, larger parts (each read filtered by
unit walks the indexes row by row)."""

def _day_numbers(column):
    """Days since EPOCH on PostgreSQL; on SQLite the stored ISO date itself, converted
    with numpy after the read (julianday() per value slows SQLite's read)."""
    return _day_number(column)


class _day_number(FunctionElement):
    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(_day_number)
def _day_number_default(element, compiler, **kw):
    (column,) = element.clauses
    return compiler.process(days_between(literal(EPOCH, Date), column), **kw)


@compiles(_day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    return compiler.process(column, **kw)


def _iso_to_day_numbers(values: pd.Series) -> pd.Series:
    """ISO dates as day numbers (NaN for missing): each distinct day parsed once."""
    codes, uniques = pd.factorize(values)
    days = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d")
    numbers = np.append(days.to_numpy().astype("datetime64[D]").astype(np.int64)
                        .astype("float64"), np.nan)
    return pd.Series(numbers[codes], index=values.index, dtype="float64")


NEVER = np.iinfo(np.int64).max // 4
"""An end day after any stock day: "not completed", "not closed"."""



Intervals = Callable[[dict[str, np.ndarray]], dict[str, tuple[np.ndarray, np.ndarray]]]
Rows = Callable[[list[int] | None], list[pd.DataFrame]]
"""The rows of each of a spec's reads for a chunk of units (None: every unit)."""


@dataclass(frozen=True)
class Read:
    """Rows of some units (group columns, then day numbers) and the interval of days
    [start, end) each row counts in, per measure."""

    rows: Callable[[list[int]], object]
    days: tuple[str, ...]
    intervals: Intervals
    numbers: tuple[str, ...] = ()
    """Other numeric columns of the rows (after the group, before the days)."""
    prepare: Callable[[pd.DataFrame, Connection, list[int] | None], pd.DataFrame] | None = None
    """Applied to the rows read (with the connection and the units), before counting."""


@dataclass(frozen=True)
class Spec:
    """One stock table: its group columns and the reads that fill its measures."""

    table: Table
    group: tuple[str, ...]
    reads: tuple[Read, ...]
    # Units per read by backend, where the default (UNITS_PER_READ) holds too much at once.
    units_per_read: dict[str, int] | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns
                     if c.name != "day" and c.name not in self.group)


def _milestone_rows(unit_ids: list[int]):
    return (select(cases.c.unit_id, cases.c.probation_type, cases.c.legal_category,
                   milestones.c.kind,
                   _day_numbers(milestones.c.due_on).label("due"),
                   _day_numbers(milestones.c.completed_on).label("done"),
                   _day_numbers(cases.c.registered_on).label("registered"),
                   _day_numbers(cases.c.closed_on).label("closed"))
            .select_from(milestones.join(cases, milestones.c.case_id == cases.c.id))
            .where(_among(cases.c.unit_id, unit_ids)))


def _milestone_intervals(x: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    due, registered, done, closed = x["due"], x["registered"], x["done"], x["closed"]
    counts_from = np.maximum(due + 1, registered)  # due before d, case registered by d
    open_until = np.minimum(done, closed)  # not completed by d, case still on the register
    out = {"due": (counts_from, closed), "overdue": (counts_from, open_until),
           # due on d or in the 14 days after it, not completed by d
           "due_soon": (np.maximum(due - DUE_SOON_DAYS, registered),
                        np.minimum(open_until, due + 1))}
    for name, low, high in BUCKETS:
        end = open_until if high is None else np.minimum(open_until, due + high + 1)
        out[name] = (np.maximum(due + low, registered), end)
    return out


def _among(column, unit_ids: list[int] | None):
    """Rows of these units; None: every unit (one read, no filter)."""
    return true() if unit_ids is None else column.in_(unit_ids)


def _case_keys():
    return (cases.c.probation_type, cases.c.legal_category, cases.c.risk_tier)


def _report():
    """The case's pre-trial report milestones (queries.common.pre_trial_report_in_hand_on:
    in hand until completed)."""
    return and_(milestones.c.case_id == cases.c.id, milestones.c.kind == "pre_trial_report")


def _case_rows(unit_ids: list[int]):
    return (select(cases.c.unit_id, *_case_keys(),
                   _day_numbers(cases.c.registered_on).label("registered"),
                   _day_numbers(cases.c.closed_on).label("closed"))
            .where(_among(cases.c.unit_id, unit_ids)))


def _report_rows(unit_ids: list[int]):
    return (select(cases.c.unit_id, *_case_keys(),
                   _day_numbers(cases.c.registered_on).label("registered"),
                   _day_numbers(cases.c.closed_on).label("closed"),
                   _day_numbers(milestones.c.completed_on).label("done"))
            .select_from(milestones.join(cases, _report()))
            .where(_among(cases.c.unit_id, unit_ids)))


def _release_rows(unit_ids: list[int]):
    """Each prisoner with a release day, with the first drafting and the first due day
    of their release-preparation programs (none: NEVER)."""
    program = and_(milestones.c.case_id == cases.c.id,
                   milestones.c.kind == "release_prep_program")
    return (select(cases.c.unit_id, *_case_keys(),
                   _day_numbers(cases.c.registered_on).label("registered"),
                   _day_numbers(cases.c.closed_on).label("closed"),
                   _day_numbers(cases.c.release_on).label("release"),
                   _day_numbers(func.min(milestones.c.completed_on)).label("done"),
                   _day_numbers(func.min(milestones.c.due_on)).label("program_due"))
            .select_from(cases.outerjoin(milestones, program))
            .where(cases.c.probation_type == "penitentiary", cases.c.release_on.is_not(None),
                   _among(cases.c.unit_id, unit_ids))
            .group_by(cases.c.id))


def _hearing_rows(unit_ids: list[int]):
    """Each pre-trial case on the register until its hearing, and whether no report was
    handed in before the hearing day (late 1)."""
    report = exists().where(milestones.c.case_id == cases.c.id,
                            milestones.c.kind == "pre_trial_report",
                            milestones.c.completed_on < cases.c.hearing_on)
    return (select(cases.c.unit_id, cases.c.probation_type, cases.c.legal_category,
                   case((report, 0), else_=1).label("late"),
                   _day_numbers(cases.c.hearing_on).label("hearing"))
            .where(cases.c.probation_type == "pre_trial", cases.c.hearing_on.is_not(None),
                   cases.c.registered_on <= cases.c.hearing_on,
                   or_(cases.c.closed_on.is_(None), cases.c.closed_on >= cases.c.hearing_on),
                   _among(cases.c.unit_id, unit_ids)))


def _hearing_totals(x: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Counted on every day from the hearing on (a running total)."""
    hearing = x["hearing"]
    never = np.full_like(hearing, NEVER)
    return {"hearings": (hearing, never),
            "hearings_late": (hearing, np.where(x["late"] == 1, never, hearing))}


def first_day_within(release: np.ndarray, months: int) -> np.ndarray:
    """The first day d (day numbers) whose horizon dashboard.rules.add_months(d, months)
    reaches `release`: the same day of the month `months` earlier, or the first day of
    the month after when that month is too short (31 May - 3 months: 1 March)."""
    r = release.astype("datetime64[D]")
    month = r.astype("datetime64[M]")
    offset = r - month.astype("datetime64[D]")
    earlier = month - months
    day = earlier.astype("datetime64[D]") + offset
    next_month = (earlier + 1).astype("datetime64[D]")
    return np.where(day < next_month, day, next_month).astype(np.int64)


def _release_intervals(x: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """On the register on d and released after d but within the horizon; no program
    drafted by d (the first drafting after d); the first program due before d."""
    begin = np.maximum(x["registered"], first_day_within(x["release"], release_months()))
    end = np.minimum(x["closed"], x["release"])
    without = np.minimum(end, x["done"])
    return {"releasing": (begin, end), "releasing_without_program": (begin, without),
            "releasing_program_overdue": (np.maximum(begin, x["program_due"] + 1), without)}


def _held_rows(unit_ids: list[int], with_milestones: bool):
    """Each case, or each of its milestones ("row"), with what the officer stock counts;
    `_with_officers` adds the assignments."""
    registered = _day_numbers(cases.c.registered_on).label("registered")
    closed = _day_numbers(cases.c.closed_on).label("closed")
    if with_milestones:
        source, row = milestones.join(cases, milestones.c.case_id == cases.c.id), milestones.c.id
        before = [case((milestones.c.kind == "pre_trial_report", 1), else_=0).label("report")]
        after = [_day_numbers(milestones.c.due_on).label("due"),
                 _day_numbers(milestones.c.completed_on).label("done")]
    else:
        # The case's first program drafted (queries.attention.program_drafted_by).
        drafted = (select(func.min(milestones.c.completed_on))
                   .where(milestones.c.case_id == cases.c.id,
                          milestones.c.kind.in_(PROGRAM_KINDS)).scalar_subquery())
        source, row, before, after = cases, cases.c.id, [], [_day_numbers(drafted).label("drafted")]
    return (select(cases.c.unit_id, *_case_keys(), row.label("row"),
                   cases.c.id.label("case_id"), *before, registered, closed, *after)
            .select_from(source).where(_among(cases.c.unit_id, unit_ids)))


def _with_officers(frame: pd.DataFrame, conn: Connection,
                   unit_ids: list[int] | None) -> pd.DataFrame:
    """The rows once per assignment of their case (officer_id, assigned, unassigned), and
    the days no assignment covers as officer NOBODY (`with_nobody`). Joined here rather
    than in SQL, where PostgreSQL hashes every assignment for each part."""
    a = case_assignments
    query = (select(a.c.case_id, a.c.officer_id,
                    _day_numbers(a.c.assigned_on).label("assigned"),
                    _day_numbers(a.c.unassigned_on).label("unassigned"))
             .select_from(a.join(cases, cases.c.id == a.c.case_id))
             .where(_among(cases.c.unit_id, unit_ids)))
    held = _read(conn, query, ("case_id", "officer_id"), ("assigned", "unassigned"))
    frame = frame.merge(held, on="case_id", how="left")
    frame["officer_id"] = frame["officer_id"].fillna(NOBODY).astype(np.int64)
    return with_nobody(frame)


def with_nobody(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of each case or milestone ("row") with one row of officer NOBODY more for
    every stretch of days none of its assignments covers (before the first, between two,
    after the last; all days when it has none). Overlapping assignments count as the
    direct join counts them: once per officer."""
    held = frame[frame["officer_id"] != NOBODY]
    held = held.sort_values(["row", "assigned"], kind="stable")
    row = held["row"].to_numpy()
    start = held["assigned"].to_numpy(np.float64)
    end = held["unassigned"].fillna(NEVER).to_numpy(np.float64)
    covered = pd.Series(end).groupby(row).cummax().to_numpy()  # up to and with this one
    first = np.r_[True, row[1:] != row[:-1]]
    last = np.r_[row[1:] != row[:-1], True]
    before = np.where(first, -NEVER, np.r_[-NEVER, covered[:-1]])
    gap_before = start > before
    gap_after = last & (covered < NEVER)
    template = held.iloc
    gaps = [template[np.flatnonzero(gap_before)].assign(
                assigned=before[gap_before], unassigned=start[gap_before]),
            template[np.flatnonzero(gap_after)].assign(
                assigned=covered[gap_after], unassigned=float(NEVER))]
    never = frame[frame["officer_id"] == NOBODY].assign(assigned=float(-NEVER),
                                                         unassigned=float(NEVER))
    out = pd.concat([held, *(g.assign(officer_id=NOBODY) for g in gaps), never],
                    ignore_index=True)
    return out


def _held_from(x):
    """Assigned to the officer on d and on the register on d."""
    return (np.maximum(x["assigned"], x["registered"]),
            np.minimum(x["unassigned"], x["closed"]))


def _held_cases(x: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The cases the officer held on the register, and of those the ones with no program
    drafted by the day (until the first is)."""
    begin, end = _held_from(x)
    return {"cases_held": (begin, end), "without_program": (begin, np.minimum(end, x["drafted"]))}


def _held_milestones(x: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The milestone stock's due, overdue and due soon (`_milestone_intervals`) on the
    days the officer held the case; the pre-trial reports in hand on those days."""
    assigned, unassigned = x["assigned"], x["unassigned"]
    counts = _milestone_intervals(x)
    out = {m: (np.maximum(counts[m][0], assigned), np.minimum(counts[m][1], unassigned))
           for m in ("due", "overdue", "due_soon")}
    begin, end = _held_from(x)
    out["reports_held"] = (begin, np.where(x["report"] == 1, np.minimum(end, x["done"]), begin))
    return out


HELD_DAYS = ("assigned", "unassigned", "registered", "closed")
MILESTONES = Spec(milestone_stock, MILESTONE_GROUP, (
    Read(_milestone_rows, ("due", "done", "registered", "closed"), _milestone_intervals),))
CASES = Spec(case_stock, CASE_GROUP, (
    Read(_case_rows, ("registered", "closed"),
         lambda x: {"on_register": (x["registered"], x["closed"])}),
    Read(_report_rows, ("registered", "closed", "done"),
         lambda x: {"reports_in_hand": (x["registered"], np.minimum(x["closed"], x["done"]))}),
    Read(_release_rows, ("registered", "closed", "release", "done", "program_due"),
         _release_intervals),
))
OFFICERS = Spec(officer_stock, OFFICER_GROUP, (
    Read(lambda u: _held_rows(u, False), (*HELD_DAYS, "drafted"), _held_cases,
         numbers=("row",), prepare=_with_officers),
    Read(lambda u: _held_rows(u, True), (*HELD_DAYS, "due", "done"), _held_milestones,
         numbers=("row", "report"), prepare=_with_officers),
), units_per_read={"sqlite": 20})  # officers x days grids: fewer units per read
HEARINGS = Spec(hearing_stock, ("unit_id", "probation_type", "legal_category"), (
    Read(_hearing_rows, ("hearing",), _hearing_totals, numbers=("late",)),))
SPECS = (MILESTONES, CASES, OFFICERS, HEARINGS)
STOCK_TABLES = (MILESTONES.table, CASES.table, OFFICERS.table, officer_load_stock,
                officer_narrowed_stock, HEARINGS.table)
"""The tables counts() yields, in its order."""


def _read(conn: Connection, query, group: tuple[str, ...], days: tuple[str, ...]
          ) -> pd.DataFrame:
    """The rows of `query` (its labels as columns), `days` as day numbers."""
    columns = [c.key for c in query.selected_columns]
    days = tuple(c for c in days if c in columns)
    if conn.dialect.name != "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        # Only unit ids and kind codes are bound: literal values are safe here.
        cursor.execute(str(query.compile(conn, compile_kwargs={"literal_binds": True})))
        frame = pd.DataFrame(cursor.fetchall(), columns=columns)
        cursor.close()
        for column in days:
            frame[column] = _iso_to_day_numbers(frame[column])
        return frame
    # COPY and pandas' CSV parser rather than fetching rows through the driver.
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    buffer = io.StringIO()
    cursor = conn.connection.driver_connection.cursor()
    cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", buffer)
    cursor.close()
    buffer.seek(0)
    return pd.read_csv(buffer, names=columns, header=None,
                       dtype={c: (np.int64 if c.endswith("_id") else str)
                              for c in group if c in columns})


def _groups(frame: pd.DataFrame, group: tuple[str, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group number and the groups themselves. (Per-column codes combined
    into one integer, not pandas' MultiIndex factorize.)"""
    key = np.zeros(len(frame), dtype=np.int64)
    values = []
    for column in group:
        codes, uniques = pd.factorize(frame[column])
        key = key * len(uniques) + codes
        values.append(uniques)
    # np.unique(key, return_inverse=True), hashing the rows and sorting only the groups.
    number, found = pd.factorize(key)
    order = np.argsort(found)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    number, found = rank[number], found[order]
    decoded = {}
    for column, uniques in zip(reversed(group), reversed(values), strict=True):
        decoded[column] = np.asarray(uniques)[found % len(uniques)]
        found = found // len(uniques)
    return number, pd.DataFrame({c: decoded[c] for c in group})


def compute(conn: Connection, spec: Spec, first: date, until: date,
            days: list[date] | None = None, given: Rows | None = None) -> pd.DataFrame:
    """The stock on its stock days (or on `days`, sorted): one row per day and group with
    any measure non-zero. `given`: the rows of each of spec.reads for a chunk of units
    when they are at hand (service/readmodel/stock_frames.py), instead of reading them
    here."""
    unit_ids = [u for (u,) in conn.execute(select(units.c.id).order_by(units.c.id)).all()]

    def read(chunk: list[int] | None) -> list[pd.DataFrame]:
        frames = []
        for r in spec.reads:
            frame = _read(conn, r.rows(chunk), spec.group, r.days)
            frames.append(r.prepare(frame, conn, chunk) if r.prepare else frame)
        return frames

    return count(spec, days if days is not None else stock_days(first, until), unit_ids,
                 conn.dialect.name, read if given is None else given)


def taking(given: list[pd.DataFrame]) -> Rows:
    """The rows of a chunk of units (None: every unit) taken from `given`."""
    return lambda chunk: [w if chunk is None else w[np.isin(w["unit_id"].to_numpy(), chunk)]
                          for w in given]


def count(spec: Spec, days: list[date], unit_ids: list[int], dialect: str,
          frames_of: Rows) -> pd.DataFrame:
    """compute() on `days` (sorted) with the rows of each of spec.reads for a chunk of
    `unit_ids` (None: all) from frames_of(chunk), the chunks as large as `dialect`
    reads."""
    day_numbers = np.array([(d - EPOCH).days for d in days], dtype=np.int64)
    day_values = np.array(days, dtype="datetime64[D]")  # sorted and grouped as numbers
    n = len(days)
    parts = []
    per_read = {**UNITS_PER_READ, **(spec.units_per_read or {})}.get(dialect, 8)
    for start in range(0, len(unit_ids), per_read):
        chunk = unit_ids[start:start + per_read] if len(unit_ids) > per_read else None
        frames = frames_of(chunk)
        if not any(len(f) for f in frames):
            continue
        # One numbering of the groups for every read, so their measures share rows.
        number, groups = _groups(pd.concat([f[list(spec.group)] for f in frames],
                                           ignore_index=True), spec.group)
        size = len(groups) * (n + 1)
        grid = {m: np.zeros((len(groups), n), dtype=np.int64) for m in spec.measures}
        offset = 0
        for read, frame in zip(spec.reads, frames, strict=True):
            rows = number[offset:offset + len(frame)]
            offset += len(frame)
            arrays = {c: frame[c].fillna(NEVER).to_numpy(np.int64)
                      for c in (*read.numbers, *read.days)}
            for measure, (begin, end) in read.intervals(arrays).items():
                # Counted on stock days D with begin <= D < end: +1 at the first such
                # day, -1 at the first day past it; a running sum gives the stock.
                i = np.searchsorted(day_numbers, begin, side="left")
                j = np.searchsorted(day_numbers, end, side="left")
                live = i < j
                flat = (np.bincount(rows[live] * (n + 1) + i[live], minlength=size)
                        - np.bincount(rows[live] * (n + 1) + j[live], minlength=size))
                grid[measure] += np.cumsum(flat.reshape(len(groups), n + 1), axis=1)[:, :n]
        kept, cols = np.nonzero(np.any([grid[m] != 0 for m in spec.measures], axis=0))
        part = groups.iloc[kept].reset_index(drop=True)
        part.insert(0, "day", day_values[cols])
        for measure in spec.measures:
            part[measure] = grid[measure][kept, cols]
        parts.append(part)
    columns = ["day", *spec.group, *spec.measures]
    if not parts:
        return pd.DataFrame(columns=columns)
    # A day's rows together: the pages read one day (or a few), and rows written in unit
    # order put each of them on its own page of the table (2,800 pages for 2,900 rows).
    frame = pd.concat(parts, ignore_index=True)[columns].sort_values(
        ["day", "unit_id"], kind="stable", ignore_index=True)
    if "officer_id" in spec.group:
        frame["officer_id"] = frame["officer_id"].astype("Int64").mask(
            frame["officer_id"] == NOBODY)
    return frame


def _numbered_days(values, missing: int) -> np.ndarray:
    return np.array([missing if v is None else (v - EPOCH).days for v in values],
                    dtype=np.int64)


def compute_headcount(conn: Connection, days: list[date]) -> pd.DataFrame:
    """The headcount stock on `days`: one row per day and group with a post existing."""
    p = conn.execute(select(posts.c.id, posts.c.unit_id, posts.c.source,
                            posts.c.transferred_on, posts.c.valid_from,
                            posts.c.valid_until).order_by(posts.c.id)).all()
    o = conn.execute(select(officers.c.post_id, officers.c.started_on,
                            officers.c.left_on)).all()
    columns = ["day", "unit_id", "source", "transfer_year", "authorised", "filled"]
    if not p or not days:
        return pd.DataFrame(columns=columns)
    post_id, unit_id, source, moved, since, until = zip(*p, strict=True)
    post_id = np.array(post_id, dtype=np.int64)
    since, until = _numbered_days(since, NEVER), _numbered_days(until, NEVER)
    year = [None if m is None else m.year for m in moved]
    groups = pd.DataFrame({"unit_id": unit_id, "source": source,
                           "transfer_year": pd.array(year, dtype="Int64")})
    number, keys = _groups_with_missing(groups)
    holder, started, left = (np.zeros(0, dtype=np.int64),) * 3
    if o:
        ids, began, ended = zip(*o, strict=True)
        holder = np.array(ids, dtype=np.int64)
        started, left = _numbered_days(began, NEVER), _numbered_days(ended, NEVER)
    parts = []
    for day in days:
        n = (day - EPOCH).days
        exists = (since <= n) & (until > n)
        held = np.isin(post_id, holder[(started <= n) & (left > n)])
        authorised = np.bincount(number[exists], minlength=len(keys))
        filled = np.bincount(number[exists & held], minlength=len(keys))
        kept = np.flatnonzero(authorised)
        parts.append(keys.iloc[kept].assign(day=day, authorised=authorised[kept],
                                            filled=filled[kept]))
    return pd.concat(parts, ignore_index=True)[columns]


def _groups_with_missing(frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group number and the groups (a missing value is a group of its own)."""
    key = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        key = key * len(uniques) + codes
    _, first, number = np.unique(key, return_index=True, return_inverse=True)
    return number.astype(np.int64), frame.iloc[first].reset_index(drop=True)



@dataclass(frozen=True)
class Counted:
    """Rows of read-model tables counted ahead from the frames of a dataset at hand
    (service.readmodel.count), for the data's first and last day."""

    first: date
    until: date
    frames: dict[Table, pd.DataFrame]


def counts(frame_of: Callable[[Spec], pd.DataFrame]) -> Iterator[tuple[Table, pd.DataFrame]]:
    """Each stock table but the headcount with its rows, in the order refresh writes them:
    each spec's (frame_of(spec)), and the officer stock's totals after it."""
    for spec in SPECS:
        frame = frame_of(spec)
        yield spec.table, frame
        if spec is OFFICERS:
            yield officer_load_stock, officer_totals.loads(frame)
            yield officer_narrowed_stock, officer_totals.narrowed(frame)


def refresh(conn: Connection, rows: Callable[[Spec], Rows] | None = None,
            counted: Counted | None = None) -> None:
    """Recompute the stocks for the data loaded now and mark them fresh (inside the load's
    transaction, after dataset_info was written). `rows(spec)`: the rows of the spec's
    reads taken from the frames just loaded (stock_frames.reader), not read back.
    `counted`: the stocks already counted from them (stock_frames.counted)."""
    for spec in SPECS:
        conn.execute(delete(spec.table))
    conn.execute(delete(officer_load_stock))
    conn.execute(delete(officer_narrowed_stock))
    conn.execute(delete(headcount_stock))
    conn.execute(delete(dataset_info).where(dataset_info.c.key.in_([MARKER, RELEASE_MONTHS])))
    data = loaded(conn)
    if data is None:
        return
    first, until = data.first, data.until
    if counted is None:
        written = counts(lambda spec: compute(conn, spec, first, until,
                                              given=None if rows is None else rows(spec)))
    else:
        if (counted.first, counted.until) != (first, until):
            raise ValueError(f"stocks counted for {counted.first}..{counted.until}, "
                             f"the data is of {first}..{until}")
        written = ((table, counted.frames[table]) for table in STOCK_TABLES)
    for table, frame in written:
        write_table(conn, table, frame, index_after=True)
    write_table(conn, headcount_stock, compute_headcount(conn, headcount_days(first, until)))
    conn.execute(insert(dataset_info), [
        {"key": MARKER, "value": data.version, "updated_at": _now()},
        {"key": RELEASE_MONTHS, "value": str(release_months()), "updated_at": _now()}])


def _now():

    return datetime.now().replace(microsecond=0)
