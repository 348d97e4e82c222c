"""Bulk loading of whole tables: COPY on PostgreSQL, executemany on SQLite.

A load is one transaction: either every table is replaced or nothing changes.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Date, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import AddConstraint, DropConstraint

from dashboard import schema
from dashboard.db import is_postgres
from queries import rollups


def holds_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.regions)).scalar_one() > 0


def replace_all(engine: Engine, dataset) -> dict[str, int]:
    """Replace every data table with the dataset's frames, in one transaction.

    Secondary indexes are dropped for the load and rebuilt before the commit (several
    times faster than maintaining them row by row). Foreign keys are checked once for the
    whole load: re-added on PostgreSQL, `foreign_key_check` on SQLite.
    """
    with engine.connect() as conn:
        sqlite = not is_postgres(conn)
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            conn.commit()  # pysqlite opens no transaction for PRAGMAs; this ends SQLAlchemy's
        try:
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                clear(conn)
                indexes = [i for t in schema.DATA_TABLES for i in t.indexes]
                foreign_keys = [] if sqlite else [
                    fk for t in schema.DATA_TABLES for fk in t.foreign_key_constraints]
                for fk in foreign_keys:
                    conn.execute(DropConstraint(fk))
                for index in indexes:
                    index.drop(conn)
                rollups.drop_access_indexes(conn)
                for table in schema.DATA_TABLES:
                    write_table(conn, table, dataset.tables[table.name])
                for index in indexes:
                    index.create(conn)
                rollups.create_access_indexes(conn)
                for fk in foreign_keys:  # validated here, in one pass per key
                    conn.execute(AddConstraint(fk))
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
                    if broken:
                        raise ValueError(f"foreign keys do not match: {broken}")
                write_info(conn, dataset.info)
                rollups.refresh(conn)
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    refresh_statistics(engine)
    return dataset.counts()


def refresh_rollups(engine: Engine) -> None:
    """Recompute every rollup and stock from the loaded tables, then the statistics
    (`refresh-rollups`; replace_all does the same inside its own transaction)."""
    rollups.refresh(engine)
    refresh_statistics(engine)


def refresh_statistics(engine: Engine) -> None:
    """Planner statistics after a bulk change. Without them SQLite picks the wrong index
    for the milestone sub-queries (70 s instead of 1 s at scale 1)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
        if is_postgres(conn):
            # Sets the visibility map, so the overdue views and a unit's case counts answer
            # from their covering indexes alone.
            conn.execute(text("VACUUM milestones, cases"))
            # The stocks are rewritten by every refresh: until a vacuum, their index still
            # points at every old row, and a day's read visits a page per dead row (a
            # staff page's case_stock read: 82 ms before, 7 ms after, scale 1).
            from queries import outcome_stocks, stocks

            tables = ([spec.table for spec in stocks.SPECS] + [stocks.officer_load_stock,
                      stocks.officer_narrowed_stock, stocks.headcount_stock]
                      + list(outcome_stocks.TABLES))
            conn.execute(text(f"VACUUM {', '.join(t.name for t in tables)}"))


def clear(conn: Connection) -> None:
    if is_postgres(conn):
        names = ", ".join(t.name for t in schema.DATA_TABLES)
        conn.execute(text(f"TRUNCATE {names}, dataset_info"))
        return
    for table in reversed(schema.DATA_TABLES):
        conn.execute(delete(table))
    conn.execute(delete(schema.dataset_info))


def write_info(conn: Connection, info: dict[str, str]) -> None:
    """Replace dataset_info with `info` and a fresh data_version (see dashboard.cache)."""
    now = datetime.now().replace(microsecond=0)
    conn.execute(delete(schema.dataset_info))
    info = {**info, "data_version": new_data_version()}
    conn.execute(insert(schema.dataset_info),
                 [{"key": k, "value": v, "updated_at": now} for k, v in info.items()])


def new_data_version() -> str:
    """A stamp that changes with every load: part of every cache key."""
    return f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _text_column(values: pd.Series, is_date: bool) -> np.ndarray:
    """A column as strings with None for missing, the form both drivers load fastest."""
    if is_date:
        arr = values.to_numpy().astype("datetime64[D]")
        out = np.datetime_as_string(arr, unit="D").astype(object)
        out[np.isnat(arr)] = None
        return out
    out = np.array(values.astype(object).to_numpy(), dtype=object, copy=True)
    out[pd.isna(values).to_numpy()] = None
    return out


def _prepared_columns(table, frame: pd.DataFrame) -> list[np.ndarray]:
    columns = []
    for column in table.columns:
        values = frame[column.name]
        if isinstance(column.type, Date):
            columns.append(_text_column(values, True))
        elif values.dtype.kind in "iuf" and not values.isna().any():
            columns.append(values.to_numpy().tolist())
        else:
            columns.append(_text_column(values, False))
    return columns


def write_table(conn: Connection, table, frame: pd.DataFrame) -> None:
    if len(frame) == 0:
        return
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: missing columns {missing}")
    if is_postgres(conn):
        _copy(conn, table, frame)
    else:
        rows = list(zip(*_prepared_columns(table, frame), strict=True))
        names = ", ".join(c.name for c in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        cursor = conn.connection.driver_connection.cursor()
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        cursor.close()


COPY_CHUNK_ROWS = 500_000


def _copy(conn: Connection, table, frame: pd.DataFrame) -> None:
    """COPY in chunks, so that a scale-10 table never becomes one giant string."""
    names = [c.name for c in table.columns]
    dates = [c.name for c in table.columns if isinstance(c.type, Date)]
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)"
    cursor = conn.connection.driver_connection.cursor()
    for start in range(0, len(frame), COPY_CHUNK_ROWS):
        chunk = frame.iloc[start:start + COPY_CHUNK_ROWS][names].copy()
        for name in dates:
            chunk[name] = _text_column(chunk[name], True)
        buffer = io.StringIO()
        chunk.to_csv(buffer, index=False, header=False, na_rep="")
        buffer.seek(0)
        cursor.copy_expert(sql, buffer)
    cursor.close()
