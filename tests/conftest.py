"""Shared fixtures: a database per backend (PostgreSQL is real; each run gets fresh
databases), the hand-counted fixture databases, generated datasets loaded once per run,
the app of the scope matrix and the browser with its server.

Tiers (pyproject.toml, README "Tests"): a plain `pytest` deselects the tests marked
postgres, browser, multiprocess and slow; `make test` (`pytest -m ""`) runs them all. A test
that asks for the postgres_server or browser fixture is marked postgres or browser here,
so it can never land in the quick tier by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from dashboard import migrate
from dashboard.db import make_engine
from tests import fixture_milestones, fixture_outcomes, fixture_small, fixture_staff
from tests.helpers import (
    ADMIN_URL,
    BROWSER_PASSWORD,
    CHROMIUM,
    IN_CI,
    LiveServer,
    Served,
    Watched,
    missing,
)

# Hypothesis under CI: the same examples every run (a failure is reproducible, never a
# flake of the draw), no deadline on a busy machine. Elsewhere: new examples every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")

QUICK_TIER = "not (postgres or browser or multiprocess or slow)"
"""pyproject's addopts: what a plain `pytest` selects."""
QUICK_PROCESSES = 2


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """A plain `pytest` (the quick tier over tests/, no -n given) runs on two processes with
    pytest-xdist: its tests share nothing but temporary files. Any other selection (a file,
    -m, -n) runs as asked; the slower tiers share servers, datasets and Redis, and run on
    one process (`make test`)."""
    option = config.option
    plain = (config.args_source is pytest.Config.ArgsSource.TESTPATHS
             and option.markexpr == QUICK_TIER and not option.keyword
             and getattr(option, "numprocesses", 0) is None
             and not option.usepdb and not hasattr(config, "workerinput"))
    if plain:
        option.numprocesses = QUICK_PROCESSES


# Fixtures that put a test into a tier, whatever its module says. A generated dataset (any
# scale) takes seconds to generate and load, so its tests leave the quick tier; the quick
# tier keeps the hand-counted fixtures (tests/fixture_*.py).
TIER_OF_FIXTURE = {"postgres_server": "postgres", "browser": "browser",
                   "dataset": "slow", "generated_dataset": "slow"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Before `-m` selects: a test using a tier's fixture carries the tier's marker, the
    tests of the scale-1 dataset go last (it is generated meanwhile: scale_one), and each
    test carries its xdist group."""
    for item in items:
        for fixture, marker in TIER_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
    items.sort(key=lambda item: "scale_one" in getattr(item, "fixturenames", ()))
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))


def _group(item) -> str:
    """Under `--dist loadgroup` (make test) a module's tests run on one worker, so that its
    module fixtures (servers, apps) are built once; the scale-1 tests run together, last."""
    if "scale_one" in getattr(item, "fixturenames", ()):
        return "scale_one"
    return item.nodeid.split("::", 1)[0]


# --- databases -----------------------------------------------------------------------------

def _postgres_unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_server():
    """Yields a factory of fresh PostgreSQL databases. A test's own database is dropped
    in the background once the test is done (`release`); the rest at the end."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        _postgres_unavailable(str(exc).splitlines()[0])
    created: list[str] = []
    schema: list[str] = []
    dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")

    def drop(name: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def new_database(migrated: bool = False, template: str | None = None) -> str:
        """A fresh database: empty; `migrated`, a copy of a schema-only template (much
        faster than running the migrations again for every test); or a copy of the
        database `template` (see seal_template)."""
        name = f"probation_test_{uuid.uuid4().hex[:12]}"
        if migrated and not schema:
            schema.append(make_url(new_database()).database)
            eng = make_engine(_url(schema[0]))
            migrate.upgrade(eng)
            eng.dispose()
            seal_template(schema[0])
        source = template or (schema[0] if migrated else None)
        statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if source else "")
        for attempt in range(20):
            try:
                with admin.connect() as conn:
                    conn.execute(text(statement))
                break
            except OperationalError as exc:  # a session still on the template: wait
                if "being accessed by other users" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.5)
        created.append(name)
        return _url(name)

    def seal_template(name: str) -> None:
        """No new connections to `name` (nor autovacuum's), so that CREATE DATABASE can
        copy it at any time."""
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))

    def release(url: str) -> None:
        """The test that asked for `url` is done with it: drop it meanwhile."""
        name = make_url(url).database
        created.remove(name)
        dropper.submit(drop, name)

    new_database.seal_template = seal_template
    new_database.release = release
    yield new_database
    dropper.shutdown(wait=True)
    for name in created:
        drop(name)
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


