"""Writing a whole frame into a table at once: COPY on PostgreSQL, executemany on SQLite.
Used by the bulk load of the case tables and by the read models' refresh."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Date
from sqlalchemy.engine import Connection

from dashboard.db import is_postgres


def _text_column(values: pd.Series, is_date: bool) -> np.ndarray:
    """A column as strings with None for missing, the form both drivers load fastest.
    Dates are few distinct days: each is formatted once."""
    if is_date:
        codes, text = _date_codes(values)
        return np.array([*text, None], dtype=object)[codes]  # code -1 (missing): the None
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


CSV_BLOCK_ROWS = 32_768
"""Rows of one block of a COPY's CSV (csv_text): the block's matrix stays in the caches,
and a scale-10 table never becomes one giant string."""


def _copy(conn: Connection, table, frame: pd.DataFrame, freeze: bool = False) -> None:
    """One COPY of the frame's CSV, streamed block by block."""
    names = [c.name for c in table.columns]
    options = "FORMAT csv, FREEZE" if freeze else "FORMAT csv"
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN WITH ({options})"
    driver = conn.connection.driver_connection
    cursor = driver.cursor()
    cursor.copy_expert(sql, _Blocks(table, frame, driver.encoding))
    cursor.close()


class _Blocks:
    """The file copy_expert reads: each read() the CSV of the next block of rows (any
    length will do), b"" at the end; str to be encoded when the client's encoding is
    not UTF-8."""

    def __init__(self, table, frame: pd.DataFrame, encoding: str):
        self._blocks = (csv_text(table, frame.iloc[at:at + CSV_BLOCK_ROWS])
                        for at in range(0, len(frame), CSV_BLOCK_ROWS))
        self._utf8 = encoding.upper().replace("-", "") == "UTF8"

    def read(self, _size: int = -1) -> bytes | str:
        block = next(self._blocks, b"")
        return block if self._utf8 else block.decode()


def csv_text(table, frame: pd.DataFrame) -> bytes:
    """The rows of `frame` as the CSV that COPY reads (UTF-8), byte for byte what
    DataFrame.to_csv writes for them with dates as text and missing as an empty field,
    but for a carriage return, quoted here (PostgreSQL refuses one unquoted).

    Built for all rows at once, as vectorised numpy (to_csv formats row by row): each
    field as fixed-width bytes padded with NUL in one matrix of rows, the NULs dropped at
    the end. Columns of other kinds (none of the tables' frames today) go to to_csv."""
    fields = [_field_bytes(frame[c.name], isinstance(c.type, Date)) for c in table.columns]
    if any(f is None for f in fields):
        return _to_csv(table, frame).encode()
    width = sum(f.shape[1] for f in fields) + len(fields)  # a separator after each
    # Filled a field at a time with the rows along a line, then turned: faster than
    # writing narrow strided columns into the rows.
    grid = np.empty((width, len(frame)), dtype=np.uint8)
    at = 0
    for i, f in enumerate(fields):
        grid[at:at + f.shape[1]] = f.T
        at += f.shape[1]
        grid[at] = ord("\n") if i == len(fields) - 1 else ord(",")
        at += 1
    return np.ascontiguousarray(grid.T).tobytes().translate(None, b"\0")


def _to_csv(table, frame: pd.DataFrame) -> str:
    chunk = frame[[c.name for c in table.columns]].copy()
    for c in table.columns:
        if isinstance(c.type, Date):
            chunk[c.name] = _text_column(chunk[c.name], True)
    return chunk.to_csv(index=False, header=False, na_rep="")


def _field_bytes(values: pd.Series, is_date: bool) -> np.ndarray | None:
    """The column's CSV fields as a (rows, width) uint8 matrix, NUL-padded; None for a
    kind of column this does not format."""
    kind = values.dtype.kind
    if is_date or kind == "M":
        if not is_date:
            return None  # to_csv's own format of timestamps
        codes, uniques = _date_codes(values)
        return _taken(codes, [b"" if u is None else u.encode() for u in uniques])
    if isinstance(values.dtype, pd.Int64Dtype | pd.Int32Dtype | pd.Int16Dtype):
        missing = values.isna().to_numpy()
        return _digits(values.to_numpy(np.int64, na_value=0), missing)
    if kind in "iu":
        return _digits(values.to_numpy(), None)
    if kind == "f":
        codes, uniques = pd.factorize(values)
        return _taken(codes, [t.encode() for t in np.asarray(uniques).astype(str)])
    if kind in "bO" or isinstance(values.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(values)
        return _taken(codes, _texts([u if isinstance(u, str) else str(u) for u in uniques]))
    return None


def _date_codes(values: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Each value's code and the distinct days as ISO text (None: missing)."""
    if values.dtype == object:  # Python dates (the stocks' days)
        codes, uniques = pd.factorize(values)
        uniques = np.asarray(uniques.to_numpy()).astype("datetime64[D]")
    else:
        days = values.to_numpy().astype("datetime64[D]")
        codes, uniques = pd.factorize(days.view(np.int64))
        uniques = uniques.view("datetime64[D]")
    text = np.datetime_as_string(uniques, unit="D").astype(object)
    text[np.isnat(uniques)] = None
    return codes, list(text)


def _texts(values: list[str]) -> list[bytes]:
    """Fields as the csv module writes them (QUOTE_MINIMAL), UTF-8: encoded and checked
    all at once when none needs quotes (the usual case)."""
    joined = "\n".join(values)
    if not any(c in joined for c in ',"\r') and joined.count("\n") == len(values) - 1:
        return joined.encode().split(b"\n") if values else []
    return [(f'"{v.replace(chr(34), 2 * chr(34))}"' if any(c in v for c in ',"\r\n')
             else v).encode() for v in values]


def _taken(codes: np.ndarray, texts: list[bytes]) -> np.ndarray:
    """Each row's text (code -1, missing: empty) as a NUL-padded matrix."""
    width = max((len(t) for t in texts), default=0) or 1
    table = np.array([*texts, b""], dtype=f"S{width}")
    return table[codes].view(np.uint8).reshape(len(codes), width)


def _digits(values: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    """Integers as decimal text: a sign column, then the digits, leading zeros as NUL."""
    values = values.astype(np.int64, copy=False)
    negative = values < 0
    magnitude = np.where(negative, -values, values).view(np.uint64)  # -min wraps to 2**63
    top = int(magnitude.max()) if len(values) else 0
    places = len(str(top))
    if top < 2**32:  # divides several times faster than 64 bits
        magnitude = magnitude.astype(np.uint32)
    out = np.zeros((len(values), places + 1), dtype=np.uint8)
    out[negative, 0] = ord("-")
    rest = magnitude.copy()
    for k in range(places, 0, -1):
        out[:, k] = rest % 10 + ord("0")
        rest //= 10
    for k in range(1, places):  # the last place is written even for 0
        out[magnitude < 10 ** (places - k), k] = 0
    if missing is not None:
        out[missing] = 0
    return out
