"""Writing a whole frame into a table at once: COPY on PostgreSQL, executemany on SQLite.
Used by the bulk load of the case tables and by the read models' refresh."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from sqlalchemy import Date
from sqlalchemy.engine import Connection

from dashboard.db import is_postgres


def _text_column(values: pd.Series, is_date: bool) -> np.ndarray:
    """A column as strings with None for missing, the form both drivers load fastest.
    Dates are few distinct days: each is formatted once."""
    if is_date:
        if values.dtype == object:  # Python dates (the stocks' days)
            codes, uniques = pd.factorize(values)
            uniques = np.asarray(uniques.to_numpy()).astype("datetime64[D]")
        else:
            days = values.to_numpy().astype("datetime64[D]")
            codes, uniques = pd.factorize(days.view(np.int64))
            uniques = uniques.view("datetime64[D]")
        text = np.datetime_as_string(uniques, unit="D").astype(object)
        text[np.isnat(uniques)] = None
        return np.append(text, None)[codes]  # code -1 (missing) takes the None appended
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


def write_table(conn: Connection, table, frame: pd.DataFrame, freeze: bool = False,
                index_after: bool = False) -> None:
    """Append `frame` (a column per column of `table`) to `table`. `freeze`: the table was
    truncated in this transaction, so PostgreSQL may write its rows already frozen (COPY
    FREEZE): the reads that follow set no hint bits and VACUUM finds nothing to do.
    `index_after`: on SQLite, drop the table's indexes for the insert and build them once
    after it (not on PostgreSQL, where the drop would lock out the pages reading the
    table until the refresh commits)."""
    if len(frame) == 0:
        return
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: missing columns {missing}")
    if is_postgres(conn):
        _copy(conn, table, frame, freeze)
    else:
        indexes = list(table.indexes) if index_after else []
        for index in indexes:
            index.drop(conn)
        _insert(conn, table, frame)
        for index in indexes:
            index.create(conn)


SQLITE_PARAMETERS = 300
"""Parameters of one INSERT on SQLite: the rows per statement fill about this many (a
few hundred ran fastest; any build allows 999)."""
INSERT_CHUNK_ROWS = 100_000


def _insert(conn: Connection, table, frame: pd.DataFrame) -> None:
    """executemany of INSERTs of many rows each (fewer statement steps than a row per
    statement), in chunks of rows, so that the parameters are never all in memory."""
    columns = _prepared_columns(table, frame)
    width = len(columns)
    per = max(1, SQLITE_PARAMETERS // width)
    names = ", ".join(c.name for c in table.columns)
    row = f"({', '.join('?' * width)})"
    many = f"INSERT INTO {table.name} ({names}) VALUES {', '.join([row] * per)}"
    one = f"INSERT INTO {table.name} ({names}) VALUES {row}"
    cursor = conn.connection.driver_connection.cursor()
    for start in range(0, len(frame), INSERT_CHUNK_ROWS):
        size = min(INSERT_CHUNK_ROWS, len(frame) - start)
        grid = np.empty((size, width), dtype=object)
        for i, values in enumerate(columns):
            grid[:, i] = values[start:start + size]
        whole = size // per * per
        cursor.executemany(many, grid[:whole].reshape(-1, per * width).tolist())
        cursor.executemany(one, grid[whole:].tolist())
    cursor.close()


COPY_CHUNK_ROWS = 500_000


def _copy(conn: Connection, table, frame: pd.DataFrame, freeze: bool = False) -> None:
    """COPY in chunks, so that a scale-10 table never becomes one giant string."""
    names = [c.name for c in table.columns]
    dates = [c.name for c in table.columns if isinstance(c.type, Date)]
    options = "FORMAT csv, FREEZE" if freeze else "FORMAT csv"
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN WITH ({options})"
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
