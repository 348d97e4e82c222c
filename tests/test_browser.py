"""The dashboard in headless Chromium against a real server on the hand-counted fixture.

Needs /usr/bin/chromium (`make test` installs it) and axe-core (`npm install axe-core`,
into the gitignored node_modules/). The browser, the server (small_server) and `watched`
are conftest.py's: every test also asserts that the page logged no console error and
asked no host but the app for anything.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS, AXE, expect, missing

pytestmark = pytest.mark.browser


def test_a_region_head_sees_only_the_region(watched):
    watched.sign_in("head71")  # lands on /attention (tests/test_attention_browser.py)
    watched.open("/")
    page = watched.page
    # The level below the region: its units (tests/test_level_browser.py, every page).
    assert sorted(page.locator("#units-table a").all_inner_texts()) == [
        "Saryarka District", "Yesil District"]
    assert page.locator("#regions-table").count() == 0
    # The map is the region's, of its units (tests/test_level_browser.py), not the regions'.
    page.wait_for_selector("#overview-map .scatterlayer .trace:last-child .point")
    assert page.locator("#overview-map .scatterlayer .trace:last-child .point").count() == 2
    # (dbc.Select always renders a hidden, disabled placeholder option first)
    assert page.locator("#filter-region option:not([hidden])").all_inner_texts() == [
        "Astana"]
    assert page.locator("#filter-region").is_disabled()
    assert page.locator("#kpi-on-register .kpi-value").inner_text() == "4"
    watched.open("/region/KZ-75")
    assert page.locator("#message-not-permitted").is_visible()
    assert "Almaty" not in page.inner_text("main")


def test_drill_from_region_to_case_by_clicking(watched):
    # After a click the URL changes at once and the page's callback follows: the checks
    # wait for what the new page shows (settle() alone can run before Dash starts loading).
    watched.sign_in("minister")
    page = watched.page
    page.click("#regions-table >> text=Astana")
    page.wait_for_url("**/region/KZ-71*")
    expect(page.locator("h1")).to_have_text("Astana")
    page.click("#units-table >> text=Yesil District")
    page.wait_for_url("**/unit/1*")
    page.click("#officers-table >> text=Officer S-0001")
    page.wait_for_url("**/officer/1*")
    expect(page.locator("#officer-cases tbody tr")).to_have_count(3)
    page.click("#officer-cases >> text=№ 1")
    page.wait_for_url("**/case/1*")
    expect(page.locator("#case-timeline tbody tr")).to_have_count(11)
    expect(page.locator("#breadcrumbs li")).to_have_text([
        "Kazakhstan", "Astana", "Yesil District", "Officer S-0001", "Case 1"])
    page.click("#breadcrumbs >> text=Astana")
    page.wait_for_url("**/region/KZ-71*")


def test_switch_to_kazakh(watched):
    watched.sign_in("head71")
    watched.open("/")
    page = watched.page
    watched.choose_language("kk")  # a POST form with the CSRF token, styled as a button
    assert page.get_attribute("html", "lang") == "kk"
    assert page.locator("h1").inner_text() == "Жалпы көрініс"
    assert page.locator("#kpi-on-register h3").inner_text() == "Есепте тұрғандар"
    watched.choose_language("en")  # leave the user as the other tests expect


SHARED = "/caseload?region=KZ-71&type=sentence&from=2025-01-01&to=2025-06-30"


def test_a_shared_url_reproduces_the_view_and_back_works(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open(SHARED)
    assert page.input_value("#filter-type") == "sentence"
    assert page.input_value("#filter-region") == "KZ-71"
    assert page.input_value("#filter-from") == "Jan 1, 2025"  # the URL's ISO day, shown
    assert page.inner_text("#period-text") == (
        "Period: Jan 1, 2025 – Jun 30, 2025; as of Jun 30, 2025")
    # (a pinned column puts each row in two containers: count the pinned one)
    watched.reveal("#caseload-grid")
    page.wait_for_selector("#caseload-grid .ag-row")
    # Astana picked: the grid lists its units (the level below the place in view).
    assert page.locator("#caseload-grid .ag-pinned-left-cols-container .ag-row"
                        ).all_inner_texts() == ["Saryarka District", "Yesil District"]
    page.select_option("#filter-type", "all")
    page.click("#filter-apply")
    page.wait_for_url(lambda url: "type=" not in url)
    watched.settle()
    page.go_back()
    page.wait_for_url(lambda url: "type=sentence" in url)
    expect(page.locator("#filter-type")).to_have_value("sentence")
    watched.settle()


def test_the_map_metric_goes_into_the_url_and_the_links_keep_it(watched):
    # Every callback the page fires must get past the gate's check of its inputs.
    watched.sign_in("minister")
    page = watched.page
    page.select_option("#overview-metric", "overdue")
    page.wait_for_url(lambda url: "metric=overdue" in url)
    expect(page.locator("#nav-caseload")).to_have_attribute("href", "/caseload?metric=overdue")
    expect(page.locator("#regions-table a >> nth=0")).to_have_attribute(
        "href", re.compile("metric=overdue"))
    watched.settle()


def _inside(code: str) -> tuple[float, float]:
    """A point well inside the region `code`, in the map's axis units: of a grid over its
    largest ring, the point inside it farthest from the ring's vertices."""
    from layouts.figures import region_outlines

    xs, ys = region_outlines()[code]  # rings separated by NaN
    rings, ring = [], []
    for point in zip([*xs.tolist(), math.nan], [*ys.tolist(), math.nan], strict=True):
        if math.isnan(point[0]):
            rings.append(ring)
            ring = []
        else:
            ring.append(point)
    ring = max(rings, key=len)

    def inside(px, py):
        hits = 0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
                hits += 1
        return hits % 2 == 1

    left, right = min(x for x, _ in ring), max(x for x, _ in ring)
    bottom, top = min(y for _, y in ring), max(y for _, y in ring)
    grid = [(left + (right - left) * i / 20, bottom + (top - bottom) * j / 20)
            for i in range(1, 20) for j in range(1, 20)]
    return max((p for p in grid if inside(*p)),
               key=lambda p: min((p[0] - x) ** 2 + (p[1] - y) ** 2 for x, y in ring))


