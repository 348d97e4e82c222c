"""The few figure builders every page reuses, so colours, labels, locale and layout are the
same everywhere. Inputs are frames from queries/, labels come from the catalogs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

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


def stacked_by_type(frame: pd.DataFrame, x: str, lang: str) -> go.Figure:
    """Stacked bars of `cases` per `x` label, one colour per probation type."""
    fig = go.Figure()
    order = list(dict.fromkeys(frame[x]))
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        fig.add_bar(x=part[x], y=part["cases"], name=t(f"shell.type.{probation_type}", lang),
                    marker_color=TYPE_COLOURS[probation_type])
    fig.update_layout(barmode="stack", xaxis={"categoryorder": "array", "categoryarray": order,
                                              "tickangle": -40})
    fig.update_yaxes(title_text=t("caseload.axis.cases", lang), separatethousands=True)
    return _base(fig, 420)


def category_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    labels = [t(f"shell.category.{c}", lang) for c in frame.legal_category]
    fig = go.Figure(go.Bar(x=frame["cases"], y=labels, orientation="h",
                           marker_color="#0072B2"))
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(title_text=t("caseload.axis.cases", lang), gridcolor="#e5e5e5")
    return _base(fig, 320)


def trend(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Cases on the register at each month end, one line per probation type, with the
    2015 and 2017 widenings of the register marked."""
    fig = go.Figure()
    for probation_type in PROBATION_TYPES:
        part = frame[frame.probation_type == probation_type]
        if part.empty:
            continue
        fig.add_scatter(x=pd.to_datetime(part.month_end), y=part["cases"], mode="lines",
                        stackgroup="one", name=t(f"shell.type.{probation_type}", lang),
                        line={"color": TYPE_COLOURS[probation_type], "width": 1})
    for row, (when, key) in enumerate(WIDENINGS):
        x = pd.Timestamp(when).timestamp() * 1000
        fig.add_vline(x=x, line={"color": "#444", "dash": "dot", "width": 1})
        # One line each, so the two labels do not overlap.
        fig.add_annotation(x=x, y=1 - 0.09 * row, yref="paper", text=t(key, lang), showarrow=False,
                           xanchor="left", yanchor="top", align="left", font={"size": 11},
                           bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(title_text=t("caseload.axis.cases", lang))
    return _base(fig, 400)


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
