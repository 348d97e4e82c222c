"""Plain helpers the test modules share (no fixtures: those are in conftest.py)."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import plotly
import pytest
import requests
from sqlalchemy import create_engine, delete, insert, text
from werkzeug.serving import make_server

from dashboard.schema import dataset_info
from tests.fixture_auth import PASSWORD

ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> None:
    """Skip on a developer's machine; under CI=true a missing service or tool fails, so the
    tests that need it never vanish silently from a CI run."""
    if IN_CI:
        pytest.fail(f"{what} (required under CI=true)", pytrace=False)
    pytest.skip(what)


def array_of(values) -> np.ndarray:
    """A figure's data array, also when it travels as plotly.js's typed array (a dict of
    dtype and base64 bytes, as layouts.figures sends the maps' outlines)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def text_of(component) -> str:
    """A Dash component as the JSON Dash sends (to search for what a page shows)."""
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder,
                      ensure_ascii=False)


def shown(value) -> str:
    """The text a component (or a cell's children) puts on screen."""
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "".join(shown(v) for v in value)
    return shown(getattr(value, "children", None))


def header_of(table) -> list[str]:
    """The column headings of a drill table (dbc.Table: caption, head, body)."""
    _caption, head, _body = table.children
    return [shown(th) for th in head.children.children]


def rows_of(table) -> list[list]:
    """The body rows of a drill table, each as its cells (html.Th, then html.Td)."""
    _caption, _head, body = table.children
    return [row.children for row in body.children]


# --- a real HTTP server ------------------------------------------------------------------

class LiveServer:
    """The Flask server of a Dash app on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@contextmanager
def live(app):
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    return CSRF.search(html).group(1)


def shell_token(http: requests.Session, base: str) -> str:
    """The CSRF token the shell's forms (sign-out, language) carry, from /_dash-layout."""
    def walk(node):
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("name") == "csrf_token":
                yield props["value"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    layout = http.get(f"{base}/_dash-layout", timeout=10).json()
    return next(walk(layout))


def choose_language(http: requests.Session, base: str, lang: str):
    """POST /language/<lang> as the shell's form does."""
    return http.post(f"{base}/language/{lang}", data={"csrf_token": shell_token(http, base)},
                     allow_redirects=False, timeout=10)


def sign_in(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A requests session signed in as `username` (asserts the sign-in worked)."""
    http = requests.Session()
    token = csrf_from(http.get(f"{base}/login", timeout=10).text)
    response = http.post(f"{base}/login", data={
        "csrf_token": token, "username": username, "password": password,
    }, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:300]
    return http


# --- app processes (the multiprocess tests) ----------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def set_version(engine, version: str) -> None:
    """dataset_info of a 2014-2025 dataset with data_version `version`."""
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(delete(dataset_info))
        conn.execute(insert(dataset_info), [
            {"key": "data_from", "value": "2014-01-01", "updated_at": now},
            {"key": "data_until", "value": "2025-12-31", "updated_at": now},
            {"key": "data_version", "value": version, "updated_at": now}])


def wait_until_up(bases) -> None:
    """Each server answers /healthz within 20 s, or the test fails."""
    for base in bases:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail(f"{base} did not start")


# --- PostgreSQL outages ------------------------------------------------------------------

def set_connections(name: str, allowed: bool) -> None:
    """Let connections to database `name` in, or throw them out and refuse new ones."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"),
                         {"name": name})
    admin.dispose()


# --- callback bodies built from /_dash-dependencies --------------------------------------

WILDCARDS = {'["MATCH"]': "1", '["ALL"]': "1", '["ALLSMALLER"]': "1"}


def concrete_id(raw: str):
    """A dependency id as the renderer sends it: a string, or a dict for pattern ids."""
    if not raw.startswith("{"):
        return raw
    for wildcard, value in WILDCARDS.items():
        raw = raw.replace(wildcard, value)
    return json.loads(raw)


def split_dependency(text: str) -> dict:
    ident, prop = text.rsplit(".", 1)
    return {"id": concrete_id(ident), "property": prop}


