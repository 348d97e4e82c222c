"""Page views called as plain functions with a hand-built Context, on the fixture."""

import pytest
from dash import html

from callbacks import views
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.scope import Scope
from tests.helpers import text_of

ASTANA_HEAD = Scope("region_head", region_code="KZ-71", username="head71")


@pytest.fixture
def make_ctx(small_versioned):
    engine = small_versioned

    def make(scope=ASTANA_HEAD, lang="en"):
        return Context(engine=engine, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://", small_sample_min=3))
    return make


@pytest.fixture
def refusals():
    seen = []
    return seen, lambda what, target: seen.append((what, target))


def test_overview_of_a_region_head_lists_the_units_of_the_region(make_ctx):
    text = text_of(views.overview(make_ctx(), ""))
    assert "Units of Astana" in text and "/unit/1" in text and "/unit/2" in text
    assert "/unit/3" not in text and "Almaty" not in text and "KZ-75" not in text
    # The map of the region's units, not of the regions coloured by one value.
    assert "overview-map" in text and "overview-bars" not in text
    assert "Period: Jan 1, 2025 – Dec 31, 2025; as of Dec 31, 2025" in text


def test_a_region_outside_the_scope_is_refused_and_logged(make_ctx, refusals):
    seen, refuse = refusals
    text = text_of(views.region(make_ctx(), "KZ-75", "", refuse))
    assert "Not permitted" in text and "Almaty" not in text
    assert seen == [("region", "KZ-75")]


@pytest.mark.parametrize("view,raw", [(views.unit, "999"), (views.unit, "abc"),
                                      (views.officer, "-1"), (views.case, "1e9"),
                                      (views.region, "KZ-00")])
def test_unknown_or_malformed_ids_get_a_friendly_page(make_ctx, refusals, view, raw):
    seen, refuse = refusals
    assert "There is no such page or record." in text_of(view(make_ctx(), raw, "", refuse))
    assert seen == []


def test_drill_pages_link_one_level_down_with_breadcrumbs(make_ctx, refusals):
    _, refuse = refusals
    region = text_of(views.region(make_ctx(), "KZ-71", "?type=sentence", refuse))
    assert "/unit/1?period=year&to=2025-12-31&type=sentence" in region
    unit = text_of(views.unit(make_ctx(), "1", "", refuse))
    assert "/officer/1?" in unit and "/region/KZ-71?" in unit
    officer = text_of(views.officer(make_ctx(), "1", "", refuse))
    assert "/case/1?" in officer and "/case/4?" in officer and "/case/3?" not in officer
    case = text_of(views.case(make_ctx(), "1", "", refuse))
    assert "P-0000001" in case and "/officer/1?" in case and "Assistance provided" in case


def test_a_malformed_filter_gives_defaults_and_a_notice(make_ctx):
    text = text_of(views.caseload(make_ctx(lang="ru"), "?type=jail&region=KZ-75"))
    assert "Значение «jail» фильтра «Вид пробации» не распознано" in text
    assert "Регион «KZ-75» вне вашей зоны доступа" in text


def test_csv_export_holds_the_grid_rows(make_ctx):
    out = views.caseload_export(make_ctx(scope=Scope.nation()), "", "csv")
    assert out["filename"] == "caseload_2025-12-31.csv"
    assert out["content"].lstrip("\ufeff").splitlines() == [
        "Region,Pre-trial probation,Sentence probation,Penitentiary probation,"
        "Post-penitentiary probation,Total",
        "Astana,1,3,0,0,4", "Almaty,0,2,1,0,3"]


def test_xlsx_export_is_a_workbook(make_ctx):
    out = views.caseload_export(make_ctx(), "", "xlsx")
    assert out["base64"] and out["filename"].endswith(".xlsx")


def test_filter_controls_round_trip_through_the_url(make_ctx):
    *controls, place = views.filter_controls(make_ctx(),
                                             "?period=quarter&to=2025-08-15&type=sentence")
    # A region head's bar shows their region, fixed; no unit in view.
    assert tuple(controls) == ("quarter", "2025-07-01", "2025-09-30", "2025-09-30",
                               "sentence", "all", "KZ-71") and place == ""
    assert views.query_from_controls(*controls, "?metric=overdue", fixed_region=True) == (
        "?period=quarter&to=2025-09-30&type=sentence&metric=overdue")
    nation = views.filter_controls(make_ctx(Scope.nation()), "?type=sentence")
    assert nation[6] == "all"


@pytest.mark.parametrize("path, search, region, place", [
    ("/region/KZ-75", "", "KZ-75", ""),
    ("/unit/1", "", "KZ-71", "Unit: Yesil District"),
    ("/milestones/unit/3", "?region=KZ-71", "KZ-75", "Unit: Medeu District"),

    ("/", "?region=KZ-75", "KZ-75", ""),
])
def test_the_filter_bar_shows_the_place_of_the_page(make_ctx, path, search, region, place):
    controls = views.filter_controls(make_ctx(Scope.nation()), search, path)
    assert controls[6:] == (region, place)


def test_a_unit_picked_is_named_with_a_way_up_to_its_region(make_ctx):
    controls = views.filter_controls(make_ctx(Scope.nation()), "?unit=2&type=sentence",
                                     "/caseload")
    assert controls[6] == "KZ-71"
    text = text_of(html.Div(controls[7]))
    assert "Unit: Saryarka District" in text and "The whole region: Astana" in text
    assert "/caseload?period=year&to=2025-12-31&type=sentence&region=KZ-71" in text
    assert "unit=" not in text


def test_a_unit_head_bar_shows_the_unit_and_its_region(make_ctx):
    controls = views.filter_controls(make_ctx(Scope("unit_head", unit_id=3)), "", "/")
    assert controls[6:] == ("KZ-75", "Unit: Medeu District")


@pytest.mark.parametrize("path, region, page_region, expected", [
    ("/region/KZ-71", "KZ-75", "KZ-71", "/region/KZ-75?type=jail"),
    ("/region/KZ-71", "all", "KZ-71", "/?type=jail"),
    ("/region/KZ-71", "KZ-71", "KZ-71", "/region/KZ-71?type=jail"),
    ("/unit/1", "KZ-75", "KZ-71", "/region/KZ-75?type=jail"),
    ("/caseload", "KZ-75", None, "/caseload?type=jail"),
])
def test_apply_on_a_place_page_leads_to_the_place_picked(path, region, page_region, expected):
    assert views.href_from_controls(path, region, page_region, "?type=jail") == expected


def test_a_region_head_apply_keeps_the_url_region_and_unit():
    controls = ("year", "", "2025-12-31", "2025-12-31", "all", "all", "KZ-71")
    assert views.query_from_controls(*controls, "?unit=1", fixed_region=True) == (
        "?period=year&to=2025-12-31&unit=1")


def test_a_unit_click_outside_the_scope_is_refused_and_logged(make_ctx, refusals):
    seen, refuse = refusals
    click = {"points": [{"customdata": 3}]}
    assert views.map_href(make_ctx(), click, "", refuse) is None
    assert seen == [("unit", "3")]
    href = views.map_href(make_ctx(), {"points": [{"customdata": 1}]}, "?type=sentence", refuse)
    assert href.startswith("/unit/1?") and "type=sentence" in href  # as the table links


def test_map_click_and_metric_change_the_url():
    click = {"points": [{"curveNumber": 3, "customdata": "KZ-75"}]}  # as assets/map.js sends
    assert views.region_href(click, "?type=sentence") == "/region/KZ-75?type=sentence"
    assert views.region_href({"points": [{"customdata": "//evil"}]}, "") is None
    assert views.region_href({"points": [{"customdata": ["KZ-75"]}]}, "") is None
    assert views.region_href({"points": [{"curveNumber": 3}]}, "") is None
    assert views.with_metric("?type=sentence", "overdue") == "?type=sentence&metric=overdue"
    assert views.with_metric("", "on_register") is None


def test_opening_a_case_is_recorded(make_ctx, refusals):
    _, refuse = refusals
    opened = []
    views.case(make_ctx(), "2", "", refuse, opened.append)
    views.case(make_ctx(), "9", "", refuse, opened.append)  # Almaty: refused, not opened
    assert opened == [2]
