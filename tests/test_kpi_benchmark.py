"""queries.kpis.beside: the wider places' figures beside a place's KPI cards (issue 25
item 4), on tests/fixture_small.py, the year 2025 as of 31 Dec 2025, counted by hand:

place     on reg. registered closed completed overdue posts repeat (2024)  due
nation       7       5         4       2        4      3     3      2       7
Astana       4       3 (2,3,6) 3       1 (3)    3      2     1 (8)  1 (5)   5
Almaty       3       2 (9,11)  1 (10)  1 (10)   1 (m7) 1     2      1 (12)  2
Yesil (1)    3 (1,2,4) 2 (2,3) 2 (3,5) 1        2      1     0      1 (5)   4
officer 1    3 (1,2,4)                          2 (m2, m10)                 4

On the register on 31 Dec 2025: cases 1, 2, 4 (Yesil), 6 (Saryarka), 9, 11, 12 (Almaty);
case 8 left the register that day. Milestones due (due before the day, cases on the
register): m1, m2, m3, m10 (Yesil), m6 (Saryarka), m7, m9 (Almaty); overdue: m2, m10,
m6, m7 (m9 was done on the day). Filled posts: officers 1, 3 and 4 (officer 2 left on
1 July). New offences 2025: v1 (case 8, Saryarka), v5 and v6 (Almaty); 2024: v2 (case 5,
Yesil) and v3 (Almaty)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dashboard.filters import Filters
from dashboard.scope import NotPermitted, Scope
from queries import kpis, places
from queries import milestones as M
from queries.kpis import Due, Headline

UNTIL = date(2025, 12, 31)
NATION = Scope.nation()
ASTANA_HEAD = Scope("region_head", region_code="KZ-71")
YESIL_HEAD = Scope("unit_head", unit_id=1)

NATION_FIGURES = (Headline(on_register=7, registered=5, closed=4, completed=2, overdue=4,
                           filled_posts=3, repeat_offences=3, repeat_offences_year_before=2),
                  Due(due=7, overdue=4))
ASTANA_FIGURES = (Headline(on_register=4, registered=3, closed=3, completed=1, overdue=3,
                           filled_posts=2, repeat_offences=1, repeat_offences_year_before=1),
                  Due(due=5, overdue=3))
YESIL_FIGURES = (Headline(on_register=3, registered=2, closed=2, completed=1, overdue=2,
                          filled_posts=1, repeat_offences=0, repeat_offences_year_before=1),
                 Due(due=4, overdue=2))


@pytest.fixture
def conn(small_versioned):
    with small_versioned.connect() as conn:
        yield conn


def _f(search: str = "") -> Filters:
    return Filters.from_query(search, UNTIL)


def _figures(beside: kpis.Beside) -> list[tuple]:
    return [(w.level, w.headline, w.due) for w in beside.wider]


def test_a_region_is_set_beside_the_nation(conn):
    for scope in (ASTANA_HEAD, NATION):  # the region head, the ministry with ?region=
        place = places.region(conn, scope, "KZ-71")
        beside = kpis.beside(conn, scope, _f().within(region="KZ-71"), "region", place)
        assert beside.due == ASTANA_FIGURES[1]
        assert _figures(beside) == [("nation", *NATION_FIGURES)]
    assert NATION_FIGURES[1].overdue_share == pytest.approx(4 / 7)
    assert NATION_FIGURES[0].completion_share == 0.5
    assert NATION_FIGURES[0].caseload_per_post == pytest.approx(7 / 3)
    assert NATION_FIGURES[0].repeat_change == pytest.approx(0.5)


def test_a_unit_is_set_beside_its_region_and_the_nation(conn):
    for scope, f in ((YESIL_HEAD, _f()), (ASTANA_HEAD, _f().within(unit_id=1)),
                     (NATION, _f().within(unit_id=1))):
        place = places.unit(conn, scope, 1)
        beside = kpis.beside(conn, scope, f, "unit", place)
        assert beside.due == YESIL_FIGURES[1]
        assert _figures(beside) == [("region", *ASTANA_FIGURES), ("nation", *NATION_FIGURES)]


def test_an_officer_is_set_beside_the_unit_and_the_region(conn):
    place = places.officer(conn, YESIL_HEAD, 1)
    f = _f().within(officer_id=1)
    beside = kpis.beside(conn, YESIL_HEAD, f, "officer", place)
    assert beside.due == Due(due=4, overdue=2)  # cases 1, 2, 4: m1, m2, m3, m10
    assert _figures(beside) == [("unit", *YESIL_FIGURES), ("region", *ASTANA_FIGURES)]


def test_the_nation_has_nothing_beside_it(conn):
    beside = kpis.beside(conn, NATION, _f(), "nation", None)
    assert beside.wider == () and beside.due == NATION_FIGURES[1]


def test_the_type_picked_narrows_the_wider_places_too(conn):
    """Sentences on the register on 31 Dec 2025: cases 1, 2, 4 (Astana), 9, 12 (Almaty)."""
    f = _f("?type=sentence").within(region="KZ-71")
    beside = kpis.beside(conn, ASTANA_HEAD, f, "region", places.region(conn, ASTANA_HEAD,
                                                                         "KZ-71"))
    (nation,) = beside.wider
    assert (nation.headline.on_register, beside.due.due) == (5, 4)  # m1, m2, m3, m10


def test_the_overdue_share_is_the_milestones_pages(conn):
    """The same counts as the milestones page's headline (by kind) and places table, and
    the same overdue count as the KPI card's."""
    for scope, f, where in ((NATION, _f(), M.EVERYWHERE),
                            (ASTANA_HEAD, _f().within(region="KZ-71"), M.Where(region="KZ-71")),
                            (NATION, _f().within(unit_id=1), M.Where(unit_id=1))):
        by_kind = M.overdue_breakdown(conn, scope, UNTIL, "kind", where)
        due = kpis.milestones_due(conn, scope, f)
        assert due == Due(int(by_kind.due.sum()), int(by_kind.overdue.sum()))
        assert due.overdue == kpis.headline(conn, scope, f).overdue
    table, bench = M.timeliness(conn, NATION, UNTIL, "region")
    assert bench.rate == pytest.approx(NATION_FIGURES[1].overdue_share)