def outputs_of(dep: dict):
    output = dep["output"]
    if output.startswith("..") and output.endswith(".."):
        return [split_dependency(part) for part in output[2:-2].split("...")]
    return split_dependency(output)


def callback_body(dep: dict, value_for) -> dict:
    """A well-formed call of the callback `dep`; `value_for(dependency)` gives each value."""
    def filled(items):
        return [{"id": concrete_id(d["id"]), "property": d["property"],
                 "value": value_for(d)} for d in items]

    inputs = filled(dep["inputs"])
    return {"output": dep["output"], "outputs": outputs_of(dep), "inputs": inputs,
            "state": filled(dep.get("state", [])),
            "changedPropIds": [f"{json.dumps(i['id']) if isinstance(i['id'], dict) else i['id']}"
                               f".{i['property']}" for i in inputs[:1]]}


# --- the browser (the fixtures are conftest.py's browser, small_server and watched) --------

try:
    from playwright.sync_api import expect
except ImportError:  # without playwright the browser fixture skips (fails under CI=true)
    expect = None

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts"
BROWSER_PASSWORD = "Correct-horse-battery-9"


# Each grid drawn in its box (not the stand-in's empty box), its headers shown (AG Grid
# hides them until it has laid the grid out).
GRIDS_DRAWN = """() => [...document.querySelectorAll('.ag-theme-alpine')].every(g =>
    g.querySelector('.ag-root-wrapper') && [...g.querySelectorAll('.ag-header-cell')]
        .every(c => getComputedStyle(c).visibility !== 'hidden'))"""
UNDRAWN_GRIDS = """() => [...document.querySelectorAll('.ag-theme-alpine')].filter(g =>
    !g.querySelector('.ag-root-wrapper') || [...g.querySelectorAll('.ag-header-cell')]
        .some(c => getComputedStyle(c).visibility === 'hidden')).map(g => g.id)"""
# Every chart on the page drawn (assets/plotly-bundle.js draws them all, in view or not).
CHARTS_DRAWN = """() => [...document.querySelectorAll('.dash-graph')].every(g =>
    [...g.querySelectorAll('.main-svg')].some(s => s.childElementCount > 0))"""
# No Dash component loading, and every grid drawn.
SETTLED = f"""() => !document.querySelector('[data-dash-is-loading="true"]')
    && ({GRIDS_DRAWN})()"""


