"""The Milestones page: pure functions from query results to components and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import rules as R
from dashboard.codes import MILESTONE_KINDS
from dashboard.i18n import t
from layouts import figures
from layouts.formatting import day, grid_whole_numbers, number, percent
from layouts.plotly_locale import graph_box_style, graph_config
from layouts.tables import MOST_ROWS, scroll_box, shown_of, table_body
from queries.milestones import AGING_BUCKETS, Benchmark, NewTypeGaps

BAND_COLOURS = {"good": "success", "watch": "warning", "poor": "danger"}
FLAG_COLOURS = {"met": "success", "near": "warning", "far": "danger"}
# Okabe-Ito, darkening with age.
AGING_COLOURS = ("#F0E442", "#E69F00", "#D55E00", "#7F2704")
WORKLIST_ID = "milestones-worklist"
WORKLIST_BLOCK = 100


def kind_label(kind: str, lang: str) -> str:
    return t(f"caseload.milestone.{kind}", lang)


def rule_text(kind: str, rules: R.DeadlineRules, lang: str) -> str:
    """The deadline that applies to `kind`, from the rules module, in words, with where it
    comes from: a legal act and article, or the dashboard's assumption that can be set."""
    n = getattr(rules, R.RULE_OF_KIND[kind])
    return (f"{t(f'milestones.rule.{kind}', lang, count=n, n=n)} "
            f"({t(f'milestones.source.{kind}', lang)})")


def rules_help(rules: R.DeadlineRules, lang: str) -> html.Details:
    """Every milestone kind with its rule and the setting that changes it."""
    return html.Details([
        html.Summary(t("milestones.rules", lang), className="fw-semibold"),
        html.P(t("milestones.rules_intro", lang), className="small text-muted mb-1"),
        html.Dl([item for kind in MILESTONE_KINDS for item in (
            html.Dt(kind_label(kind, lang)),
            html.Dd([rule_text(kind, rules, lang), " ",
                     html.Code(t("milestones.rule.setting", lang,
                                 name="PROBATION_RULE_" + R.RULE_OF_KIND[kind].upper()),
                               className="small")]),
        )], className="small mb-0"),
    ], id="milestones-rules", className="mb-3")


# --- headline cards ---------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """The page's top figures, all for the same place and day."""

    due: int
    overdue: int
    due_soon: int

    @property
    def share(self) -> float | None:
        return self.overdue / self.due if self.due else None

    @property
    def timeliness(self) -> float | None:
        return None if self.share is None else (1 - self.share) * 100


def _card(id_: str, title: str, value: str, note) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(title, className="h6 card-title text-secondary"),
        html.P(value, className="display-6 mb-1 kpi-value"),
        html.P(note, className="small mb-0") if note else None,
    ]), className="h-100", id=id_), xs=12, sm=6, lg=4, xl=2)


def headline_cards(h: Headline, gaps: NewTypeGaps, lang: str,
                   as_of_text: str) -> html.Section:
    timeliness = None if h.timeliness is None else h.timeliness / 100
    # The cards' titles are h3: a (hidden) h2 above them keeps the heading order.
    return html.Section([html.H2(t("shell.kpi.title", lang), className="visually-hidden"),
                         _headline_row(h, gaps, timeliness, lang, as_of_text)])


def _headline_row(h: Headline, gaps: NewTypeGaps, timeliness, lang: str,
                  as_of_text: str) -> dbc.Row:
    return dbc.Row([
        _card("ms-kpi-overdue", t("milestones.kpi.overdue", lang), number(h.overdue, lang),
              t("milestones.kpi.overdue_note", lang, share=percent(h.share, lang, 1))),
        _card("ms-kpi-timeliness", t("milestones.kpi.timeliness", lang),
              percent(timeliness, lang, 1), t("milestones.kpi.timeliness_note", lang)),
        _card("ms-kpi-due-soon", t("milestones.kpi.due_soon", lang), number(h.due_soon, lang),
              t("milestones.kpi.due_soon_note", lang, date=as_of_text)),
        _card("ms-kpi-pre-trial", t("milestones.kpi.pre_trial", lang),
              number(gaps.reports_not_before_hearing, lang),
              t("milestones.kpi.pre_trial_note", lang, count=gaps.hearings,
                n=number(gaps.hearings, lang))),
        _card("ms-kpi-release", t("milestones.kpi.release", lang),
              number(gaps.without_release_program, lang),
              t("milestones.kpi.release_note", lang, count=gaps.releasing_within_year,
                n=number(gaps.releasing_within_year, lang),
                late=number(gaps.without_release_program_overdue, lang))),
    ], className="g-2 mb-3", id="milestones-kpis")


