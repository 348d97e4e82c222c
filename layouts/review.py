"""The review brief, drawn three ways from one Brief: the page, a self-contained HTML file
(plotly.js inline, no other host) and an XLSX workbook. `tables` is the single source of
every table in all three, so the file that travels holds the numbers on the screen."""

from __future__ import annotations

import html as _html
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import metrics as M
from dashboard.filters import Filters
from dashboard.i18n import t
from layouts.export import workbook
from layouts.formatting import day, moment, number
from layouts.plotly_locale import graph_config
from layouts.shell import partial_text
from layouts.tables import sort_header

PRINT_CSS = Path(__file__).resolve().parent.parent / "assets" / "print.css"
CHART_WIDTH, CHART_HEIGHT = 480, 300  # fits half an A4-landscape page and half a screen


@dataclass(frozen=True)
class Periods:
    current: M.Period
    previous: M.Period
    year_earlier: M.Period
    partial: bool = False
    """The current period is a month, quarter or year not over yet (Filters.partial)."""


@dataclass(frozen=True)
class Brief:
    """Everything the brief shows, already counted within the user's scope."""

    lang: str
    filters: Filters
    periods: Periods
    scope_name: str
    level: str | None
    data_until: date
    small_min: int
    key_figures: pd.DataFrame
    charts: list  # (view, figure, the table behind it)
    behind: list  # (view, table of the five places most behind)
    made: datetime
    place_name: str | None = None
    """The region or unit in view, whose units or officers `level` ranks (None: the
    nation)."""
    sources: tuple[str, ...] = ()
    """Each deadline rule and capacity parameter with where it comes from (an act and
    article, or the dashboard's assumption), as the milestones and staff pages say it."""

    def chart_title(self, view: str) -> str:
        """A chart's title; the caseload chart names the level below and the place."""
        if view == "caseload" and self.place_name and self.level in ("unit", "officer"):
            return t(f"review.chart.caseload_{self.level}", self.lang, place=self.place_name)
        return t(f"review.chart.{view}", self.lang)

    def behind_note(self) -> str:
        """What the rankings of the most behind list ("the five units of Astana ...")."""
        if not self.level:
            return t("review.behind.none", self.lang)
        return t(f"review.behind.help_{self.level}", self.lang, place=self.scope_name)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    frame: pd.DataFrame  # headers and labels in the brief's language, numbers raw


# --- the tables behind the charts -------------------------------------------------------

def caseload_data(by_place_type: pd.DataFrame) -> pd.DataFrame:
    """The caseload chart's numbers: place (region, unit or officer), type, cases."""
    if "region" in by_place_type.columns:
        by_place_type = by_place_type.rename(columns={"region": "place"})
    return by_place_type[["place", "probation_type", "cases"]].reset_index(drop=True)


def headcount_data(timeline: pd.DataFrame, lang: str) -> pd.DataFrame:
    from layouts.staff import _sources

    if timeline.empty:
        return pd.DataFrame(columns=["day", "source", "authorised", "filled"])
    return pd.DataFrame({"day": timeline["day"].astype(str),
                         "source": _sources(timeline, lang),
                         "authorised": timeline["authorised"].astype(int),
                         "filled": timeline["filled"].astype(int)}).reset_index(drop=True)


def outcomes_data(d, small_min: int) -> pd.DataFrame:
    from layouts.outcomes import _label, _row

    rows = []
    for start, end in d.trend:
        row = _row(d.offences, M.Period(start, end))
        count, on_register = int(row.get("repeat_offences", 0)), int(row.get("on_register", 0))
        r = M.rate(count, on_register, small_min)
        rows.append({"period": _label(start, d.grain, "en", end), "on_register": on_register,
                     "repeat_offences": count,
                     "repeat_rate": None if r.value is None else round(r.value, 1)})
    return pd.DataFrame(rows, columns=["period", "on_register", "repeat_offences",
                                       "repeat_rate"])