class Watched:
    """A page with the console errors and the hosts it contacted recorded."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.hosts.add(r.url.split("/")[2]))

    def open(self, path: str):
        self.page.goto(self.base + path)
        self.settle()

    def settle(self):
        """Nothing loading, no callback running, and every grid drawn: AG Grid arrives once
        the page has loaded (assets/ag-grid-after-load.js), after the network has been idle."""
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(SETTLED)

    def reveal(self, selector: str):
        """Scroll `selector` into view (as a reader would) and wait for the page to settle."""
        self.settle()
        self.page.locator(selector).scroll_into_view_if_needed()
        self.settle()

    def choose_language(self, lang: str):
        """The shell's language button (a POST form with the CSRF token), as a user would;
        from the overview if the page in view has no shell."""
        button = self.page.locator(f"#lang-{lang}")
        if button.count() == 0:
            self.open("/")
        toggle = self.page.locator("#shell-menu-toggle")
        if toggle.is_visible() and not button.is_visible():  # folded on a narrow screen
            toggle.click()
            self.page.wait_for_selector("#shell-menu.show")  # opened, not still sliding
            button.wait_for(state="visible")
        with self.page.expect_navigation():
            self.page.click(f"#lang-{lang}")
        self.settle()

    def sign_in(self, username: str, password: str = BROWSER_PASSWORD):
        self.page.goto(self.base + "/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/login" not in url)
        self.settle()


@dataclass(frozen=True)
class Served:
    """An app served on 127.0.0.1 for the browser tests, and its database."""

    url: str
    database_url: str


def delete_case(conn, case_id: int) -> None:
    """Remove one case and every row that refers to it."""
    from sqlalchemy import delete

    from dashboard.schema import assistance, case_assignments, cases, milestones, violations

    for table in (case_assignments, milestones, violations, assistance):
        conn.execute(delete(table).where(table.c.case_id == case_id))
    conn.execute(delete(cases).where(cases.c.id == case_id))


SMALL_ROLES = {"minister": ("ministry", {}),
               "head71": ("region_head", {"region_code": "KZ-71"}),
               "yesil": ("unit_head", {"unit_id": 1})}
"""A ministry user, Astana's region head and the Yesil unit's head on fixture_small."""
SMALL_ROLES_PASSWORD = "Correct-horse-battery-9"


@contextmanager
def small_app_with_roles(folder: Path, secret: str, **settings):
    """The app on a new SQLite file of tests/fixture_small.py with the SMALL_ROLES users
    (English), settings as given; its engine disposed afterwards."""
    from dashboard import auth, migrate
    from dashboard.config import Settings
    from dashboard.db import make_engine
    from service.factory import create_app
    from tests import fixture_small

    url = f"sqlite:///{folder / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    fixture_small.load(engine)
    for name, (role, place) in SMALL_ROLES.items():
        auth.create_user(engine, name, role, SMALL_ROLES_PASSWORD, language="en", **place)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key=secret, **settings))
    try:
        yield app
    finally:
        app.server.config["ENGINE"].dispose()


REDIS_URL = os.environ.get(
    "TEST_REDIS_URL",
    f"redis://127.0.0.1:6379/{15 - int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:])}")
"""The tests' Redis: a database of its own on the local server (15, and 14 for xdist's
second worker: the throttle's counts must not add up across workers)."""


def redis_or_skip(url: str = REDIS_URL) -> None:
    """Skip the test when Redis does not answer at `url`; fail instead under CI=true."""
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required under CI=true (make redis): {exc}")
        pytest.skip(f"Redis not available at {url}: {exc}")


def routed_layout(http: requests.Session, base: str, path: str, search: str = "") -> dict:
    """The layout the page router's callback answers for `path` and `search`, over HTTP."""
    deps = http.get(base + "/_dash-dependencies", timeout=10).json()
    (router,) = [d for d in deps if {"id": "_pages_location", "property": "pathname"}
                 in d["inputs"]]
    body = callback_body(router, lambda d: path if d["property"] == "pathname" else search)
    response = http.post(base + "/_dash-update-component", json=body, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def component_with_id(tree, id_: str):
    """The component with `id_` anywhere in a JSON layout (None: not there)."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == id_:
            return tree
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    return next((f for c in children if (f := component_with_id(c, id_)) is not None), None)


def layout_text(node) -> str:
    """The text a component of a JSON layout puts on screen."""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return "".join(layout_text(n) for n in node)
    if isinstance(node, dict):
        return layout_text(node.get("props", {}).get("children"))
    return ""


@contextmanager
def served_app(folder: Path, secret: str, fill, users, **settings):
    """A live app on a new SQLite database in `folder`, filled by `fill(engine)`, with
    `users` ((username, role, keyword arguments of auth.create_user), password
    BROWSER_PASSWORD); yields its base URL. The browser tests' servers of their own."""
    from dashboard import auth, migrate
    from dashboard.config import Settings
    from dashboard.db import make_engine
    from service.factory import create_app

    url = f"sqlite:///{folder / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    fill(engine)
    for username, role, extra in users:
        auth.create_user(engine, username, role, BROWSER_PASSWORD, **extra)
    app = create_app(Settings(database_url=url, secret_key=secret, **settings))
    server = LiveServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()
        app.server.config["ENGINE"].dispose()
        engine.dispose()


def demo_data(scale: float, seed: int = 42):
    """A `fill` for served_app: the demo generator's dataset at `scale`."""
    def fill(engine) -> None:
        from service import demo, load

        load.replace_all(engine, demo.generate(scale=scale, seed=seed))
    return fill
