"""Issue 26 items 3 and 4 in headless Chromium: every section and drill page, in Kazakh and
Russian, on a laptop (1440x900) and a phone (390x844), fits its width (no sideways scroll),
has every chart and grid drawn without being scrolled to, no SI-suffixed tick ("5k") and no number
of five digits or more without grouping; in Kazakh, axe-core finds no violation at either
size. A full-page screenshot of each is left in
artifacts/ (page-lang-width.png). One browser, one server, one signed-in context."""

from __future__ import annotations

import pytest

from tests.helpers import (
    ARTIFACTS,
    AXE,
    CHARTS_DRAWN,
    GRIDS_DRAWN,
    UNDRAWN_GRIDS,
    expect,
    missing,
)

pytestmark = pytest.mark.browser

FILTERS_OPEN = """() => { const c = document.getElementById('filter-collapse');
    return c !== null && c.classList.contains('show') && !c.classList.contains('collapsing'); }"""

PAGES = {"overview": "/", "attention": "/attention", "caseload": "/caseload",
         "milestones": "/milestones", "staff": "/staff", "outcomes": "/outcomes",
         "review": "/review", "region": "/region/KZ-71", "unit": "/unit/1",
         "officer": "/officer/1", "case": "/case/1"}
SIZES = ((1440, 900), (390, 844))

# Each graph's box holds a drawn plot: an svg with something in it.
UNDRAWN = """() => [...document.querySelectorAll('.dash-graph')].filter(g =>
    ![...g.querySelectorAll('.main-svg')].some(s => s.childElementCount > 0)).map(g => g.id)"""
SI_TICKS = """() => [...document.querySelectorAll('.xtick text, .ytick text')]
    .map(t => t.textContent.trim()).filter(s => /\\d[kMGT]$/.test(s))"""
# Visible text, the charts' text included: a run of five digits or more is ungrouped. A
# run after a hyphen or with a leading zero is a code (P-0000001), not a quantity.
UNGROUPED = """() => {
    const texts = [document.body.innerText,
                   ...[...document.querySelectorAll('.main-svg text')].map(t => t.textContent)];
    return texts.flatMap(s => s.match(/(?<![-\\d])[1-9]\\d{4,}/g) || []);
}"""
AXE_RUN = """async () => (await axe.run()).violations.map(v => v.id + ': ' +
    v.nodes.map(n => n.target.join(' ')).join(', '))"""
WIDTHS = """() => ({page: document.scrollingElement.scrollWidth, view: window.innerWidth,
    wide: [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > window.innerWidth + 1
            && !e.closest('.table-responsive, .ag-root-wrapper, .scroll-x');
    }).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)})"""


def _check(watched, name: str, lang: str, width: int) -> list[str]:
    page = watched.page
    where = f"{name} {lang} {width}"
    problems = []
    try:
        page.wait_for_function(CHARTS_DRAWN, timeout=15000)
    except Exception:  # noqa: BLE001 - reported below with the ids
        problems.append(f"{where}: charts not drawn {page.evaluate(UNDRAWN)}")
    try:
        page.wait_for_function(GRIDS_DRAWN, timeout=15000)
    except Exception:  # noqa: BLE001 - reported below with the ids
        problems.append(f"{where}: grids not drawn {page.evaluate(UNDRAWN_GRIDS)}")
    widths = page.evaluate(WIDTHS)
    if widths["page"] > widths["view"]:
        problems.append(f"{where}: scrolls sideways {widths}")
    if ticks := page.evaluate(SI_TICKS):
        problems.append(f"{where}: SI ticks {ticks}")
    if runs := page.evaluate(UNGROUPED):
        problems.append(f"{where}: ungrouped {runs}")
    if lang == "kk" and (violations := page.evaluate(AXE_RUN)):
        problems.append(f"{where}: axe {violations}")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}.png"), full_page=True)
    return problems


def test_every_page_fits_a_laptop_and_a_phone(watched):
    if not AXE.exists():
        missing(f"{AXE} missing: npm install axe-core (make browser-deps)")
    # An init script, not a <script> tag: the app's CSP rightly refuses inline scripts.
    watched.page.context.add_init_script(path=str(AXE))
    watched.sign_in("minister")
    page = watched.page
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    try:
        for lang in ("kk", "ru"):
            page.set_viewport_size({"width": 1440, "height": 900})
            watched.choose_language(lang)
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                for name, path in PAGES.items():
                    watched.open(path)
                    problems += _check(watched, name, lang, width)
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.choose_language("en")
    assert not problems, "\n".join(problems)


def test_the_menu_and_the_filters_fold_on_a_phone(watched):
    watched.sign_in("minister")
    page = watched.page
    # A laptop: the sections and the filters are in view, no buttons to open them.
    assert page.locator("#nav-caseload").is_visible()
    assert page.locator("#filter-apply").is_visible()
    assert not page.locator("#shell-menu-toggle").is_visible()
    assert not page.locator("#filter-toggle").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    watched.open("/caseload")
    assert not page.locator("#nav-staff").is_visible()
    assert not page.locator("#filter-apply").is_visible()
    page.click("#shell-menu-toggle")
    expect(page.locator("#nav-staff")).to_be_visible()
    expect(page.locator("#shell-menu-toggle")).to_have_attribute("aria-expanded", "true")
    page.click("#nav-staff")  # a new page folds the menu again
    page.wait_for_url("**/staff*")
    # The page and its filter bar drawn: a choice made before would be drawn over.
    watched.settle()
    expect(page.locator("#nav-staff")).to_be_hidden()
    page.click("#filter-toggle")
    expect(page.locator("#filter-apply")).to_be_visible()
    # Opened to the end: a click while the panel still slides open was lost (1 run in 6 on
    # a busy machine: no request at all).
    page.wait_for_function(FILTERS_OPEN)
    page.select_option("#filter-type", "sentence")
    page.click("#filter-apply")  # a new query folds the filters again
    page.wait_for_url(lambda url: "type=sentence" in url)
    expect(page.locator("#filter-apply")).to_be_hidden()
    page.set_viewport_size({"width": 1440, "height": 900})
