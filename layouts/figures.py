"""The few figure builders every page reuses, so colours, labels, locale and layout are the
same everywhere. Inputs are frames from queries/, labels come from the catalogs."""

from __future__ import annotations

import json
import math
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec
from plotly.colors import sample_colorscale

from dashboard.codes import PROBATION_TYPES
from dashboard.i18n import t
from layouts.formatting import number, plotly_separators

GEOJSON_PATH = Path(__file__).resolve().parent.parent / "assets" / "geo" / "kz-regions.geojson"
MAP_COLOURSCALE = "Blues"
# A unit's marker on a white region: the palest blues would vanish, so start darker.
UNIT_COLOURSCALE = [[0.0, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]
OUT_OF_SCOPE_COLOUR = "#eeeeee"
MAP_CENTRE = (66.9, 54.86)  # lon 66.9, lat 48.0 projected: where the colour bar marker sits
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
TYPE_COLOURS = dict(zip(PROBATION_TYPES, ("#E69F00", "#0072B2", "#CC79A7", "#009E73"),
                        strict=True))
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
# The widenings of the register the trend marks (domain.md).
WIDENINGS = ((date(2015, 1, 1), "caseload.widening_2015"),
             (date(2017, 1, 1), "caseload.widening_2017"))


GRID_COLOUR = "#e5e5e5"


# Every numeric axis writes whole numbers out ("5 000", not "5k") with the language's group
# separator; plotly picks round tick steps (1, 2 or 5 times a power of ten) itself.
PLAIN_NUMBERS = {"exponentformat": "none", "separatethousands": True}


def common_layout(height: int, lang: str | None = None, **layout) -> dict:
    """The common layout: every axis writes numbers out in full (no SI suffixes), every y
    axis gets the grid and starts at zero, the legend sits on top, the font is the page's;
    with `lang`, the decimal and group separators are its CLDR ones."""
    for name in {"xaxis", *(k for k in layout if k.startswith("xaxis"))}:
        layout[name] = {**PLAIN_NUMBERS, **layout.get(name, {})}
    for name in {"yaxis", *(k for k in layout if k.startswith("yaxis"))}:
        layout[name] = {**PLAIN_NUMBERS, **layout.get(name, {}), "gridcolor": GRID_COLOUR,
                        "rangemode": "tozero"}
    if lang is not None:
        layout.setdefault("separators", plotly_separators(lang))
    return {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "font": {"family": FONT, "size": 13}, "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}, **layout}


def figure(traces: list, height: int, lang: str | None = None, **layout) -> go.Figure:
    """A figure of plotly's trace objects in the common layout."""
    return go.Figure(traces, common_layout(height, lang, **layout))


PLAIN_TRACES = ("bar", "box", "scatter")
"""The trace types the plain figures draw (their defaults are kept from the template)."""


@lru_cache(maxsize=1)
def _template() -> dict:
    """The template plotly's Figure puts in every figure (automargin, colours, grid), with
    the defaults of PLAIN_TRACES only: the other thirty-odd types' would be most of the
    bytes of every plain figure."""
    template = pio.templates[pio.templates.default].to_plotly_json()
    return {"layout": template["layout"],
            "data": {k: v for k, v in template["data"].items() if k in PLAIN_TRACES}}


def plain_figure(traces: list[dict], height: int, lang: str | None = None, **layout) -> dict:
    """The same figure as plain dicts (each trace with its "type", plotly's template
    included), which dcc.Graph draws as it is: plotly's classes would check every property
    first. The staff page draws its figures so, to keep under its 150 ms floor in `make
    bench`."""
    return {"data": traces,
            "layout": {"template": _template(), **common_layout(height, lang, **layout)}}


def _rows_by_type(frame: pd.DataFrame):
    """(probation type, boolean mask of its rows) for each type the frame has, in
    PROBATION_TYPES order: one numpy mask per type, not a pandas filter each."""
    types = frame["probation_type"].to_numpy()
    for probation_type in PROBATION_TYPES:
        rows = types == probation_type
        if rows.any():
            yield probation_type, rows


def stacked_by_type(frame: pd.DataFrame, x: str, lang: str) -> dict:
    """Stacked bars of `cases` per `x` label, one colour per probation type."""
    labels, cases = frame[x].to_numpy(), frame["cases"].to_numpy()
    order = list(dict.fromkeys(labels.tolist()))
    traces = [{"type": "bar", "x": labels[rows].tolist(), "y": cases[rows].tolist(),
               "name": t(f"shell.type.{probation_type}", lang),
               "marker": {"color": TYPE_COLOURS[probation_type]}}
              for probation_type, rows in _rows_by_type(frame)]
    return plain_figure(traces, 420, lang, barmode="stack",
                        xaxis={"categoryorder": "array", "categoryarray": order,
                               "tickangle": -40},
                        yaxis={"title": {"text": t("caseload.axis.cases", lang)},
                               "separatethousands": True})


def category_bars(frame: pd.DataFrame, lang: str) -> dict:
    labels = [wrap_label(t(f"shell.category.{c}", lang)) for c in frame.legal_category]
    bar = {"type": "bar", "x": frame["cases"].tolist(), "y": labels, "orientation": "h",
           "marker": {"color": "#0072B2"}}
    return plain_figure([bar], 320, lang, yaxis={"autorange": "reversed"},
                        xaxis={"title": {"text": t("caseload.axis.cases", lang)},
                               "gridcolor": GRID_COLOUR})


def trend(frame: pd.DataFrame, lang: str) -> dict:
    """Cases on the register at each month end, one line per probation type, with the
    2015 and 2017 widenings of the register marked."""
    month_ends = pd.to_datetime(frame["month_end"]).dt.strftime("%Y-%m-%d").to_numpy()
    cases = frame["cases"].to_numpy()
    traces = [{"type": "scatter", "x": month_ends[rows].tolist(), "y": cases[rows].tolist(),
               "mode": "lines", "stackgroup": "one",
               "name": t(f"shell.type.{probation_type}", lang),
               "line": {"color": TYPE_COLOURS[probation_type], "width": 1}}
              for probation_type, rows in _rows_by_type(frame)]
    shapes, annotations = [], []
    for when, key in WIDENINGS:
        x = pd.Timestamp(when).timestamp() * 1000
        shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                       "yref": "y domain", "line": {"color": "#444", "dash": "dot", "width": 1}})
        # Only the year on the chart (a sentence there ran over the other one and off a
        # phone's chart); the sentence is its hover text and the caption under the chart
        # (widening_notes).
        annotations.append({"x": x, "y": 1, "yref": "paper", "text": str(when.year),
                            "hovertext": t(key, lang), "showarrow": False,
                            "xanchor": "left", "yanchor": "top", "font": {"size": 11},
                            "bgcolor": "rgba(255,255,255,0.85)"})
    return plain_figure(traces, 400, lang, shapes=shapes, annotations=annotations,
                        yaxis={"title": {"text": t("caseload.axis.cases", lang)}})


