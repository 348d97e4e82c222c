"""Reading the stored caseload forecast (dashboard.schema.caseload_forecast, written by
service/readmodel/forecast.py on each refresh): the place in view and the level below it,
within the signed-in user's scope, and the national backtest stored with them."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import and_, false, select, true
from sqlalchemy.engine import Connection

from dashboard.schema import caseload_forecast as cf
from dashboard.schema import dataset_info
from dashboard.scope import Scope
from queries import readmodel

MARKER = "forecast"
"""dataset_info key: the data_version the forecast was fitted for."""
BACKTEST = "forecast_backtest"
"""dataset_info key: the national backtest (JSON: mape, naive_mape, coverage, points)."""
ACTUAL = "actual"
"""caseload_forecast.method of the rows that hold the series a forecast was fitted on."""
HISTORY_YEARS = 3
"""The stored series start in January this many years before the forecast's origin."""
COLUMNS = ["region_code", "unit_id", "probation_type", "month", "mean", "lower", "upper",
           "method", "reason"]


def fresh(conn: Connection) -> bool:
    """The stored forecast was fitted on the data loaded now."""
    return readmodel.marked(conn, MARKER)


def origin(conn: Connection) -> date | None:
    """The day the stored forecast starts after: the data's last day."""
    until = readmodel.page_info(conn).get("data_until")
    return date.fromisoformat(until) if until else None


def _visible(scope: Scope):
    """The rows this user may read: the ministry all; a region head their region's (its
    own and its units'); a unit head their unit's."""
    if scope.role == "ministry":
        return true()
    if scope.role == "region_head":
        return cf.c.region_code == scope.region_code
    if scope.role == "unit_head":
        return cf.c.unit_id == scope.unit_id
    return false()


def _frame(conn: Connection, where) -> pd.DataFrame:
    query = (select(*(cf.c[c] for c in COLUMNS)).where(where)
             .order_by(cf.c.region_code, cf.c.unit_id, cf.c.probation_type, cf.c.month))
    frame = pd.DataFrame(conn.execute(query).all(), columns=COLUMNS)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def _place(scope: Scope, region: str | None, unit_id: int | None):
    where = [_visible(scope)]
    where.append(cf.c.unit_id == unit_id if unit_id is not None else cf.c.unit_id.is_(None))
    if unit_id is None:
        where.append(cf.c.region_code == region if region else cf.c.region_code.is_(None))
    return and_(*where)


def place(conn: Connection, scope: Scope, region: str | None = None,
          unit_id: int | None = None) -> pd.DataFrame:
    """The forecast of one place (the nation when both are None), all types (NULL) and
    each type: columns COLUMNS. Empty outside the scope."""
    return _frame(conn, and_(_place(scope, region, unit_id), cf.c.method != ACTUAL))


def history(conn: Connection, scope: Scope, region: str | None = None,
            unit_id: int | None = None) -> pd.Series:
    """The month-end numbers on the register (all types) that the place's forecast was
    fitted on, since January HISTORY_YEARS years before its origin: stored with it, so
    that the chart does not count them again (they are queries.caseload.monthly_trend's).
    Empty outside the scope."""
    frame = _frame(conn, and_(_place(scope, region, unit_id), cf.c.method == ACTUAL,
                              cf.c.probation_type.is_(None)))
    return pd.Series(frame["mean"].to_numpy(), index=pd.DatetimeIndex(frame["month"]),
                     dtype=float)


def below(conn: Connection, scope: Scope, region: str | None = None,
          month: date | None = None) -> pd.DataFrame:
    """The forecast of the level below the place: the regions of the nation (region None)
    or the units of a region, all types and each type, within the scope; one month-end
    only when `month` is given."""
    if region is None:
        where = and_(cf.c.region_code.is_not(None), cf.c.unit_id.is_(None))
    else:
        where = and_(cf.c.region_code == region, cf.c.unit_id.is_not(None))
    if month is not None:
        where = and_(where, cf.c.month == month)
    return _frame(conn, and_(_visible(scope), where, cf.c.method != ACTUAL))


def national_backtest(conn: Connection) -> dict | None:
    """The national backtest stored by the last refresh (None before the first)."""
    row = conn.execute(select(dataset_info.c.value)
                       .where(dataset_info.c.key == BACKTEST)).first()
    return json.loads(row.value) if row else None
