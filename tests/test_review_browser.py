"""The review brief in headless Chromium: printed to PDF through the app's own print
stylesheet (A4 landscape, nothing wider than the page), and the exported HTML file opened
from disk with no request to any host."""

from __future__ import annotations

import re

from tests.test_browser import ARTIFACTS, browser, server, watched  # noqa: F401

YEAR_2025 = "/review?period=year&to=2025-12-31"
# A4 landscape, 10 mm margins (assets/print.css): 277 mm of content at 96 px to the inch.
CONTENT_WIDTH_PX = 277 / 25.4 * 96

TOO_WIDE = """(limit) => [...document.querySelectorAll('#review-brief *')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > limit + 1)
  .map(e => (e.id || e.className.baseVal || e.className || e.tagName).toString()
            + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_review_of_a_year_prints_to_a4_landscape(watched):  # noqa: F811
    watched.sign_in("minister")
    page = watched.page
    watched.open(YEAR_2025)
    page.wait_for_selector("#review-chart-outcomes .main-svg")
    assert "31 Dec 2025" in page.inner_text("#review-method")
    # The printed page is as wide as A4 landscape's content; lay the page out at that width.
    page.set_viewport_size({"width": int(CONTENT_WIDTH_PX), "height": 740})
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    assert not page.locator(".shell-bar").is_visible()
    assert not page.locator("#filter-apply").is_visible()
    assert not page.locator("#review-export-html").is_visible()
    assert page.evaluate(TOO_WIDE, CONTENT_WIDTH_PX) == []
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "review-2025.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    # Key figures; the charts (a page); the rankings and the methodology.
    assert 2 <= _pages(pdf) <= 5, _pages(pdf)


def test_the_exported_html_opens_offline_and_shows_the_figures(watched, browser, tmp_path):  # noqa: F811
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
        assert page.locator(".main-svg").count() >= 4
        assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
        assert errors == []
        text = page.inner_text("body")
        assert "Astana" in text and "Almaty" not in text
        assert "Yesil District" in page.inner_text("#review-table-behind-caseload")
    finally:
        context.close()
