"""The wider places' figures beside the KPI cards (issue 25 item 4), through a real HTTP
client against the app served on 127.0.0.1, on tests/fixture_small.py (English, 2025 as
of 31 Dec 2025; the hand counts are in tests/test_kpi_benchmark.py):

           completion  overdue share  caseload per post  repeat change
nation     2/4 = 50%   4/7 = 57.1%    7/3 = 2.3          3 vs 2 = +50%
Astana     1/3 = 33%   3/5 = 60.0%    4/2 = 2.0          1 vs 1 = 0%
Yesil      1/2 = 50%   2/4 = 50.0%    3/1 = 3.0          0 vs 1 = -100%
officer 1              2/4 = 50.0%

A region head sees Astana beside the nation, a unit head Yesil beside Astana and the
nation, the ministry the same with ?region= or ?unit=, and nothing beside the nation."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SMALL_ROLES, SMALL_ROLES_PASSWORD, live, sign_in, small_app_with_roles
from tests.helpers import component_with_id as _component
from tests.helpers import layout_text as _text
from tests.helpers import routed_layout as _page

NATION = {"closed": "(50%)", "overdue": "(57.1%)", "caseload-per-post": "(2.3)",
          "repeat": "(+50%)"}
ASTANA = {"closed": "(33%)", "overdue": "(60.0%)", "caseload-per-post": "(2.0)",
          "repeat": "(0%)"}
YESIL = {"closed": "(50%)", "overdue": "(50.0%)", "caseload-per-post": "(3.0)",
         "repeat": "(−100%)"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with small_app_with_roles(tmp_path_factory.mktemp("bench"), "bench-http",
                              small_sample_min=1) as app, live(app) as server:
        yield server


@pytest.fixture(scope="module")
def sessions(server):
    return {name: sign_in(server.url, name, SMALL_ROLES_PASSWORD) for name in SMALL_ROLES}


def _line(page: dict, card: str, level: str) -> str | None:
    found = _component(page, f"kpi-{card}-beside-{level}")
    return None if found is None else _text(found)


def _beside(page: dict, level: str, words: dict[str, str], figures: dict[str, str]):
    """Each card's line for `level`: the direction's word and the wider place's figure."""
    for card, figure in figures.items():
        line = _line(page, card, level)
        assert line is not None, (card, level)
        assert line.endswith(f"{words[card]} the {level} {figure}"), line


# Astana beside the nation: completion lower, overdue higher, caseload and repeat lower.
ASTANA_WORDS = {"closed": "▼ lower than", "overdue": "▲ higher than",
                "caseload-per-post": "▼ lower than", "repeat": "▼ lower than"}
# Yesil beside Astana: completion and caseload higher, overdue and repeat lower; beside
# the nation the completion share is the same (50%).
YESIL_VS_ASTANA = {"closed": "▲ higher than", "overdue": "▼ lower than",
                   "caseload-per-post": "▲ higher than", "repeat": "▼ lower than"}
YESIL_VS_NATION = {"closed": "= the same as", "overdue": "▼ lower than",
                   "caseload-per-post": "▲ higher than", "repeat": "▼ lower than"}


@pytest.mark.parametrize("who, search", [("head71", ""), ("minister", "?region=KZ-71")])
def test_a_region_overview_has_the_nation_beside(server, sessions, who, search):
    page = _page(sessions[who], server.url, "/", search)
    _beside(page, "nation", ASTANA_WORDS, NATION)
    assert "60.0% of those due" in _text(_component(page, "kpi-overdue"))
    assert _component(page, "kpi-overdue-beside-region") is None
    if who == "head71":  # totals of the nation, nothing of another region
        text = json.dumps(page, ensure_ascii=False)
        assert "Almaty" not in text and "Medeu" not in text and "KZ-75" not in text


def test_a_region_page_has_the_nation_beside(server, sessions):
    page = _page(sessions["head71"], server.url, "/region/KZ-71", "")
    _beside(page, "nation", ASTANA_WORDS, NATION)


@pytest.mark.parametrize("who, path, search", [("yesil", "/", ""),
                                               ("minister", "/", "?unit=1"),
                                               ("head71", "/", "?unit=1"),
                                               ("yesil", "/unit/1", "")])
def test_a_unit_has_its_region_and_the_nation_beside(server, sessions, who, path, search):
    page = _page(sessions[who], server.url, path, search)
    _beside(page, "region", YESIL_VS_ASTANA, ASTANA)
    _beside(page, "nation", YESIL_VS_NATION, NATION)
    assert "50.0% of those due" in _text(_component(page, "kpi-overdue"))


def test_an_officer_has_the_unit_and_the_region_beside(server, sessions):
    page = _page(sessions["yesil"], server.url, "/officer/1", "")
    # Officer 1 holds cases 1, 2, 4: 3 on the register, 2 of 4 due overdue.
    assert _line(page, "overdue", "unit") == "= the same as the unit (50.0%)"
    assert _line(page, "overdue", "region") == "▼ lower than the region (60.0%)"
    assert _component(page, "kpi-overdue-beside-nation") is None


def test_the_nation_has_nothing_beside(server, sessions):
    page = _page(sessions["minister"], server.url, "/", "")
    assert "kpi-beside" not in json.dumps(page)
    assert "57.1% of those due" in _text(_component(page, "kpi-overdue"))


def test_another_region_is_still_refused(server, sessions):
    text = json.dumps(_page(sessions["head71"], server.url, "/region/KZ-75", ""),
                      ensure_ascii=False)
    assert "message-not-permitted" in text and "kpi-beside" not in text