# --- the places table -------------------------------------------------------------------

def _badge(text: str, colour: str, title: str | None = None) -> html.Span:
    return html.Span(text, className=f"badge text-bg-{colour}",
                     **({"title": title} if title else {}))


def flag_badge(flag: str | None, caseload: int, min_caseload: int, lang: str):
    if flag is None:
        return html.Span(t("milestones.flag.small", lang, n=caseload, min=min_caseload),
                         className="small text-muted") if caseload < min_caseload else "—"
    return _badge(t(f"milestones.flag.{flag}", lang), FLAG_COLOURS[flag])


def places_table(frame: pd.DataFrame, level: str, lang: str, href: Callable[[object], str],
                 profile_href: Callable[[object], str] | None, min_caseload: int,
                 benchmark: Benchmark) -> html.Div:
    """Places worst first: due, overdue, share, timeliness with its band, and the flag
    against the national rate. A name leads one level down; `profile_href`, if given,
    to the shell's page of the place. Of more than MOST_ROWS, the first MOST_ROWS in
    that order, and a line saying so."""
    total = len(frame)
    frame = frame.head(MOST_ROWS)
    columns = ["name", "caseload", "due", "overdue", "share", "timeliness", "flag"]
    header = [t(f"milestones.col.{c}", lang) for c in columns]
    classes: tuple[str | None, ...] = ("text-end",) * 5 + (None,)
    if profile_href:
        header.append(t("milestones.col.profile", lang))
        classes += (None,)
    unassigned, profile = t("milestones.unassigned", lang), t("milestones.col.profile", lang)
    rows = []
    for r in frame.itertuples(index=False):
        known = r.key is not None and not pd.isna(r.key)
        name = str(r.name) if known and isinstance(r.name, str) else unassigned
        band = (_badge(percent(r.timeliness / 100, lang, 1), BAND_COLOURS[r.band],
                       t(f"milestones.band.{r.band}", lang)) if r.band else "—")
        row = [dcc.Link(name, href=href(r.key)) if known else name,
               number(r.caseload, lang), number(r.due, lang), number(r.overdue, lang),
               percent(None if pd.isna(r.overdue_rate) else r.overdue_rate, lang, 1),
               band, flag_badge(r.flag, r.caseload, min_caseload, lang)]
        if profile_href:
            row.append(dcc.Link("↗", href=profile_href(r.key), title=profile) if known else "")
        rows.append(row)
    help_text = t("milestones.flag.help", lang, rate=percent(benchmark.rate, lang, 1),
                  iqr=percent(benchmark.iqr, lang, 1), peers=benchmark.peers, min=min_caseload)
    return html.Div([
        scroll_box(dbc.Table([html.Caption(t(f"milestones.places.{level}", lang),
                                           className="caption-top visually-hidden"),
                              *table_body(header, rows, classes)],
                             id=f"milestones-{level}s", striped=True, hover=True, size="sm",
                             className="drill-table"), t(f"milestones.places.{level}", lang)),
        *([shown_of("shell.table.first", lang, total, len(frame), f"milestones-{level}s-most")]
          if total > len(frame) else []),
        html.P(help_text, className="small text-muted", id="milestones-flag-help"),
    ])


# --- figures ----------------------------------------------------------------------------

