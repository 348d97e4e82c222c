"""Readers of queries/outcomes.py's measures: period counts from the outcome stocks'
running totals (queries/readmodel/outcome_stocks.py), the day each case met the grounds
from case_grounds (the monthly rollup's companion), and the outlier rule's counts from
the arrays held in memory (queries/readmodel/outlier_pool.py)."""

from __future__ import annotations

from collections.abc import Sequence

import flask
import numpy as np
import pandas as pd
from sqlalchemy import Date, case, func, literal, select
from sqlalchemy.engine import Connection

from dashboard.codes import ASSISTANCE_KINDS
from dashboard.metrics import Period
from dashboard.schema import units
from dashboard.scope import Scope
from queries import outcomes as O
from queries.outcomes import EVERYTHING, Narrowing
from queries.readmodel import CannotAnswer, officer_pool, outlier_pool, reads, rollups
from queries.readmodel import outcome_stocks as OS
from queries.readmodel import outcome_tables as OT


def _filter(scope: Scope, narrowing: Narrowing, by: str | None = None) -> OS.Filter:
    """The scope and narrowing on the outcome stocks, which are not split by officer."""
    if by == "officer":
        raise CannotAnswer
    return OS.Filter(scope, narrowing.types, narrowing.categories, narrowing.region)


def _answered(found):
    if found is None:
        raise CannotAnswer
    return found


def _with_periods(counted: pd.DataFrame, periods, by, columns) -> pd.DataFrame:
    """Period counts from the stocks as the definitions' statements give them: the
    (period, key) rows with anything counted, with each period's start and end."""
    counted = counted[counted[columns].sum(axis=1) > 0].copy()
    keys = ["idx"] + (["key"] if by else [])
    counted.insert(1, "period_start", [periods[i].start for i in counted["idx"]])
    counted.insert(2, "period_end", [periods[i].end for i in counted["idx"]])
    return counted[keys[:1] + ["period_start", "period_end"] + keys[1:] + columns] \
        .sort_values(keys, ignore_index=True)


def _assembled(rows: dict, periods: Sequence[Period], by: str | None,
               columns: list[str]) -> pd.DataFrame:
    """(period index, key) -> values as outcomes.outer gives them from frames: sorted by
    period and key, with each period's start and end; not split, every period (zeros
    where nothing was counted)."""
    keys = sorted(rows) if by else [(i, None) for i in range(len(periods))]
    data = {"period_start": [periods[i].start for i, _ in keys],
            "period_end": [periods[i].end for i, _ in keys]}
    if by:
        data["key"] = [k for _, k in keys] if keys else np.array([], dtype=object)
    zeros = [0] * len(columns)
    for j, column in enumerate(columns):
        data[column] = np.array([rows.get(key, zeros)[j] for key in keys], dtype=np.int64)
    return pd.DataFrame(data)


def _period_counts(conn, scope, periods, by, narrowing, closures: bool):
    """repeat_offences' frame (and closures', or None) from one read of the outcome
    stock, assembled from the totals."""
    flt = _filter(scope, narrowing, by)
    names = ["registered", "closed_next_day", "new_offences",
             *(["completed", "revoked", "closed"] if closures else [])]
    found = _answered(OS.totals(conn, flt, OS.people_days(periods), names, by))
    rows: dict = {}
    for (i, k), (offences,) in OS.between_records(found, names, periods,
                                                  ["new_offences"]).items():
        if offences > 0:
            rows[(i, k)] = [offences, 0]
    for i, *key, people in OS.people_on_register(conn, flt, periods, by, found,
                                                 as_records=True):
        rows.setdefault((i, key[0] if by else None), [0, 0])[1] = people
    offences = _assembled(rows, periods, by, ["repeat_offences", "on_register"])
    if not closures:
        return offences, None
    closed = {}
    for key, (completed, revoked, total) in OS.between_records(
            found, names, periods, ["completed", "revoked", "closed"]).items():
        counts = [completed, revoked, total - completed - revoked, total]
        if sum(counts) > 0:
            closed[key] = counts
    return offences, _assembled(closed, periods, by, O.CLOSURE_COLUMNS)