def _copy_sqlite(source: Path, tmp_path_factory) -> Path:
    """A copy of a closed SQLite database (its write-ahead log too, if one is left)."""
    path = tmp_path_factory.mktemp("db") / "probation.db"
    shutil.copyfile(source, path)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, f"{path}-wal")
    return path


def _new_url(backend: str, request, tmp_path_factory, migrated: bool = False) -> str:
    if backend == "postgres":
        return request.getfixturevalue("postgres_server")(migrated)
    if migrated:
        template = request.getfixturevalue("sqlite_template")
        return f"sqlite:///{_copy_sqlite(template, tmp_path_factory)}"
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'probation.db'}"


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _releaser(backend: str, request):
    """What to call with a test's database URL when the test is done with it (got while
    the fixture is set up: pytest gives no fixture during teardown)."""
    if backend == "postgres":
        return request.getfixturevalue("postgres_server").release
    return lambda _url: None


@pytest.fixture
def database_url(backend, request, tmp_path_factory) -> str:
    """An empty database on each backend (no schema)."""
    url = _new_url(backend, request, tmp_path_factory)
    release = _releaser(backend, request)
    yield url
    release(url)


@pytest.fixture
def engine(backend, request, tmp_path_factory):
    """A migrated, empty database on each backend."""
    url = _new_url(backend, request, tmp_path_factory, migrated=True)
    release = _releaser(backend, request)
    eng = make_engine(url)
    yield eng
    eng.dispose()
    release(url)


# --- generated datasets, each generated and loaded once per run ----------------------------

@pytest.fixture(scope="session")
def dataset():
    """dataset(scale, seed, until=None): service.demo.generate's dataset, generated once
    per run for each set of arguments (callers must not change its frames)."""
    from service import demo

    made: dict[tuple, object] = {}

    def get(scale: float, seed: int, until=None):
        key = (scale, seed, until)
        if key not in made:
            made[key] = demo.generate(scale=scale, seed=seed,
                                      **({} if until is None else {"until": until}))
        return made[key]

    return get


@pytest.fixture(scope="session")
def _loaded_templates() -> dict:
    """(backend, what) -> the URL of a database loaded once per run, copied by tests."""
    return {}


@pytest.fixture
def loaded_copy(backend, _loaded_templates, request, tmp_path_factory):
    """loaded_copy(key, load): an engine on a database of its own holding what
    `load(engine)` writes into a migrated, empty database. The load runs once per run and
    backend for each key; every call gets a copy (a file copy on SQLite, CREATE DATABASE
    ... TEMPLATE on PostgreSQL), so a test may change its copy freely."""
    engines = []
    release = _releaser(backend, request)

    def make(key, load):
        if (backend, key) not in _loaded_templates:
            url = _new_url(backend, request, tmp_path_factory, migrated=True)
            eng = make_engine(url)
            load(eng)
            eng.dispose()
            if backend == "postgres":
                request.getfixturevalue("postgres_server").seal_template(
                    make_url(url).database)
            _loaded_templates[backend, key] = url
        template = _loaded_templates[backend, key]
        if backend == "postgres":
            url = request.getfixturevalue("postgres_server")(
                template=make_url(template).database)
        else:
            url = f"sqlite:///{_copy_sqlite(Path(make_url(template).database), tmp_path_factory)}"
        eng = make_engine(url)
        engines.append(eng)
        return eng

    yield make
    for eng in engines:
        eng.dispose()
        release(eng.url.render_as_string(hide_password=False))


@pytest.fixture
def generated(loaded_copy, dataset):
    """generated(scale, seed, until=None): an engine on a database of its own holding that
    generated dataset as `load.replace_all` leaves it (loaded once per run and backend)."""
    from service import load

    def make(scale: float, seed: int, until=None):
        return loaded_copy(("generated", scale, seed, until),
                           lambda eng: load.replace_all(eng, dataset(scale, seed, until)))

    return make


