"""The few figure builders every page reuses, so colours, labels, locale and layout are the
same everywhere. Inputs are frames from queries/, labels come from the catalogs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.codes import PROBATION_TYPES
from dashboard.i18n import t

GEOJSON_URL = "/assets/geo/kz-regions.geojson"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
TYPE_COLOURS = dict(zip(PROBATION_TYPES, ("#E69F00", "#0072B2", "#CC79A7", "#009E73"),
                        strict=True))
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
# The widenings of the register the trend marks (domain.md).
WIDENINGS = ((date(2015, 1, 1), "caseload.widening_2015"),
             (date(2017, 1, 1), "caseload.widening_2017"))


def _base(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      font={"family": FONT, "size": 13}, plot_bgcolor="white",
                      paper_bgcolor="white",
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


# Page figures are built as plain dicts and wrapped unvalidated: plotly's validation, its
# update_* paths and its template merge cost more than the queries of a page (tens of ms
# a figure). `lean` lays them out as `_base` does; tests/test_lean_figures.py pins each
# builder to what plotly's validated API builds from the same input.

def template() -> dict:
    """The default template as plotly would attach it, computed once per template name."""
    name = pio.templates.default
    if name not in _TEMPLATES:
        _TEMPLATES[name] = go.Figure().to_plotly_json()["layout"]["template"]
    return _TEMPLATES[name]


_TEMPLATES: dict[str, dict] = {}


def lean(traces: list[dict], height: int, **layout) -> go.Figure:
    """A figure laid out as `_base` lays it out (every y axis gets the grid and starts at
    zero), from trace and layout dicts that must already be valid plotly."""
    for name in {"yaxis", *(k for k in layout if k.startswith("yaxis"))}:
        layout[name] = {**layout.get(name, {}), "gridcolor": "#e5e5e5", "rangemode": "tozero"}
    layout.update(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                  font={"family": FONT, "size": 13}, plot_bgcolor="white",
                  paper_bgcolor="white",
                  legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                  template=template())
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def iso_datetimes(values) -> list[str]:
    """Dates as plotly's validation writes them (it would turn them into these strings)."""
    return pd.to_datetime(pd.Series(values)).dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()


def stacked_by_type(frame: pd.DataFrame, x: str, lang: str) -> go.Figure:
    """Stacked bars of `cases` per `x` label, one colour per probation type."""
    order = list(dict.fromkeys(frame[x]))
    traces = []
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        traces.append({"type": "bar", "x": part[x].tolist(), "y": part["cases"].to_numpy(),
                       "name": t(f"shell.type.{probation_type}", lang),
                       "marker": {"color": TYPE_COLOURS[probation_type]}})
    return lean(traces, 420, barmode="stack",
                xaxis={"categoryorder": "array", "categoryarray": order, "tickangle": -40},
                yaxis={"title": {"text": t("caseload.axis.cases", lang)},
                       "separatethousands": True})


def category_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    labels = [t(f"shell.category.{c}", lang) for c in frame.legal_category]
    bar = {"type": "bar", "x": frame["cases"].to_numpy(), "y": labels, "orientation": "h",
           "marker": {"color": "#0072B2"}}
    return lean([bar], 320, yaxis={"autorange": "reversed"},
                xaxis={"title": {"text": t("caseload.axis.cases", lang)},
                       "gridcolor": "#e5e5e5"})


def trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Cases on the register at each month end, one line per probation type, with the
    2015 and 2017 widenings of the register marked."""
    traces = []
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        traces.append({"type": "scatter", "x": iso_datetimes(part.month_end),
                       "y": part["cases"].to_numpy(), "mode": "lines", "stackgroup": "one",
                       "name": t(f"shell.type.{probation_type}", lang),
                       "line": {"color": TYPE_COLOURS[probation_type], "width": 1}})
    shapes, annotations = [], []
    for row, (when, key) in enumerate(WIDENINGS):
        x = pd.Timestamp(when).timestamp() * 1000
        shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                       "yref": "y domain", "line": {"color": "#444", "dash": "dot", "width": 1}})
        # One line each, so the two labels do not overlap.
        annotations.append({"x": x, "y": 1 - 0.09 * row, "yref": "paper", "text": t(key, lang),
                            "showarrow": False, "xanchor": "left", "yanchor": "top",
                            "align": "left", "font": {"size": 11},
                            "bgcolor": "rgba(255,255,255,0.85)"})
    return lean(traces, 400, shapes=shapes, annotations=annotations,
                yaxis={"title": {"text": t("caseload.axis.cases", lang)}})


def region_map(table: pd.DataFrame, values: pd.Series, lang: str, label: str,
               all_regions: pd.DataFrame | None = None) -> go.Figure:
    """The 20 regions coloured by `values` (indexed like `table`, keyed by ISO code) on a
    blank background: the geometry comes from the app, no tiles, no glyphs."""
    fig = go.Figure()
    if all_regions is not None:
        # Regions outside the scope are drawn grey so the country keeps its shape; they
        # carry no name and no hover (nothing about them reaches the browser but a code).
        others = all_regions[~all_regions.code.isin(table.key)]
        if len(others):
            fig.add_trace(go.Choroplethmap(
                geojson=GEOJSON_URL, locations=others.code, z=[0] * len(others),
                colorscale=[[0, "#eeeeee"], [1, "#eeeeee"]], showscale=False,
                hoverinfo="skip", marker_line_color="#999", marker_line_width=0.5))
    fig.add_trace(go.Choroplethmap(
        geojson=GEOJSON_URL, locations=table.key, z=values, text=table.name,
        customdata=table.key, colorscale="Blues", marker_line_color="#555",
        marker_line_width=0.6, colorbar={"title": {"text": label}, "thickness": 12},
        hovertemplate="%{text}<br>%{z:,.1f}<extra></extra>" if values.dtype.kind == "f"
        else "%{text}<br>%{z:,}<extra></extra>"))
    # Kazakhstan spans ~41 degrees of longitude: at zoom 2.75 that is ~460 px, which fits
    # the half-width column of a 1440 px screen beside the colour bar.
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 48.0, "lon": 66.9},
                           "zoom": 2.75},
                      height=400, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      font={"family": FONT, "size": 13}, paper_bgcolor="white")
    return fig
