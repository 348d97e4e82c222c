"""The staff page's forecast section: the place's forecast with its 80 % band and the
national backtest under it, the level below's capacity and recommended posts now, under
the forecast and under the shock scenario, and the scenario's form (a plain GET, so the
scenario lives in the URL). Pure: everything shown is passed in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.codes import LEGAL_CATEGORIES
from dashboard.i18n import t
from dashboard.projection import SHOCK_MAX, SHOCK_MIN, ForecastView
from layouts.figures import plain_figure
from layouts.formatting import day, number, percent
from layouts.pages import _graph
from layouts.tables import _table

BAND = "rgba(0, 114, 178, 0.18)"


def _months(values) -> list[str]:
    return [pd.Timestamp(v).date().isoformat() for v in values]


def forecast_figure(fv: ForecastView, lang: str) -> dict:
    """The place's month-end history, the forecast and its 80 % band (all types), and the
    forecast with the scenario when one is given (plain dicts: layouts.figures.plain_figure)."""
    total = fv.place[fv.place["probation_type"].isna()].set_index("month")
    months = _months(total.index)
    traces = [
        {"type": "scatter", "x": months + months[::-1],
         "y": total["upper"].tolist() + total["lower"].tolist()[::-1], "fill": "toself",
         "fillcolor": BAND, "line": {"width": 0}, "hoverinfo": "skip",
         "name": t("staff.forecast.band", lang)},
        {"type": "scatter", "x": _months(fv.history.index), "y": fv.history.tolist(),
         "mode": "lines", "line": {"color": "#222"}, "name": t("staff.forecast.history", lang)},
        {"type": "scatter", "x": months, "y": total["mean"].tolist(), "mode": "lines",
         "line": {"color": "#0072B2", "dash": "dash"}, "name": t("staff.forecast.mean", lang)},
    ]
    if "shocked" in total:
        traces.append({"type": "scatter", "x": months, "y": total["shocked"].tolist(),
                       "mode": "lines", "line": {"color": "#D55E00"},
                       "name": t("staff.forecast.shocked", lang)})
    return plain_figure(traces, 340, lang,
                        yaxis={"title": {"text": t("staff.forecast.axis", lang)}})


def _pct(value: float, lang: str) -> str:
    return percent(value / 100, lang) if value == value else "—"


def forecast_table(table: pd.DataFrame, names: Mapping, level: str, lang: str, shock: bool):
    """The level below: cases now and in 12 months, capacity and recommended posts now,
    under the forecast and (with a scenario) under it."""
    keys = ["cases", "ahead", "filled", "posts", "capacity_now", "capacity_ahead",
            *(["capacity_shock"] if shock else []), "recommended_now", "recommended_ahead",
            *(["recommended_shock"] if shock else [])]
    header = [t(f"staff.col.{'region' if level == 'nation' else 'unit'}", lang),
              *(t("staff.col.posts" if k == "posts" else f"staff.forecast.col.{k}", lang)
                for k in keys)]
    rows = []
    for r in table.itertuples(index=False):
        ahead = (f"{number(r.mean, lang)} ({number(r.lower, lang)}–{number(r.upper, lang)})"
                 if r.mean == r.mean else "—")
        row = [str(names.get(r.place, r.place)), number(r.cases, lang), ahead,
               number(r.filled, lang), number(getattr(r, "posts", float("nan")), lang),
               _pct(r.capacity_now, lang), _pct(r.capacity_ahead, lang)]
        if shock:
            row.append(_pct(r.capacity_shock, lang))
        row += [number(r.recommended_now, lang), number(r.recommended_ahead, lang)]
        if shock:
            row.append(number(r.recommended_shock, lang))
        rows.append(row)
    return _table(header, rows, lang, "staff-forecast-table", t("staff.forecast.table", lang))


def _date_value(value, lang: str) -> str:
    """The shock's day as typed in the form: DD.MM.YYYY in kk and ru, ISO in en."""
    return value.isoformat() if lang == "en" else day(value, lang)


def _example_day(fv: ForecastView):
    """The first day of the month after the forecast's start: the placeholder that shows
    how to type a day."""
    start = fv.origin or date.today()
    return (start.replace(day=1) + timedelta(days=40)).replace(day=1)