# --- the national dataset at scale 1, generated in the background -------------------------

SCALE_ONE = ("generate", "--scale", "1", "--seed", "42", "--until", "2026-11-24")
RUN_ID = "PROBATION_TEST_RUN"
"""The run's id in the environment: set by the first process of a run, inherited by
pytest-xdist's workers, so that they share one scale-1 database per backend."""


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        os.environ[RUN_ID] = uuid.uuid4().hex[:12]


def _shared_dir() -> Path:
    """A folder every process of this run sees (the scale-1 claims and results)."""
    return Path(tempfile.gettempdir()) / f"probation-run-{os.environ[RUN_ID]}"


def _scale_one_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{_shared_dir() / 'scale1-sqlite' / 'probation.db'}"
    return _url(f"probation_test_scale1_{os.environ[RUN_ID]}")


class ScaleOne:
    """`probation-dashboard generate` at scale 1 into a fresh database of one backend, run
    as a process of its own from the start of the run (minutes: the rest of the suite runs
    meanwhile). The first process of the run to claim a backend generates it and writes
    the outcome into the run's shared folder; any process (an xdist worker) reads it."""

    def __init__(self, backend: str) -> None:
        self.backend, self.url = backend, _scale_one_url(backend)
        self.returncode: int | None = None
        self.stderr = ""
        self._result = _shared_dir() / f"scale1-{backend}.result"
        self._process: subprocess.Popen | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def claim(self) -> bool:
        """True for the one process of the run that is to generate this backend."""
        try:
            (_shared_dir() / f"scale1-{self.backend}").mkdir(parents=True)
        except FileExistsError:
            return False
        return True

    def run(self) -> None:
        """Create the database, generate into it, write the outcome (background thread)."""
        env = {k: v for k, v in os.environ.items() if k != "PROBATION_DEBUG"}
        returncode, stderr = -1, ""
        try:
            if self.backend == "postgres":
                _create_database(make_url(self.url).database)
            with self._lock:
                if self._cancelled:
                    return
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "service.cli", *SCALE_ONE],
                    env={**env, "DATABASE_URL": self.url}, stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE, text=True)
            _, stderr = self._process.communicate()
            returncode = self._process.returncode
        except Exception as exc:  # noqa: BLE001 - the test reports it
            stderr = f"could not run the generation: {exc!r}"
        finally:
            partial = self._result.with_suffix(".part")
            partial.write_text(json.dumps({"returncode": returncode, "stderr": stderr}))
            partial.replace(self._result)

    def wait(self, timeout: float) -> bool:
        """Wait for the outcome, whichever process generates; False on timeout."""
        deadline = time.monotonic() + timeout
        while not self._result.exists():
            if time.monotonic() > deadline:
                return False
            time.sleep(1)
        outcome = json.loads(self._result.read_text())
        self.returncode, self.stderr = outcome["returncode"], outcome["stderr"]
        return True

    def cancel(self) -> None:
        """The run was interrupted: kill the generation, or keep it from starting."""
        with self._lock:
            self._cancelled = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()


def _create_database(name: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _drop_scale_one() -> None:
    """The run's scale-1 databases, dropped by the run's first process at its end."""
    shutil.rmtree(_shared_dir(), ignore_errors=True)
    try:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS '
                              f'"{make_url(_scale_one_url("postgres")).database}" WITH (FORCE)'))
        admin.dispose()
    except Exception:  # noqa: BLE001 - no server: nothing was created on it
        pass


_scale_one: dict[str, ScaleOne] = {}
_generating: list[ScaleOne] = []
_threads: list[threading.Thread] = []


def pytest_collection_finish(session):
    """Start generating the scale-1 dataset for each backend a selected test needs, in
    the process that claims it first (a process's backends one after the other: two cores,
    and the suite goes on meanwhile)."""
    if session.config.option.collectonly:
        return
    backends = [item.callspec.params.get("backend") for item in session.items
                if "scale_one" in getattr(item, "fixturenames", ())
                and hasattr(item, "callspec")]
    for backend in dict.fromkeys(b for b in backends if b):
        job = _scale_one[backend] = ScaleOne(backend)
        if job.claim():
            _generating.append(job)
    if _generating:
        _threads.append(threading.Thread(target=lambda: [job.run() for job in _generating],
                                         name="scale-one", daemon=True))
        _threads[0].start()


