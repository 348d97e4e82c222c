"""The staff page's forecast and shock what-if in headless Chromium on generated demo
data (scale 0.02), as the ministry (Kazakh) and as a region head (Russian): the chart, the
backtest under it, the table of the level below; the shock from the form lands in the URL
and adds its columns; a bad one shows the message. Screenshots in artifacts/."""

from __future__ import annotations

import pytest

from tests.helpers import ARTIFACTS, Watched, demo_data, served_app

pytestmark = pytest.mark.browser
REGION = "KZ-71"
SHOCK = "shock_category=parole&shock_pct=-30&shock_date=2027-03-01"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("forecast-browser"), "forecast-browser-tests",
                    demo_data(0.02), [("minister", "ministry", {"language": "kk"}),
                                      ("astana", "region_head",
                                       {"region_code": REGION, "language": "ru"})]) as url:
        yield url


@pytest.fixture
def watched(browser, demo_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    w = Watched(context.new_page(), demo_server)
    yield w
    context.close()
    assert w.errors == []
    assert w.hosts == {demo_server.split("/")[2]}


def _shoot(watched: Watched, name: str) -> None:
    watched.reveal("#staff-forecast-figure")
    watched.page.wait_for_selector("#staff-forecast-figure .main-svg", timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.locator("#staff-forecast").screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("user, lang, below", [("minister", "kk", "Өңір"),
                                               ("minister", "ru", "Регион"),
                                               ("astana", "kk", "Бөлімше"),
                                               ("astana", "ru", "Подразделение")])
def test_forecast_and_shock(watched, user, lang, below):
    watched.sign_in(user)
    watched.choose_language(lang)
    page = watched.page
    watched.open("/staff")
    watched.reveal("#staff-forecast-figure")
    page.wait_for_selector("#staff-forecast-figure .main-svg", timeout=30_000)
    assert page.locator("#staff-forecast-backtest").inner_text()
    # The table of the level below is folded: drawn when opened.
    assert page.locator("#staff-forecast-table").count() == 0
    page.click("#staff-forecast-table-open")
    page.wait_for_selector("#staff-forecast-table tbody tr", timeout=30_000)
    assert page.locator("#staff-forecast-table thead").inner_text().startswith(below)
    rows = page.locator("#staff-forecast-table tbody tr").count()
    assert rows == (20 if user == "minister" else rows) and rows > 1
    _shoot(watched, f"forecast-{user}-{lang}")
    # The scenario through the form: it lands in the URL and adds its columns.
    page.select_option("#shock-category", "parole")
    page.fill("#shock-pct", "-30")
    page.fill("#shock-date", "2027-03-01")
    with page.expect_navigation():
        page.click("#staff-shock-form button[type=submit]")
    watched.settle()
    assert SHOCK in page.url
    watched.reveal("#staff-forecast")
    assert page.locator("#staff-shock-applied").count() == 1
    assert page.locator("#staff-forecast-table thead th").count() == 11
    _shoot(watched, f"forecast-shock-{user}-{lang}")
    # A bad scenario: the message, and the table as without one.
    watched.open("/staff?shock_category=parole&shock_pct=-30&shock_date=2031-01-01")
    watched.reveal("#staff-forecast")
    assert page.locator("#staff-shock-error").count() == 1
    page.click("#staff-forecast-table-open")
    page.wait_for_selector("#staff-forecast-table tbody tr", timeout=30_000)
    assert page.locator("#staff-forecast-table thead th").count() == 9
