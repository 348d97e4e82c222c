"""In Chromium: the database goes away mid-session, the banner shows, and the page comes
back by itself when the database does (no reload by hand, no restart)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import make_url

from dashboard import auth
from tests import fixture_small
from tests.helpers import BROWSER_PASSWORD, LiveServer, Watched, set_connections

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def pg_server(postgres_server):
    """The app on a PostgreSQL database of its own (the test takes it away)."""
    from dashboard.config import Settings
    from dashboard.db import make_engine
    from service.factory import create_app

    url = postgres_server(True)
    engine = make_engine(url)
    fixture_small.load(engine)
    auth.create_user(engine, "minister", "ministry", BROWSER_PASSWORD, language="en")
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key="outage-browser"))
    server = LiveServer(app).start()
    yield server.url, make_url(url).database
    server.stop()
    app.server.config["ENGINE"].dispose()


def test_banner_during_an_outage_and_recovery_by_itself(browser, pg_server):
    base, name = pg_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    w = Watched(context.new_page(), base)
    page = w.page
    w.sign_in("minister")
    assert not page.locator("#db-banner").is_visible()
    try:
        set_connections(name, allowed=False)
        page.click("#nav-caseload")
        page.wait_for_selector("#db-banner", state="visible", timeout=10_000)
        assert "unavailable" in page.inner_text("#db-banner")
    finally:
        set_connections(name, allowed=True)
    started = time.monotonic()
    # The retry notices within a second or two and reloads the page, which builds afresh.
    page.wait_for_selector("#db-banner", state="hidden", timeout=10_000)
    assert time.monotonic() - started < 5
    page.wait_for_selector("#caseload-grid", state="attached", timeout=10_000)
    assert page.url.endswith("/caseload")
    context.close()
    assert w.hosts == {base.split("/")[2]}
