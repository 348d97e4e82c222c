"""Fitting and storing the caseload forecast (dashboard/forecast.py) for the data loaded
now: the nation, every region and every unit, all types and each type. Called last by
service.readmodel.refresh, so the month-end series come from the read models just built.

The series are queries.caseload.monthly_trend's (the month-end numbers since 2014), asked
once per unit; a region's and the nation's are the sums of their units'. Parameters are
fitted on the nation's series (all types and each type) and on each region's total; a
region's types and its units' series are forecast with their region's parameters (pooled:
a unit's few dozen cases are too noisy to fit four parameters on, and 1,100 fits would not
fit in the refresh's minute). The national backtest is stored beside them for the page.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection
from threadpoolctl import threadpool_limits

from dashboard import forecast as F
from dashboard.filters import DATA_FROM, Filters
from dashboard.schema import caseload_forecast, dataset_info, units
from dashboard.scope import Scope
from queries import caseload, readmodel
from queries import forecast as Q
from queries.readmodel import readers  # noqa: F401 - the trend read from the rollup

log = logging.getLogger(__name__)

Key = tuple  # (region_code | None, unit_id | None, probation_type | None)


def unit_series(conn: Connection) -> dict[Key, pd.Series]:
    """(region, unit, type or None for all) -> the month-end counts since DATA_FROM up to
    the data's last day, for every unit."""
    loaded = readmodel.loaded(conn)
    f = dataclasses.replace(Filters.default(loaded.until), as_of=loaded.until)
    out: dict[Key, pd.Series] = {}
    for unit_id, region in conn.execute(select(units.c.id, units.c.region_code)
                                        .order_by(units.c.id)).all():
        trend = caseload.monthly_trend(conn, Scope.nation(),
                                       dataclasses.replace(f, unit_id=unit_id), DATA_FROM)
        if trend.empty:
            continue
        wide = trend.pivot(index="month_end", columns="probation_type", values="cases")
        wide.index = pd.to_datetime(wide.index)
        for ptype in wide.columns:
            out[(region, unit_id, ptype)] = wide[ptype].astype(float)
        out[(region, unit_id, None)] = wide.sum(axis=1).astype(float)
    return out


def all_series(conn: Connection) -> dict[Key, pd.Series]:
    """unit_series with the regions' and the nation's (sums of their units')."""
    series = unit_series(conn)
    sums: dict[Key, pd.Series] = {}
    for (region, _, ptype), y in series.items():
        for key in ((region, None, ptype), (None, None, ptype)):
            sums[key] = sums[key].add(y, fill_value=0) if key in sums else y
    return {**series, **sums}


FIT_PROCESSES = 2
"""Processes the fits are spread over (a generate's machine has two cores): the fits are
independent of each other, and each holds a core in statsmodels' Python."""


def fit_all(series: dict[Key, pd.Series], processes: int = FIT_PROCESSES
            ) -> dict[Key, F.Forecast]:
    """The forecast of every series, fitting only the nation's and the regions' totals
    (and the nation's types); everything else with its region's parameters."""
    totals = [k for k in series if k[1] is None and (k[0] is None or k[2] is None)]
    with _mapping(processes) as mapped:
        fitted = dict(zip(totals, mapped([(series[k], None) for k in totals]), strict=True))
        rest = [k for k in series if k not in fitted]
        fitted.update(zip(rest, mapped([(series[k], _params_for(k, fitted)) for k in rest]),
                          strict=True))
    return fitted


def _params_for(key: Key, fitted: dict[Key, F.Forecast]) -> F.Params | None:
    """The parameters a series is forecast with: its region's total's, else the nation's
    (None: fitted on the series itself)."""
    region_total = fitted.get((key[0], None, None))
    params = region_total.params if region_total else None
    if params is None:
        params = fitted[(None, None, None)].params if (None, None, None) in fitted else None
    return params


def _forecast(job: tuple[pd.Series, F.Params | None]) -> F.Forecast:
    y, params = job
    return F.forecast(y, params=params) if params else F.forecast(y)


@contextmanager
def _mapping(processes: int) -> Iterator[Callable[[list], list[F.Forecast]]]:
    """mapped(jobs): _forecast of each job, in order, spread over `processes` forked
    processes (where the platform forks; else here, one after the other)."""
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda jobs: [_forecast(job) for job in jobs]
        return
    # Imported before the fork, so that no worker imports it again.
    import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401

    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                             initializer=_one_thread) as pool:
        yield lambda jobs: list(pool.map(_forecast, jobs,
                                         chunksize=max(1, len(jobs) // (4 * processes))))


def _one_thread() -> None:
    global _LIMITS
    _LIMITS = threadpool_limits(1)


_LIMITS = None
"""A worker's BLAS thread limit, held for its life."""


def rows(fitted: dict[Key, F.Forecast]) -> list[dict]:
    out = []
    for (region, unit_id, ptype), fc in fitted.items():
        f = fc.frame
        for month, mean, lower, upper in zip(f.index, f["mean"].tolist(), f["lower"].tolist(),
                                             f["upper"].tolist(), strict=True):
            out.append({"region_code": region, "unit_id": unit_id, "probation_type": ptype,
                        "month": month.date(), "mean": float(mean), "lower": float(lower),
                        "upper": float(upper), "method": fc.method, "reason": fc.reason})
    return out


def history_rows(series: dict[Key, pd.Series], origin: pd.Timestamp) -> list[dict]:
    """The all-types series each forecast was fitted on, from January three years before
    the forecast's origin (what the page's chart shows before the forecast): method
    ACTUAL, the count in mean, lower and upper."""
    since = pd.Timestamp(origin.year - Q.HISTORY_YEARS, 1, 1)
    out = []
    for (region, unit_id, ptype), y in series.items():
        if ptype is not None:
            continue
        for month, value in y[y.index >= since].items():
            out.append({"region_code": region, "unit_id": unit_id, "probation_type": None,
                        "month": month.date(), "mean": float(value), "lower": float(value),
                        "upper": float(value), "method": Q.ACTUAL, "reason": None})
    return out


def refresh(conn: Connection) -> None:
    """Fit and store the forecast for the data loaded now, with the national backtest,
    and mark it fresh for the data version."""
    started = time.perf_counter()
    conn.execute(caseload_forecast.delete())
    conn.execute(dataset_info.delete().where(dataset_info.c.key.in_([Q.MARKER, Q.BACKTEST])))
    loaded = readmodel.loaded(conn)
    if loaded is None:
        return
    series = all_series(conn)
    # Hundreds of small fits: BLAS threads only fight each other (and the app) for cores.
    with threadpool_limits(1):
        fitted = fit_all(series)
    stored = rows(fitted) + history_rows(series, pd.Timestamp(loaded.until))
    if stored:
        conn.execute(caseload_forecast.insert(), stored)
    now = _now()
    values = [{"key": Q.MARKER, "value": loaded.version, "updated_at": now}]
    if (None, None, None) in series:
        with threadpool_limits(1):
            bt = F.backtest(series[(None, None, None)], refit=False)
        values.append({"key": Q.BACKTEST, "updated_at": now,
                       "value": json.dumps(dataclasses.asdict(bt))})
    conn.execute(dataset_info.insert(), values)
    log.info("forecast: %d series, %d rows in %.1f s", len(fitted), len(stored),
             time.perf_counter() - started)


def _now():
    from service.readmodel.stocks import _now as now

    return now()
