"""Refreshing the read models (queries/readmodel/): the one entry point that generate,
import and `refresh-rollups` call, inside the transaction that loaded the case tables.
The pools held in memory (queries/readmodel/outlier_pool.py) follow by themselves: they
are keyed by the data version these refreshes mark."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from dashboard.schema import DATA_TABLES, caseload_forecast, dataset_info
from queries.readmodel import days_of, outcome_tables
from queries.readmodel import rollups as rollup_tables
from queries.readmodel import stocks as stock_tables
from service.readmodel import forecast, outcome_stocks, rollups, stock_frames, stocks

TABLES = (*(spec.table for spec in stocks.SPECS), stock_tables.officer_load_stock,
          stock_tables.officer_narrowed_stock, stock_tables.headcount_stock,
          *outcome_tables.TABLES, caseload_forecast)
"""The read models' tables (the rollups are materialized views on PostgreSQL)."""


STEPS = 5
"""Steps refresh() reports (a progress bar's length)."""


def count(tables, info: dict[str, str], dialect: str) -> stocks.Counted | None:
    """The month-end and outcome stocks counted from the frames of a dataset (its tables
    and its dataset_info) as refresh(conn, tables=tables) counts them on `dialect`, but
    without the database, so that a load can count them on a thread of its own while the
    database builds the indexes. None for a dataset without data days."""
    days = days_of(info)
    if days is None:
        return None
    first, until = days
    return stocks.Counted(first, until, {
        **stock_frames.counted(tables, first, until, dialect),
        **outcome_stocks.counted(tables, first, until, dialect)})


def refresh(conn: Connection | Engine, step=None, tables=None,
            counted: stocks.Counted | None = None) -> None:
    """Recompute every read model for the data loaded now and mark each fresh for its data
    version (after dataset_info was written). Given an engine, in a transaction of its own.
    `step(label)` is called as each of STEPS ends. `tables`: the frames just loaded (a
    dataset's), which the month-end and outcome stocks then count from instead of reading
    them back; `counted`: those stocks counted from them already (count())."""
    step = step or (lambda _label: None)
    if isinstance(conn, Engine):
        with conn.begin() as inside:
            refresh(inside, step, tables, counted)
        return
    if conn.dialect.name == "postgresql":
        # Inside the load's transaction, which autovacuum cannot see: without statistics
        # of its own rows the planner judges the new case tables by the old ones.
        conn.execute(text(f"ANALYZE {', '.join(t.name for t in DATA_TABLES)}"))
    step("statistics")
    rollups.refresh(conn)
    step("rollups")
    conn.execute(dataset_info.delete().where(dataset_info.c.key == rollup_tables.MARKER))
    version = conn.execute(dataset_info.select().where(
        dataset_info.c.key == "data_version")).first()
    if version is not None:
        conn.execute(dataset_info.insert().values(key=rollup_tables.MARKER, value=version.value,
                                                  updated_at=stocks._now()))
    rows = None if tables is None or counted is not None else stock_frames.reader(tables)
    stocks.refresh(conn, rows, counted)
    step("stocks")
    outcome_stocks.refresh(conn, tables, counted)
    step("outcome stocks")
    forecast.refresh(conn)
    step("forecast")