@reads(O.on_register, OS.MARKER)
def on_register(conn: Connection, scope: Scope, periods: Sequence[Period],
                by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    found = _answered(OS.people_on_register(conn, _filter(scope, narrowing, by), periods, by))
    found.insert(1, "period_start", [periods[i].start for i in found["idx"]])
    found.insert(2, "period_end", [periods[i].end for i in found["idx"]])
    return O.outer([found], periods, by, ["on_register"])


@reads(O.repeat_offences, OS.MARKER)
def repeat_offences(conn: Connection, scope: Scope, periods: Sequence[Period],
                    by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    return _period_counts(conn, scope, periods, by, narrowing, closures=False)[0]


@reads(O.closures, OS.MARKER)
def closures(conn: Connection, scope: Scope, periods: Sequence[Period],
             by: str | None = None, narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    counted = _answered(OS.period_counts(conn, _filter(scope, narrowing, by), periods,
                                         ["completed", "revoked", "closed"], by))
    counted["other"] = counted["closed"] - counted["completed"] - counted["revoked"]
    return O.outer([_with_periods(counted, periods, by, O.CLOSURE_COLUMNS)], periods, by,
                   O.CLOSURE_COLUMNS)


@reads(O.period_counts, OS.MARKER)
def period_counts(conn: Connection, scope: Scope, periods: Sequence[Period],
                  by: str | None = None, narrowing: Narrowing = EVERYTHING
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _period_counts(conn, scope, periods, by, narrowing, closures=True)


def _officers(conn: Connection, scope: Scope, periods: Sequence[Period], by: str | None,
              narrowing: Narrowing) -> tuple:
    """officer_pool's arguments for a unit's counts split by officer (what the unit's
    outcomes page asks); CannotAnswer for any other split or scope."""
    if by != "officer" or scope.role != "unit_head" or not periods:
        raise CannotAnswer
    return (_answered(officer_pool.held(conn)), scope.unit_id, periods, narrowing.types,
            narrowing.categories, narrowing.region)


@reads(O.on_register, officer_pool.LEVEL)
def officers_on_register(conn: Connection, scope: Scope, periods: Sequence[Period],
                         by: str | None = None, narrowing: Narrowing = EVERYTHING
                         ) -> pd.DataFrame:
    split = _officers(conn, scope, periods, by, narrowing)
    return O.outer([officer_pool.on_register(*split)], periods, by, ["on_register"])


@reads(O.repeat_offences, officer_pool.LEVEL)
def officers_repeat_offences(conn: Connection, scope: Scope, periods: Sequence[Period],
                             by: str | None = None, narrowing: Narrowing = EVERYTHING
                             ) -> pd.DataFrame:
    split = _officers(conn, scope, periods, by, narrowing)
    return O.outer([officer_pool.new_offences(*split), officer_pool.on_register(*split)],
                   periods, by, ["repeat_offences", "on_register"])


@reads(O.closures, officer_pool.LEVEL)
def officers_closures(conn: Connection, scope: Scope, periods: Sequence[Period],
                      by: str | None = None, narrowing: Narrowing = EVERYTHING
                      ) -> pd.DataFrame:
    split = _officers(conn, scope, periods, by, narrowing)
    return O.outer([officer_pool.closures(*split)], periods, by, O.CLOSURE_COLUMNS)


@reads(O.period_counts, officer_pool.LEVEL)
def officers_period_counts(conn: Connection, scope: Scope, periods: Sequence[Period],
                           by: str | None = None, narrowing: Narrowing = EVERYTHING
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (officers_repeat_offences(conn, scope, periods, by, narrowing),
            officers_closures(conn, scope, periods, by, narrowing))


@reads(O.escalation_steps, OS.MARKER)
def escalation_steps(conn: Connection, scope: Scope, periods: Sequence[Period],
                     narrowing: Narrowing = EVERYTHING) -> list[tuple[int, ...]]:
    names = ["violations", "malicious", "submitted", "court_revoked", "court_rejected"]
    counted = _answered(OS.period_counts(conn, _filter(scope, narrowing), periods, names))
    steps = [(0,) * len(names)] * len(periods)
    for row in counted.itertuples():
        steps[row.idx] = tuple(int(getattr(row, name)) for name in names)
    return steps


@reads(O.grounds_met, rollups.MARKER)
def grounds_met(conn: Connection, scope: Scope, periods: Sequence[Period],
                narrowing: Narrowing = EVERYTHING) -> list[int]:
    """The day each case met the grounds does not depend on the periods: a count of the
    cases of case_grounds whose day falls in each."""
    g = rollups.case_grounds
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    row = conn.execute(
        select(*[func.sum(case((g.c.met_on.between(literal(p.start, Date),
                                                   literal(p.end, Date)), 1), else_=0))
                 for p in periods])
        .select_from(g.join(units, units.c.id == g.c.unit_id))
        .where(_filter(scope, narrowing).where(g), g.c.met_on.between(first, last))).one()
    return [int(n or 0) for n in row]


@reads(O.assistance_results, OS.MARKER)
def assistance_results(conn: Connection, scope: Scope, period: Period,
                       narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    """Requests and provisions from the running totals; the people who received each
    kind are the provisions less those beyond each person's first (OS.extra_assistance)."""
    flt = _filter(scope, narrowing)
    names = [m.name for m in OT.ASSISTANCE_MEASURES]
    counted = _answered(OS.period_counts(conn, flt, [period], names))
    rows = [{"kind": kind, **{step: int(counted[OT.assistance_column(kind, step)].sum())
                              for step in OT.ASSISTANCE_STEPS}}
            for kind in ASSISTANCE_KINDS]
    frame = pd.DataFrame(rows, columns=["kind", *OT.ASSISTANCE_STEPS])
    frame = frame[(frame.requested > 0) | (frame.provided > 0)]
    extra = OS.extra_assistance(conn, flt, period)
    frame["people"] = frame["provided"] - frame["kind"].map(extra).fillna(0)
    for column in O.ASSISTANCE_COLUMNS:
        frame[column] = frame[column].astype(int)
    return frame[["kind", *O.ASSISTANCE_COLUMNS]].sort_values("kind", ignore_index=True)


@reads(O.cohort_repeat, OS.MARKER)
def cohort_repeat(conn: Connection, scope: Scope, periods: Sequence[Period],
                  narrowing: Narrowing = EVERYTHING) -> pd.DataFrame:
    columns = ["registered", "reoffended_12m"]
    counted = _answered(OS.period_counts(conn, _filter(scope, narrowing), periods, columns))
    return O.outer([_with_periods(counted, periods, None, columns)], periods, None, columns)


@reads(O.national_counts, outlier_pool.NAME)
def national_counts(conn: Connection, windows: tuple[Period, ...], level: str,
                    narrowing: Narrowing) -> pd.DataFrame:
    """From the spells and events held in memory; not cached (counting from the arrays
    takes about as long as a cache entry would to read back). A region's or a unit's
    head asks twice per level (the rows in scope and the benchmark's national peers): the
    same pool, counted once per request."""
    memo = flask.g.setdefault("national_pools", {}) if flask.has_request_context() else {}
    key = (level, tuple(windows), narrowing)
    if key not in memo:
        held = outlier_pool.pool(conn, level, windows, narrowing.types, narrowing.categories,
                                 narrowing.region)
        if held is None:
            raise CannotAnswer
        memo[key] = held[[*O.KEYS, "caseload_days", *O.OUTLIER_EVENTS]]
    return memo[key]