def _bars(labels: list[str], values: list[int], lang: str, colours=None,
          hover: list[str] | None = None, horizontal: bool = False) -> go.Figure:
    if horizontal:
        labels = [figures.wrap_label(label) for label in labels]
    bar = go.Bar(x=values if horizontal else labels, y=labels if horizontal else values,
                 orientation="h" if horizontal else "v", marker_color=colours or "#0072B2",
                 customdata=hover,
                 hovertemplate="%{customdata}<extra></extra>" if hover else None)
    axis = {"title": {"text": t("milestones.axis.count", lang)}, "separatethousands": True}
    if horizontal:
        return figures.figure([bar], 300, lang, xaxis=axis, yaxis={"autorange": "reversed"})
    return figures.figure([bar], 300, lang, yaxis=axis)


def aging_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Overdue milestones by how long overdue: bars across, so the four labels sit one
    under another (side by side they ran into each other at 1440 px and on a phone)."""
    labels = [t(f"milestones.aging.{b}", lang) for b in frame.bucket]
    return _bars(labels, frame.overdue.tolist(), lang, list(AGING_COLOURS), horizontal=True)


def kind_figure(frame: pd.DataFrame, rules: R.DeadlineRules, lang: str) -> go.Figure:
    """Overdue per milestone kind; hovering shows the rule that sets its deadline."""
    labels = [kind_label(k, lang) for k in frame.key]
    hover = [f"{kind_label(k, lang)}: {number(o, lang)} / {number(d, lang)}<br>"
             f"{rule_text(k, rules, lang)}"
             for k, o, d in zip(frame.key, frame.overdue, frame.due, strict=True)]
    return _bars(labels, frame.overdue.tolist(), lang, hover=hover, horizontal=True)


def type_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    labels = [t(f"shell.type.{p}", lang) for p in frame.key]
    colours = [figures.TYPE_COLOURS[p] for p in frame.key]
    return _bars(labels, frame.overdue.tolist(), lang, colours, horizontal=True)


def trend_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    line = go.Scatter(x=pd.to_datetime(frame.day), y=frame.overdue, mode="lines+markers",
                      line_color="#D55E00", customdata=[day(d, lang) for d in frame.day],
                      hovertemplate="%{customdata}: %{y}<extra></extra>")
    return figures.figure([line], 300, lang,
                          yaxis={"title": {"text": t("milestones.axis.count", lang)},
                                 "separatethousands": True})


def due_soon_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return _bars([kind_label(k, lang) for k in frame.kind], frame.due.tolist(), lang,
                 "#009E73", horizontal=True)


def graph(id_: str, figure: go.Figure, lang: str, title: str, help_text: str | None = None):
    return html.Section([
        html.H2(title, className="h6"),
        html.P(help_text, className="small text-muted mb-1") if help_text else None,
        html.Div(dcc.Graph(id=id_, figure=figure, config=graph_config(lang)), role="figure",
                 style=graph_box_style(figure), **{"aria-label": title}),
    ], className="mb-3")


def charts(aging: pd.DataFrame, by_kind: pd.DataFrame, by_type: pd.DataFrame,
           trend: pd.DataFrame, due_soon: pd.DataFrame, rules: R.DeadlineRules,
           lang: str) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col(graph("milestones-aging", aging_figure(aging, lang), lang,
                          t("milestones.aging", lang)), lg=4),
            dbc.Col(graph("milestones-by-kind", kind_figure(by_kind, rules, lang), lang,
                          t("milestones.by_kind", lang)), lg=4),
            dbc.Col(graph("milestones-by-type", type_figure(by_type, lang), lang,
                          t("milestones.by_type", lang)), lg=4),
        ]),
        dbc.Row([
            dbc.Col(graph("milestones-trend", trend_figure(trend, lang), lang,
                          t("milestones.trend", lang), t("milestones.trend_help", lang)), lg=8),
            dbc.Col(graph("milestones-due-soon", due_soon_figure(due_soon, lang), lang,
                          t("milestones.due_soon", lang)), lg=4),
        ]),
    ])


# --- the worklist -----------------------------------------------------------------------

def worklist_grid(lang: str) -> dag.AgGrid:
    """An empty grid in the infinite row model: the server sends one block at a time."""
    def col(field: str, key: str, **extra) -> dict:
        return {"field": field, "colId": field, "headerName": t(f"milestones.wl.{key}", lang),
                **extra}

    text_filter = {"filter": "agTextColumnFilter",
                   "filterParams": {"filterOptions": ["contains"], "maxNumConditions": 1}}
    number_filter = {"filter": "agNumberColumnFilter",
                     "filterParams": {"filterOptions": ["equals", "greaterThanOrEqual",
                                                        "lessThanOrEqual", "inRange"],
                                      "maxNumConditions": 1}}
    columns = [
        col("case_id", "case", cellRenderer="markdown", **number_filter),
        col("officer", "officer", cellRenderer="markdown", **text_filter),
        col("unit", "unit", sortable=True, tooltipField="unit"),
        col("kind", "kind", tooltipField="rule", **text_filter),
        col("probation_type", "type"),
        col("due_on", "due_on"),
        col("days_overdue", "days_overdue", type="numericColumn", sort="desc",
            valueFormatter=grid_whole_numbers(lang), **number_filter),
    ]
    return dag.AgGrid(
        id=WORKLIST_ID, columnDefs=columns, rowModelType="infinite",
        # Long headers wrap rather than being cut off (kk and ru, a phone).
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 110,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        # Laid out and drawn off screen too (AG Grid skips a fixed-height grid's content
        # while it is off screen): a full-page screenshot, a print, axe at 390 px.
        dashGridOptions={"cacheBlockSize": WORKLIST_BLOCK, "maxBlocksInCache": 10,
                         "rowBuffer": 0, "tooltipShowDelay": 300,
                         "suppressContentVisibilityAuto": True},
        className="ag-theme-alpine", style={"height": "480px", "width": "100%"})


def worklist_rows(rows: pd.DataFrame, lang: str, case_href: Callable[[int], str],
                  officer_href: Callable[[int], str], rules: R.DeadlineRules) -> list[dict]:
    """One block of worklist rows for the grid: labels in `lang`, links as markdown."""
    out = []
    for r in rows.itertuples(index=False):
        has_officer = r.officer_id is not None and not pd.isna(r.officer_id)
        out.append({
            "case_id": f"[№ {r.case_id}]({case_href(int(r.case_id))})",
            "officer": (f"[{r.officer}]({officer_href(int(r.officer_id))})" if has_officer
                        else t("milestones.unassigned", lang)),
            "unit": r.unit,
            "kind": kind_label(r.kind, lang),
            "rule": rule_text(r.kind, rules, lang),
            "probation_type": t(f"shell.type.{r.probation_type}", lang),
            "due_on": day(r.due_on, lang),
            "days_overdue": int(r.days_overdue),
        })
    return out


def worklist_export(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The worklist as a file: plain values, headers in `lang`."""
    return pd.DataFrame({
        t("milestones.wl.case", lang): rows.case_id,
        t("milestones.wl.officer", lang): rows.officer,
        t("milestones.wl.unit", lang): rows.unit,
        t("milestones.wl.kind", lang): [kind_label(k, lang) for k in rows.kind],
        t("milestones.wl.type", lang): [t(f"shell.type.{p}", lang) for p in rows.probation_type],
        t("milestones.wl.due_on", lang): [d.isoformat() for d in rows.due_on],
        t("milestones.wl.days_overdue", lang): rows.days_overdue,
    })


def worklist_section(lang: str) -> html.Section:
    return html.Section([
        html.Div([
            html.H2(t("milestones.worklist", lang), className="h5 me-auto mb-0"),
            dbc.Button(t("milestones.export_csv", lang), id="milestones-export-csv", size="sm",
                       color="secondary", outline=True),
        ], className="d-flex align-items-center gap-2 mb-1"),
        html.P(t("milestones.worklist_help", lang), className="small text-muted mb-1"),
        worklist_grid(lang),
        dcc.Download(id="milestones-download"),
    ], className="mt-3")


def aging_labels(lang: str) -> list[str]:
    return [t(f"milestones.aging.{b[0]}", lang) for b in AGING_BUCKETS]
