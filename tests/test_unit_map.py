"""A region's overview map of its units (layouts/figures.py unit_map, layouts/pages.py):
one marker per unit at its town or district centre, coloured by the values the map is
given (callbacks/views.py map_values), on the region's outline; every unit the demo
generator can make has a position (layouts/data/unit-positions.csv) within its region."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest

from callbacks import views
from dashboard.filters import Filters
from layouts import figures, pages, positions
from queries import kpis, places
from service import demo
from tests.helpers import array_of

ASTANA_UNITS = pd.DataFrame({
    "key": [11, 12, 13], "name": ["Есіл ауданы", "Сарыарқа ауданы", "Жоқ ауданы"],
    "on_register": [120, 45, 7], "registered": [10, 4, 1], "closed": [8, 3, 0],
    "completed": [6, 2, 0], "overdue": [2, 0, 1], "filled_posts": [6, 0, 1],
    "repeat_offences": [1, 0, 0]})


def _markers(fig):
    (trace,) = [t for t in fig.data if t.mode == "markers"]
    return trace


def _where(table, region="KZ-71"):
    return [positions.position(region, name) for name in table.name]


@pytest.mark.parametrize("metric", ["on_register", "caseload_per_post"])
def test_one_marker_per_placed_unit_coloured_by_the_map_values(metric):
    values = views.map_values(ASTANA_UNITS, metric)
    where = _where(ASTANA_UNITS)
    assert where[2] is None  # an unknown unit: left off the map
    fig = go.Figure(figures.unit_map(ASTANA_UNITS, values, "kk",
                                     "Есепте тұрғандар (істер саны)", "KZ-71", where))
    markers = _markers(fig)
    assert sorted(markers.customdata) == [11, 12]
    by_unit = dict(zip(markers.customdata, markers.marker.color, strict=True))
    assert by_unit == {11: pytest.approx(values[0]), 12: pytest.approx(values[1])}
    assert markers.marker.showscale
    assert markers.marker.colorbar.title.text == "Есепте тұрғандар (істер саны)"
    assert markers.marker.colorbar.orientation == "h"  # below the map
    assert any("Есіл ауданы" in text for text in markers.text)
    # A marker stands at its unit's projected position.
    lon, lat = where[0]
    i = list(markers.customdata).index(11)
    assert markers.x[i] == pytest.approx(lon)
    assert markers.y[i] == pytest.approx(figures._projected(lon, lat)[1])


def test_the_regions_outline_fills_the_map_and_the_neighbours_are_grey_without_data():
    fig = go.Figure(figures.unit_map(ASTANA_UNITS,
                                     views.map_values(ASTANA_UNITS, "on_register"), "en",
                                     "On the register (cases)", "KZ-71", _where(ASTANA_UNITS)))
    own_x, own_y = figures.region_outlines()["KZ-71"]
    outlines = [t for t in fig.data if t.mode == "lines"]
    assert len(outlines) == 2
    grey, own = outlines
    assert grey.fillcolor == figures.OUT_OF_SCOPE_COLOUR and grey.hoverinfo == "skip"
    assert grey.text is None and grey.customdata is None
    assert np.array_equal(array_of(own.x).astype(np.float32), own_x, equal_nan=True)
    x_low, x_high = fig.layout.xaxis.range
    y_low, y_high = fig.layout.yaxis.range
    width, height = np.nanmax(own_x) - np.nanmin(own_x), np.nanmax(own_y) - np.nanmin(own_y)
    assert x_low < np.nanmin(own_x) and x_high > np.nanmax(own_x)
    assert y_low < np.nanmin(own_y) and y_high > np.nanmax(own_y)
    assert max((x_high - x_low) / width, (y_high - y_low) / height) < 1.2  # zoomed to it


def test_the_overview_of_a_region_has_the_map_and_names_the_units_it_cannot_place():
    view = places.InView("region", places.Place(region_code="KZ-71", region_name="Астана"))
    v = pages.View(lang="kk", filters=Filters.from_query("", date(2025, 2, 28)), small_min=1)
    headline = kpis.headline_of(ASTANA_UNITS.reindex(
        columns=list(dict.fromkeys([*ASTANA_UNITS.columns, *kpis.COLUMNS])), fill_value=0))
    page = pages.overview(v, view, headline, ASTANA_UNITS, None,
                          views.map_values(ASTANA_UNITS, "on_register"), lambda k: f"/unit/{k}")
    text = json.dumps(page, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert '"overview-map"' in text and '"overview-bars"' not in text
    assert '"overview-map-click"' in text
    unplaced = text[text.index('"unit-map-unplaced"') - 300:text.index('"unit-map-unplaced"')]
    assert "Жоқ ауданы" in unplaced and "Есіл" not in unplaced


def _demo_units(scale: float) -> pd.DataFrame:
    return demo._Generator(scale, 42, date(2026, 11, 24)).units()


@pytest.mark.parametrize("scale", [0.05, 1.0])
def test_every_unit_of_the_demo_has_a_position_within_its_region(scale):
    units = _demo_units(scale)
    boxes = _boxes()
    for unit in units.itertuples():
        for name in (unit.name_kk, unit.name_ru, unit.name_en):
            where = positions.position(unit.region_code, name)
            assert where is not None, (unit.region_code, name)
            lon, lat = where
            low_lon, low_lat, high_lon, high_lat = boxes[unit.region_code]
            assert low_lon - 0.1 <= lon <= high_lon + 0.1, (unit.name_en, lon)
            assert low_lat - 0.1 <= lat <= high_lat + 0.1, (unit.name_en, lat)


def test_every_place_the_generator_can_make_a_unit_of_has_a_position():
    for unit in demo.read_districts().itertuples():
        assert positions.position(unit.region_code, unit.name_en) is not None, unit.name_en


def _boxes():
    data = json.loads(figures.GEOJSON_PATH.read_text(encoding="utf-8"))
    boxes = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        points = [p for polygon in polygons for ring in polygon for p in ring]
        boxes[feature["id"]] = (min(p[0] for p in points), min(p[1] for p in points),
                                max(p[0] for p in points), max(p[1] for p in points))
    return boxes