def pytest_sessionfinish(session, exitstatus):
    """A generation this process started runs to its end (another worker may still need
    it), unless the run was interrupted; the run's first process drops the databases."""
    if exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop:
        for job in _generating:
            job.cancel()
    for thread in _threads:
        thread.join()
    if not hasattr(session.config, "workerinput"):
        _drop_scale_one()


@pytest.fixture
def scale_one(backend, request) -> ScaleOne:
    """The database `generate --scale 1 --seed 42 --until 2026-11-24` (the command line, in a
    process of its own) filled on `backend`, once it has finished: `.url`, `.returncode`,
    `.stderr`. Started when the run's tests were collected; the tests asking for it run
    last."""
    if backend == "postgres":
        request.getfixturevalue("postgres_server")  # skips, or fails under CI, without one
    job = _scale_one.get(backend)
    if job is None:
        pytest.fail(f"the scale-1 generation on {backend} was not started")
    if not job.wait(timeout=1800):
        pytest.fail(f"the scale-1 generation on {backend} did not finish within 30 minutes")
    return job


# --- the hand-counted fixture databases ----------------------------------------------------

@pytest.fixture
def milestones_conn(loaded_copy):
    """A connection to tests/fixture_milestones.py's database (each backend; a copy)."""
    with loaded_copy("milestones", fixture_milestones.load).connect() as conn:
        yield conn


@pytest.fixture
def outcomes_db(loaded_copy):
    """tests/fixture_outcomes.py's database, read models refreshed (each backend; a copy)."""
    return loaded_copy("outcomes", fixture_outcomes.load)


@pytest.fixture
def auth_db(loaded_copy):
    """tests/fixture_auth.py's database and users (each backend; a copy: the users'
    scrypt hashes are worked out once per run)."""
    from tests.fixture_auth import build_fixture

    return loaded_copy("auth", build_fixture)


@pytest.fixture
def several_db(outcomes_db):
    """The outcomes fixture and two more people (the demo gives nobody three cases):
    p6 with three cases, c7 (unit 1, sentence, Feb-Jul 2014), c8 (unit 2,
    post-penitentiary, Sep 2014 - Apr 2015), c9 (unit 1, sentence, from Jun 2015); p7
    with two in different regions and types, c10 (unit 1, sentence, Feb-May 2016) and
    c11 (unit 2, post-penitentiary, from Jul 2016). Refreshed."""
    from datetime import date

    from dashboard import schema as S
    from service import readmodel
    from tests.fixture_outcomes import COND, SENTENCE, case

    with outcomes_db.begin() as conn:
        conn.execute(insert(S.persons), [
            {"id": i, "code": f"P-{i}", "sex": "M", "birth_date": date(1990, 1, 1),
             "protected_category": None} for i in (6, 7)])
        post = ("post_penitentiary", "parole")
        conn.execute(insert(S.cases), [
            case(7, 6, 1, 1, SENTENCE, COND, date(2014, 2, 1), date(2014, 8, 1), "completed"),
            case(8, 6, 2, 3, *post, date(2014, 9, 1), date(2015, 5, 1), "completed"),
            case(9, 6, 1, 1, SENTENCE, COND, date(2015, 6, 1)),
            case(10, 7, 1, 2, SENTENCE, COND, date(2016, 2, 1), date(2016, 6, 1), "completed"),
            case(11, 7, 2, 4, *post, date(2016, 7, 1)),
        ])
        readmodel.refresh(conn)
    return outcomes_db


@pytest.fixture
def staff(loaded_copy):
    """tests/fixture_staff.py's database (each backend; a copy)."""
    return loaded_copy("staff", fixture_staff.load)


@pytest.fixture
def small_versioned(loaded_copy):
    """tests/fixture_small.py with its data version (a load writes one), read models
    refreshed (each backend; a copy: the refresh runs once per run and backend)."""
    return loaded_copy("small", fixture_small.load)


