"""Tables: the drill-down tables (a row's link goes one level down), the officer's cases,
and the caseload grid with its export frame."""

from __future__ import annotations

from collections.abc import Callable

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.codes import PROBATION_TYPES
from dashboard.i18n import t
from layouts.formatting import day, grid_whole_numbers, number
from layouts.kpis import small_sample_note, table_rate


def sort_header(label) -> html.Th:
    """A column header that sorts the table by its column when pressed (a button, so the
    keyboard reaches it; assets/sortable-tables.js sorts the rows in the browser and sets
    aria-sort). A header with no text sorts nothing."""
    if label == "" or label is None:
        return html.Th(label, scope="col")
    return html.Th(html.Button(label, type="button", className="th-sort"), scope="col")


def table_body(header: list, rows: list[list],
               classes: tuple[str | None, ...] | None = None) -> list:
    """Thead and Tbody of a drill table: the first cell of a row heads it (a link, most
    often), the others are numbers, right-aligned, unless `classes` gives each of them its
    class (None: no class). Every column sorts (sort_header)."""
    def cell(value, i: int) -> html.Td:
        class_name = "text-end" if classes is None else classes[i]
        return html.Td(value, className=class_name) if class_name else html.Td(value)

    return [html.Thead(html.Tr([sort_header(h) for h in header])),
            html.Tbody([html.Tr([html.Th(row[0], scope="row", className="fw-normal"),
                                 *[cell(c, i) for i, c in enumerate(row[1:])]])
                        for row in rows])]


def scroll_box(child, label: str, class_name: str = "table-responsive") -> html.Div:
    """A wide table (or chart) scrolled inside its own box on a narrow screen. The box is a
    named region that takes the keyboard focus, so that it can be scrolled without a mouse
    (axe: scrollable-region-focusable); Bootstrap's `responsive` wrapper is neither."""
    return html.Div(child, className=class_name, tabIndex="0", role="region",
                    **{"aria-label": label})


def _table(header: list[str], rows: list[list], lang: str, table_id: str,
           caption: str, classes: tuple[str | None, ...] | None = None) -> html.Div | html.P:
    if not rows:
        return html.P(t("shell.table.empty", lang), id=table_id, className="text-muted")
    return scroll_box(dbc.Table([html.Caption(caption, className="caption-top visually-hidden"),
                                 *table_body(header, rows, classes)],
                                id=table_id, striped=True, hover=True, size="sm",
                                className="drill-table"), caption)


MOST_ROWS = 100
"""A drill table draws at most this many places: a unit of the scale-10 dataset has 3,000
officers, whose table made a page of a megabyte that no one reads row by row."""


def most_behind(frame: pd.DataFrame, most: int) -> pd.DataFrame:
    """The `most` places with the most overdue milestones, then the most cases on the
    register (then by name), in that order; all of them, as they come, when no more."""
    if len(frame) <= most:
        return frame
    return frame.sort_values(["overdue", "on_register", "name"], ascending=[False, False, True],
                             kind="stable").head(most)


def shown_of(key: str, lang: str, total: int, shown: int, id_: str) -> html.P:
    """The line under a ranking cut to its first `shown` of `total` places: catalog text
    `key` with both counts."""
    return html.P(t(key, lang, n=number(total, lang), shown=number(shown, lang)),
                  className="small text-muted", id=id_)


def places_table(frame: pd.DataFrame, lang: str, small_min: int, href: Callable[[object], str],
                 table_id: str, caption: str) -> dbc.Table | html.P:
    """One row per place with its KPIs; the name links one level down. A completion
    share on too few closures is muted, and one note under the table says why. Of more
    than MOST_ROWS places, those most behind (most_behind), and a line saying so."""
    total = len(frame)
    frame = most_behind(frame, MOST_ROWS)
    header = [t(f"shell.col.{c}", lang) for c in ("name", "on_register", "registered", "closed",
                                                  "completion", "overdue", "posts", "caseload",
                                                  "repeat")]
    rows = []
    for r in frame.itertuples(index=False):
        share = r.completed / r.closed if r.closed else None
        per_post = r.on_register / r.filled_posts if r.filled_posts else None
        rows.append([
            dcc.Link(str(r.name), href=href(r.key)),
            number(r.on_register, lang), number(r.registered, lang), number(r.closed, lang),
            table_rate(share, r.closed, lang, small_min), number(r.overdue, lang),
            number(r.filled_posts, lang), number(per_post, lang, 1),
            number(r.repeat_offences, lang),
        ])
    table = _table(header, rows, lang, table_id, caption)
    notes = []
    if total > len(frame):
        notes.append(shown_of("shell.table.most_behind", lang, total, len(frame),
                              f"{table_id}-most"))
    small = (frame.closed > 0) & (frame.closed < small_min) if len(frame) else []
    if rows and any(small):
        notes.append(small_sample_note(lang, small_min, f"{table_id}-note"))
    return html.Div([table, *notes]) if notes else table


