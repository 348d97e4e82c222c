"""Two app processes on 127.0.0.1 sharing one Redis and one PostgreSQL: a result cached by
one is served by the other, and a new data version makes both read the database again.

Proof by a change the cache cannot see: after process A has answered (and cached) the
overview, the cases of unit 711 are moved to another region straight in the database,
without a new data version. Process B still answers with A's numbers, so they came from
the shared cache; after a new data_version (what generate and import write) B answers
with the new numbers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from sqlalchemy import update

from dashboard import migrate
from dashboard.db import make_engine
from dashboard.schema import cases
from tests.fixture_auth import build_fixture
from tests.helpers import (
    REDIS_URL,
    free_port,
    redis_or_skip,
    set_version,
    sign_in,
    wait_until_up,
)

pytestmark = [pytest.mark.postgres, pytest.mark.multiprocess]


@pytest.fixture
def two_servers(postgres_server, tmp_path):
    redis_or_skip()
    url = postgres_server(migrated=True)
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_fixture(engine)
    set_version(engine, "v1")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "shared-secret", "PROBATION_INSTANCE": str(tmp_path)}
    procs, bases = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        wait_until_up(bases)
        yield engine, bases
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        engine.dispose()


def _overview(http: requests.Session, base: str) -> str:
    http.get(f"{base}/", timeout=10)  # registers the page router
    deps = http.get(f"{base}/_dash-dependencies", timeout=10).json()
    router = next(d for d in deps if "_pages_content.children" in d["output"])
    body = {"output": router["output"],
            "outputs": [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True))
                        for p in router["output"][2:-2].split("...")],
            "inputs": [{**i, "value": {"pathname": "/", "search": "?period=year&to=2025-12-31"}
                        .get(i["property"])} for i in router["inputs"]],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    response = http.post(f"{base}/_dash-update-component", json=body, timeout=30,
                         headers={"Origin": base})
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_a_result_cached_by_one_process_is_served_by_the_other(two_servers):
    engine, (a, b) = two_servers
    first = _overview(sign_in(a, "min"), a)
    with engine.begin() as conn:  # a change the cache cannot know about
        conn.execute(update(cases).where(cases.c.unit_id == 711).values(unit_id=751))
    assert _overview(sign_in(b, "min"), b) == first  # B answered from A's entry
    set_version(engine, "v2")  # what generate and import do
    assert _overview(sign_in(b, "min"), b) != first
