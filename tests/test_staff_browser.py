"""The staff page in headless Chromium: a ministry user runs a what-if and sees the
recommended moves change. On the staff fixture (tests/fixture_staff.py)."""

from __future__ import annotations

import pytest

from tests import fixture_staff
from tests.helpers import Watched, expect, served_app

pytestmark = pytest.mark.browser
PAGE = "/staff?asof=2025-06-30&to=2025-12-31"


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    """The app on the staff fixture: user minister, in English. Module-scoped: the capacity
    parameters it sets in the environment must not reach other modules."""
    mp = pytest.MonkeyPatch()
    # The capacity parameters the fixture's numbers were counted with.
    mp.setenv("PROBATION_WORKLOAD_NOMINAL_TARGET", "20")
    mp.setenv("PROBATION_WORKLOAD_HEAD_REDUCTION", "0.5")
    with served_app(tmp_path_factory.mktemp("staff-browser"), "staff-browser-tests",
                    fixture_staff.load, [("minister", "ministry", {"language": "en"})]) as url:
        yield url
    mp.undo()


@pytest.fixture
def watched(browser, staff_server):  # this module's server, not small_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    w = Watched(context.new_page(), staff_server)
    yield w
    context.close()
    assert w.errors == []
    assert w.hosts == {staff_server.split("/")[2]}


def test_a_ministry_user_runs_a_what_if_and_the_moves_change(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open(PAGE)
    assert page.locator("h1").inner_text() == "Staff and workload"
    assert page.locator("#staff-moves tbody tr").all_inner_texts() == ["Almaty\tAstana\t1"]
    page.fill("#staff-growth-pre_trial", "200")
    page.press("#staff-growth-pre_trial", "Enter")
    page.wait_for_selector("p#staff-moves")
    watched.settle()
    assert page.locator("#staff-moves").inner_text() == "No moves needed."
    # points 90 and 33 over 4 and 2 posts of 20 points: 112.5 % and 82.5 %, rounded half
    # to even as the formatting module does
    assert page.locator("#staff-allocation tbody tr").all_inner_texts() == [
        "Astana\t90\t4\t4\t0\t112%\t112%", "Almaty\t33\t2\t2\t0\t82%\t82%"]
    # back to no growth: the move comes back
    page.fill("#staff-growth-pre_trial", "0")
    page.press("#staff-growth-pre_trial", "Enter")
    page.wait_for_selector("table#staff-moves")
    assert page.locator("#staff-moves tbody tr").all_inner_texts() == ["Almaty\tAstana\t1"]


def test_drill_from_the_staff_page_to_an_officers_cases(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open(PAGE)
    page.click("#staff-posts >> text=Astana")
    page.wait_for_url("**region=KZ-71*")
    watched.settle()
    page.click("#staff-posts >> text=Yesil")
    page.wait_for_url("**/staff/unit/1*")
    watched.settle()
    page.click("#staff-officers >> text=OF-2")
    page.wait_for_url("**/staff/officer/2*")
    # The URL changes before the page's callback runs: wait for what the page shows.
    expect(page.locator("#staff-officer-cases tbody tr")).to_have_count(2)
    expect(page.locator("#staff-officer-summary")).to_have_text(
        "17.0 points of 10.0 available: 170% capacity")
    watched.settle()


def test_the_charts_are_drawn_boxes_included(watched):
    # plotly.js is the app's own bundle (scripts/plotly-bundle/index.js): a trace type it
    # lacks would be drawn as nothing, without an error.
    watched.sign_in("minister")
    page = watched.page
    watched.open(PAGE)
    watched.reveal("#staff-posts-figure")
    page.wait_for_selector("#staff-posts-figure .barlayer path")
    watched.reveal("#staff-capacity-figure")
    page.wait_for_selector("#staff-capacity-figure .boxlayer path.box")
    ticks = page.locator("#staff-capacity-figure .xtick text").all_text_contents()
    assert page.locator("#staff-capacity-figure .boxlayer path.box").count() == len(ticks) > 0
    assert "Astana" in ticks
    assert page.locator("#staff-capacity-figure .shapelayer path").count() == 1  # overload


def test_the_weights_are_drawn_when_opened(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open(PAGE)
    expect(page.locator("#staff-weights")).to_have_count(0)
    page.click("#staff-weights-open")
    expect(page.locator("#staff-weights tbody tr")).to_have_count(6)
    page.click("#staff-weights-open")  # folded again: the table stays drawn
    page.click("#staff-weights-open")
    expect(page.locator("#staff-weights tbody tr")).to_have_count(6)
