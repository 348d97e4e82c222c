"""Running totals behind the outcomes page's period counts, rebuilt after every generate
and import (service/readmodel/outcome_stocks.py); migration 0010 creates the tables
empty, and the readers use them only once a refresh has marked them fresh for the data
loaded (dataset_info "outcome_stocks_2" = the data version).

`outcome_stock` and `assistance_stock` hold, per unit x probation type x legal category
and on every "stock day" (every month end from the month before the data begin to the
data's last day, that day itself, and the few days the default periods compare with:
`anchor_days`), how many events of each kind happened on or before that day: a prefix
sum. Any count over the days [a, b] is then two reads per group:

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
directly over the cases of those people (the ~8% of cases). For a person with exactly
two, max(n_p - 1, 0) is 1 when both cases are in R, else 0: `repeat_pairs` holds each
such pair as one row, so the sum is a count of rows and needs no grouping by person;
the people with three or more cases are grouped by person over `repeat_cases`
(person_cases > 2). The same holds for the people who received each kind of assistance,
with `repeat_assistance` (the provided assistance whose person received that kind more
than once).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

import pandas as pd
from sqlalchemy import (
    Date,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection

from dashboard.filters import period_bounds
from dashboard.metrics import GRAINS, Period, previous_period, year_earlier
from dashboard.schema import cases, units
from dashboard.scope import Scope
from queries import readmodel
from queries.outcomes import Narrowing, narrowed
from queries.readmodel import assistance_pool, pair_pool, stocks
from queries.readmodel.outcome_tables import (
    MARKER,
    MEASURES,
    SOURCES,
    TABLE_OF,
    repeat_assistance,
    repeat_cases,
    repeat_pairs,
)


def stock_days(first: date, until: date) -> list[date]:
    """Every month end from the month before `first` (the day before the data begin,
    when they begin on a month's first day) to `until`, `until`, and the days the
    default periods' comparisons need (anchor_days)."""
    months = stocks.stock_days(first - timedelta(days=1), until)
    return sorted(set(months) | {d for d in anchor_days(until) if months[0] <= d})


def anchor_days(until: date) -> list[date]:
    """The days the pages' default periods (the year, quarter or month so far, up to the
    data's last day) read beside `until`: the day before the period just before begins
    and the last day of the same days a year earlier. Not month ends, so without them
    the page a user opens first counted a month of events directly for each (an edge,
    `totals`)."""
    days = set()
    for grain in GRAINS:
        current = Period(*period_bounds(grain, until, until))
        before, earlier = previous_period(current, grain), year_earlier(current)
        days |= {before.start - timedelta(days=1), before.end,
                 earlier.start - timedelta(days=1), earlier.end}
    return sorted(d for d in days if d <= until)


# --- reading ---------------------------------------------------------------------------

def held_days(conn: Connection) -> list[date] | None:
    """The stock days, when the outcome stocks belong to the data loaded now; else None."""
    if not readmodel.marked(conn, MARKER):
        return None
    info = readmodel.page_info(conn)
    return list(_stock_days(date.fromisoformat(info["data_from"]),
                            date.fromisoformat(info["data_until"])))


@functools.lru_cache(maxsize=16)
def _stock_days(first: date, until: date) -> tuple[date, ...]:
    return tuple(stock_days(first, until))


@dataclass(frozen=True)
class Filter:
    """The scope and the page's narrowing (queries.outcomes.Narrowing), as they apply
    to a table with unit_id, probation_type and legal_category (joined to units)."""

    scope: Scope
    types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    region: str | None = None

    def where(self, table, unit=units):
        """`unit`: where the unit's id and region_code are (default: units joined)."""
        return narrowed(self.scope, Narrowing(self.types, self.categories, self.region),
                        table, unit)


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


Totals = dict
"""day -> key (None when not split) -> [running total of each measure asked, in order]."""


def totals(conn: Connection, flt: Filter, days: Sequence[date], names: Sequence[str],
           by: str | None = None, held: Sequence[date] | None = None) -> Totals | None:
    """The running totals of the measures `names` (all of one stock table) on each of
    `days`, within the filter, per `by` (a key with nothing by a day may be missing).
    None when the stocks cannot answer (not fresh, or a day before the first stock
    day)."""
    held = held if held is not None else held_days(conn)
    if held is None:
        return None
    days = sorted(set(days))
    if days[0] < held[0]:
        return None
    base = {d: _nearest(held, d) for d in days}
    table = TABLE_OF[names[0]]
    key = key_column(table, by)
    keys = [] if key is None else [key.label("key")]
    q = (select(table.c.day, *keys, *[func.sum(table.c[n]).label(n) for n in names])
         .select_from(table.join(units, units.c.id == table.c.unit_id))
         .where(flt.where(table), table.c.day.in_(sorted(set(base.values()))))
         .group_by(table.c.day, *keys))
    stocked: dict = {}
    for row in conn.execute(q).all():
        day, k = row[0], (row[1] if by else None)
        stocked.setdefault(day, {})[k] = [int(v or 0) for v in row[(2 if by else 1):]]
    out = {d: {k: list(v) for k, v in stocked.get(base[d], {}).items()} for d in days}
    # From a stock day before d, the events after it up to d are added; from one after d,
    # the events after d up to it are taken away.
    edges = [(base[d] + timedelta(days=1), d, d, 1) if base[d] < d
             else (d + timedelta(days=1), base[d], d, -1) for d in days if base[d] != d]
    if edges:
        _add_edges(conn, flt, out, edges, names, by)
    return out


def _nearest(held: Sequence[date], d: date) -> date:
    """The stock day nearest to d (held[0] <= d), the earlier one on a tie: the direct
    count at the edge reads the events between the two (by the day indexes, so a day
    before a month end, such as 28 February of a leap year, reads one day, not a
    month)."""
    i = bisect.bisect_right(held, d) - 1
    before = held[i]
    if before == d or i + 1 == len(held):
        return before
    after = held[i + 1]
    return after if after - d < d - before else before


def _add_edges(conn, flt: Filter, out: Totals, edges, names, by) -> None:
    """For each edge (lo, hi, d, sign): add sign times the events in [lo, hi] to the
    total on d (lo..hi: the days after the stock day before d up to d, or those after d
    up to the stock day after it), counted directly: one statement per source table."""
    by_source: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        by_source.setdefault(MEASURES[n].source, []).append(i)
    key = key_column(cases, by)
    for source, positions in by_source.items():
        columns, ranges, targets = [], [], []
        for lo, hi, day, sign in edges:
            for i in positions:
                m = MEASURES[names[i]]
                inside = m.day.between(literal(lo + timedelta(days=m.shift), Date),
                                       literal(hi + timedelta(days=m.shift), Date))
                ranges.append(inside)
                condition = inside if m.when is None else and_(inside, m.when)
                columns.append(func.sum(case((condition, 1), else_=0)))
                targets.append((day, i, sign))
        q = (select(*([key.label("key")] if by else []), *columns)
             .select_from(SOURCES[source]().join(units, units.c.id == cases.c.unit_id))
             .where(flt.where(cases), or_(*ranges)))
        if by:
            q = q.group_by(key)
        for row in conn.execute(q).all():
            k = row[0] if by else None
            values = row[1:] if by else row
            for (day, i, sign), value in zip(targets, values, strict=True):
                if value:
                    out[day].setdefault(k, [0] * len(names))[i] += sign * int(value)


def period_counts(conn: Connection, flt: Filter, periods: Sequence, names: Sequence[str],
                  by: str | None = None, held: Sequence[date] | None = None
                  ) -> pd.DataFrame | None:
    """Events of each measure (all of one stock table) in each period [start, end]:
    total(end) - total(start - 1). Columns idx (the period's index), [key], *names; a
    (period, key) with nothing is left out. None when the stocks cannot answer."""
    found = totals(conn, flt, people_days(periods), names, by, held)
    return None if found is None else between(found, names, periods, by)


def between_records(found: Totals, found_names: Sequence[str], periods: Sequence,
                    wanted: Sequence[str]) -> dict[tuple, list[int]]:
    """(period index, key or None) -> the measures `wanted` counted in the period, from
    totals already read (of `found_names`, on every period's end and the day before its
    start); a (period, key) with nothing is left out."""
    positions = [list(found_names).index(n) for n in wanted]
    out = {}
    for i, p in enumerate(periods):
        end, start = found[p.end], found[p.start - timedelta(days=1)]
        for k in end.keys() | start.keys():
            e, b = end.get(k), start.get(k)
            values = [(e[j] if e else 0) - (b[j] if b else 0) for j in positions]
            if any(values):
                out[(i, k)] = values
    return out


def between(found: Totals, found_names: Sequence[str], periods: Sequence, by: str | None,
            wanted: Sequence[str] | None = None) -> pd.DataFrame:
    """period_counts of the measures `wanted` (default: all) from totals already read
    (of `found_names`, on every period's end and the day before its start)."""
    wanted = list(wanted or found_names)
    records = [(i, *([k] if by else []), *values) for (i, k), values
               in between_records(found, found_names, periods, wanted).items()]
    columns = ["idx", *(["key"] if by else []), *wanted]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.sort_values(columns[:2 if by else 1], ignore_index=True)


def _extra_cases(conn: Connection, flt: Filter, periods: Sequence, by: str | None) -> dict:
    """(period index, key) -> the cases on the register during the period beyond the
    first of each person's (sum over people of max(n_p - 1, 0)): one per pair of
    repeat_pairs with both cases in it, and for the people with three or more cases,
    counted by person from repeat_cases. The pairs from memory (queries.pair_pool) when
    it holds them, else with the rest in one statement; none when nobody has three or
    more cases and the pairs are in memory."""
    pairs = pair_pool.held(conn) if readmodel.enabled(pair_pool.LEVEL) else None
    extra = None if pairs is None else pair_pool.extra(pairs, flt, periods, by)
    if extra is None:
        parts = [_extra_of_pairs(flt, periods, by), _extra_of_many(flt, periods, by)]
        extra = {}
    elif pairs.many:
        parts = [_extra_of_many(flt, periods, by)]
    else:
        return extra
    both = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("extra")
    outer_keys = [both.c.key] if by else []
    q = select(*outer_keys, *[func.sum(both.c[f"n{i}"]) for i in range(len(periods))])
    if by:
        q = q.group_by(*outer_keys)
    for row in conn.execute(q).all():
        k = row[0] if by else None
        for i, value in enumerate(row[1:] if by else row):
            if value:
                extra[(i, k)] = extra.get((i, k), 0) + int(value)
    return extra


def _on_register_during(table, periods):
    """Whether a row's registered_on .. closed_on meets each period, and any of them."""
    def meets(start, end):
        return and_(table.c.registered_on <= literal(end, Date),
                    or_(table.c.closed_on.is_(None), table.c.closed_on > literal(start, Date)))
    return ([meets(p.start, p.end) for p in periods],
            meets(min(p.start for p in periods), max(p.end for p in periods)))


def _pair_side(prefix: str):
    """One case of repeat_pairs as Filter.where reads a table and its unit."""
    r = repeat_pairs
    columns = SimpleNamespace(id=r.c[f"{prefix}unit_id"],
                              region_code=r.c[f"{prefix}region_code"],
                              probation_type=r.c[f"{prefix}probation_type"],
                              legal_category=r.c[f"{prefix}legal_category"])
    return SimpleNamespace(c=columns)


def _extra_of_pairs(flt: Filter, periods: Sequence, by: str | None):
    """Per key, n{i}: the pairs with both cases in the filter, under the same key and on
    the register during period i."""
    first, other = _pair_side(""), _pair_side("other_")
    key, same = None, true()
    if by is not None:
        column = {"region": "region_code", "unit": "id"}.get(by, by)
        key = getattr(first.c, column)
        same = key == getattr(other.c, column)
    during, any_period = _on_register_during(repeat_pairs, periods)
    q = (select(*([key.label("key")] if by else []),
                *[func.sum(case((x, 1), else_=0)).label(f"n{i}") for i, x in enumerate(during)])
         .where(flt.where(first, first), flt.where(other, other), same, any_period))
    return q.group_by(key) if by else q


def _extra_of_many(flt: Filter, periods: Sequence, by: str | None):
    """Per key, n{i}: the cases beyond each person's first during period i, of the people
    with three or more cases."""
    r = repeat_cases
    key = key_column(r, by)
    keys = [] if key is None else [key.label("key")]
    during, any_period = _on_register_during(r, periods)
    per_person = (select(*keys, r.c.person_id,
                         *[func.sum(case((x, 1), else_=0)).label(f"n{i}")
                           for i, x in enumerate(during)])
                  .select_from(r.join(units, units.c.id == r.c.unit_id))
                  .where(r.c.person_cases > 2, flt.where(r), any_period)
                  .group_by(*keys, r.c.person_id).subquery("per_person"))
    q = select(*([per_person.c.key] if by else []),
               *[func.sum(case((per_person.c[f"n{i}"] > 1, per_person.c[f"n{i}"] - 1),
                               else_=0)).label(f"n{i}") for i in range(len(periods))])
    return q.group_by(per_person.c.key) if by else q


def people_on_register(conn: Connection, flt: Filter, periods: Sequence,
                       by: str | None = None, found: Totals | None = None,
                       as_records: bool = False) -> pd.DataFrame | list | None:
    """People on the register at any time in each period, as
    queries.outcomes.on_register counts them: columns idx, [key], on_register; split by
    `by`, every period of each key with a case on the register between the first
    period's start and the last one's end (as the direct count's scan finds them). None
    when the stocks cannot answer. `found`: totals of registered and closed_next_day
    (first two) already read for those days. `as_records`: the rows as tuples
    (idx, [key], on_register), not a frame."""
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    if found is None:
        found = totals(conn, flt, people_days(periods), ["registered", "closed_next_day"], by)
        if found is None:
            return None

    def cases_during(k, start, end):
        registered = (found[end].get(k) or [0, 0])[0]
        closed = (found[start - timedelta(days=1)].get(k) or [0, 0])[1]
        return registered - closed

    if by:
        present = sorted(k for k in found[last].keys() | found[first - timedelta(days=1)].keys()
                         if cases_during(k, first, last) > 0)
    else:
        present = [None]
    extra = _extra_cases(conn, flt, periods, by) if present else {}
    records = [(i, *([k] if by else []),
                cases_during(k, p.start, p.end) - extra.get((i, k), 0))
               for i, p in enumerate(periods) for k in present]
    if as_records:
        return records
    return pd.DataFrame.from_records(records,
                                     columns=["idx", *(["key"] if by else []), "on_register"])


def people_days(periods: Sequence) -> list[date]:
    """The days whose totals people_on_register reads."""
    return [p.start - timedelta(days=1) for p in periods] + [p.end for p in periods]


def extra_assistance(conn: Connection, flt: Filter, period) -> dict[str, int]:
    """Per kind: the assistance provided in `period` beyond the first to each person
    (rows - people), from repeat_assistance (held in memory: queries.assistance_pool)."""
    held = (assistance_pool.held(conn) if readmodel.enabled(assistance_pool.LEVEL)
            else None)
    if held is not None:
        return assistance_pool.extra(held, flt, period)
    return extra_assistance_counted(conn, flt, period)


def extra_assistance_counted(conn: Connection, flt: Filter, period) -> dict[str, int]:
    """extra_assistance by a statement."""
    r = repeat_assistance
    q = (select(r.c.kind, (func.count() - func.count(func.distinct(r.c.person_id))))
         .select_from(r.join(units, units.c.id == r.c.unit_id))
         .where(flt.where(r), r.c.provided_on.between(period.start, period.end))
         .group_by(r.c.kind))
    return {kind: int(extra) for kind, extra in conn.execute(q).all()}


@readmodel.model(MARKER)
def fresh(conn: Connection) -> bool:
    return held_days(conn) is not None
