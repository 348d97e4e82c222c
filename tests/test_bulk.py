"""service.bulk's CSV for PostgreSQL's COPY: built with numpy, it must be byte for byte
what pandas' to_csv writes (the former way), whatever the values, but for a carriage
return, which it quotes (PostgreSQL refuses one unquoted)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, MetaData, String, Table

from service import bulk

TABLE = Table(
    "t", MetaData(),
    Column("n", Integer), Column("maybe", Integer), Column("x", Float), Column("s", String),
    Column("o", String), Column("flag", Boolean), Column("day", Date), Column("pday", Date),
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "n": np.array([0, -1, 7, 1_000_000, -(2**63), 2**63 - 1, 10, 9], dtype=np.int64),
        "maybe": pd.array([None, 5, -12, 0, None, 100, 99, 1], dtype="Int64"),
        "x": [0.1, np.nan, 1e20, -2.5, 40.0, 1 / 3, 0.0, 7e-7],
        "s": pd.array(["a,b", 'say "hi"', "line\nbreak", "cr here", "", None, "Қазақ",
                       "plain"], dtype="str"),
        "o": [None, "upheld", "x", None, "y, z", "", "ü", "q"],
        "flag": [True, False, True, True, False, False, True, False],
        "day": pd.to_datetime(["2014-01-01", None, "2026-11-24", "1970-01-01", "2000-02-29",
                               None, "2016-12-31", "2021-06-15"]),
        "pday": [date(2014, 1, 2), None, date(2020, 3, 1), None, date(1999, 12, 31),
                 date(2014, 1, 2), None, date(2025, 5, 5)],
    })


def test_the_csv_is_what_to_csv_writes():
    frame = _frame()
    assert bulk.csv_text(TABLE, frame) == bulk._to_csv(TABLE, frame).encode()


def test_quiet_columns_take_the_fast_path_too():
    """No quotes needed, no missing values: the joined encoding of the texts."""
    frame = _frame().iloc[[0, 6, 7]]
    frame = frame.assign(s=["a", "b", "c"], o=["d", "e", "f"])
    assert bulk.csv_text(TABLE, frame) == bulk._to_csv(TABLE, frame).encode()


def test_the_blocks_of_a_copy_join_to_the_whole(monkeypatch):
    frame = pd.concat([_frame()] * 5, ignore_index=True)
    monkeypatch.setattr(bulk, "CSV_BLOCK_ROWS", 3)
    blocks = bulk._Blocks(TABLE, frame, "UTF8")
    parts = list(iter(lambda: blocks.read(8192), b""))
    assert len(parts) == 14
    assert b"".join(parts) == bulk._to_csv(TABLE, frame).encode()


def test_a_column_of_another_kind_goes_to_to_csv():
    """Timestamps in a column that is not a Date: to_csv's own format, left to it."""
    table = Table("u", MetaData(), Column("at", DateTime), Column("n", Integer))
    at = pd.to_datetime(["2020-01-01", "2020-01-02 10:00"], format="ISO8601")
    frame = pd.DataFrame({"at": at, "n": [1, 2]})
    assert bulk.csv_text(table, frame) == frame.to_csv(index=False, header=False).encode()


def test_a_carriage_return_is_quoted():
    frame = _frame().iloc[:1].assign(s=["cr\rhere"])
    assert bulk.csv_text(TABLE, frame) == b'0,,0.1,"cr\rhere",,True,2014-01-01,2014-01-02\n'


def test_an_empty_frame_is_empty():
    assert bulk.csv_text(TABLE, _frame().iloc[:0]) == b""
