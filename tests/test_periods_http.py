"""An unfinished period is labelled partial on the served pages (issue 26 item 2): the
small fixture with its data ending on 24 November 2025, so that "the year" is 1 January
to 24 November 2025, through a real HTTP client against the app on 127.0.0.1."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import update

from dashboard.schema import dataset_info
from tests.helpers import SMALL_ROLES, SMALL_ROLES_PASSWORD, live, sign_in
from tests.helpers import component_with_id as _with_id
from tests.helpers import layout_text as _text
from tests.helpers import routed_layout as _page

PARTIAL = "Jan\u2009–\u2009Nov 2025, partial period"  # CLDR's en interval: thin spaces


@contextmanager
def _app_until(folder, until: str):
    from dashboard import auth, migrate
    from dashboard.config import Settings
    from dashboard.db import make_engine
    from service import readmodel
    from service.factory import create_app
    from tests import fixture_small

    url = f"sqlite:///{folder / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    fixture_small.load(engine)
    with engine.begin() as conn:
        conn.execute(update(dataset_info).where(dataset_info.c.key == "data_until")
                     .values(value=until))
        readmodel.refresh(conn)
    for name, (role, place) in SMALL_ROLES.items():
        auth.create_user(engine, name, role, SMALL_ROLES_PASSWORD, language="en", **place)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key="periods-http"))
    try:
        yield app
    finally:
        app.server.config["ENGINE"].dispose()


@pytest.fixture(scope="module")
def ministry(tmp_path_factory):
    with _app_until(tmp_path_factory.mktemp("periods"), "2025-11-24") as app, \
            live(app) as server:
        yield server.url, sign_in(server.url, "minister", SMALL_ROLES_PASSWORD)


@pytest.mark.parametrize("path", ["/", "/outcomes", "/caseload"])
def test_the_year_so_far_is_labelled_partial(ministry, path):
    base, http = ministry
    page = _page(http, base, path)
    heading = _with_id(page, "period-text")
    assert heading is not None and PARTIAL in _text(heading)
    assert _with_id(page, "period-partial") is not None


def test_the_kpis_over_the_year_so_far_say_partial(ministry):
    base, http = ministry
    page = _page(http, base, "/")
    for card in ("registered", "closed", "repeat"):
        assert PARTIAL in _text(_with_id(page, f"kpi-{card}"))
    assert PARTIAL not in _text(_with_id(page, "kpi-on-register"))  # a stock, on a day


def test_a_whole_year_is_not_partial(ministry):
    base, http = ministry
    page = _page(http, base, "/", "?period=year&to=2024-12-31")
    assert "partial" not in _text(_with_id(page, "period-text"))
    assert _with_id(page, "period-partial") is None


def test_the_outcomes_comparison_is_like_for_like(ministry):
    base, http = ministry
    page = _page(http, base, "/outcomes")
    head = _text(_with_id(page, "outcomes-compare"))
    # The year so far against the same days of 2024 (not 2024 whole), marked partial.
    assert "Jan 1, 2025 – Nov 24, 2025" in head and "Jan 1, 2024 – Nov 24, 2024" in head
    assert PARTIAL in head


def test_the_review_of_the_year_so_far_says_partial_and_compares_like_for_like(ministry):
    base, http = ministry
    page = _page(http, base, "/review")
    assert PARTIAL in _text(_with_id(page, "review-period"))
    text = _text(page["response"]["_pages_content"]["children"])
    assert ("Previous period: Jan 1, 2024 – Nov 24, 2024" in text
            and "The same period a year earlier: Jan 1, 2024 – Nov 24, 2024" in text)


def test_a_whole_years_review_against_the_year_before_never_itself(ministry):
    base, http = ministry
    page = _page(http, base, "/review", "?period=year&to=2024-12-31")
    assert "partial" not in _text(_with_id(page, "review-period"))
    text = _text(page["response"]["_pages_content"]["children"])
    assert "This period: Jan 1, 2024 – Dec 31, 2024. Previous period: Jan 1, 2023 – Dec 31, 2023" \
        in text
