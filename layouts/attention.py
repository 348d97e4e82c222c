"""Needs attention: the officers of a place ranked by what needs action, as a grid (AG
Grid, every column sortable and filterable) with CSV and XLSX export, or, for the ministry
with no place picked, the regions to pick from. Pure: callbacks/attention.py fetches."""

from __future__ import annotations

from collections.abc import Callable

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard.i18n import t
from layouts import export
from layouts.formatting import day, number, percent
from layouts.pages import View, _heading
from layouts.tables import shown_of

GRID_ID = "attention-grid"
COUNTS = ("overdue", "due", "due_soon", "without_program", "caseload")
TEXT_FILTER = {"filterOptions": ["contains"], "maxNumConditions": 1}
NUMBER_FILTER = {"filterOptions": ["greaterThanOrEqual", "lessThanOrEqual", "equals"],
                 "maxNumConditions": 1}
GRID_TEXTS = ("noRowsToShow", "filterOoo", "contains", "equals", "greaterThanOrEqual",
              "lessThanOrEqual")
"""AG Grid's own words that the grid can show, with the filters above: in the catalogs."""


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def officer_label(row, lang: str) -> str:
    """The officer's code (marked when not in post that day), or the row of the cases
    nobody held."""
    if not _present(row.officer_id):
        return t("attention.unassigned", lang)
    code = str(row.code)
    return code if row.in_post else t("attention.not_in_post", lang, code=code)


def rows(frame: pd.DataFrame, lang: str, officer_href: Callable[[int], str],
         worklist_href: Callable[[int], str],
         unit_href: Callable[[int], str] | None) -> list[dict]:
    """The grid's rows: numbers as numbers (the grid sorts and filters them), their text
    as the page writes numbers in `lang`, links as markdown."""
    out = []
    for r in frame.itertuples(index=False):
        known = _present(r.officer_id)
        label = officer_label(r, lang)
        unit = str(r.unit) if _present(r.unit_id) else ""
        share = r.overdue_share if _present(r.overdue_share) else None
        capacity = r.capacity_pct if _present(r.capacity_pct) else None
        out.append({
            "officer": label,
            "officer_link": f"[{label}]({officer_href(int(r.officer_id))})" if known else label,
            "unit": unit,
            "unit_link": (f"[{unit}]({unit_href(int(r.unit_id))})"
                          if unit and unit_href is not None else unit),
            **{c: int(getattr(r, c)) for c in COUNTS},
            **{f"{c}_text": number(int(getattr(r, c)), lang) for c in COUNTS},
            "overdue_share": None if share is None else round(share * 100, 1),
            "overdue_share_text": percent(share, lang, 1),
            "capacity": None if capacity is None else round(float(capacity), 1),
            "capacity_text": percent(None if capacity is None else capacity / 100, lang, 1),
            "worklist": (f"[{t('attention.worklist_link', lang)}]"
                         f"({worklist_href(int(r.officer_id))})" if known else ""),
        })
    return out


def header_width(header: str) -> int:
    """A column's least width in pixels: its header's longest word on one line beside the
    filter button (the header wraps between words; a narrower column breaks a word)."""
    return max(110, round(8.5 * max(len(word) for word in header.split()) + 50))


def _text(field: str) -> dict:
    return {"function": f"params.data ? params.data.{field} : ''"}


ROW_HEIGHT, HEADER_HEIGHT = 42, 66
"""ag-theme-alpine's row height, and its header of wrapped titles (two lines)."""
ROWS_IN_VIEW = 12
"""A longer list scrolls inside the grid's box, which AG Grid then draws only the rows in
view of: all of a region's officers at once blocked the browser for a second and more.
A print lays every row out (assets/grid-print.js)."""


def grid_height(rows: int) -> str:
    """The grid box's height: its header and rows, up to ROWS_IN_VIEW of them."""
    return f"{HEADER_HEIGHT + ROW_HEIGHT * min(max(rows, 1), ROWS_IN_VIEW)}px"


