"""The outcomes page in headless Chromium: pick a region, compare two years, drill to a
flagged unit. On a generated dataset (scale 0.1): the hand-counted fixtures are too small
for any unit to reach the minimum caseload the outlier rule needs."""

from __future__ import annotations

import pytest

from dashboard import auth
from tests.helpers import BROWSER_PASSWORD, LiveServer, Watched, expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def outcomes_server(tmp_path_factory):
    """The app on a generated dataset (scale 0.1, seed 42): user minister, in English."""
    from dashboard import migrate
    from dashboard.config import Settings
    from dashboard.db import make_engine
    from service import demo, load
    from service.factory import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('outcomes-browser') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    load.replace_all(engine, demo.generate(scale=0.1, seed=42))
    auth.create_user(engine, "minister", "ministry", BROWSER_PASSWORD, language="en")
    app = create_app(Settings(database_url=url, secret_key="outcomes-browser-tests"))
    server = LiveServer(app).start()
    yield server.url
    server.stop()
    app.server.config["ENGINE"].dispose()
    engine.dispose()


@pytest.fixture
def watched(browser, outcomes_server):  # this module's server, not small_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    w = Watched(context.new_page(), outcomes_server)
    yield w
    context.close()
    assert w.errors == []
    assert w.hosts == {outcomes_server.split("/")[2]}


def test_pick_a_region_compare_two_years_and_drill_to_a_flagged_unit(watched):
    watched.sign_in("minister")
    page = watched.page
    watched.open("/outcomes?period=year&to=2025-12-31")
    far = page.locator("#outcomes-outlier-units a.outlier-link-FAR").first
    assert far.count() == 1, "no unit far above the national rate in the generated data"
    unit_name = far.inner_text()
    region = far.locator("xpath=ancestor::tr/td[2]/span").get_attribute("data-region")

    page.select_option("#filter-region", region)
    page.fill("#filter-to", "Dec 31, 2025")  # as the date picker shows it in English
    page.click("#filter-apply")
    page.wait_for_url(lambda url: f"region={region}" in url)
    watched.settle()
    header = page.inner_text("#outcomes-compare thead")
    assert "Jan 1, 2025 – Dec 31, 2025" in header and "Jan 1, 2024 – Dec 31, 2024" in header
    assert page.locator("#outcomes-by-place a").count() >= 1  # the region's units

    page.click(f"#outcomes-outlier-units >> text={unit_name}")
    page.wait_for_url("**/unit/*")
    # The URL changes before the page's callback runs: wait for what the page shows.
    expect(page.locator("h1")).to_have_text(unit_name)
    watched.settle()
