"""Needs attention in headless Chromium (conftest.py's small_server on
tests/fixture_small.py, no console errors, no other host): a region head and a unit head
land on it after signing in, the ministry picks a region; the grid sorts, its links lead
to the officer's page and worklist, the CSV download holds the rows; axe finds nothing.
Screenshots in artifacts/ at 1440x900 and 390x844, in Kazakh and Russian.

Astana on 31 Dec 2025 (tests/test_attention.py works the numbers out): S-0001 (Yesil)
2 overdue of 4 due, 1 due soon, 2 cases without a program, 20 % capacity; S-0003
(Saryarka) 1 of 1, 0, 1, 11.8 %."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS, AXE, expect, missing

pytestmark = pytest.mark.browser

ROWS = "#attention-grid .ag-center-cols-container .ag-row"
CODES = "#attention-grid .ag-pinned-left-cols-container .ag-row"
SIZES = {"1440": (1440, 900), "390": (390, 844)}


def _codes(page) -> list[str]:
    rows = page.locator(CODES)
    ordered = sorted(range(rows.count()), key=lambda i: int(
        rows.nth(i).get_attribute("row-index")))
    return [rows.nth(i).inner_text().strip() for i in ordered]


def _grid_ready(watched):
    """The grid drawn, scrolled into view (below the filters on a phone)."""
    watched.page.wait_for_selector("#attention-grid", state="attached")
    watched.settle()
    watched.reveal("#attention-grid")
    watched.page.wait_for_selector(CODES)


def _photograph(watched, name: str, path: str) -> None:
    """`path` in Kazakh and Russian at both sizes; the user is left in English."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = watched.page
    try:
        for lang in ("kk", "ru"):
            watched.choose_language(lang)
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                watched.open(path)
                _grid_ready(watched)
                assert page.get_attribute("html", "lang") == lang
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(ARTIFACTS / f"attention-{name}-{lang}-{size}.png"),
                                full_page=True)
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.choose_language("en")


def test_a_region_head_lands_on_the_officers_of_the_region(watched):
    watched.sign_in("head71")
    page = watched.page
    page.wait_for_url("**/attention")
    expect(page.locator("h1")).to_have_text("Officers of Astana")
    _grid_ready(watched)
    assert _codes(page) == ["S-0001", "S-0003"]
    first = page.locator(f"{ROWS}[row-index='0']").inner_text()
    assert "Yesil District" in first and "50.0%" in first and "20.0%" in first
    assert page.locator("#nav-attention").is_visible()
    # Sorting by capacity, lowest first: Saryarka's officer comes first.
    page.click("#attention-grid .ag-header-cell[col-id='capacity'] .ag-header-cell-label")
    page.wait_for_function(
        f"() => document.querySelector(\"{CODES}[row-index='0']\") &&"
        f" [...document.querySelectorAll('{CODES}')].find("
        "r => r.getAttribute('row-index') === '0').innerText.includes('S-0003')")
    with page.expect_download() as download:
        page.click("#attention-export-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == ["S-0001,Yesil District,2,50.0,1,2,20.0,3,4",
                         "S-0003,Saryarka District,1,100.0,0,1,11.8,1,1"]
    page.click(f"{CODES} a >> text=S-0001")
    page.wait_for_url("**/officer/1?*")
    expect(page.locator("h1")).to_have_text("Officer S-0001")
    page.go_back()
    page.wait_for_url("**/attention*")
    expect(page.locator("h1")).to_have_text("Officers of Astana")
    _grid_ready(watched)
    page.click("#attention-grid a >> text=Worklist >> nth=0")
    page.wait_for_url("**/milestones/officer/1?*")
    expect(page.locator("h1")).to_contain_text("S-0001")
    _photograph(watched, "region-head", "/attention")


def test_a_unit_head_lands_on_the_officers_of_the_unit(watched):
    watched.sign_in("head-yesil")
    page = watched.page
    page.wait_for_url("**/attention")
    expect(page.locator("h1")).to_have_text("Officers of Yesil District")
    _grid_ready(watched)
    assert _codes(page) == ["S-0001"]
    assert page.locator("#attention-grid .ag-header-cell[col-id='unit_link']").count() == 0
    # AG Grid's own words are the catalog's: the filter of a count offers "At least".
    page.click("#attention-grid .ag-header-cell[col-id='overdue'] .ag-header-cell-filter-button")
    expect(page.locator(".ag-filter select, .ag-filter .ag-picker-field-display").first
           ).to_contain_text("At least")
    page.keyboard.press("Escape")
    watched.open("/attention?unit=2")
    assert page.locator("#message-not-permitted").is_visible()
    assert "S-0003" not in page.inner_text("main")
    _photograph(watched, "unit-head", "/attention")


