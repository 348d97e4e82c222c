"""The level below the place in view on every section page, in headless Chromium
(conftest.py's small_server on tests/fixture_small.py, no console errors, no other host):
a region head, the ministry with ?region= (Astana: units Yesil and Saryarka) and a unit
head (Yesil: officers S-0001 and S-0002 in February 2025, when both held cases) see each
ranking list at least two places of the level below, titled with the level and the place;
the filter bar shows the place, fixed for a head. Screenshots of a region head's and a
unit head's every page in artifacts/ at 1440x900 and 390x844, in Kazakh and Russian (the
ministry's with ?region= are the region head's rows; its national pages:
test_fit_browser.py); axe finds nothing."""

from __future__ import annotations

import pytest

from tests.helpers import ARTIFACTS, AXE, CHARTS_DRAWN, expect, missing

pytestmark = pytest.mark.browser

SIZES = {"1440": (1440, 900), "390": (390, 844)}
EARLY = "period=month&to=2025-02-28"
# What each section page ranks the level below in: a CSS selector of the rows' names.
UNITS = {
    "overview": ("/", "#units-table tbody th a"),
    "caseload": ("/caseload", "#caseload-grid .ag-pinned-left-cols-container .ag-row"),
    "milestones": ("/milestones", "#milestones-units tbody th a"),
    "staff": ("/staff", "#staff-posts tbody th a"),
    "outcomes": ("/outcomes", "#outcomes-by-place tbody th a"),
    "review": ("/review", "#review-table-behind-caseload tbody tr"),
}
OFFICERS = {
    "overview": ("/", "#officers-table tbody th a"),
    "caseload": ("/caseload", "#caseload-grid .ag-pinned-left-cols-container .ag-row"),
    "milestones": ("/milestones", "#milestones-officers tbody th a"),
    "staff": ("/staff", "#staff-officers tbody th a"),
    "outcomes": ("/outcomes", "#outcomes-by-place tbody th a"),
    "review": ("/review", "#review-table-behind-caseload tbody tr"),
}


def _names(watched, selector: str) -> list[str]:
    page = watched.page
    if "caseload-grid" in selector:
        watched.reveal("#caseload-grid")
    page.wait_for_selector(selector)
    return sorted({text.strip() for text in page.locator(selector).all_inner_texts()})


def _draw_every_chart(watched) -> None:
    """Every chart drawn, none scrolled to (assets/plotly-bundle.js draws them all)."""
    watched.page.wait_for_function(CHARTS_DRAWN, timeout=15000)


