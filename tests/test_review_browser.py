"""The review brief in headless Chromium: printed to PDF through the app's own print
stylesheet (A4 landscape, nothing wider than the page), and the exported HTML file opened
from disk with no request to any host."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import ARTIFACTS, AXE, CHARTS_DRAWN

pytestmark = pytest.mark.browser

YEAR_2025 = "/review?period=year&to=2025-12-31"
# A4 landscape, 10 mm margins (assets/print.css): 277 mm of content at 96 px to the inch.
CONTENT_WIDTH_PX = 277 / 25.4 * 96

TOO_WIDE = """(limit) => [...document.querySelectorAll('#review-brief *')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > limit + 1)
  .map(e => (e.id || e.className.baseVal || e.className || e.tagName).toString()
            + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _exports_of(served, username: str) -> list[str]:
    """The audit log's export records of `username`, from the test server's database."""
    from dashboard import audit
    from dashboard.db import make_engine

    engine = make_engine(served.database_url)
    try:
        return [e.target for e in audit.entries(engine, username=username, event="export")]
    finally:
        engine.dispose()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_review_of_a_year_prints_to_a4_landscape(watched):
    if AXE.exists():
        # An init script, not a <script> tag: the app's CSP rightly refuses inline scripts.
        watched.page.context.add_init_script(path=str(AXE))
    watched.sign_in("minister")
    page = watched.page
    watched.open(YEAR_2025)
    page.wait_for_selector("#review-chart-outcomes .main-svg")
    page.wait_for_function(CHARTS_DRAWN)  # one chart a task (assets/plotly-bundle.js)
    if AXE.exists():
        assert page.evaluate("async () => (await axe.run()).violations.map(v => v.id)") == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"))
    assert "Dec 31, 2025" in page.inner_text("#review-method")
    # The tables behind the charts are drawn when their section is first opened.
    assert page.locator("#review-table-chart-caseload").count() == 0
    page.click("#review-data-open")
    page.wait_for_selector("#review-table-chart-caseload tbody tr")
    assert "Astana" in page.inner_text("#review-table-chart-caseload")
    if AXE.exists():
        assert page.evaluate("async () => (await axe.run()).violations.map(v => v.id)") == []
    page.click("#review-data-open")  # folded again: the print leaves it out either way
    # The printed page is as wide as A4 landscape's content; lay the page out at that width.
    page.set_viewport_size({"width": int(CONTENT_WIDTH_PX), "height": 740})
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    assert not page.locator(".shell-bar").is_visible()
    assert not page.locator("#filter-apply").is_visible()
    assert not page.locator("#review-export-html").is_visible()
    assert page.evaluate(TOO_WIDE, CONTENT_WIDTH_PX) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-print.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "review-2025.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    # Key figures; the charts (a page); the rankings and the methodology.
    assert 2 <= _pages(pdf) <= 5, _pages(pdf)
    # Kazakh headers are the longest: the brief still fits the page.
    page.emulate_media(media="screen")
    watched.choose_language("kk")
    watched.open(YEAR_2025)
    page.wait_for_selector("#review-chart-outcomes .main-svg")
    page.wait_for_function(CHARTS_DRAWN)  # one chart a task (assets/plotly-bundle.js)
    assert "Негізгі көрсеткіштер" in page.inner_text("#review-brief")
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    assert page.evaluate(TOO_WIDE, CONTENT_WIDTH_PX) == []
    kk_pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "review-2025-kk.pdf").write_bytes(kk_pdf)
    assert 2 <= _pages(kk_pdf) <= 5, _pages(kk_pdf)
    page.emulate_media(media="screen")
    watched.choose_language("en")  # leave the user as the other tests (one server) expect


def test_the_exported_html_opens_offline_and_shows_the_figures(watched, browser, tmp_path,
                                                               small_server):
    watched.sign_in("head71")
    watched.open(YEAR_2025)
    with watched.page.expect_download() as download:
        watched.page.click("#review-export-html")
    path = tmp_path / "review.html"
    download.value.save_as(path)
    assert download.value.suggested_filename == "review_2025-01-01_2025-12-31.html"
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("#review-chart-caseload .main-svg")
        page.screenshot(path=str(ARTIFACTS / "review-file.png"), full_page=True)
        assert page.locator(".main-svg").count() >= 4
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
        assert errors == []
        text = page.inner_text("body")
        assert "Astana" in text and "Almaty" not in text
        assert "Yesil District" in page.inner_text("#review-table-behind-caseload")
    finally:
        context.close()
    assert _exports_of(small_server, "head71")[-1] == (
        "review.html scope=region_head:KZ-71 ?period=year&to=2025-12-31")


def test_a_region_heads_workbook_download_holds_only_the_region(watched, small_server):
    watched.sign_in("head71")
    watched.open(YEAR_2025)
    with watched.page.expect_download() as download:
        watched.page.click("#review-export-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(str(v) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for v in row)
    assert "Astana" in text and "Almaty" not in text and "KZ-75" not in text
    assert _exports_of(small_server, "head71")[-1].startswith("review.xlsx scope=region_head")
