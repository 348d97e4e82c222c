"""Fixtures: a database per backend. PostgreSQL is real; each run gets a fresh database."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard import migrate
from dashboard.db import make_engine

ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_server():
    """Yields a factory of fresh PostgreSQL databases; drops them all at the end."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        _postgres_unavailable(str(exc).splitlines()[0])
    created: list[str] = []
    template: list[str] = []

    def new_database(migrated: bool = False) -> str:
        """A fresh database; `migrated` copies a schema-only template (much faster than
        running the migrations again for every test)."""
        name = f"probation_test_{uuid.uuid4().hex[:12]}"
        if migrated and not template:
            template.append(new_database().rsplit("/", 1)[1])
            eng = make_engine(_url(template[0]))
            migrate.upgrade(eng)
            eng.dispose()
        source = f' TEMPLATE "{template[0]}"' if migrated else ""
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{source}'))
        created.append(name)
        return _url(name)

    yield new_database
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "probation.db"
    eng = make_engine(f"sqlite:///{path}")
    migrate.upgrade(eng)
    eng.dispose()
    return path


def _new_url(backend: str, request, tmp_path_factory, migrated: bool = False) -> str:
    if backend == "postgres":
        return request.getfixturevalue("postgres_server")(migrated)
    path = tmp_path_factory.mktemp("db") / "probation.db"
    if migrated:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path_factory) -> str:
    """An empty database on each backend (no schema)."""
    return _new_url(backend, request, tmp_path_factory)


@pytest.fixture
def engine(backend, request, tmp_path_factory):
    """A migrated, empty database on each backend."""
    eng = make_engine(_new_url(backend, request, tmp_path_factory, migrated=True))
    yield eng
    eng.dispose()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say plainly how many tests ran against PostgreSQL (CI must show they did)."""
    passed = [r for r in terminalreporter.stats.get("passed", [])
              if "postgres" in r.keywords]
    failed = [r for r in terminalreporter.stats.get("failed", [])
              if "postgres" in r.keywords]
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "postgres" in r.keywords]
    terminalreporter.write_line(
        f"PostgreSQL tests ({ADMIN_URL.rsplit('@', 1)[-1]}): {len(passed)} passed, "
        f"{len(failed)} failed, {len(skipped)} skipped")


@pytest.fixture(scope="session")
def generated_dataset(request, tmp_path_factory):
    """generated_dataset(backend, scale, seed, until): an engine on a database holding the
    synthetic dataset, its read models refreshed by the load; generated once per run for
    each (backend, scale, seed, until) and shared: tests read it, never write to it."""
    from service import demo, load

    made: dict = {}

    def make(backend: str, scale: float, seed: int, until):
        key = (backend, scale, seed, until)
        if key not in made:
            url = _new_url(backend, request, tmp_path_factory, migrated=True)
            engine = make_engine(url)
            load.replace_all(engine, demo.generate(scale=scale, seed=seed, until=until))
            made[key] = engine
        return made[key]

    yield make
    for engine in made.values():
        engine.dispose()