def test_clicking_a_region_on_the_map_drills_to_it_with_the_apps_plotly(watched):
    requested: list[str] = []
    watched.page.on("request", lambda r: requested.append(r.url))
    watched.sign_in("minister")
    page = watched.page
    page.wait_for_selector("#overview-map .js-plotly-plot .scatterlayer")
    x, y = _inside("KZ-71")
    at = page.evaluate("""([x, y]) => {
        const gd = document.querySelector('#overview-map .js-plotly-plot');
        const l = gd._fullLayout, box = gd.getBoundingClientRect();
        return [box.left + l._size.l + l.xaxis.l2p(x), box.top + l._size.t + l.yaxis.l2p(y)];
    }""", [x, y])
    page.mouse.move(*at)
    page.wait_for_selector("#overview-map .hoverlayer .hovertext")
    assert page.eval_on_selector_all("#overview-map .hoverlayer .hovertext tspan.line",
                                     "lines => lines.map(line => line.textContent)") == [
        "Astana", "4"]
    page.mouse.click(*at)
    page.wait_for_url("**/region/KZ-71*")
    expect(page.locator("h1")).to_have_text("Astana")
    watched.settle()
    # plotly.js came as the app's own bundle from this server, never the full one.
    assert any("/assets/vendor/plotly-custom-4.1.1.min.js" in u for u in requested)
    assert not any("package_data/plotly.min.js" in u for u in requested)


