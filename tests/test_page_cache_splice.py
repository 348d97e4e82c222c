"""A cached page is sent as the JSON kept in the cache, spliced into Dash's response
(dashboard.cache.Prebuilt and splice) rather than parsed and written again: over real
HTTP, the first answer (built, then kept), the second (from the cache) and the answer
of a server with caching off are the same bytes, gzip or not, and carry no marker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from dashboard import migrate
from dashboard.db import make_engine
from tests.fixture_auth import build_fixture
from tests.helpers import free_port, set_version, sign_in, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.multiprocess]
SEARCH = "?period=year&to=2025-12-31"


@pytest.fixture(scope="module")
def servers(postgres_server, tmp_path_factory):
    """Two servers on one database: caching on (in-process) and off."""
    url = postgres_server(migrated=True)
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_fixture(engine)
    set_version(engine, "v1")
    procs, bases = [], {}
    for name, seconds in (("cached", "300"), ("uncached", "0")):
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "splice-secret",
               "PROBATION_CACHE_SECONDS": seconds,
               "PROBATION_INSTANCE": str(tmp_path_factory.mktemp(name))}
        env.pop("REDIS_URL", None)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        bases[name] = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(bases.values())
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        engine.dispose()


def _page(http: requests.Session, base: str, pathname: str, encoding: str) -> requests.Response:
    http.get(f"{base}/", timeout=10)  # registers the page router
    deps = http.get(f"{base}/_dash-dependencies", timeout=10).json()
    router = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {"pathname": pathname, "search": SEARCH}
    body = {"output": router["output"],
            "outputs": [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True))
                        for p in router["output"][2:-2].split("...")],
            "inputs": [{**i, "value": values.get(i["property"])} for i in router["inputs"]],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    response = http.post(f"{base}/_dash-update-component", json=body, timeout=30,
                         headers={"Origin": base, "Accept-Encoding": encoding})
    assert response.status_code == 200, response.text[:300]
    return response


@pytest.mark.parametrize("pathname", ["/", "/outcomes", "/staff", "/milestones"])
def test_a_cached_page_is_the_same_bytes_as_a_built_one(servers, pathname):
    cached = sign_in(servers["cached"], "min")
    reference = _page(sign_in(servers["uncached"], "min"), servers["uncached"], pathname,
                      "identity").content
    first = _page(cached, servers["cached"], pathname, "identity")
    again = _page(cached, servers["cached"], pathname, "identity")
    zipped = _page(cached, servers["cached"], pathname, "gzip")
    assert zipped.headers.get("Content-Encoding") == "gzip"
    assert first.content == again.content == zipped.content == reference
    assert b"prebuilt-page" not in reference
    assert len(reference) > 2000  # a whole page, not an error or an empty body


def _what_if(http: requests.Session, base: str, growth: list) -> bytes:
    http.get(f"{base}/staff", timeout=10)
    deps = http.get(f"{base}/_dash-dependencies", timeout=10).json()
    dep = next(d for d in deps if d["output"] == "staff-redistribution.children")
    body = {"output": dep["output"],
            "outputs": {"id": "staff-redistribution", "property": "children"},
            "inputs": [{**i, "value": g} for i, g in zip(dep["inputs"], growth, strict=True)],
            "state": [{**dep["state"][0], "value": SEARCH}],
            "changedPropIds": [f"{dep['inputs'][0]['id']}.value"]}
    response = http.post(f"{base}/_dash-update-component", json=body, timeout=30,
                         headers={"Origin": base})
    assert response.status_code == 200, response.text[:300]
    return response.content


def test_a_cached_what_if_is_the_same_bytes_as_a_computed_one(servers):
    cached = sign_in(servers["cached"], "min")
    uncached = sign_in(servers["uncached"], "min")
    for growth in ([0, 0, 0, 0], [20, 0, 0, 0], [0, 0, 0, 0]):
        reference = _what_if(uncached, servers["uncached"], growth)
        assert _what_if(cached, servers["cached"], growth) == reference
        assert _what_if(cached, servers["cached"], growth) == reference
        assert b"prebuilt-page" not in reference and len(reference) > 1000
    # The growth is in the key: another growth is another answer.
    assert (_what_if(cached, servers["cached"], [50, 50, 50, 50])
            != _what_if(cached, servers["cached"], [0, 0, 0, 0]))
