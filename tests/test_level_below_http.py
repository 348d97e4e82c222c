"""The level below the place in view on every section page, through a real HTTP client
(requests) against the app served on 127.0.0.1, on tests/fixture_small.py: a region head
(Astana: units 1 Yesil and 2 Saryarka) and the ministry with ?region=KZ-71 see the units
of Astana ranked, a unit head (unit 1) and the ministry with ?unit=1 the unit's officers
(on 28 Feb 2025 officer 1 holds cases 1, 2, 4 and officer 2 case 5, both in post), and a
region head's pages name nothing of Almaty (unit 3, officer 4)."""

from __future__ import annotations

import json

import pytest
import requests

from dashboard import audit
from tests.helpers import (
    SMALL_ROLES,
    SMALL_ROLES_PASSWORD,
    callback_body,
    live,
    sign_in,
    small_app_with_roles,
)
from tests.helpers import component_with_id as _component
from tests.helpers import routed_layout as _page

PASSWORD = SMALL_ROLES_PASSWORD
USERS = SMALL_ROLES
# Where each section page ranks the level below, and how a row names its place.
RANKING = {"/": "{level}s-table", "/caseload": "caseload-grid",
           "/milestones": "milestones-{level}s", "/staff": "staff-{posts}",
           "/outcomes": "outcomes-by-place", "/review": "review-table-behind-caseload"}
UNITS = {"/": ["/unit/1?", "/unit/2?"], "/caseload": ["Yesil District", "Saryarka District"],
         "/milestones": ["/milestones/unit/1?", "/milestones/unit/2?"],
         "/staff": ["/staff/unit/1?", "/staff/unit/2?"],
         "/outcomes": ["/unit/1?", "/unit/2?"],
         "/review": ["Yesil District", "Saryarka District"]}
OFFICERS = {"/": ["/officer/1?", "/officer/2?"], "/caseload": ["S-0001", "S-0002"],
            "/milestones": ["/milestones/officer/1?", "/milestones/officer/2?"],
            "/staff": ["/staff/officer/1?", "/staff/officer/2?"],
            "/outcomes": ["/officer/1?", "/officer/2?"],
            "/review": ["S-0001", "S-0002"]}
# Officer 2 left on 1 July 2025 and case 5 closed on 1 March: their rows are those of
# early 2025 (the review takes stock on the period's last day: the quarter's, 31 March,
# when officer 2 is in post but holds no case; its staff ranking lists both).
EARLY = "period=month&to=2025-02-28"
SECTIONS = list(RANKING)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with small_app_with_roles(tmp_path_factory.mktemp("level"), "level-http",
                              small_sample_min=1) as app:
        yield app


@pytest.fixture(scope="module")
def server(app):
    with live(app) as server:
        yield server


@pytest.fixture(scope="module")
def sessions(server):
    return {name: sign_in(server.url, name, PASSWORD) for name in USERS}


def _ranking(page: dict, path: str, level: str) -> str:
    id_ = RANKING[path].format(level=level, posts="officers" if level == "officer"
                               else "posts")
    found = _component(page, id_)
    assert found is not None, f"no #{id_} on {path}"
    return json.dumps(found, ensure_ascii=False)


@pytest.mark.parametrize("path", SECTIONS)
@pytest.mark.parametrize("who, search", [("head71", ""), ("minister", "?region=KZ-71")])
def test_a_region_is_ranked_by_its_units(server, sessions, path, who, search):
    page = _page(sessions[who], server.url, path, search)
    ranking = _ranking(page, path, "unit")
    for place in UNITS[path]:
        assert place in ranking, (path, place)
    text = json.dumps(page, ensure_ascii=False)
    assert "Units of Astana" in text or "Astana" in text
    if who == "head71":  # nothing per place of another region
        assert "Almaty" not in text and "Medeu" not in text and "KZ-75" not in text
        assert "/unit/3" not in text and "S-0004" not in text