def officer_cases_table(frame: pd.DataFrame, lang: str, href: Callable[[int], str]):
    """The officer's open cases with the next milestone and what is overdue."""
    header = [t(f"caseload.col.{c}", lang) for c in ("case", "person", "type", "category",
                                                      "risk", "registered_on", "next",
                                                      "overdue")]
    rows = []
    for r in frame.itertuples(index=False):
        upcoming = (f"{t(f'caseload.milestone.{r.next_kind}', lang)}, "
                    f"{t('caseload.due', lang, date=day(r.next_due, lang))}"
                    if r.next_kind else "—")
        overdue = (html.Span(t("caseload.overdue_since", lang, n=r.overdue,
                               date=day(r.first_overdue_due, lang)), className="text-danger")
                   if r.overdue else "0")
        rows.append([
            dcc.Link(f"№ {r.case_id}", href=href(r.case_id)), r.person_code,
            t(f"shell.type.{r.probation_type}", lang),
            t(f"shell.category.{r.legal_category}", lang),
            t(f"caseload.risk.{r.risk_tier}", lang), day(r.registered_on, lang), upcoming,
            overdue,
        ])
    return _table(header, rows, lang, "officer-cases", t("caseload.officer.cases", lang))


def caseload_frame(by_place_type: pd.DataFrame, lang: str,
                   level: str = "region") -> pd.DataFrame:
    """Cases on the register per place of `level` (rows) and probation type (columns) plus
    a total, with headers in `lang`: what the grid shows and the exports contain. The frame
    has columns key, place, probation_type, cases (or region_code, region for regions);
    regions come in code order, units and officers by name."""
    if "region_code" in by_place_type.columns:
        by_place_type = by_place_type.rename(columns={"region_code": "key", "region": "place"})
    # A plain loop over the ~80 rows: cheaper than pandas' pivot_table at this size.
    wide: dict[tuple, dict[str, int]] = {}
    for key, place, probation_type, cases in by_place_type[
            ["key", "place", "probation_type", "cases"]].itertuples(index=False, name=None):
        order = (str(key),) if level == "region" else (str(place), str(key))
        row = wide.setdefault((*order, place), dict.fromkeys(PROBATION_TYPES, 0))
        if probation_type in row:
            row[probation_type] += int(cases)
    place_col = (t("caseload.col.region", lang) if level == "region"
                 else t(f"shell.level.{level}", lang))
    total_col = t("caseload.col.total", lang)
    type_cols = [t(f"shell.type.{p}", lang) for p in PROBATION_TYPES]
    columns = [place_col, *type_cols, total_col]
    records = [(key[-1], *row.values(), sum(row.values()))
               for key, row in sorted(wide.items())]
    frame = pd.DataFrame.from_records(records, columns=columns)
    # Python ints make int64 columns; the columns of an empty frame need the cast.
    return frame if records else frame.astype(dict.fromkeys([*type_cols, total_col], "int64"))


def caseload_grid(frame: pd.DataFrame, lang: str) -> dag.AgGrid:
    """The caseload by place and type. Long headers wrap (the grid scrolls sideways in its
    own box once the columns reach their least width); a place's name cut off in its
    pinned column shows in full as its tooltip."""
    fields = [{"field": c, "headerName": c, "headerTooltip": c} for c in frame.columns]
    fields[0].update({"pinned": "left", "minWidth": 140, "tooltipField": frame.columns[0]})
    for col in fields[1:]:
        col.update({"type": "numericColumn", "valueFormatter": grid_whole_numbers(lang)})
    return dag.AgGrid(id="caseload-grid", rowData=frame.to_dict("records"), columnDefs=fields,
                      defaultColDef={"sortable": True, "filter": True, "resizable": True,
                                     "flex": 1, "minWidth": 110, "wrapHeaderText": True,
                                     "autoHeaderHeight": True},
                      dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300},
                      className="ag-theme-alpine", style={"width": "100%"})
