"""Running totals behind the outcomes page's period counts, refreshed with the other
rollups (queries.rollups.refresh) after every generate and import; migration 0009 creates
the tables empty, and the queries use them only once a refresh has marked them fresh for
the data loaded (dataset_info "outcome_stocks" = the data version).

`outcome_stock` and `assistance_stock` hold, per unit x probation type x legal category
and on every "stock day" (every month end from the month before the data begin to the
data's last day, and that day itself), how many events of each kind happened on or before
that day: a prefix sum. Any count over the days [a, b] is then two reads per group:

    events in [a, b] = total(b) - total(a - 1)

For a day d that is not a stock day, total(d) = total(m) + the events in (m, d], m the
last stock day before d, counted directly (at most a month of rows, by the date indexes).
The measures and their event days follow the direct queries of queries.outcomes exactly
(MEASURES below, one definition for the build and for those edge counts).

People on the register during [a, b] (a person with two cases counts once) are not a sum
of anything; they come from two exact identities. The check constraint
ck_cases_closed_after (closed_on > registered_on) gives, for the cases on the register
during [a, b] (registered_on <= b and closed_on > a, or open):

    cases on the register during [a, b] = #(registered_on <= b) - #(closed_on <= a)
                                        = registered(b) - closed_next_day(a - 1)

(a case closed by a was registered before a <= b, so it is among the first count).
Then, for any set R of cases (the scope, the narrowing, the period), with n_p the cases of
person p in R:

    people in R = |R| - sum over p of max(n_p - 1, 0)

and only people with more than one case anywhere can have n_p > 1: the sum is counted
directly over `repeat_cases` (the ~8% of cases whose person has another). The same holds
for the people who received each kind of assistance, with `repeat_assistance` (the
provided assistance whose person received that kind more than once).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from dashboard.codes import ASSISTANCE_KINDS, ASSISTANCE_RESULTS
from dashboard.schema import assistance, cases, dataset_info, units, violations
from dashboard.scope import Scope
from queries import stocks
from queries.dates import one_year_after

MARKER = "outcome_stocks"
"""dataset_info key: the data_version the outcome stocks were computed for."""
GROUP = ("unit_id", "probation_type", "legal_category")


@dataclass(frozen=True)
class Measure:
    """Events counted on `day` (a date column of `source`) when `when` holds; the running
    total on stock day D counts those with day - shift <= D."""

    name: str
    source: str
    day: object
    when: object = None
    shift: int = 0


_v, _a = violations, assistance
_not_offence = _v.c.kind != "new_offence"


def _reoffended():
    """Cases with a new offence within twelve months of registration (on or after the day
    registered, before the same day a year later): queries.outcomes.cohort_repeat."""
    c = cases.alias("reoffending_case")
    return (select(_v.c.case_id).select_from(_v.join(c, c.c.id == _v.c.case_id))
            .where(_v.c.kind == "new_offence", _v.c.occurred_on >= c.c.registered_on,
                   _v.c.occurred_on < one_year_after(c.c.registered_on))
            .correlate(None))


CASE_MEASURES = (
    Measure("registered", "cases", cases.c.registered_on),
    # closed_on <= D + 1: with `registered`, the cases on the register during a period.
    Measure("closed_next_day", "cases", cases.c.closed_on, shift=1),
    Measure("closed", "cases", cases.c.closed_on),
    Measure("completed", "cases", cases.c.closed_on, cases.c.close_reason == "completed"),
    Measure("revoked", "cases", cases.c.closed_on, cases.c.close_reason == "revoked"),
    Measure("reoffended_12m", "cases", cases.c.registered_on, cases.c.id.in_(_reoffended())),
)
VIOLATION_MEASURES = (
    Measure("new_offences", "violations", _v.c.occurred_on, _v.c.kind == "new_offence"),
    Measure("violations", "violations", _v.c.occurred_on, _v.c.kind == "violation"),
    Measure("malicious", "violations", _v.c.occurred_on, _v.c.kind == "malicious_violation"),
    Measure("submitted", "violations", _v.c.submitted_to_court_on, _not_offence),
    Measure("court_revoked", "violations", _v.c.decided_on,
            and_(_not_offence, _v.c.court_decision == "revoked")),
    Measure("court_rejected", "violations", _v.c.decided_on,
            and_(_not_offence, _v.c.court_decision == "rejected")),
)
ASSISTANCE_STEPS = ("requested", "provided", *ASSISTANCE_RESULTS)


def assistance_column(kind: str, step: str) -> str:
    return f"{kind}_{step}"


def _assistance_measure(kind: str, step: str) -> Measure:
    day = _a.c.requested_on if step == "requested" else _a.c.provided_on
    when = _a.c.kind == kind
    if step in ASSISTANCE_RESULTS:
        when = and_(when, _a.c.result == step)
    return Measure(assistance_column(kind, step), "assistance", day, when)


ASSISTANCE_MEASURES = tuple(_assistance_measure(k, s) for k in ASSISTANCE_KINDS
                            for s in ASSISTANCE_STEPS)
MEASURES = {m.name: m for m in (*CASE_MEASURES, *VIOLATION_MEASURES, *ASSISTANCE_MEASURES)}

metadata = MetaData()


def _stock_table(name: str, measures) -> Table:
    return Table(
        name, metadata,
        Column("day", Date, nullable=False),
        Column("unit_id", Integer, nullable=False),
        Column("probation_type", String(20), nullable=False),
        Column("legal_category", String(32), nullable=False),
        *(Column(m.name, Integer, nullable=False) for m in measures),
        Index(f"ix_{name}_day", "day", "unit_id"),
    )


outcome_stock = _stock_table("outcome_stock", (*CASE_MEASURES, *VIOLATION_MEASURES))
assistance_stock = _stock_table("assistance_stock", ASSISTANCE_MEASURES)
repeat_cases = Table(
    "repeat_cases", metadata,
    Column("person_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("closed_on", Date),
)
repeat_assistance = Table(
    "repeat_assistance", metadata,
    Column("person_id", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("provided_on", Date, nullable=False),
    Index("ix_repeat_assistance_provided", "provided_on"),
)
TABLE_OF = {m.name: (outcome_stock if m.source != "assistance" else assistance_stock)
            for m in MEASURES.values()}


# --- the build -------------------------------------------------------------------------

SOURCES = {
    "cases": lambda: cases,
    "violations": lambda: violations.join(cases, violations.c.case_id == cases.c.id),
    "assistance": lambda: assistance.join(cases, assistance.c.case_id == cases.c.id),
}


def _event_days(measures):
    def rows(unit_ids):
        columns = [stocks._day_numbers(m.day if m.when is None else case((m.when, m.day)))
                   .label(m.name) for m in measures]
        return (select(cases.c.unit_id, cases.c.probation_type, cases.c.legal_category,
                       *columns)
                .select_from(SOURCES[measures[0].source]())
                .where(stocks._among(cases.c.unit_id, unit_ids)))

    def intervals(x):
        # Counted on every stock day from the event's day (less the shift) on.
        return {m.name: (x[m.name] - m.shift, np.full(len(x[m.name]), stocks.NEVER))
                for m in measures}

    return stocks.Read(rows, tuple(m.name for m in measures), intervals)


SPECS = (
    stocks.Spec(outcome_stock, GROUP, (_event_days(CASE_MEASURES),
                                       _event_days(VIOLATION_MEASURES))),
    stocks.Spec(assistance_stock, GROUP, (_event_days(ASSISTANCE_MEASURES),)),
)


def stock_days(first: date, until: date) -> list[date]:
    """Every month end from the month before `first` (the day before the data begin,
    when they begin on a month's first day) to `until`, and `until`."""
    return stocks.stock_days(first - timedelta(days=1), until)


def _repeat_cases_select():
    again = select(cases.c.person_id).group_by(cases.c.person_id).having(func.count() > 1)
    return select(cases.c.person_id, *[cases.c[c] for c in GROUP], cases.c.registered_on,
                  cases.c.closed_on).where(cases.c.person_id.in_(again))


def _repeat_assistance_select():
    provided = (select(_a.c.kind, cases.c.person_id, *[cases.c[c] for c in GROUP],
                       _a.c.provided_on)
                .select_from(SOURCES["assistance"]()).where(_a.c.provided_on.is_not(None))
                .subquery("provided"))
    again = (select(provided.c.person_id, provided.c.kind)
             .group_by(provided.c.person_id, provided.c.kind).having(func.count() > 1)
             .subquery("again"))
    return (select(provided.c.person_id, provided.c.kind,
                   *[provided.c[c] for c in GROUP], provided.c.provided_on)
            .select_from(provided.join(again, and_(again.c.person_id == provided.c.person_id,
                                                   again.c.kind == provided.c.kind))))


def refresh(conn: Connection) -> None:
    """Recompute every table above for the data loaded now and mark them fresh (inside
    the load's transaction, after dataset_info was written)."""
    from dashboard.load import write_table

    for table in (outcome_stock, assistance_stock, repeat_cases, repeat_assistance):
        conn.execute(delete(table))
    conn.execute(delete(dataset_info).where(dataset_info.c.key == MARKER))
    info = stocks._info(conn)
    if "data_version" not in info or "data_until" not in info:
        return
    first = date.fromisoformat(info.get("data_from", info["data_until"]))
    until = date.fromisoformat(info["data_until"])
    for spec in SPECS:
        write_table(conn, spec.table, stocks.compute(conn, spec, first - timedelta(days=1),
                                                     until))
    conn.execute(insert(repeat_cases).from_select(
        ["person_id", *GROUP, "registered_on", "closed_on"], _repeat_cases_select()))
    conn.execute(insert(repeat_assistance).from_select(
        ["person_id", "kind", *GROUP, "provided_on"], _repeat_assistance_select()))
    conn.execute(insert(dataset_info).values(key=MARKER, value=info["data_version"],
                                             updated_at=stocks._now()))


# --- reading ---------------------------------------------------------------------------

def held_days(conn: Connection) -> list[date] | None:
    """The stock days, when the outcome stocks belong to the data loaded now; else None."""
    info = stocks._info(conn)
    version = info.get("data_version")
    if version is None or info.get(MARKER) != version:
        return None
    return stock_days(date.fromisoformat(info["data_from"]),
                      date.fromisoformat(info["data_until"]))


@dataclass(frozen=True)
class Filter:
    """The scope and the page's narrowing (queries.outcomes.Narrowing), as they apply
    to a table with unit_id, probation_type and legal_category (joined to units)."""

    scope: Scope
    types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    region: str | None = None

    def where(self, table):
        conditions = [self.scope.units_where(units)]
        if self.types:
            conditions.append(table.c.probation_type.in_(self.types))
        if self.categories:
            conditions.append(table.c.legal_category.in_(self.categories))
        if self.region:
            conditions.append(units.c.region_code == self.region)
        return and_(*conditions)


def key_column(table, by: str | None):
    """The column a result is split by ("region", "unit", "probation_type",
    "legal_category"; None: not split)."""
    if by is None:
        return None
    if by == "region":
        return units.c.region_code
    if by == "unit":
        return table.c.unit_id
    return table.c[by]


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def totals(conn: Connection, flt: Filter, days: Sequence[date], names: Sequence[str],
           by: str | None = None, held: Sequence[date] | None = None) -> pd.DataFrame | None:
    """The running totals of the measures `names` (all of one stock table) on each of
    `days`, within the filter, per `by`: columns day, [key], *names (a key with nothing
    by a day may be missing). None when the stocks cannot answer (not fresh, or a day
    before the first stock day)."""
    held = held if held is not None else held_days(conn)
    if held is None:
        return None
    days = sorted(set(days))
    if days[0] < held[0]:
        return None
    base = {d: held[bisect.bisect_right(held, d) - 1] for d in days}
    table = TABLE_OF[names[0]]
    key = key_column(table, by)
    keys = [] if key is None else [key.label("key")]
    q = (select(table.c.day, *keys, *[func.sum(table.c[n]).label(n) for n in names])
         .select_from(table.join(units, units.c.id == table.c.unit_id))
         .where(flt.where(table), table.c.day.in_(sorted(set(base.values()))))
         .group_by(table.c.day, *keys))
    columns = ["day", *(["key"] if by else []), *names]
    stocked = _frame(conn.execute(q).all(), columns)
    parts = []
    for d in days:
        part = stocked[stocked.day == base[d]].assign(day=d)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["day"] = frame["day"].astype(object)
    edges = [(base[d] + timedelta(days=1), d) for d in days if base[d] != d]
    if edges:
        frame = _add_edges(conn, flt, frame, edges, names, by)
    for n in names:
        frame[n] = frame[n].fillna(0).astype(int)
    return frame


def _add_edges(conn, flt: Filter, frame: pd.DataFrame, edges, names, by) -> pd.DataFrame:
    """Add to the total on each edge's day d the events in [lo, d] (lo: the day after the
    stock day before d), counted directly: one statement per source table."""
    by_source: dict[str, list[Measure]] = {}
    for n in names:
        by_source.setdefault(MEASURES[n].source, []).append(MEASURES[n])
    keys = ["day"] + (["key"] if by else [])
    for source, measures in by_source.items():
        key = key_column(cases, by)
        columns, ranges = [], []
        for j, (lo, hi) in enumerate(edges):
            for m in measures:
                first = literal(lo + timedelta(days=m.shift), Date)
                last = literal(hi + timedelta(days=m.shift), Date)
                inside = m.day.between(first, last)
                ranges.append(inside)
                condition = inside if m.when is None else and_(inside, m.when)
                columns.append(func.sum(case((condition, 1), else_=0)).label(f"{m.name}@{j}"))
        q = (select(*([key.label("key")] if by else []), *columns)
             .select_from(SOURCES[source]().join(units, units.c.id == cases.c.unit_id))
             .where(flt.where(cases), or_(*ranges)))
        if by:
            q = q.group_by(key)
        wide = _frame(conn.execute(q).all(), (["key"] if by else []) + [c.name for c in columns])
        rows = []
        for j, (_, hi) in enumerate(edges):
            part = pd.DataFrame({"day": pd.Series([hi] * len(wide), dtype=object)})
            if by:
                part["key"] = wide["key"].to_numpy()
            for m in measures:
                part[m.name] = wide[f"{m.name}@{j}"].fillna(0).to_numpy()
            rows.append(part)
        added = pd.concat(rows, ignore_index=True)
        merged = frame.merge(added, on=keys, how="outer", suffixes=("", "_edge"))
        for m in measures:
            merged[m.name] = merged[m.name].fillna(0) + merged[f"{m.name}_edge"].fillna(0)
            merged = merged.drop(columns=f"{m.name}_edge")
        frame = merged
    return frame


def period_counts(conn: Connection, flt: Filter, periods: Sequence, names: Sequence[str],
                  by: str | None = None, held: Sequence[date] | None = None
                  ) -> pd.DataFrame | None:
    """Events of each measure in each period [start, end]: total(end) - total(start - 1).
    Columns idx (the period's index), [key], *names; a (period, key) with nothing is
    left out. None when the stocks cannot answer."""
    days = [p.start - timedelta(days=1) for p in periods] + [p.end for p in periods]
    tables: dict[Table, list[str]] = {}
    for n in names:
        tables.setdefault(TABLE_OF[n], []).append(n)
    frames = []
    for table_names in tables.values():
        found = totals(conn, flt, days, table_names, by, held)
        if found is None:
            return None
        frames.append(found)
    keys = ["day"] + (["key"] if by else [])
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.merge(other, on=keys, how="outer")
    frame = frame.fillna(0)
    indexed = frame.set_index(keys)
    parts = []
    for i, p in enumerate(periods):
        end = _at(indexed, p.end, by, names)
        before = _at(indexed, p.start - timedelta(days=1), by, names)
        diff = end.sub(before, fill_value=0)
        diff.insert(0, "idx", i)
        parts.append(diff.reset_index())
    out = pd.concat(parts, ignore_index=True)
    for n in names:
        out[n] = out[n].astype(int)
    return out[["idx", *(["key"] if by else []), *names]]


def _at(indexed: pd.DataFrame, day: date, by, names) -> pd.DataFrame:
    """The totals on `day` (indexed by key when split)."""
    if day not in indexed.index.get_level_values(0):
        frame = pd.DataFrame(columns=names, dtype=float)
        if by:
            frame.index.name = "key"
        else:
            frame.loc[0] = 0
        return frame
    rows = indexed.xs(day, level=0) if by else indexed.loc[[day]].reset_index(drop=True)
    return rows[list(names)].astype(float)


def extra_cases(conn: Connection, flt: Filter, periods: Sequence, by: str | None = None
                ) -> pd.DataFrame:
    """Per period (and key): the cases on the register during it beyond the first of
    each person's (sum over people of max(n_p - 1, 0)), from repeat_cases. Columns idx,
    [key], extra."""
    r = repeat_cases
    key = key_column(r, by)
    keys = [] if key is None else [key.label("key")]
    during = [case((and_(r.c.registered_on <= literal(p.end, Date),
                         or_(r.c.closed_on.is_(None), r.c.closed_on > literal(p.start, Date))),
                    1), else_=0) for p in periods]
    per_person = (select(*keys, r.c.person_id,
                         *[func.sum(x).label(f"n{i}") for i, x in enumerate(during)])
                  .select_from(r.join(units, units.c.id == r.c.unit_id))
                  .where(flt.where(r), r.c.registered_on <= max(p.end for p in periods),
                         or_(r.c.closed_on.is_(None),
                             r.c.closed_on > min(p.start for p in periods)))
                  .group_by(*keys, r.c.person_id).subquery("per_person"))
    outer_keys = [per_person.c.key] if by else []
    q = select(*outer_keys, *[func.sum(case((per_person.c[f"n{i}"] > 1,
                                             per_person.c[f"n{i}"] - 1), else_=0))
                              .label(f"x{i}") for i in range(len(periods))])
    if by:
        q = q.group_by(*outer_keys)
    wide = _frame(conn.execute(q).all(),
                  (["key"] if by else []) + [f"x{i}" for i in range(len(periods))])
    ids = ["key"] if by else []
    if not by:
        wide["_k"] = 0
        ids = ["_k"]
    long = wide.melt(id_vars=ids, var_name="idx", value_name="extra")
    long["idx"] = long["idx"].str[1:].astype(int)
    long["extra"] = long["extra"].fillna(0).astype(int)
    return long.drop(columns=["_k"], errors="ignore")


def extra_assistance(conn: Connection, flt: Filter, period) -> pd.DataFrame:
    """Per kind: the assistance provided in `period` beyond the first to each person
    (rows - people), from repeat_assistance. Columns kind, extra."""
    r = repeat_assistance
    q = (select(r.c.kind, (func.count() - func.count(func.distinct(r.c.person_id)))
                .label("extra"))
         .select_from(r.join(units, units.c.id == r.c.unit_id))
         .where(flt.where(r), r.c.provided_on.between(period.start, period.end))
         .group_by(r.c.kind))
    return _frame(conn.execute(q).all(), ["kind", "extra"])


def people_on_register(conn: Connection, flt: Filter, periods: Sequence,
                       by: str | None = None) -> pd.DataFrame | None:
    """People on the register at any time in each period, as
    queries.outcomes.on_register counts them: columns idx, [key], on_register; split by
    `by`, every period of each key with a case on the register between the first
    period's start and the last one's end (as the direct count's scan finds them). None
    when the stocks cannot answer."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    spans = [*periods, _Span(first, last)]
    days = [p.start - timedelta(days=1) for p in spans] + [p.end for p in spans]
    found = totals(conn, flt, days, ["registered", "closed_next_day"], by)
    if found is None:
        return None
    keys = ["day"] + (["key"] if by else [])
    indexed = found.set_index(keys)
    parts = []
    for i, p in enumerate(spans):
        registered = _at(indexed, p.end, by, ["registered"])["registered"]
        closed = _at(indexed, p.start - timedelta(days=1), by, ["closed_next_day"])
        count = registered.sub(closed["closed_next_day"], fill_value=0)
        part = count.rename("cases").to_frame()
        part.insert(0, "idx", i)
        parts.append(part.reset_index() if by else part.reset_index(drop=True))
    counted = pd.concat(parts, ignore_index=True)
    counted["cases"] = counted["cases"].astype(int)
    hull = len(periods)
    if by:
        present = set(counted[(counted.idx == hull) & (counted.cases > 0)].key)
        grid = pd.DataFrame([(i, k) for i in range(hull) for k in sorted(present)],
                            columns=["idx", "key"])
        counted = grid.merge(counted, on=["idx", "key"], how="left")
    else:
        counted = counted[counted.idx < hull]
    extra = extra_cases(conn, flt, periods, by)
    out = counted.merge(extra, on=["idx", *(["key"] if by else [])], how="left")
    out["on_register"] = (out["cases"].fillna(0) - out["extra"].fillna(0)).astype(int)
    return out[["idx", *(["key"] if by else []), "on_register"]]


@dataclass(frozen=True)
class _Span:
    start: date
    end: date