@pytest.mark.parametrize("path", SECTIONS)
@pytest.mark.parametrize("who, search", [("yesil", f"?{EARLY}"),
                                         ("minister", f"?unit=1&{EARLY}"),
                                         ("head71", f"?unit=1&{EARLY}")])
def test_a_unit_is_ranked_by_its_officers(server, sessions, path, who, search):
    if path == "/review":  # the brief's stock day is the period's end: a quarter's
        search = search.replace(EARLY, "period=quarter&to=2025-03-31")
    page = _page(sessions[who], server.url, path, search)
    ranking = _ranking(page, path, "officer")
    officers = OFFICERS[path] if path != "/review" else ["S-0001"]
    for officer in officers:
        assert officer in ranking, (path, officer)
    text = json.dumps(page, ensure_ascii=False)
    assert "Yesil District" in text
    assert "S-0003" not in text and "S-0004" not in text  # officers of other units


@pytest.mark.parametrize("path", SECTIONS)
def test_a_unit_of_another_region_is_not_permitted(server, sessions, path):
    text = json.dumps(_page(sessions["head71"], server.url, path, "?unit=3"),
                      ensure_ascii=False)
    assert "message-not-permitted" in text
    assert "Medeu" not in text and "S-0004" not in text


def _clicked(http, base: str, output: str, clicks: dict, search: str):
    """A click's callback: `clicks` (button id -> n_clicks, the first the one clicked) with
    the URL's query as state, for the component property `output`."""
    ident, prop = output.rsplit(".", 1)
    body = {"output": output, "outputs": {"id": ident, "property": prop},
            "inputs": [{"id": k, "property": "n_clicks", "value": v} for k, v in clicks.items()],
            "state": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": [f"{next(iter(clicks))}.n_clicks"]}
    return http.post(base + "/_dash-update-component", json=body, timeout=30)


def _caseload_export(http, base: str, search: str):
    return _clicked(http, base, "caseload-download.data",
                    {"caseload-export-csv": 1, "caseload-export-xlsx": None}, search)


def test_the_caseload_export_of_a_region_head_lists_the_units(server, sessions):
    response = _caseload_export(sessions["head71"], server.url, "")
    assert response.status_code == 200
    lines = response.json()["response"]["caseload-download"]["data"]["content"]
    lines = lines.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Unit,")
    assert [line.split(",")[0] for line in lines[1:]] == ["Saryarka District", "Yesil District"]


def test_a_forged_unit_in_the_caseload_export_gets_nothing(server, sessions):
    response = _caseload_export(sessions["head71"], server.url, "?unit=3")
    assert '"content"' not in response.text and "Medeu" not in response.text


def _opened(http, base: str, body: str, summary: str, search: str, clicks: int = 1):
    """A folded section's summary clicked (`clicks`: its count): the body drawn for it."""
    return _clicked(http, base, f"{body}.children", {summary: clicks}, search)


FOLDED = {"review": ("review-data-tables", "review-data-open", "review-table-chart-caseload",
                     "?period=year&to=2025-12-31"),
          "staff forecast": ("staff-forecast-table-body", "staff-forecast-table-open",
                             "staff-forecast-table", "")}
"""The folded sections drawn when first opened whose rows are places: (body, summary, a
table in the body, the URL's query)."""


@pytest.mark.parametrize("section", FOLDED)
def test_a_folded_section_opened_by_a_region_head_holds_its_units(server, sessions, section):
    body, summary, table_id, search = FOLDED[section]
    response = _opened(sessions["head71"], server.url, body, summary, search)
    assert response.status_code == 200
    tables = response.json()["response"][body]["children"]
    text = json.dumps(tables, ensure_ascii=False)
    assert _component(tables, table_id) is not None
    assert "Yesil District" in text and "Saryarka District" in text
    assert "Almaty" not in text and "Medeu" not in text
    # Opened again: the tables drawn the first time stay.
    again = _opened(sessions["head71"], server.url, body, summary, search, 2)
    assert body not in again.json().get("response", {})


@pytest.mark.parametrize("section", FOLDED)
def test_a_folded_section_of_a_forged_unit_is_not_permitted(server, sessions, section):
    body, summary, _, _ = FOLDED[section]
    text = _opened(sessions["head71"], server.url, body, summary, "?unit=3").text
    assert "message-not-permitted" in text and "Medeu" not in text


def test_the_staff_weights_open_once_and_a_forged_query_changes_nothing(server, sessions):
    def opened(search: str, clicks: int = 1):
        return _opened(sessions["head71"], server.url, "staff-weights-body",
                       "staff-weights-open", search, clicks)

    response = opened("?period=year&to=2025-12-31")
    assert response.status_code == 200
    table = response.json()["response"]["staff-weights-body"]["children"]
    assert _component(table, "staff-weights") is not None
    # A query that names another region's unit or no day: the same national weights.
    forged = opened("?unit=3&to=not-a-day")
    assert forged.status_code == 200 and "Traceback" not in forged.text
    assert forged.json()["response"]["staff-weights-body"]["children"] == table
    assert "staff-weights-body" not in opened("", 2).json().get("response", {})


def test_the_filter_bar_of_a_region_head_is_fixed_to_the_region(server, sessions):
    http = sessions["head71"]
    deps = http.get(server.url + "/_dash-dependencies", timeout=10).json()
    (shown,) = [d for d in deps if "filter-place.children" in d["output"]]
    body = callback_body(shown, lambda d: "" if d["property"] == "search" else "/caseload")
    response = http.post(server.url + "/_dash-update-component", json=body, timeout=30)
    assert response.status_code == 200
    values = response.json()["response"]
    assert values["filter-region"]["value"] == "KZ-71"
    layout = requests.get(server.url + "/_dash-layout", cookies=http.cookies, timeout=10)
    select = _component(layout.json(), "filter-region")
    assert select["props"]["disabled"] is True
    assert [o["value"] for o in select["props"]["options"]] == ["KZ-71"]


@pytest.mark.parametrize("who, search", [("head71", ""), ("minister", "?region=KZ-71")])
def test_a_regions_overview_maps_its_units(server, sessions, who, search):
    page = _page(sessions[who], server.url, "/", search)
    graph = _component(page, "overview-map")
    assert graph is not None and _component(page, "overview-bars") is None
    figure = graph["props"]["figure"]
    (markers,) = [t for t in figure["data"] if t.get("mode") == "markers"]
    assert sorted(markers["customdata"]) == [1, 2]  # Yesil and Saryarka, each placed
    assert any("Yesil District" in text for text in markers["text"])
    colour_bar = markers["marker"]["colorbar"]["title"]["text"]
    assert colour_bar == "On the register<br>(cases)"
    assert _component(page, "unit-map-unplaced") is None
    if who == "head71":  # the neighbours' outlines carry no name or figure
        assert "Medeu" not in json.dumps(figure, ensure_ascii=False)


def test_a_units_overview_keeps_its_officers_bars(server, sessions):
    page = _page(sessions["yesil"], server.url, "/", f"?{EARLY}")
    assert _component(page, "overview-bars") is not None
    assert _component(page, "overview-map") is None


def _map_click(http, base: str, customdata, search: str = ""):
    """The server's half of a click on the overview map (callbacks/register.py
    map_drill), as assets/map.js hands it over: the clicked region's code or unit's id."""
    deps = http.get(base + "/_dash-dependencies", timeout=10).json()
    (drill,) = [d for d in deps if {"id": "overview-map-click", "property": "data"}
                in d["inputs"]]
    click = {"points": [{"curveNumber": 2, "customdata": customdata}]}
    body = callback_body(drill, lambda d: click if d["property"] == "data" else search)
    return http.post(base + "/_dash-update-component", json=body, timeout=30)


def test_a_click_on_a_unit_opens_its_page_with_the_filters(server, sessions):
    response = _map_click(sessions["head71"], server.url, 2,
                          "?period=month&to=2025-02-28&metric=overdue")
    assert response.status_code == 200
    href = response.json()["response"]["url"]["href"]
    assert href.startswith("/unit/2?")
    assert "to=2025-02-28" in href and "metric=overdue" in href and "region" not in href


@pytest.mark.parametrize("customdata", [3, 999, 0, -1, 1.5, True, [1], "1", None])
def test_a_forged_unit_click_leads_nowhere(app, server, sessions, customdata):
    engine = app.server.config["ENGINE"]
    before = len(audit.entries(engine, event="refused"))
    response = _map_click(sessions["head71"], server.url, customdata)
    assert response.status_code == 204 or "href" not in response.text, response.text[:300]
    refused = audit.entries(engine, event="refused")[before:]
    if customdata == 3:  # a unit of Almaty: outside Astana's head's scope, recorded
        assert [(e.username, e.target) for e in refused] == [("head71", "unit:3")]
    else:
        assert refused == []


def test_a_click_on_a_region_still_opens_the_region(server, sessions):
    response = _map_click(sessions["minister"], server.url, "KZ-75", "?type=sentence")
    assert response.json()["response"]["url"]["href"] == "/region/KZ-75?type=sentence"


@pytest.mark.parametrize("who, search", [("head71", ""), ("minister", "?region=KZ-71"),
                                         ("yesil", "")])
def test_the_outliers_section_arrives_with_the_page(server, sessions, who, search):
    """The outcomes page carries its outliers section (a callback of its own once the page
    was drawn froze the browser): the place's benchmark and both tables, here nobody far
    above it, in the user's scope."""
    page = _page(sessions[who], server.url, "/outcomes", search)
    text = json.dumps(_component(page, "outcomes-outliers"), ensure_ascii=False)
    assert "Nobody is far above the national rate." in text
    assert "outcomes-history-legend" in text


def test_the_outliers_of_a_unit_outside_the_scope_are_refused(app, server, sessions):
    """A region head asking the outliers of another region's unit gets "not permitted",
    and the refusal is in the audit log."""
    engine = app.server.config["ENGINE"]
    before = len(audit.entries(engine, event="refused"))
    text = json.dumps(_page(sessions["head71"], server.url, "/outcomes", "?unit=3"),
                      ensure_ascii=False)
    assert "Medeu" not in text and "Nobody is far above" not in text
    refused = audit.entries(engine, event="refused")[before:]
    assert [(e.username, e.target) for e in refused] == [("head71", "unit:3")]


@pytest.mark.parametrize("path, note_id", [("/", "officers-table-most"),
                                           ("/milestones", "milestones-officers-most"),
                                           ("/outcomes", "outcomes-by-place-most")])
def test_a_long_ranking_shows_its_first_rows_and_says_how_many(app, server, sessions,
                                                                monkeypatch, path, note_id):
    """A ranking of more places than MOST_ROWS (a scale-10 unit's 3,000 officers) draws
    MOST_ROWS of them and a line with how many there are: here one of the unit's two."""
    from dashboard import cache
    from layouts import milestones, outcomes, tables

    for module in (tables, milestones, outcomes):
        monkeypatch.setattr(module, "MOST_ROWS", 1)
    with app.server.app_context():
        cache.clear()  # pages drawn before the limit changed
    page = _page(sessions["minister"], server.url, path, f"?unit=1&{EARLY}")
    ranking = _ranking(page, path, "officer")
    assert sum(link in ranking for link in OFFICERS[path]) == 1
    note = _component(page, note_id)
    assert note is not None and "2" in json.dumps(note, ensure_ascii=False)
    with app.server.app_context():
        cache.clear()