@pytest.fixture
def cached_request(database_url):
    """A request context of an app whose cache is on (SimpleCache), as a page has it."""
    import flask

    from dashboard import cache

    server = flask.Flask("cache-test")
    cache.init_app(server, SimpleNamespace(cache_seconds=60, redis_url=None,
                                           database_url=database_url))
    with server.test_request_context("/"):
        cache.clear()
        assert cache.enabled()
        yield
        cache.clear()


# --- the app of the scope matrix and the callback fuzzer (one per module) ------------------

@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory):
    """tests/matrix_app.py's app on the auth fixture, with its test-only page registered
    for the module (dash.page_registry is global: other modules' apps must not see it)."""
    import dash

    from tests.fixture_auth import build_fixture
    from tests.matrix_app import build_app, region_page_layout

    url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_fixture(engine)
    engine.dispose()
    app = build_app(url)
    dash.register_page("testonly_region", path_template="/testonly/region/<code>",
                       layout=region_page_layout, title="test-only")
    yield app
    dash.page_registry.pop("testonly_region", None)


@pytest.fixture(scope="module")
def matrix_server(matrix_app):
    from tests.helpers import live

    with live(matrix_app) as server:
        yield server


@pytest.fixture(scope="module")
def matrix_sessions(matrix_server):
    """A signed-in requests session per role of tests/fixture_auth.py."""
    from tests.fixture_auth import ROLES
    from tests.helpers import sign_in

    return {name: sign_in(matrix_server.url, role.username) for name, role in ROLES.items()}


@pytest.fixture(scope="module")
def matrix_dependencies(matrix_sessions, matrix_server):
    """The app's server-side callbacks, as GET /_dash-dependencies lists them."""
    response = matrix_sessions["ministry"].get(matrix_server.url + "/_dash-dependencies",
                                               timeout=10)
    return [d for d in response.json() if not d.get("clientside_function")]


# --- the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's, /usr/bin/chromium) through playwright, one per run.
    Missing: the browser tests skip on a workstation and fail under CI=true."""
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed: pip install -e '.[test]'")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} missing: make browser-deps (apt-get install -y chromium)")
    os.environ.setdefault("TMPDIR", "/tmp")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def small_server(tmp_path_factory) -> Served:
    """The app on tests/fixture_small.py (users minister, head71 and head-yesil, the head
    of unit 1, in English), one
    server for every browser test of it in the run."""
    from dashboard import auth
    from dashboard.config import Settings
    from service.factory import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    fixture_small.load(engine)
    auth.create_user(engine, "minister", "ministry", BROWSER_PASSWORD, language="en")
    auth.create_user(engine, "head71", "region_head", BROWSER_PASSWORD, region_code="KZ-71",
                     language="en")
    auth.create_user(engine, "head-yesil", "unit_head", BROWSER_PASSWORD, unit_id=1,
                     language="en")
    app = create_app(Settings(database_url=url, secret_key="browser-tests"))
    server = LiveServer(app).start()
    yield Served(server.url, url)
    server.stop()
    app.server.config["ENGINE"].dispose()  # now, not whenever the app is collected
    engine.dispose()


@pytest.fixture
def watched(browser, small_server):
    """A fresh browser context on small_server; afterwards, no console error and no
    request to any other host."""
    context = browser.new_context(viewport={"width": 1440, "height": 900},
                                  accept_downloads=True)
    w = Watched(context.new_page(), small_server.url)
    yield w
    context.close()
    assert w.errors == []
    assert w.hosts == {small_server.url.split("/")[2]}


# --- the report ------------------------------------------------------------------------------

def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say plainly how many tests ran against PostgreSQL (CI must show they did)."""
    counts = {outcome: sum(1 for r in terminalreporter.stats.get(outcome, [])
                           if "postgres" in getattr(r, "keywords", {}))
              for outcome in ("passed", "failed", "error", "skipped", "deselected")}
    terminalreporter.write_line(
        f"PostgreSQL tests ({ADMIN_URL.rsplit('@', 1)[-1]}): {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['error']} errors, {counts['skipped']} skipped, "
        f"{counts['deselected']} not selected")


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