def test_a_region_head_gets_totals_only(conn):
    """The nation's figures for Astana's head are totals: a Headline and a Due of whole
    numbers, nothing that names or splits by another region."""
    place = places.region(conn, ASTANA_HEAD, "KZ-71")
    beside = kpis.beside(conn, ASTANA_HEAD, _f().within(region="KZ-71"), "region", place)
    for wider in beside.wider:
        for part in (wider.headline, wider.due):
            assert all(isinstance(v, int) for v in dataclasses.astuple(part))
    assert "KZ-75" not in repr(beside) and "Almaty" not in repr(beside)
    assert set(vars(beside.wider[0])) == {"level", "headline", "due"}


@pytest.mark.parametrize("scope, level, place", [
    (ASTANA_HEAD, "region", places.Place("KZ-75", "Almaty")),
    (ASTANA_HEAD, "unit", places.Place("KZ-75", "Almaty", unit_id=3)),
    # A place claiming to be in Astana is looked up by its id: unit 3 is Almaty's.
    (ASTANA_HEAD, "unit", places.Place("KZ-71", "Astana", unit_id=3)),
    (ASTANA_HEAD, "officer", places.Place("KZ-71", "Astana", unit_id=1, officer_id=4)),
    (YESIL_HEAD, "unit", places.Place("KZ-71", "Astana", unit_id=2)),
    (YESIL_HEAD, "region", places.Place("KZ-71", "Astana")),
    (YESIL_HEAD, "officer", places.Place("KZ-71", "Astana", unit_id=1, officer_id=3)),
    (ASTANA_HEAD, "nation", None),
    (YESIL_HEAD, "nation", None),
])
def test_a_place_outside_the_scope_is_refused(conn, scope, level, place):
    with pytest.raises(NotPermitted):
        kpis.beside(conn, scope, _f(), level, place)