def forecast_data(table: pd.DataFrame | None, names) -> pd.DataFrame:
    """The forecast chart's table: for each place of the level below, cases now and in 12
    months (80 % interval), filled posts, capacity and the posts recommended, now and under
    the forecast (the staff page's forecast table, callbacks.staff.forecast_data)."""
    columns = ["place", "cases", "forecast", "lower", "upper", "filled_posts", "capacity_now",
               "capacity_ahead", "recommended_now", "recommended_ahead"]
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)

    def whole(values):
        return [None if v != v else int(round(v)) for v in values]

    return pd.DataFrame({
        "place": [str(names.get(p, p)) for p in table["place"]],
        "cases": whole(table["cases"]), "forecast": whole(table["mean"]),
        "lower": whole(table["lower"]), "upper": whole(table["upper"]),
        "filled_posts": whole(table["filled"]),
        "capacity_now": [None if v != v else round(v) for v in table["capacity_now"]],
        "capacity_ahead": [None if v != v else round(v) for v in table["capacity_ahead"]],
        "recommended_now": whole(table["recommended_now"]),
        "recommended_ahead": whole(table["recommended_ahead"])}, columns=columns)


# --- one source for every table ---------------------------------------------------------

HEADERS = {"name": "review.col.place", "region": "review.col.place", "place": "review.col.place",
           "probation_type": "review.col.type",
           **{k: f"staff.forecast.col.{k}" for k in ("capacity_now", "capacity_ahead",
                                                    "recommended_now", "recommended_ahead")}}


def _header(column: str, lang: str) -> str:
    return t(HEADERS.get(column, f"review.col.{column}"), lang)