def test_a_grid_below_the_fold_is_drawn_without_being_scrolled_to(watched):
    # Every page's index loads AG Grid's stand-in, not the library (callbacks/register.py);
    # a page with a grid loads the library once it has loaded, and draws the grid at its
    # foot with no scrolling (a full-page screenshot, a print). The overview has no grid.
    requested: list[str] = []
    watched.page.on("request", lambda r: requested.append(r.url))
    watched.sign_in("minister")
    page = watched.page
    assert not any("dash_ag_grid.v" in u for u in requested)
    page.set_viewport_size({"width": 1440, "height": 500})
    page.click("#nav-caseload")
    page.wait_for_url("**/caseload*")
    rows = "#caseload-grid .ag-pinned-left-cols-container .ag-row"
    page.wait_for_selector(rows)
    assert page.evaluate("window.scrollY") == 0
    assert page.eval_on_selector("#caseload-grid", "e => e.getBoundingClientRect().top") \
        > 500 + 300
    assert page.locator(rows).all_inner_texts() == ["Astana", "Almaty"]
    assert any("dash_ag_grid.v" in u for u in requested)
    # Updated by a callback after that: the same grid, new rows.
    page.select_option("#filter-region", "KZ-75")
    page.click("#filter-apply")
    page.wait_for_url(lambda url: "region=KZ-75" in url)
    watched.settle()
    page.wait_for_function(f"() => [...document.querySelectorAll('{rows}')]"
                           ".map(r => r.innerText).join() === 'Medeu District'")
    # Loaded afresh, the worklist at the foot of the milestones page: drawn unscrolled.
    page.goto(watched.base + "/milestones")
    page.wait_for_selector("#milestones-worklist .ag-row", state="attached")
    assert page.evaluate("window.scrollY") == 0
    assert page.eval_on_selector("#milestones-worklist",
                                 "e => e.getBoundingClientRect().top") > 500
    assert page.locator("#milestones-worklist .ag-row").count() > 0
    page.set_viewport_size({"width": 1440, "height": 900})


def test_a_chart_below_the_fold_is_drawn_without_being_scrolled_to(watched):
    # assets/plotly-bundle.js: each chart is drawn in a task of its own, the highest first,
    # and every one on load: none below the fold is left blank (a screenshot, a print).
    watched.sign_in("minister")
    page = watched.page
    page.set_viewport_size({"width": 1440, "height": 500})
    watched.open("/outcomes")
    far = "#outcomes-cohorts"
    page.wait_for_selector(f"{far} .main-svg")
    assert page.eval_on_selector(far, "e => e.getBoundingClientRect().top") > 500 + 300
    assert page.evaluate("window.scrollY") == 0
    assert page.locator(".dash-graph .main-svg").count() >= 4


def test_export_csv(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open("/caseload")
    with page.expect_download() as download:
        page.click("#caseload-export-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == ["Astana,1,3,0,0,4", "Almaty,0,2,1,0,3"]


PAGES = {"overview": "/", "caseload": "/caseload", "region": "/region/KZ-71",
         "unit": "/unit/1", "officer": "/officer/1", "case": "/case/1",
         "not_found": "/unit/999"}


def test_every_page_passes_axe_and_is_photographed(watched):
    if not AXE.exists():
        missing(f"{AXE} missing: npm install axe-core (make browser-deps)")
    # An init script, not a <script> tag: the app's CSP rightly refuses inline scripts.
    watched.page.context.add_init_script(path=str(AXE))
    watched.sign_in("minister")
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in PAGES.items():
        watched.open(path)
        if path == "/caseload":
            watched.page.wait_for_selector("#caseload-grid .ag-row")
        violations = watched.page.evaluate(
            "async () => (await axe.run()).violations.map(v => v.id + ': ' +"
            " v.nodes.map(n => n.target.join(' ')).join(', '))")
        assert violations == [], f"{path}: {violations}"
        watched.page.evaluate("window.scrollTo(0, 0)")
        watched.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_an_ended_session_sends_the_browser_to_sign_in(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open("/caseload?type=sentence")
    page.context.clear_cookies()  # as after an idle timeout or a sign-out in another tab
    page.select_option("#filter-type", "all")
    page.click("#filter-apply")
    page.wait_for_url("**/login?*notice=expired*")
    assert "next=%2Fcaseload" in page.url
    assert page.locator(".alert").is_visible()
    # The refused callback itself is the one console error this test expects.
    watched.errors[:] = [e for e in watched.errors if "401" not in e]