def test_the_ministry_picks_a_region_then_a_unit(watched):
    watched.sign_in("minister")
    page = watched.page
    page.click("#nav-attention")
    page.wait_for_url("**/attention*")
    watched.settle()
    page.click("#attention-regions >> text=Astana")
    page.wait_for_url("**region=KZ-71*")
    expect(page.locator("h1")).to_have_text("Officers of Astana")
    _grid_ready(watched)
    page.click("#attention-grid a >> text=Saryarka District")
    page.wait_for_url("**unit=2*")
    expect(page.locator("h1")).to_have_text("Officers of Saryarka District")
    _grid_ready(watched)
    assert _codes(page) == ["S-0003"]
    _photograph(watched, "ministry", "/attention?region=KZ-71")


def test_the_page_passes_axe_at_both_sizes(watched):
    if not AXE.exists():
        missing(f"{AXE} missing: npm install axe-core (make browser-deps)")
    watched.page.context.add_init_script(path=str(AXE))
    watched.sign_in("head71")
    for width, height in SIZES.values():
        watched.page.set_viewport_size({"width": width, "height": height})
        watched.open("/attention")
        _grid_ready(watched)
        violations = watched.page.evaluate(
            "async () => (await axe.run()).violations.map(v => v.id + ': ' +"
            " v.nodes.map(n => n.target.join(' ')).join(', '))")
        assert violations == [], violations


def test_the_grid_box_keeps_the_grids_height_while_it_loads(watched):
    """The grid's box is as tall before AG Grid arrives as the grid is after (within a
    row), so the page does not jump when it loads (Lighthouse's layout shift), at both
    sizes; and the layout shifts Chromium records on landing stay under 0.1."""
    watched.page.context.add_init_script(
        "window.__shift = 0; new PerformanceObserver(list => list.getEntries().forEach("
        "e => { if (!e.hadRecentInput) window.__shift += e.value; }))"
        ".observe({type: 'layout-shift', buffered: true});")
    watched.sign_in("head71")
    page = watched.page
    for width, height in SIZES.values():
        page.set_viewport_size({"width": width, "height": height})
        watched.open("/attention")
        _grid_ready(watched)
        reserved = page.evaluate(
            "parseFloat(document.querySelector('#attention-grid').style.height)")
        drawn = page.evaluate("document.querySelector('#attention-grid .ag-root-wrapper')"
                              ".getBoundingClientRect().height")
        assert abs(reserved - drawn) <= 42, (width, reserved, drawn)
        assert page.evaluate("window.__shift") < 0.1
    page.set_viewport_size({"width": 1440, "height": 900})


def test_a_long_list_scrolls_in_its_box_and_prints_whole(watched, monkeypatch):
    """A list longer than the box (ROWS_IN_VIEW rows, one here: the fixture's regions have
    a few officers each) scrolls inside it, AG Grid drawing the rows in view only (all at
    once blocked the browser); a print lays out every row, and the box comes back after."""
    from layouts import attention
    from layouts.attention import HEADER_HEIGHT, ROW_HEIGHT

    monkeypatch.setattr(attention, "ROWS_IN_VIEW", 1)
    watched.sign_in("minister")
    page = watched.page
    watched.open("/attention?region=KZ-71&period=quarter")  # a URL no test drew (cached)
    _grid_ready(watched)
    count = "dash_ag_grid.getApi('attention-grid').getDisplayedRowCount()"
    drawn = "document.querySelectorAll('#attention-grid .ag-center-cols-container .ag-row').length"
    total = page.evaluate(count)
    height = page.evaluate("document.querySelector('#attention-grid').style.height")
    assert total > 1 and height == f"{HEADER_HEIGHT + ROW_HEIGHT}px"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function(f"{drawn} === {count}")
    assert page.evaluate("document.querySelector('#attention-grid').style.height") == ""
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.querySelector('#attention-grid').style.height") == height