def shock_form(fv: ForecastView, lang: str, hidden: Mapping[str, str]) -> html.Form:
    """The scenario's parameters as a GET form to the same page (the place kept hidden)."""
    shock = fv.shock
    options = [html.Option(t(f"shell.category.{c}", lang), value=c,
                           selected=shock is not None and shock.category == c)
               for c in LEGAL_CATEGORIES]
    return html.Form([
        *(dcc.Input(type="hidden", name=k, value=v) for k, v in hidden.items()),
        dbc.Row([
            dbc.Col([dbc.Label(t("staff.forecast.shock.category", lang),
                               html_for="shock-category", className="small mb-0"),
                     html.Select(options, id="shock-category", name="shock_category",
                                 className="form-select form-select-sm")], md=5),
            dbc.Col([dbc.Label(t("staff.forecast.shock.pct", lang), html_for="shock-pct",
                               className="small mb-0"),
                     dbc.Input(id="shock-pct", name="shock_pct", type="number", size="sm",
                               min=SHOCK_MIN, max=SHOCK_MAX, step=1,
                               value=shock.pct if shock else -20)], md=2),
            dbc.Col([dbc.Label(t("staff.forecast.shock.date", lang), html_for="shock-date",
                               className="small mb-0"),
                     # Text, not type="date": the browser would show its own locale's
                     # order (MM/DD/YYYY); kk and ru read DD.MM.YYYY (parse_shock takes both).
                     dbc.Input(id="shock-date", name="shock_date", type="text", size="sm",
                               inputmode="numeric",
                               placeholder=_date_value(_example_day(fv), lang),
                               value=_date_value(shock.day, lang) if shock else None)], md=3),
            dbc.Col(html.Button(t("staff.forecast.shock.apply", lang), type="submit",
                                className="btn btn-sm btn-primary mt-3"), md=2),
        ], className="g-2 align-items-end"),
    ], method="get", action="/staff", id="staff-shock-form")


def _table_block(fv: ForecastView, names: Mapping, lang: str, nominal_target: float):
    """The level below's table: drawn with the page when a scenario asked for it, else
    folded and drawn when first opened (callbacks.staff.bind), as the page's planning
    detail; none within a unit."""
    if fv.level == "unit":
        return None
    title = t("staff.forecast.table", lang)
    help_ = html.P(t("staff.forecast.table_help", lang, target=number(nominal_target, lang)),
                   className="small text-muted mb-1")
    if fv.table is not None:
        return html.Div([html.H3(title, className="h6"), help_,
                         forecast_table(fv.table, names, fv.level, lang, fv.shock is not None)])
    return html.Details([html.Summary(title, id="staff-forecast-table-open"), help_,
                         html.Div(id="staff-forecast-table-body")], className="mb-2")


def forecast_section(fv: ForecastView, names: Mapping, lang: str, nominal_target: float,
                     hidden: Mapping[str, str], clear_href: str) -> html.Section:
    """The whole section; a message alone where no forecast is stored for the place."""
    title = html.H2(t("staff.forecast.title", lang), className="h5")
    if fv.place.empty:
        return html.Section([title, html.P(t("staff.forecast.none", lang),
                                           className="text-muted")],
                            id="staff-forecast", className="mt-3")
    notes = []
    if not fv.fresh:
        notes.append(html.P(t("staff.forecast.stale", lang), className="small text-warning"))
    if fv.shock_error:
        last = fv.place["month"].max().date()
        notes.append(dbc.Alert(t(fv.shock_error, lang,
                                 first=day(fv.origin + timedelta(days=1), lang),
                                 last=day(last, lang)), color="warning",
                               id="staff-shock-error", className="py-2 small"))
    elif fv.shock:
        notes.append(html.P([t("staff.forecast.shock.applied", lang,
                               pct=percent(fv.shock.pct / 100, lang, signed=True),
                               category=t(f"shell.category.{fv.shock.category}", lang),
                               date=day(fv.shock.day, lang)), " ",
                             dcc.Link(t("staff.forecast.shock.clear", lang), href=clear_href)],
                            className="small fw-semibold", id="staff-shock-applied"))
    bt = fv.backtest
    backtest = html.P(t("staff.forecast.backtest", lang,
                        mape=percent(bt["mape"] / 100, lang, 1),
                        naive=percent(bt["naive_mape"] / 100, lang, 1),
                        coverage=percent(bt["coverage"] / 100, lang)),
                      className="small text-muted", id="staff-forecast-backtest") if bt else None
    return html.Section([
        title,
        html.P(t("staff.forecast.help", lang, date=day(fv.origin, lang)),
               className="small text-muted mb-1"),
        *notes,
        _graph("staff-forecast-figure", forecast_figure(fv, lang), lang,
               t("staff.forecast.title", lang)),
        backtest,
        _table_block(fv, names, lang, nominal_target),
        html.Div([
            html.H3(t("staff.forecast.shock.title", lang), className="h6 mt-2"),
            html.P(t("staff.forecast.shock.help", lang), className="small text-muted mb-1"),
            shock_form(fv, lang, hidden),
        ], id="staff-shock"),
    ], id="staff-forecast", className="mt-3")