def grid(row_data: list[dict], lang: str, with_unit: bool) -> dag.AgGrid:
    """Every column sortable and filterable; links sort and filter by their text."""
    def col(field: str, key: str, **extra) -> dict:
        header = t(f"attention.col.{key}", lang)
        return {"field": field, "colId": field, "headerName": header, "headerTooltip": header,
                "minWidth": header_width(header), **extra}

    def link(field: str, key: str, text_field: str, **extra) -> dict:
        return col(field, key, cellRenderer="markdown", filter="agTextColumnFilter",
                   filterParams=TEXT_FILTER, filterValueGetter=_text(text_field),
                   comparator={"function": "(a, b, na, nb) => (na && nb) ? "
                               f"String(na.data.{text_field}).localeCompare("
                               f"String(nb.data.{text_field})) : 0"},
                   **extra)

    def count(field: str, key: str, text_field: str | None = None, **extra) -> dict:
        return col(field, key, type="numericColumn", filter="agNumberColumnFilter",
                   filterParams=NUMBER_FILTER,
                   valueFormatter=_text(text_field or f"{field}_text"), **extra)

    # What needs action first, so that a phone shows it beside the officer; the unit and
    # the counts behind the share after it.
    columns = [
        link("officer_link", "officer", "officer", pinned="left", flex=0, width=130,
             tooltipField="officer"),
        count("overdue", "overdue"),
        count("overdue_share", "overdue_share"),
        count("due_soon", "due_soon"),
        count("without_program", "without_program"),
        count("capacity", "capacity"),
    ]
    if with_unit:
        columns.append(link("unit_link", "unit", "unit", minWidth=180))
    columns += [
        count("caseload", "caseload"),
        count("due", "due"),
        col("worklist", "worklist", cellRenderer="markdown", filter="agTextColumnFilter",
            filterParams=TEXT_FILTER),
    ]
    return dag.AgGrid(
        id=GRID_ID, rowData=row_data, columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"tooltipShowDelay": 300,
                         "localeText": {key: t(f"attention.grid.{key}", lang)
                                        for key in GRID_TEXTS}},
        # The box has the grid's height from the start, while AG Grid loads: the page does
        # not jump when it arrives (CLS).
        className="ag-theme-alpine",
        style={"width": "100%", "height": grid_height(len(row_data))})


def totals_text(frame: pd.DataFrame, lang: str) -> str:
    due, overdue = int(frame.due.sum()), int(frame.overdue.sum())
    return t("attention.totals", lang, overdue=number(overdue, lang),
             share=percent(overdue / due if due else None, lang, 1),
             due_soon=number(int(frame.due_soon.sum()), lang),
             without=number(int(frame.without_program.sum()), lang))


MOST_ROWS = 300
"""The grid holds at most this many officers, those ranked first: a region of the scale-10
dataset has 2,600, a page of 1.5 MB. The downloads hold them all."""


def page(v: View, title: str, crumbs, frame: pd.DataFrame, row_data: list[dict],
         with_unit: bool) -> html.Div:
    """`frame`: every officer of the place, ranked (the totals count them all); `row_data`:
    the grid's rows, the first MOST_ROWS of them."""
    lang = v.lang
    cut = (shown_of("attention.shown_first", lang, len(frame), len(row_data), "attention-cut")
           if len(row_data) < len(frame) else None)
    return html.Div([
        *_heading(title, v, crumbs),
        html.P(t("attention.lead", lang), className="mb-1"),
        html.P(totals_text(frame, lang), className="small mb-2", id="attention-totals"),
        html.Section([
            export.heading(t("attention.grid", lang), "attention", lang),
            html.P(t("attention.grid_help", lang), className="small text-muted mb-1"),
            cut,
            grid(row_data, lang, with_unit),
            dcc.Download(id="attention-download"),
        ]),
        html.Details([
            html.Summary(t("attention.method", lang), className="fw-semibold"),
            html.P(t("attention.method_text", lang, date=day(v.filters.as_of, lang)),
                   className="small mb-0"),
        ], id="attention-method", className="mt-3"),
    ])


def pick_region(v: View, regions: pd.DataFrame, href: Callable[[str], str]) -> html.Div:
    """The ministry with no region or unit picked: the regions, each a link."""
    lang = v.lang
    return html.Div([
        *_heading(t("attention.pick.title", lang), v),
        html.P(t("attention.pick.help", lang), className="mb-2"),
        html.Nav(html.Ul([
            html.Li(dcc.Link(name, href=href(code), className="btn btn-outline-primary btn-sm"))
            for code, name in zip(regions.code, regions.name, strict=True)
        ], className="list-unstyled d-flex flex-wrap gap-2"), id="attention-regions",
            **{"aria-label": t("attention.pick.regions", lang)}),
    ])


def export_frame(frame: pd.DataFrame, lang: str, with_unit: bool) -> pd.DataFrame:
    """The grid as a file: plain values (no links), headers in `lang`, shares and capacity
    as percentages rounded to 0.1."""
    def h(key: str) -> str:
        return t(f"attention.col.{key}", lang)

    out = {h("officer"): [officer_label(r, lang) for r in frame.itertuples(index=False)]}
    if with_unit:
        out[h("unit")] = [str(u) if _present(i) else "" for u, i in zip(
            frame.unit, frame.unit_id, strict=True)]
    share = (frame.overdue_share * 100).round(1)
    capacity = frame.capacity_pct.astype(float).round(1)
    out.update({
        h("overdue"): frame.overdue.astype(int), h("overdue_share"): share,
        h("due_soon"): frame.due_soon.astype(int),
        h("without_program"): frame.without_program.astype(int),
        h("capacity"): capacity, h("caseload"): frame.caseload.astype(int),
        h("due"): frame.due.astype(int),
    })
    return pd.DataFrame(out)