def _photograph(watched, who: str, pages: dict, search: str) -> None:
    """Every section page in Kazakh and Russian at both sizes; the user is left in
    English."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = watched.page
    try:
        for lang in ("kk", "ru"):
            watched.choose_language(lang)
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                for name, (path, selector) in pages.items():
                    watched.open(path + search)
                    _names(watched, selector)
                    assert page.get_attribute("html", "lang") == lang
                    _draw_every_chart(watched)
                    shot = ARTIFACTS / f"level-{who}-{name}-{lang}-{size}.png"
                    page.screenshot(path=str(shot), full_page=True)
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.choose_language("en")


def test_a_region_head_sees_the_units_of_the_region_on_every_page(watched):
    watched.sign_in("head71")
    page = watched.page
    for name, (path, selector) in UNITS.items():
        watched.open(path)
        names = _names(watched, selector)
        if name == "review":
            assert len(names) >= 2 and all("Astana" not in n for n in names)
        else:
            assert names == ["Saryarka District", "Yesil District"], (name, names)
        main = page.inner_text("main")
        assert "Almaty" not in main and "Medeu" not in main, name
        # The filter bar: their region, fixed.
        expect(page.locator("#filter-region")).to_have_value("KZ-71")
        assert page.locator("#filter-region").is_disabled()
    watched.open("/")
    expect(page.locator("#below-title")).to_have_text("Units of Astana")
    _photograph(watched, "region-head", UNITS, "")


def test_the_ministry_with_a_region_sees_its_units_and_the_bar_shows_it(watched):
    watched.sign_in("minister")
    page = watched.page
    for name, (path, selector) in UNITS.items():
        watched.open(path + "?region=KZ-71")
        names = _names(watched, selector)
        assert len(names) >= 2, (name, names)
        expect(page.locator("#filter-region")).to_have_value("KZ-71")
    # On a region's page the bar shows that region; another one picked leads there.
    watched.open("/region/KZ-75")
    expect(page.locator("#filter-region")).to_have_value("KZ-75")
    page.select_option("#filter-region", "KZ-71")
    page.click("#filter-apply")
    page.wait_for_url("**/region/KZ-71?*region=KZ-71*")
    expect(page.locator("h1")).to_have_text("Astana")
    # On a unit's page it shows the unit's region and names the unit.
    watched.open("/unit/3")
    expect(page.locator("#filter-region")).to_have_value("KZ-75")
    expect(page.locator("#filter-place")).to_have_text("Unit: Medeu District")


def test_a_unit_head_sees_the_officers_of_the_unit_on_every_page(watched):
    watched.sign_in("head-yesil")
    page = watched.page
    for name, (path, selector) in OFFICERS.items():
        watched.open(f"{path}?{EARLY}")
        names = _names(watched, selector)
        assert len(names) >= 2, (name, names)
        assert all("S-0001" in n or "S-0002" in n for n in names), (name, names)
        expect(page.locator("#filter-place")).to_have_text("Unit: Yesil District")
        assert page.locator("#filter-region").is_disabled()
        # Apply keeps the URL shareable: the filters, no region added.
        if name == "caseload":
            page.select_option("#filter-type", "sentence")
            page.click("#filter-apply")
            page.wait_for_url("**type=sentence*")
            assert "region=" not in page.url
    _photograph(watched, "unit-head", OFFICERS, f"?{EARLY}")


def test_the_pages_of_a_region_head_pass_axe(watched):
    if not AXE.exists():
        missing(f"{AXE} missing: npm install axe-core (make browser-deps)")
    watched.page.context.add_init_script(path=str(AXE))
    watched.sign_in("head71")
    for name, (path, selector) in UNITS.items():
        watched.open(path)
        _names(watched, selector)
        violations = watched.page.evaluate(
            "async () => (await axe.run()).violations.map(v => v.id + ': ' +"
            " v.nodes.map(n => n.target.join(' ')).join(', '))")
        assert violations == [], f"{name}: {violations}"


def test_a_ranking_table_sorts_by_any_column(watched):
    watched.sign_in("head71")
    page = watched.page
    watched.open("/")
    names = "#units-table tbody th a"
    header = page.locator("#units-table thead th").nth(1)  # on the register: 3 and 1
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert page.locator(names).all_inner_texts() == ["Saryarka District", "Yesil District"]
    header.locator("button").press("Enter")  # the keyboard reaches it too
    expect(header).to_have_attribute("aria-sort", "descending")
    assert page.locator(names).all_inner_texts() == ["Yesil District", "Saryarka District"]
    by_name = page.locator("#units-table thead th").nth(0)
    by_name.locator("button").click()
    expect(by_name).to_have_attribute("aria-sort", "ascending")
    assert header.get_attribute("aria-sort") is None
    assert page.locator(names).all_inner_texts() == ["Saryarka District", "Yesil District"]


def test_a_region_heads_overview_maps_the_units_and_a_marker_drills_to_its_unit(watched):
    """The region's map in Kazakh: both units' markers drawn on Astana's outline, the
    colour bar below; photographed at both sizes; a click on a marker opens that unit."""
    watched.sign_in("head71")
    page = watched.page
    ARTIFACTS.mkdir(exist_ok=True)
    markers = "#overview-map .scatterlayer .trace:last-child .point"
    try:
        watched.choose_language("kk")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            watched.open("/")
            page.locator("#overview-map").scroll_into_view_if_needed()
            page.wait_for_selector(markers)
            assert page.locator(markers).count() == 2
            expect(page.locator("#overview-map .colorbar")).to_have_count(1)
            _draw_every_chart(watched)
            page.locator("#overview-map").scroll_into_view_if_needed()
            watched.settle()
            page.screenshot(path=str(ARTIFACTS / f"unit-map-region-head-kk-{size}.png"))
            page.screenshot(path=str(ARTIFACTS / f"unit-map-region-head-kk-{size}-full.png"),
                            full_page=True)
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.open("/")
        page.wait_for_selector(markers)
        at = page.evaluate("""() => {
            const gd = document.querySelector('#overview-map .js-plotly-plot');
            const l = gd._fullLayout, box = gd.getBoundingClientRect();
            const trace = gd._fullData[gd._fullData.length - 1];
            const i = trace.customdata.indexOf(2);
            return [box.left + l._size.l + l.xaxis.l2p(trace.x[i]),
                    box.top + l._size.t + l.yaxis.l2p(trace.y[i])];
        }""")
        page.mouse.move(*at)
        page.wait_for_selector("#overview-map .hoverlayer .hovertext")
        page.mouse.click(*at)
        page.wait_for_url("**/unit/2?*")
        expect(page.locator("h1")).to_have_text("Сарыарқа ауданы")
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.choose_language("en")
