"""queries.places.in_view: the place a section page shows and the level below it, from
the signed-in user's scope and the URL's filters, on tests/fixture_small.py (Astana KZ-71:
units 1 Yesil and 2 Saryarka; Almaty KZ-75: unit 3 Medeu)."""

from datetime import date

import pytest

from dashboard.filters import Filters
from dashboard.scope import NotPermitted, Scope
from queries import places

UNTIL = date(2025, 12, 31)
NATION = Scope.nation()
ASTANA_HEAD = Scope("region_head", region_code="KZ-71")
YESIL_HEAD = Scope("unit_head", unit_id=1)


@pytest.fixture
def conn(small_versioned):
    with small_versioned.connect() as conn:
        yield conn


def _in_view(conn, scope, search):
    return places.in_view(conn, scope, Filters.from_query(search, UNTIL), "en")


@pytest.mark.parametrize("scope, search, level, below, name", [
    (NATION, "", "nation", "region", "Kazakhstan"),
    (NATION, "?region=KZ-75", "region", "unit", "Almaty"),
    (NATION, "?unit=2", "unit", "officer", "Saryarka District"),
    (NATION, "?region=KZ-75&unit=2", "unit", "officer", "Saryarka District"),
    (ASTANA_HEAD, "", "region", "unit", "Astana"),
    (ASTANA_HEAD, "?unit=1", "unit", "officer", "Yesil District"),
    (YESIL_HEAD, "", "unit", "officer", "Yesil District"),
    (YESIL_HEAD, "?region=KZ-71", "unit", "officer", "Yesil District"),
])
def test_the_place_in_view_and_the_level_below(conn, scope, search, level, below, name):
    view = _in_view(conn, scope, search)
    assert (view.level, view.below, view.name("Kazakhstan")) == (level, below, name)


def test_the_filters_of_the_place(conn):
    f = Filters.from_query("?unit=2&region=KZ-75", UNTIL)
    view = places.in_view(conn, NATION, f, "en")
    assert (view.filters(f, NATION).region, view.filters(f, NATION).unit_id) == (None, 2)
    own = places.in_view(conn, YESIL_HEAD, Filters.from_query("?unit=1", UNTIL), "en")
    # A unit head's scope is the unit already: the filters do not narrow again.
    assert own.filters(f, YESIL_HEAD).unit_id is None
    region = _in_view(conn, ASTANA_HEAD, "")
    assert region.filters(f, ASTANA_HEAD).region == "KZ-71"


@pytest.mark.parametrize("scope, search", [
    (ASTANA_HEAD, "?unit=3"), (YESIL_HEAD, "?unit=2"),
])
def test_a_unit_outside_the_scope_is_not_permitted(conn, scope, search):
    with pytest.raises(NotPermitted):
        _in_view(conn, scope, search)


def test_an_unknown_unit_is_not_found(conn):
    with pytest.raises(places.NotFound):
        _in_view(conn, NATION, "?unit=999")


def test_a_malformed_unit_is_dropped_with_a_notice():
    f = Filters.from_query("?unit=abc", UNTIL)
    assert f.unit_id is None and [n.param for n in f.notices] == ["unit"]
    assert Filters.from_query("?unit=²", UNTIL).unit_id is None
    assert Filters.from_query("?unit=7", UNTIL).to_query() == "?period=year&to=2025-12-31&unit=7"
