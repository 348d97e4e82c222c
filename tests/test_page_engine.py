"""The pages' PostgreSQL sessions start no parallel workers unless told to (config
`page_parallel_workers`) and price a random page read as memory and SSD do
(`page_random_page_cost`); everything else keeps the server's settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from dashboard.config import Settings
from dashboard.db import make_engine


def _workers(engine, setting: str = "max_parallel_workers_per_gather") -> str:
    with engine.connect() as conn:
        return conn.execute(text(f"SHOW {setting}")).scalar()


@pytest.mark.postgres
def test_page_sessions_take_the_setting_and_others_the_server_s(postgres_server):
    url = postgres_server()
    server_default = _workers(make_engine(url))
    assert _workers(make_engine(url, 0)) == "0"
    assert _workers(make_engine(url, 3)) == "3"
    assert _workers(make_engine(url, None)) == server_default
    cost = "random_page_cost"
    assert _workers(make_engine(url, 0, 1.1), cost) == "1.1"
    assert _workers(make_engine(url, 0, 1.1)) == "0"
    assert _workers(make_engine(url, None, None), cost) == _workers(make_engine(url), cost)


def test_the_setting_from_the_environment(monkeypatch):
    monkeypatch.delenv("PROBATION_PAGE_PARALLEL_WORKERS", raising=False)
    assert Settings.from_env().page_parallel_workers == 0
    monkeypatch.setenv("PROBATION_PAGE_PARALLEL_WORKERS", "2")
    assert Settings.from_env().page_parallel_workers == 2
    monkeypatch.setenv("PROBATION_PAGE_PARALLEL_WORKERS", "")
    assert Settings.from_env().page_parallel_workers is None
    monkeypatch.delenv("PROBATION_PAGE_RANDOM_PAGE_COST", raising=False)
    assert Settings.from_env().page_random_page_cost == 1.1
    monkeypatch.setenv("PROBATION_PAGE_RANDOM_PAGE_COST", "2")
    assert Settings.from_env().page_random_page_cost == 2.0
    monkeypatch.setenv("PROBATION_PAGE_RANDOM_PAGE_COST", " ")
    assert Settings.from_env().page_random_page_cost is None