def widening_notes(lang: str) -> list[str]:
    """The sentences the trend's year marks stand for, for a caption under the chart."""
    return [t(key, lang) for _, key in WIDENINGS]


def wrap_label(text: str, width: int = 18) -> str:
    """A category label broken into lines of about `width` characters at spaces (plotly's
    <br>), so a long name beside a bar neither runs into the next nor squeezes the plot."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


MOST_BARS = 30
"""place_bars draws the largest this many: more bars than a screen holds read as none."""


def place_bars(table: pd.DataFrame, values: pd.Series, lang: str, label: str) -> dict:
    """One horizontal bar per place of `table` (its `name`), as long as its value in
    `values` (indexed like `table`), largest on top, at most MOST_BARS: the level below a
    region or unit, where a map would colour a single place."""
    numbers = values.to_numpy()
    digits = 1 if values.dtype.kind == "f" else 0
    order = sorted(range(len(numbers)),
                   key=lambda i: (-numbers[i], str(table.name.iloc[i])))[:MOST_BARS]
    names = [str(table.name.iloc[i]) for i in order]
    shown = [numbers[i].item() for i in order]
    bar = {"type": "bar", "x": shown, "y": names, "orientation": "h",
           "marker": {"color": "#0072B2"}, "text": [number(v, lang, digits) for v in shown],
           "textposition": "auto", "hovertemplate": "%{y}: %{text}<extra></extra>"}
    # Counts take whole ticks (no "0,5 cases" on a short axis).
    whole = {"tickformat": ",d", "dtick": 1} if digits == 0 and max(shown, default=0) <= 5 \
        else {}
    return plain_figure([bar], max(200, 34 * len(names) + 70), lang, showlegend=False,
                        yaxis={"autorange": "reversed", "automargin": True},
                        xaxis={"title": {"text": label}, "gridcolor": GRID_COLOUR,
                               "rangemode": "tozero", "separatethousands": True, **whole})


def region_map(table: pd.DataFrame, values: pd.Series, lang: str, label: str,
               all_regions: pd.DataFrame | None = None) -> dict:
    """The 20 regions coloured by `values` (indexed like `table`, keyed by ISO code), drawn
    as filled outlines on plain cartesian axes: no map library, no tiles, no glyphs (the
    page then needs only plotly.js's cartesian bundle). A click on a region reports its
    trace, whose `customdata` is the region's code (see assets/map.js)."""
    traces = []
    if all_regions is not None:
        # Regions outside the scope are drawn grey so the country keeps its shape: one
        # trace, no name, no text, no hover (nothing about them reaches the browser but
        # their outline).
        others = sorted(set(all_regions.code) - set(table.key))
        if others:
            traces.append({
                "type": "scatter", "x": _joined_spec(tuple(others), 0),
                "y": _joined_spec(tuple(others), 1), "mode": "lines", "fill": "toself",
                "fillcolor": OUT_OF_SCOPE_COLOUR, "line": {"color": "#999", "width": 0.5},
                "hoverinfo": "skip", "showlegend": False})
    numbers = values.to_numpy()
    low, high = (float(numbers.min()), float(numbers.max())) if len(numbers) else (0.0, 1.0)
    if low == high:  # one value: plotly.js widens such a colour range the same way
        low, high = low - 0.5, high + 0.5
    digits = 1 if values.dtype.kind == "f" else 0
    colours = sample_colorscale(MAP_COLOURSCALE, [(v - low) / (high - low) for v in numbers])
    for code, name, value, colour in sorted(zip(table.key, table.name, numbers, colours,
                                                strict=True)):
        traces.append({
            "type": "scatter", "x": _joined_spec((code,), 0), "y": _joined_spec((code,), 1),
            "mode": "lines", "fill": "toself", "fillcolor": colour,
            "line": {"color": "#555", "width": 0.6}, "hoveron": "fills", "hoverinfo": "text",
            "text": f"{name}<br>{number(value, lang, digits)}", "customdata": [code],
            "showlegend": False})
    # The colour bar: an invisible marker carrying the colour scale of the fills.
    centre_x, centre_y = MAP_CENTRE
    traces.append({
        "type": "scatter", "x": [centre_x], "y": [centre_y], "mode": "markers",
        "hoverinfo": "skip", "showlegend": False,
        "marker": {"color": [low], "cmin": low, "cmax": high, "colorscale": MAP_COLOURSCALE,
                   "showscale": True, "opacity": 0, "size": 1,
                   "colorbar": {"title": {"text": label}, "thickness": 12, **PLAIN_NUMBERS}}})
    return {"data": traces, "layout": {"template": _template(), **_map_layout(lang, 400)}}


UNIT_MARKER_SIZE = 15
UNIT_MAP_HEIGHT = 400  # pixels of map above the colour bar
UNIT_MAP_PAD = 0.06  # share of the region's extent left around its outline


def unit_map(table: pd.DataFrame, values: pd.Series, lang: str, label: str,
             region_code: str, positions: list[tuple[float, float] | None]) -> dict:
    """A region's units on its outline: the region drawn white, zoomed to fill the map,
    its neighbours grey (no data: outline only), one marker per unit of `table` at its
    `positions` entry ((lon, lat), projected as the outlines are; None: left off the map)
    coloured by `values` (indexed like `table`), with a colour bar below titled `label`
    (the measure and its unit). Hover: the unit's name and value. A click reports the
    marker's unit id: the trace's customdata, one per marker (see assets/map.js)."""
    outlines = region_outlines()
    others = sorted(code for code in outlines if code != region_code)
    own_x, own_y = outlines[region_code]
    traces = [
        {"type": "scatter", "x": _joined_spec(tuple(others), 0),
         "y": _joined_spec(tuple(others), 1), "mode": "lines", "fill": "toself",
         "fillcolor": OUT_OF_SCOPE_COLOUR, "line": {"color": "#aaa", "width": 0.5},
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "x": _joined_spec((region_code,), 0),
         "y": _joined_spec((region_code,), 1), "mode": "lines", "fill": "toself",
         "fillcolor": "#fafafa", "line": {"color": "#333", "width": 1.2},
         "hoverinfo": "skip", "showlegend": False},
    ]
    placed = [i for i, where in enumerate(positions) if where is not None]
    numbers = values.to_numpy()
    digits = 1 if values.dtype.kind == "f" else 0
    shown = [float(numbers[i]) for i in placed]
    low, high = (min(shown), max(shown)) if shown else (0.0, 1.0)
    if low == high:
        low, high = low - 0.5, high + 0.5
    xy = [_projected(*positions[i]) for i in placed]
    # Largest last, so a big value is drawn above a neighbour it overlaps.
    order = sorted(range(len(placed)), key=lambda k: shown[k])
    traces.append({
        "type": "scatter", "x": [xy[k][0] for k in order], "y": [xy[k][1] for k in order],
        "mode": "markers", "customdata": [int(table.key.iloc[placed[k]]) for k in order],
        "text": [f"{table.name.iloc[placed[k]]}<br>{number(shown[k], lang, digits)}"
                 for k in order],
        "hovertemplate": "%{text}<extra></extra>", "showlegend": False,
        "marker": {"color": [shown[k] for k in order], "cmin": low, "cmax": high,
                   "colorscale": UNIT_COLOURSCALE, "size": UNIT_MARKER_SIZE,
                   "line": {"color": "#222", "width": 1}, "showscale": True,
                   "colorbar": {"title": {"text": label, "side": "top"}, "orientation": "h",
                                "thickness": 12, "len": 0.9, "x": 0.5, "xanchor": "center",
                                "y": -0.02, "yanchor": "top", **PLAIN_NUMBERS,
                                **_whole_ticks(digits, low, high)}}})
    x_low, x_high = float(np.nanmin(own_x)), float(np.nanmax(own_x))
    y_low, y_high = float(np.nanmin(own_y)), float(np.nanmax(own_y))
    pad = UNIT_MAP_PAD * max(x_high - x_low, y_high - y_low)
    below = 60 + 18 * label.count("<br>")  # the colour bar and its title's lines
    layout = _map_layout(lang, UNIT_MAP_HEIGHT + below, below,
                         [x_low - pad, x_high + pad], [y_low - pad, y_high + pad])
    return {"data": traces, "layout": {"template": _template(), **layout}}


def _map_layout(lang: str, height: int, below: int = 0, x_range=None, y_range=None) -> dict:
    """The maps' layout: hidden axes at one scale (the outlines keep their shape), pan to
    move, the language's separators; `below`: room under the map for a colour bar."""
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return {"xaxis": {**hidden, **({"range": x_range} if x_range else {})},
            "yaxis": {**hidden, **({"range": y_range} if y_range else {}),
                      "scaleanchor": "x", "scaleratio": 1},
            "dragmode": "pan", "hovermode": "closest", "height": height,
            "separators": plotly_separators(lang),
            "margin": {"l": 0, "r": 0, "t": 0, "b": below}, "font": {"family": FONT, "size": 13},
            "paper_bgcolor": "white", "plot_bgcolor": "white"}


def _whole_ticks(digits: int, low: float, high: float) -> dict:
    """A count's colour bar: whole ticks only (no "2, 2, 3" from rounded halves)."""
    if digits:
        return {}
    return {"tickformat": ",d", **({"dtick": 1} if high - low < 6 else {})}


def _projected(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) as region_outlines draws them (Web Mercator, in degrees)."""
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


@lru_cache(maxsize=64)
def _joined_spec(codes: tuple[str, ...], axis: int) -> dict:
    """`_joined` as plotly.js's typed array (base64 float32), as plotly's Figure would
    send it: the outlines are the same on every page, so encoded once per set of regions
    (built with plotly's classes, a map was the overview's costliest part in make bench)."""
    return to_typed_array_spec(_joined(region_outlines(), codes, axis))


def _joined(outlines: dict, codes, axis: int) -> np.ndarray:
    """The outlines of `codes` as one line with gaps (each gap closes a filled ring)."""
    gap = np.array([np.nan], dtype=np.float32)
    parts = [part for code in codes for part in (gap, outlines[code][axis])][1:]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.float32)


@lru_cache(maxsize=1)
def region_outlines() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each region's rings from assets/geo/kz-regions.geojson, projected (Web Mercator,
    in degrees, as the tiled map drew them): x and y arrays (float32, 0.01 degree
    steps), rings separated by NaN."""
    data = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    outlines = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        xs: list = []
        ys: list = []
        for ring in (ring for polygon in polygons for ring in polygon):
            if xs:
                xs.append(None)
                ys.append(None)
            last = None
            for lon, lat, *_ in ring:
                x, y = _projected(lon, lat)
                point = (round(x, 2), round(y, 2))
                if point != last:
                    xs.append(point[0])
                    ys.append(point[1])
                    last = point
        outlines[feature["id"]] = (np.array(xs, dtype=np.float32),
                                   np.array(ys, dtype=np.float32))
    return outlines
