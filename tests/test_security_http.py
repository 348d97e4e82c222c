"""The gate, sign-in, CSRF, cookies, headers, idle timeout and /healthz, through a real
HTTP client (requests) against the app served on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest
import requests
from dash import Input, Output, html

from dashboard import audit, idle, migrate, security
from dashboard.config import Settings
from dashboard.db import make_engine
from service.factory import create_app
from tests.fixture_auth import PASSWORD, build_fixture
from tests.helpers import CSRF, choose_language, csrf_from, live, shell_token, sign_in

UNREACHABLE = "postgresql+psycopg2://postgres@127.0.0.1:1/none"
SECRET = "secret internals /etc/passwd, case row P-0000001"
"""What the crashing callback's exception says (as Dash's would quote an output)."""


def make_app(database_url: str, **settings):
    values = {"secret_key": "test-secret-key", **settings}
    return create_app(Settings(database_url=database_url, **values))


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('http') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_fixture(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def app(database_url):
    app = make_app(database_url)

    @app.callback(Output("boom-out", "children"), Input("boom-in", "value"))
    def boom(value):
        raise RuntimeError(SECRET)

    shell = app.layout  # the app's frame: a function, built per request for the user

    def layout():
        frame = shell() if callable(shell) else shell
        return html.Main([html.Div(id="boom-in"), html.Div(id="boom-out"), frame])

    app.layout = layout
    return app


@pytest.fixture(scope="module")
def server(app):
    with live(app) as server:
        yield server


@pytest.fixture
def engine(app):
    return app.server.config["ENGINE"]


def anonymous_targets(app) -> list[tuple[str, str]]:
    """(method, path) for every route of the server, with sample values for variables."""
    targets = []
    for rule in app.server.url_map.iter_rules():
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "x").replace(f"<path:{arg}>", "a/b")
            path = path.replace(f"<string:{arg}>", "x")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            targets.append((method, path))
    return sorted(set(targets))


def test_every_non_public_route_refuses_anonymous_users(app, server):
    for method, path in anonymous_targets(app):
        if security.is_public(path):
            continue
        response = requests.request(method, server.url + path, allow_redirects=False,
                                    json={}, timeout=10)
        if path.startswith("/_") or method != "GET":
            assert response.status_code == 401, (method, path)
            assert response.json() == {"error": "sign-in required"}, (method, path)
        else:
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/login?next="), (method, path)


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies", "/_reload-hash",
                                  "/_dash-update-component"])
def test_dash_internals_reveal_nothing_to_anonymous_users(server, path):
    for method in ("GET", "POST"):
        response = requests.request(method, server.url + path, timeout=10,
                                    json={"output": "boom-out.children"})
        assert response.status_code in (401, 405)
        if response.status_code == 401:
            assert response.content.strip() == b'{"error":"sign-in required"}'


def test_pages_redirect_to_sign_in_keeping_the_path(server):
    response = requests.get(server.url + "/region/KZ-75?year=2025", allow_redirects=False,
                            timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/region/KZ-75%3Fyear%3D2025"


def test_public_paths_work_anonymously(server):
    assert requests.get(server.url + "/login", timeout=10).status_code == 200
    css = requests.get(server.url + "/assets/vendor/bootstrap.min.css", timeout=10)
    assert css.status_code == 200 and "Bootstrap" in css.text[:200]
    assert requests.get(server.url + "/healthz", timeout=10).json() == {
        "status": "ok", "database": "ok"}


def test_dash_is_set_up_before_the_first_request(database_url):
    """Dash sets itself up in a process's first request but marks that done first: under
    gunicorn's threads, the requests that came meanwhile to a fresh worker got 500s for
    React and the bundles (a blank page). The factory runs that setup before any request
    (before gunicorn forks)."""
    app = make_app(database_url)
    assert {"dash", "dash_ag_grid", "dash_bootstrap_components"} <= set(app.registered_paths)
    assert any("_pages_content.children" in output for output in app.callback_map)
    client = app.server.test_client()
    for path in ("dash/deps/react@18.3.1.min.js",
                 "dash/dash-renderer/build/dash_renderer.min.js",
                 "dash_ag_grid/dash_ag_grid.min.js"):
        assert client.get(f"/_dash-component-suites/{path}").status_code == 200, path


@pytest.mark.parametrize("lang, word", [("kk", "Құпиясөз"), ("ru", "Пароль"),
                                        ("en", "Password")])
def test_sign_in_page_speaks_three_languages_without_cdn(server, lang, word):
    page = requests.get(f"{server.url}/login?lang={lang}", timeout=10).text
    assert f'<html lang="{lang}">' in page and word in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'name="csrf_token"' in page
    assert "http://" not in page and "https://" not in page


def test_sign_in_then_dash_endpoints_answer(server):
    http = sign_in(server.url, "head71")
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 200
    assert http.get(server.url + "/_dash-dependencies", timeout=10).status_code == 200
    assert http.get(server.url + "/", timeout=10).status_code == 200


def test_sections_preload_the_apps_plotly_bundle_from_this_server(server):
    http = sign_in(server.url, "head71")
    preload = ('<link rel="preload" href="/assets/vendor/plotly-custom-4.1.1.min.js" '
               'as="script">')
    for path in ("/", "/caseload"):
        head = http.get(server.url + path, timeout=10).text.split("</head>")[0]
        assert preload in head
        # Not a script of the index: dcc.Graph loads it (assets/plotly-bundle.js).
        assert '<script src="/assets/vendor/plotly-custom' not in \
            http.get(server.url + path, timeout=10).text
    assert preload not in http.get(server.url + "/region/KZ-71", timeout=10).text
    bundle = requests.get(server.url + "/assets/vendor/plotly-custom-4.1.1.min.js",
                          timeout=30)
    assert bundle.status_code == 200
    assert "plotly.js (probation: scatter, bar, box - minified) v4.1.1" in bundle.text[:200]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_dash_pages_name_the_readers_language(server, lang):
    http = sign_in(server.url, "head71")
    try:
        assert choose_language(http, server.url, lang).status_code == 302
        for path in ("/", "/region/KZ-71"):
            page = http.get(server.url + path, timeout=10).text
            assert page.count("<html") == 1 and f'<html lang="{lang}">' in page
    finally:
        choose_language(http, server.url, "kk")  # the default, as it was


def test_pages_load_the_regenerator_runtime_first_instead_of_babels_polyfill(server):
    page = sign_in(server.url, "head71").get(server.url + "/", timeout=10).text
    scripts = [line for line in page.splitlines() if "<script src=" in line]
    assert "/assets/vendor/regenerator-runtime-0.13.11.js" in scripts[0]
    assert "polyfill" not in page
    assert requests.get(server.url + "/assets/vendor/regenerator-runtime-0.13.11.js",
                        timeout=10).status_code == 200


def test_no_page_loads_ag_grid_with_the_page_only_its_stand_in(server):
    # The grids load the library once their page has loaded (ag-grid-after-load.js).
    http = sign_in(server.url, "head71")
    for path in ("/caseload", "/milestones", "/milestones/unit/1", "/", "/staff",
                 "/outcomes", "/region/KZ-71"):
        page = http.get(server.url + path, timeout=10).text
        assert '<script src="/_dash-component-suites/dash_ag_grid' not in page
        assert re.search(r'<script src="/assets/ag-grid-after-load\.js\?m=[0-9.]+" '
                         r'data-src="/_dash-component-suites/dash_ag_grid/dash_ag_grid\.v'
                         r'[^"]+\.min\.js"></script>', page)


def test_sign_in_is_audited(server, engine):
    sign_in(server.url, "min")
    assert audit.entries(engine, username="min", event="sign_in")[-1].ip == "127.0.0.1"


def test_unknown_user_and_wrong_password_show_the_same_page(server):
    def attempt(username, password):
        http = requests.Session()
        token = csrf_from(http.get(server.url + "/login?lang=en", timeout=10).text)
        response = http.post(server.url + "/login?lang=en", data={
            "csrf_token": token, "username": username, "password": password}, timeout=30)
        page = CSRF.sub("TOKEN", response.text.replace(username, "U"))
        return response.status_code, page

    unknown = attempt("nobody-at-all", "whatever password")
    wrong = attempt("unit711", "whatever password")
    assert unknown == wrong
    assert unknown[0] == 401 and "Wrong username or password." in unknown[1]


def test_lockout_over_http(server, engine):
    from dashboard import auth

    auth.create_user(engine, "lockme", "ministry", PASSWORD)
    http = requests.Session()
    for _ in range(5):
        token = csrf_from(http.get(server.url + "/login", timeout=10).text)
        http.post(server.url + "/login", data={"csrf_token": token, "username": "lockme",
                                               "password": "wrong password"}, timeout=30)
    token = csrf_from(http.get(server.url + "/login", timeout=10).text)
    response = http.post(server.url + "/login", data={
        "csrf_token": token, "username": "lockme", "password": PASSWORD},
        allow_redirects=False, timeout=30)
    # Paused for this account at this address (tests/test_throttle_http.py: not elsewhere).
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 401
    assert [e.event for e in audit.entries(engine, username="lockme")][-2:] == [
        "sign_in_failed", "locked_out"]


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_sign_in_without_the_right_csrf_token_is_refused(server, engine, token):
    http = requests.Session()
    http.get(server.url + "/login", timeout=10)  # the session has a token; we do not send it
    data = {"username": "min", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = http.post(server.url + "/login?lang=en", data=data, allow_redirects=False,
                         timeout=30)
    assert response.status_code == 400 and "The form has expired" in response.text
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 401
    assert audit.entries(engine, event="csrf_refused")


def test_csrf_token_of_another_session_is_refused(server):
    other = csrf_from(requests.get(server.url + "/login", timeout=10).text)
    http = requests.Session()
    http.get(server.url + "/login", timeout=10)
    response = http.post(server.url + "/login", data={
        "csrf_token": other, "username": "min", "password": PASSWORD},
        allow_redirects=False, timeout=30)
    assert response.status_code == 400


def _session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.get("Set-Cookie", "").split(", probation")
                 if "probation_session=" in c or c.startswith("_session=")]
    return cookie


def test_session_cookie_is_httponly_and_samesite_lax(server):
    http = requests.Session()
    token = csrf_from(http.get(server.url + "/login", timeout=10).text)
    response = http.post(server.url + "/login", data={
        "csrf_token": token, "username": "min", "password": PASSWORD},
        allow_redirects=False, timeout=30)
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(database_url):
    app = make_app(database_url, secure_cookies=True)
    with live(app) as server:
        http = requests.Session()
        token = csrf_from(http.get(server.url + "/login", timeout=10).text)
        response = http.post(server.url + "/login", data={
            "csrf_token": token, "username": "min", "password": PASSWORD},
            allow_redirects=False, timeout=30)
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "max-age" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("path", ["/login", "/"])
def test_security_headers(server, path):
    http = sign_in(server.url, "min") if path == "/" else requests.Session()
    response = http.get(server.url + path, timeout=10)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_dash_inline_scripts_are_allowed_by_hash(app, server):
    http = sign_in(server.url, "min")
    csp = http.get(server.url + "/", timeout=10).headers["Content-Security-Policy"]
    for digest in app.csp_hashes():
        assert digest in csp


def test_idle_timeout_signs_the_user_out(server, engine, monkeypatch):
    http = sign_in(server.url, "unit711")
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 200
    real_now = idle.now()
    monkeypatch.setattr(idle, "now", lambda: real_now + 29 * 60)
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 200
    monkeypatch.setattr(idle, "now", lambda: real_now + 29 * 60 + 31 * 60)
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 401
    page = http.get(server.url + "/caseload", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert audit.entries(engine, username="unit711", event="idle_timeout")


def test_sign_out_ends_the_session_even_if_the_cookie_is_replayed(server):
    http = sign_in(server.url, "head71")
    stolen = dict(http.cookies)
    response = http.post(server.url + "/logout", data={"csrf_token": shell_token(
        http, server.url)}, allow_redirects=False, timeout=10)
    assert response.headers["Location"] == "/login?notice=signed_out"
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 401
    replay = requests.get(server.url + "/_dash-layout", cookies=stolen, timeout=10)
    assert replay.status_code == 401


@pytest.mark.parametrize("data", [{}, {"csrf_token": "forged-token"}])
def test_sign_out_by_post_needs_the_csrf_token(server, engine, data):
    http = sign_in(server.url, "head71")
    response = http.post(server.url + "/logout", data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 200
    assert audit.entries(engine, username="head71", event="csrf_refused")[-1].target \
        == "/logout"


def test_no_state_changes_on_get(server, engine):
    """GET /logout and GET /language/<lang> change nothing (Dash's page router answers
    them as unknown pages): a link or an <img> on another site can neither sign the user
    out nor switch their language."""
    http = sign_in(server.url, "head71")
    for path in ("/logout", "/language/ru"):
        response = http.get(server.url + path, allow_redirects=False, timeout=10)
        assert response.status_code in (200, 404, 405), path
        assert "Traceback" not in response.text
    assert http.get(server.url + "/_dash-layout", timeout=10).status_code == 200
    from dashboard import auth
    assert auth.find_account(engine, "head71").language == "kk"


@pytest.mark.parametrize("data", [{}, {"csrf_token": "forged-token"}])
def test_the_language_switch_needs_the_csrf_token(server, engine, data):
    http = sign_in(server.url, "head71")
    response = http.post(server.url + "/language/ru", data=data, allow_redirects=False,
                         timeout=10)
    assert response.status_code == 400
    from dashboard import auth
    assert auth.find_account(engine, "head71").language == "kk"
    assert audit.entries(engine, username="head71", event="csrf_refused")[-1].target \
        == "/language"


def test_the_language_switch_goes_back_to_the_page(server, engine):
    http = sign_in(server.url, "head71")
    token = shell_token(http, server.url)
    try:
        response = http.post(server.url + "/language/en", data={"csrf_token": token},
                             headers={"Referer": server.url + "/caseload?region=KZ-71"},
                             allow_redirects=False, timeout=10)
        assert response.status_code == 302
        assert response.headers["Location"] == "/caseload?region=KZ-71"
        from dashboard import auth
        assert auth.find_account(engine, "head71").language == "en"
    finally:
        choose_language(http, server.url, "kk")


def test_the_shells_language_and_sign_out_are_post_forms_with_the_token(server):
    http = sign_in(server.url, "head71")
    token = shell_token(http, server.url)
    forms, links = {}, []

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props") if isinstance(node.get("props"), dict) else {}
            if node.get("type") == "Form":
                forms[props.get("action")] = (props.get("method"), json.dumps(props))
            if isinstance(props.get("href"), str):
                links.append(props["href"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(http.get(server.url + "/_dash-layout", timeout=10).json())
    assert set(forms) == {"/logout", "/language/kk", "/language/ru", "/language/en"}
    for action, (method, props) in forms.items():
        assert method == "POST" and token in props, action
    assert not [href for href in links if href.startswith(("/language", "/logout"))]


@pytest.mark.parametrize("next_value, expected", [
    ("/region/KZ-71", "/region/KZ-71"), ("//evil.example/x", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_sign_in_redirects_only_to_local_paths(server, next_value, expected):
    http = requests.Session()
    token = csrf_from(http.get(server.url + "/login", timeout=10).text)
    response = http.post(server.url + "/login", data={
        "csrf_token": token, "username": "min", "password": PASSWORD, "next": next_value},
        allow_redirects=False, timeout=30)
    assert response.headers["Location"] == expected


def test_a_crashing_callback_gives_a_clean_message(server, caplog):
    http = sign_in(server.url, "min")
    body = {"output": "boom-out.children", "outputs": {"id": "boom-out", "property": "children"},
            "inputs": [{"id": "boom-in", "property": "value", "value": 1}],
            "changedPropIds": ["boom-in.value"]}
    response = http.post(server.url + "/_dash-update-component", json=body, timeout=10)
    assert response.status_code == 500
    text = response.text
    assert "Traceback" not in text and "secret internals" not in text and "passwd" not in text
    assert "error" in response.json()
    # The log says where (type, frames), never the message: it may quote a callback's
    # output, case-level rows.
    logged = [r.getMessage() for r in caplog.records if "unhandled error" in r.getMessage()]
    assert logged and "RuntimeError" in logged[-1] and "boom" in logged[-1]
    assert SECRET not in caplog.text and "P-0000001" not in caplog.text


def test_cross_origin_callback_posts_are_refused(server):
    http = sign_in(server.url, "min")
    response = http.post(server.url + "/_dash-update-component", json={},
                         headers={"Origin": "https://evil.example"}, timeout=10)
    assert response.status_code == 403


def test_healthz_is_503_when_the_database_does_not_answer():
    app = make_app(UNREACHABLE)
    with live(app) as server:
        response = requests.get(server.url + "/healthz", timeout=30)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}
        page = requests.get(server.url + "/login", timeout=10)
        assert page.status_code == 200
        http = requests.Session()
        token = csrf_from(http.get(server.url + "/login?lang=en", timeout=10).text)
        failed = http.post(server.url + "/login?lang=en", data={
            "csrf_token": token, "username": "min", "password": PASSWORD}, timeout=30)
        # The outage page (callbacks/outage.py): retry later, nothing of the failure.
        assert failed.status_code == 503 and failed.headers["Retry-After"] == "5"
        assert "Traceback" not in failed.text and "127.0.0.1:1" not in failed.text
        assert "temporarily unavailable" in failed.text


def test_healthz_reveals_no_data(server):
    body = requests.get(server.url + "/healthz", timeout=10).text
    assert json.loads(body).keys() == {"status", "database"}


def test_a_body_whose_outputs_are_not_its_callback_s_is_refused():
    """A single-output callback called with a list of outputs (or another output) is not a
    call the renderer makes: 400 at the gate, never Dash's "wildcard multi-output" 500."""
    callbacks = {"url.href@0a1b": {"output": "url.href", "inputs": [], "state": []}}
    body = {"output": "url.href@0a1b", "inputs": [], "state": [], "changedPropIds": []}
    assert security.callback_body_problem({**body, "outputs": []}, callbacks) \
        == "outputs must be a dependency"
    assert security.callback_body_problem(
        {**body, "outputs": {"id": "url", "property": "search@0a1b"}}, callbacks) \
        == "outputs: expected url.href@0a1b"
    # An allow_duplicate output: the renderer sends the property with its hash.
    assert security.callback_body_problem(
        {**body, "outputs": {"id": "url", "property": "href@0a1b"}}, callbacks) is None


def test_a_body_whose_outputs_do_not_match_gets_400_over_http(server, caplog):
    http = sign_in(server.url, "min")
    body = {"output": "boom-out.children",
            "outputs": [{"id": "boom-out", "property": "children"}],
            "inputs": [{"id": "boom-in", "property": "value", "value": 1}],
            "changedPropIds": ["boom-in.value"]}
    response = http.post(server.url + "/_dash-update-component", json=body, timeout=10)
    assert response.status_code == 400
    assert "outputs must be a dependency" in response.json()["error"]
    assert SECRET not in caplog.text and "Traceback" not in caplog.text
