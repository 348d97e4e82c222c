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


@pytest.mark.parametrize("name, field, cases", [
    ("PROBATION_PAGE_PARALLEL_WORKERS", "page_parallel_workers", [(None, 0), ("2", 2), ("", None)]),
    ("PROBATION_PAGE_RANDOM_PAGE_COST", "page_random_page_cost",
     [(None, 1.1), ("2", 2.0), (" ", None)]),
])
def test_the_setting_from_the_environment(monkeypatch, name, field, cases):
    """Unset: the default; a value: that value; empty: None (the server's own)."""
    for raw, expected in cases:
        if raw is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, raw)
        assert getattr(Settings.from_env(), field) == expected