def _localised(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy().astype(object)
    if "probation_type" in out:
        out["probation_type"] = [t(f"shell.type.{p}", lang) for p in out["probation_type"]]
    out = out.where(pd.notna(out), None)
    return out.rename(columns={c: _header(c, lang) for c in out.columns})


def _key_figures(brief: Brief) -> pd.DataFrame:
    lang = brief.lang
    k = brief.key_figures

    def pct(value):
        return None if value is None or pd.isna(value) else round(value * 100, 1)

    return pd.DataFrame({
        t("review.col.measure", lang): [t(f"review.measure.{m}", lang) for m in k.measure],
        t("review.col.current", lang): list(k.current),
        t("review.col.previous", lang): list(k.previous),
        t("review.col.year_earlier", lang): list(k.year_earlier),
        t("review.col.vs_previous", lang) + ", %": [pct(v) for v in k.vs_previous],
        t("review.col.vs_year_earlier", lang) + ", %": [pct(v) for v in k.vs_year_earlier],
    }, dtype=object)


def tables(brief: Brief) -> list[Table]:
    """Every table of the brief, in order: key figures, the five most behind on each view,
    then the data of each chart."""
    lang = brief.lang
    out = [Table("key-figures", t("review.key_figures", lang), _key_figures(brief))]
    out += [Table(f"behind-{view}", t(f"review.behind.{view}", lang), _localised(frame, lang))
            for view, frame in brief.behind]
    out += [Table(f"chart-{view}", brief.chart_title(view), _localised(frame, lang))
            for view, _, frame in brief.charts]
    return out


def cell_text(value, lang: str) -> str:
    """A cell as the page and the HTML file show it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return number(int(value), lang)
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return number(float(value), lang, 1)
    return str(value)


def _period_text(p: M.Period, lang: str, partial: bool = False) -> str:
    text = f"{day(p.start, lang)} – {day(p.end, lang)}"
    return f"{text} ({partial_text(p.start, p.end, lang)})" if partial else text


def _current_text(brief: Brief) -> str:
    """The brief's period, marked when it is not over (a year so far)."""
    return _period_text(brief.periods.current, brief.lang, brief.periods.partial)


def method_lines(brief: Brief) -> list[str]:
    lang, p = brief.lang, brief.periods
    return [
        t("review.method.periods", lang, current=_current_text(brief),
          previous=_period_text(p.previous, lang), earlier=_period_text(p.year_earlier, lang)),
        t("review.method.data_until", lang, day=day(brief.data_until, lang)),
        t("review.method.on_register", lang),
        t("review.method.caseload_per_post", lang),
        t("review.method.timeliness", lang),
        t("review.method.capacity", lang),
        t("review.method.repeat", lang),
        t("review.method.small_sample", lang, min=brief.small_min),
        *brief.sources,
    ]


def brief_figure(fig: go.Figure) -> go.Figure:
    """A chart at the brief's fixed size (so it prints the size it shows)."""
    return go.Figure(fig).update_layout(width=CHART_WIDTH, height=CHART_HEIGHT,
                                        autosize=False)


# --- the page ---------------------------------------------------------------------------

def _dash_table(table: Table, lang: str, titled: bool = True) -> html.Section:
    frame = table.frame
    return html.Section([
        html.H3(table.title, className="h6") if titled else None,
        # Scrolled inside its own box on a narrow screen (assets/shell.css .scroll-x).
        html.Div(dbc.Table([
            # The rankings sort by any column; the other tables keep their order.
            html.Thead(html.Tr([sort_header(c) if table.key.startswith("behind-")
                                else html.Th(c, scope="col") for c in frame.columns])),
            html.Tbody([html.Tr([html.Td(cell_text(v, lang)) for v in row])
                        for row in frame.itertuples(index=False)]),
        ], id=f"review-table-{table.key}", size="sm", striped=True, bordered=True,
            className="review-table"), tabIndex="0", role="region",
            **{"aria-label": table.title}, className="scroll-x"),
    ], className="review-block")


def page(brief: Brief) -> html.Div:
    lang = brief.lang
    by_key = {tb.key: tb for tb in tables(brief)}
    controls = html.Div([
        dbc.Button(t("review.print", lang), id="review-print", size="sm", color="primary"),
        dbc.Button(t("review.export_html", lang), id="review-export-html", size="sm",
                   color="secondary", outline=True),
        dbc.Button(t("review.export_xlsx", lang), id="review-export-xlsx", size="sm",
                   color="secondary", outline=True),
        dcc.Download(id="review-download"),
        dcc.Store(id="review-print-done"),
    ], className="d-flex gap-2 mb-3 d-print-none review-controls")
    charts = [dbc.Col(html.Section([
        html.H3(brief.chart_title(view), className="h6"),
        # Drawn at the printed size: on a narrower screen it scrolls in its own box.
        html.Div(dcc.Graph(id=f"review-chart-{view}", figure=brief_figure(fig),
                           config={**graph_config(lang), "responsive": False}),
                 role="figure", className="scroll-x", tabIndex="0",
                 **{"aria-label": brief.chart_title(view)}),
    ], className="review-chart review-block"), xs=12, md=6) for view, fig, _ in brief.charts]
    behind = ([html.P(brief.behind_note(), className="small")]
              + [dbc.Col(_dash_table(by_key[f"behind-{v}"], lang), xs=12, md=6)
                 for v, _ in brief.behind]) if brief.level else [
        html.P(t("review.behind.none", lang), className="small")]
    return html.Div([
        html.H1(t("review.title", lang, scope=brief.scope_name), className="h3 mb-1"),
        html.P(_current_text(brief), className="text-muted mb-1",
               id="review-period"),
        html.P(t("review.help", lang), className="small text-muted d-print-none"),
        controls,
        html.Section([html.H2(t("review.key_figures", lang), className="h5"),
                      _dash_table(by_key["key-figures"], lang, titled=False)],
                     className="review-block"),
        html.Section([html.H2(t("review.charts", lang), className="h5"),
                      dbc.Row(charts, className="g-2")], className="review-charts"),
        html.Section([html.H2(t("review.behind", lang), className="h5"),
                      behind[0] if brief.level else None,
                      dbc.Row(behind[1:] if brief.level else behind, className="g-2")],
                     className="review-behind"),
        html.Section([html.H2(t("review.method", lang), className="h5"),
                      html.Ul([html.Li(line) for line in method_lines(brief)],
                              className="small")],
                     className="review-method review-block", id="review-method"),
        # The tables behind the charts: folded (and so not printed), in both files; drawn
        # when first opened (callbacks.review.bind): a third of the page's elements, whose
        # rendering kept /review's Lighthouse score under 0.9.
        html.Details([html.Summary(t("review.data", lang), id="review-data-open"),
                      html.Div(id="review-data-tables")],
                     className="review-data mt-3 d-print-none"),
    ], className="review-brief", id="review-brief")


def data_tables(brief: Brief) -> dbc.Row:
    """The tables behind the charts, as the folded section shows them once opened."""
    by_key = {tb.key: tb for tb in tables(brief)}
    return dbc.Row([dbc.Col(_dash_table(by_key[f"chart-{v}"], brief.lang), xs=12, md=6)
                    for v, _, _ in brief.charts], className="g-2")


# --- the HTML file ----------------------------------------------------------------------

_FILE_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial,
       sans-serif; margin: 1.5rem; color: #212529; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 1.2rem 0 .5rem; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
table { border-collapse: collapse; font-size: .85rem; margin-bottom: .8rem; }
th, td { border: 1px solid #ccc; padding: .2rem .45rem; text-align: left; }
td { font-variant-numeric: tabular-nums; }
.grid { display: flex; flex-wrap: wrap; gap: 1rem; }
.muted { color: #555; font-size: .9rem; }
"""


def _html_table(table: Table, lang: str, titled: bool = True) -> str:
    e = _html.escape
    title = f"<h3>{e(table.title)}</h3>" if titled else ""
    head = "".join(f"<th scope=\"col\">{e(str(c))}</th>" for c in table.frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(cell_text(v, lang))}</td>" for v in row) + "</tr>"
                   for row in table.frame.itertuples(index=False))
    return (f"<section class=\"review-block\">{title}"
            f"<table id=\"review-table-{e(table.key)}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></section>")


def html_document(brief: Brief) -> str:
    """The brief as one file: opens offline anywhere, charts interactive (plotly.js is
    embedded once, inline), in the brief's language."""
    lang, e = brief.lang, _html.escape
    by_key = {tb.key: tb for tb in tables(brief)}
    charts = []
    for i, (view, fig, _) in enumerate(brief.charts):
        charts.append(
            f"<section class=\"review-chart review-block\"><h3>{e(brief.chart_title(view))}"
            "</h3>" + brief_figure(fig).to_html(
                full_html=False, include_plotlyjs=(i == 0), div_id=f"review-chart-{view}",
                config={"displaylogo": False, "locale": lang, "locales": graph_config(lang)
                        .get("locales", {})}) + "</section>")
    behind = "".join(_html_table(by_key[f"behind-{v}"], lang) for v, _ in brief.behind)
    behind_note = brief.behind_note()
    chart_tables = "".join(_html_table(by_key[f"chart-{v}"], lang) for v, _, _ in brief.charts)
    method = "".join(f"<li>{e(line)}</li>" for line in method_lines(brief))
    title = t("review.title", lang, scope=brief.scope_name)
    print_css = PRINT_CSS.read_text(encoding="utf-8") if PRINT_CSS.exists() else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title><style>{_FILE_CSS}{print_css}</style></head>
<body><main id="review-brief" class="review-brief">
<h1>{e(title)}</h1>
<p class="muted" id="review-period">{e(_current_text(brief))} ·
{e(t('review.about.made', lang))}: {e(moment(brief.made, lang))} UTC</p>
<section class="review-block"><h2>{e(t('review.key_figures', lang))}</h2>
{_html_table(by_key['key-figures'], lang, titled=False)}</section>
<section class="review-charts"><h2>{e(t('review.charts', lang))}</h2>
<div class="grid">{''.join(charts)}</div></section>
<section class="review-behind"><h2>{e(t('review.behind', lang))}</h2>
<p class="muted">{e(behind_note)}</p><div class="grid">{behind}</div></section>
<section class="review-block"><h2>{e(t('review.method', lang))}</h2><ul>{method}</ul></section>
<section class="review-data"><h2>{e(t('review.data', lang))}</h2>
<div class="grid">{chart_tables}</div></section>
</main></body></html>
"""


# --- the workbook -----------------------------------------------------------------------

def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(brief: Brief) -> bytes:
    """A sheet per table of the brief (headers in its language), after an About sheet that
    also holds the methodology (with each rule's source)."""
    lang = brief.lang
    method = method_lines(brief)
    about = pd.DataFrame({
        t("review.col.measure", lang): [t("review.about.scope", lang),
                                        t("review.about.period", lang),
                                        t("review.about.data_until", lang),
                                        t("review.about.made", lang)]
        + [t("review.method", lang)] * len(method),
        "": [brief.scope_name, _current_text(brief),
             day(brief.data_until, lang), f"{moment(brief.made, lang)} UTC", *method]})
    taken: set[str] = set()
    # Through the one export rule (layouts/export.py): text is never a formula.
    return workbook([(_sheet_name(t("review.sheet.about", lang), taken), about)] + [
        (_sheet_name(table.title, taken), table.frame) for table in tables(brief)])
