"""A region head drills from Milestones to a case in headless Chromium (the shell's harness:
conftest.py's small_server on tests/fixture_small.py, no console errors, no other host).

Astana on 31 Dec 2025: Saryarka District has 1 of 1 due milestones overdue, Yesil 2 of 4,
so Saryarka is the worst unit; its officer S-0003 holds case 6 (pre-trial report 16 days
overdue)."""

from __future__ import annotations

import pytest

from tests.helpers import expect

pytestmark = pytest.mark.browser


def test_region_head_drills_from_milestones_to_a_case(watched):
    watched.sign_in("head71")
    page = watched.page
    page.click("#nav-milestones")
    page.wait_for_url("**/milestones*")
    # The URL changes before the page's callback runs: wait for what the page shows.
    expect(page.locator("#ms-kpi-overdue .kpi-value")).to_have_text("3")
    watched.settle()
    first = page.locator("#milestones-units tbody tr").first
    assert first.locator("th").inner_text() == "Saryarka District"
    first.locator("th a").click()
    page.wait_for_url("**/milestones/unit/2*")
    expect(page.locator("h1")).to_contain_text("Saryarka")
    watched.settle()
    page.click("#milestones-officers >> text=S-0003")
    page.wait_for_url("**/milestones/officer/3*")
    expect(page.locator("h1")).to_contain_text("S-0003")  # not the unit page's grid
    watched.settle()
    grid = page.locator("#milestones-worklist")
    watched.reveal("#milestones-worklist")
    grid.locator(".ag-row >> text=№ 6").wait_for()
    assert grid.locator(".ag-row").count() == 1
    assert "16" in grid.locator(".ag-row").first.inner_text()
    grid.locator("a >> text=№ 6").click()
    page.wait_for_url("**/case/6*")
    expect(page.locator("h1")).to_have_text("Case 6")
