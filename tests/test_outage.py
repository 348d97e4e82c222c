"""A database that goes away: the banner instead of errors, recovery without a restart."""

import time

import pytest
from sqlalchemy.engine import make_url

from dashboard.config import Settings
from dashboard.db import make_engine
from service.factory import create_app
from tests.fixture_auth import build_fixture
from tests.helpers import callback_body, live, set_connections, sign_in

pytestmark = pytest.mark.postgres


def router_call(http, base: str) -> dict:
    """The page router's callback for the overview, as the browser sends it."""
    deps = http.get(f"{base}/_dash-dependencies", timeout=10).json()
    router = next(d for d in deps if "_pages_content" in d["output"])
    values = {"pathname": "/", "search": ""}
    return callback_body(router, lambda dep: values.get(dep["property"]))


def test_outage_shows_the_banner_and_recovers_by_itself(postgres_server):
    url = postgres_server(True)
    engine = make_engine(url)
    build_fixture(engine)
    engine.dispose()
    name = make_url(url).database
    app = create_app(Settings(database_url=url, secret_key="outage-test"))
    with live(app) as server:
        base = server.url
        http = sign_in(base, "min")
        call = router_call(http, base)
        before = http.post(f"{base}/_dash-update-component", json=call, timeout=30)
        assert before.status_code == 200 and "sideUpdate" not in before.json()
        try:
            set_connections(name, allowed=False)
            assert http.get(f"{base}/healthz", timeout=10).status_code == 503
            during = http.post(f"{base}/_dash-update-component", json=call, timeout=30)
            assert during.status_code == 200
            assert during.json()["sideUpdate"]["db-banner"] == {"is_open": True}
            assert "Traceback" not in during.text and "psycopg2" not in during.text
            layout = http.get(f"{base}/_dash-layout", timeout=10)
            assert layout.status_code == 200 and '"db-banner"' in layout.text
            page = http.get(f"{base}/", timeout=10)
            assert page.status_code == 503 and 'http-equiv="refresh"' in page.text
            assert "Traceback" not in page.text
        finally:
            set_connections(name, allowed=True)
        started = time.monotonic()
        while True:
            healthy = http.get(f"{base}/healthz", timeout=10).status_code == 200
            after = http.post(f"{base}/_dash-update-component", json=call, timeout=30)
            if healthy and after.status_code == 200 and "sideUpdate" not in after.json():
                break
            assert time.monotonic() - started < 5, "not recovered within 5 s"
            time.sleep(0.25)
        assert after.json()["response"]
