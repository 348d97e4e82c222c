"""A table as a file to download (dcc.Download's payload): CSV that spreadsheet programs
read as UTF-8, or XLSX. Text that a spreadsheet would run as a formula is written as text:
`cell` is the one rule, and every export (pages' downloads, the review pack) goes through
`download`, `csv_text` or `workbook`."""

from __future__ import annotations

import base64
import io

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import html
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from dashboard.i18n import t

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell whose text begins so is taken for a formula by spreadsheet programs (OWASP,
"CSV injection")."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value, fmt: str):
    """The one rule every export's cells go through (CSV, XLSX; caseload, worklist,
    needs-attention, review pack). CSV: text a spreadsheet would run gets a leading
    apostrophe (OWASP's advice). XLSX: text is written as a typed string cell (never a
    formula, shown as it is), without the characters XML cannot hold. Numbers stay
    numbers; missing values are empty."""
    if value is None or (not isinstance(value, str | bytes) and _missing(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, str):
        return value
    if fmt == "xlsx":
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return inert(value)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def inert(value):
    """`value`, with an apostrophe in front if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def without_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and headers) never start a formula, as CSV
    writes it (`cell(.., "csv")`); numbers are left as numbers."""
    out = frame.rename(columns=lambda c: cell(c, "csv"))
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(inert)
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text, with a byte-order mark so that spreadsheet programs read the
    Cyrillic as UTF-8."""
    return "\ufeff" + without_formulas(frame).to_csv(index=False)


def workbook(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """An XLSX file, a sheet per (name, frame), every cell through `cell(.., "xlsx")`:
    text is a typed string cell, so "=..." is shown, never run."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets:
        sheet = book.create_sheet(title=name[:31])
        sheet.append([_typed(sheet, cell(str(c), "xlsx")) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_typed(sheet, cell(v, "xlsx")) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(sheet, value):
    if isinstance(value, str):
        out = Cell(sheet, value=value)
        out.data_type = "s"  # a string even when it begins with "=" (openpyxl's formula)
        return out
    return value


def download(frame: pd.DataFrame, name: str, fmt: str, sheet: str) -> dict:
    """`frame` as a dcc.Download payload: `name`.xlsx (one sheet, `sheet`) or `name`.csv."""
    if fmt == "xlsx":
        return {"content": base64.b64encode(workbook([(sheet, frame)])).decode(),
                "base64": True, "filename": f"{name}.xlsx", "type": XLSX_TYPE}
    return {"content": csv_text(frame), "filename": f"{name}.csv", "type": "text/csv"}


def heading(title: str, name: str, lang: str) -> html.Div:
    """A table's title with its CSV and XLSX buttons (ids `{name}-export-csv`,
    `{name}-export-xlsx`, which the page's download callback listens to)."""
    return html.Div([
        html.H2(title, className="h5 me-auto mb-0"),
        *(dbc.Button(t(f"export.{kind}", lang), id=f"{name}-export-{kind}", size="sm",
                     color="secondary", outline=True) for kind in ("csv", "xlsx")),
    ], className="d-flex align-items-center flex-wrap gap-2 mb-2")
