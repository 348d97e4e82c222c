"""The wider places' figures beside the KPI cards in headless Chromium (conftest.py's
small_server on tests/fixture_small.py): a region head's and a unit head's overview in
Kazakh at 1440x900 and 390x844 show each line inside its card (nothing overflows), and
are photographed into artifacts/."""

from __future__ import annotations

import pytest

from tests.helpers import ARTIFACTS, expect

pytestmark = pytest.mark.browser

SIZES = {"1440": (1440, 900), "390": (390, 844)}
CARDS = ("closed", "overdue", "caseload-per-post", "repeat")


def _overflowing(page) -> list[str]:
    """The ids of KPI cards whose content is wider than the card."""
    return page.evaluate("""() => [...document.querySelectorAll('[id^="kpi-"].card')]
        .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.id)""")


@pytest.mark.parametrize("who, wider", [("head71", ["nation"]),
                                        ("head-yesil", ["region", "nation"])])
def test_the_lines_beside_read_in_kazakh_and_fit(watched, who, wider):
    ARTIFACTS.mkdir(exist_ok=True)
    watched.sign_in(who)
    page = watched.page
    try:
        watched.choose_language("kk")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            watched.open("/")
            for card in CARDS:
                for level in wider:
                    expect(page.locator(f"#kpi-{card}-beside-{level}")).to_be_visible()
            expect(page.locator("#kpi-overdue-beside-nation")).to_contain_text(
                "ел бойынша көрсеткіштен")
            assert _overflowing(page) == [], size
            page.screenshot(path=str(ARTIFACTS / f"kpi-beside-{who}-kk-{size}.png"),
                            full_page=size == "390")
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        watched.choose_language("en")
