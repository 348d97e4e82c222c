"""A table as a file to download (dcc.Download's payload): CSV that spreadsheet programs
read as UTF-8, or XLSX. Text that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import base64
import io

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.i18n import t

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell whose text begins so is taken for a formula by spreadsheet programs (OWASP,
"CSV injection")."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def inert(value):
    """`value`, with an apostrophe in front if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def without_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and headers) never start a formula; numbers
    are left as numbers."""
    out = frame.rename(columns=inert)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(inert)
    return out


def download(frame: pd.DataFrame, name: str, fmt: str, sheet: str) -> dict:
    """`frame` as a dcc.Download payload: `name`.xlsx (one sheet, `sheet`) or `name`.csv."""
    frame = without_formulas(frame)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=sheet[:31])
        return {"content": base64.b64encode(buffer.getvalue()).decode(), "base64": True,
                "filename": f"{name}.xlsx", "type": XLSX_TYPE}
    # A byte-order mark so that spreadsheet programs read the Cyrillic as UTF-8.
    return {"content": "\ufeff" + frame.to_csv(index=False), "filename": f"{name}.csv",
            "type": "text/csv"}


def heading(title: str, name: str, lang: str) -> html.Div:
    """A table's title with its CSV and XLSX buttons (ids `{name}-export-csv`,
    `{name}-export-xlsx`, which the page's download callback listens to)."""
    return html.Div([
        html.H2(title, className="h5 me-auto mb-0"),
        *(dbc.Button(t(f"export.{kind}", lang), id=f"{name}-export-{kind}", size="sm",
                     color="secondary", outline=True) for kind in ("csv", "xlsx")),
    ], className="d-flex align-items-center flex-wrap gap-2 mb-2")
