"""Property-based fuzzing of POST /_dash-update-component (hypothesis, EXAMPLES_PER_ROLE
bodies for each role, across every callback).

Bodies are built from the callbacks the server itself lists at /_dash-dependencies, so
the callbacks of every page added later are fuzzed too: well-formed calls with hostile
values (wrong types, huge strings, SQL-looking strings, unknown ids), and broken calls
(missing fields, wrong shapes, unknown outputs, raw bytes), lone surrogates, control
characters, deep nesting, unknown places in paths. Whatever comes in: never a 5xx, never
a stack trace in a response or in the server's log (issue 29, item 3).
"""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import callback_body

EXAMPLES_PER_ROLE = 1000

SQLISH = st.sampled_from([
    "' OR 1=1 --", "KZ-71'; DROP TABLE cases; --", "1; SELECT * FROM users", "\" OR \"\"=\"",
    "%' UNION SELECT password_hash FROM users --", "../../etc/passwd", "<script>alert(1)</script>",
    "KZ-75", "KZ-99", "999999999999999999999", "-1", "0", "NaN", "\x00", "null", "{}",
    "/region/KZ-75", "/case/6", "?region=KZ-75&unit=751", "{{7*7}}", "${jndi:ldap://x}",
    "/milestones/unit/999999", "/milestones/officer/999999", "/staff/unit/0", "/unit/-1",
    "?unit=999999", "?unit=abc", "?officer=1e9", "/case/\ud800", "\udfff", "a\x00b",
    "=HYPERLINK(\"http://x\")", "\x1b[31m", "\u202e",
])
HOSTILE_TEXT = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1,
            max_size=5),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=5),
    st.tuples(st.sampled_from(["/milestones/unit/", "/staff/unit/", "/unit/", "/officer/",
                               "?unit=", "?region="]),
              st.one_of(st.integers(), st.text(max_size=10))).map(lambda p: f"{p[0]}{p[1]}"),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-2**70, max_value=2**70), st.text(max_size=200), SQLISH,
    st.integers(min_value=1_000, max_value=200_000).map(lambda n: "Я" * n), HOSTILE_TEXT,
)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=20), inner, max_size=5)),
    max_leaves=20)


def hostile_values(dep) -> st.SearchStrategy:
    """A well-formed call of `dep` with arbitrary values."""
    n = len(dep["inputs"]) + len(dep.get("state", []))
    return st.lists(JSON, min_size=n, max_size=n).map(
        lambda values: callback_body(dep, _from(values)))


def _from(values):
    it = iter(values)
    return lambda _dependency: next(it)


def broken(body_strategy) -> st.SearchStrategy:
    """A call with one part removed, retyped or replaced."""
    keys = st.sampled_from(["output", "outputs", "inputs", "state", "changedPropIds"])

    def mutate(args):
        body, key, how, value = args
        body = dict(body)
        if how == "drop":
            body.pop(key, None)
        else:
            body[key] = value
        return body

    return st.tuples(body_strategy, keys, st.sampled_from(["drop", "set"]), JSON).map(mutate)


def unknown_ids(dep) -> st.SearchStrategy:
    def rename(args):
        body, name = args
        body = json.loads(json.dumps(body))
        for item in body["inputs"]:
            item["id"] = name
        return body

    return st.tuples(hostile_values(dep), st.one_of(st.text(max_size=50), SQLISH)).map(rename)


@pytest.fixture(scope="module")
def bodies(matrix_dependencies):
    per_callback = [hostile_values(d) for d in matrix_dependencies]
    per_callback += [unknown_ids(d) for d in matrix_dependencies]
    well_formed = st.one_of(per_callback)
    return st.one_of(
        well_formed, well_formed, broken(well_formed), JSON,
        st.fixed_dictionaries({"output": st.one_of(st.text(max_size=80), SQLISH, JSON)},
                              optional={"inputs": JSON, "outputs": JSON, "state": JSON}),
    )


def assert_no_crash(response):
    text = response.text
    assert response.status_code < 500, f"{response.status_code}: {text[:500]}"
    assert "Traceback" not in text and 'File "' not in text, text[:500]


ROLES_TO_FUZZ = ("ministry", "region_head", "unit_head", "admin")


@pytest.fixture
def server_log(caplog):
    """The server's log records (the app runs in this process): none may be an error or
    carry a traceback."""
    caplog.set_level(logging.WARNING)
    yield caplog
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, bad[0].getMessage()[:500]
    assert "Traceback" not in caplog.text


@pytest.mark.slow  # a minute and a half: run by `make test` and CI, not the quick tier
@pytest.mark.parametrize("role", ROLES_TO_FUZZ)
def test_fuzz_callback_bodies(matrix_server, matrix_sessions, bodies, server_log, role):
    statuses = []

    @settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies)
    def run(body):
        response = matrix_sessions[role].post(matrix_server.url + "/_dash-update-component",
                                              json=body, timeout=30)
        statuses.append(response.status_code)
        assert_no_crash(response)

    run()
    assert len(statuses) >= EXAMPLES_PER_ROLE


@pytest.mark.parametrize("role", ROLES_TO_FUZZ)
def test_every_callback_with_hostile_text(matrix_server, matrix_sessions,
                                          matrix_dependencies, server_log, role):
    """Each callback at least once per role, every value a hostile text: 400 at the gate
    for a lone surrogate or a control character, never a 5xx."""
    for dep in matrix_dependencies:
        for text in ("\ud800", "a\x00b", "Я" * 5000, "/milestones/unit/999999"):
            body = callback_body(dep, lambda _d, text=text: text)
            response = matrix_sessions[role].post(
                matrix_server.url + "/_dash-update-component", json=body, timeout=30)
            assert_no_crash(response)
            if text != "/milestones/unit/999999":
                assert response.status_code == 400, (dep["output"], text[:10])


def test_a_deep_json_body_is_refused_before_parsing(matrix_server, matrix_sessions,
                                                   server_log):
    for depth in (33, 1000, 100_000):
        raw = "[" * depth + "]" * depth
        response = matrix_sessions["ministry"].post(
            matrix_server.url + "/_dash-update-component", data=raw,
            headers={"Content-Type": "application/json"}, timeout=30)
        assert response.status_code == 400, depth
        assert "deeper" in response.json()["error"]


def test_static_route_probes_get_404_without_a_traceback(matrix_server, server_log):
    import requests

    for path in ("/_dash-component-suites/os/path.py",
                 "/_dash-component-suites/dash/nothing-here.js",
                 "/_dash-component-suites/flask/app.py", "/_dash-component-suites/x/%2e%2e/a",
                 "/assets/nothing-here.css"):
        response = requests.get(matrix_server.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 404, path
        assert_no_crash(response)


def test_fuzz_raw_request_bodies(matrix_server, matrix_sessions, server_log):
    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(raw=st.binary(max_size=2000),
           content_type=st.sampled_from(["application/json", "text/plain",
                                         "application/x-www-form-urlencoded", ""]))
    def run(raw, content_type):
        response = matrix_sessions["ministry"].post(
            matrix_server.url + "/_dash-update-component", data=raw,
            headers={"Content-Type": content_type}, timeout=30)
        assert_no_crash(response)

    run()


def test_a_body_larger_than_the_limit_is_refused_cleanly(matrix_server, matrix_sessions):
    response = matrix_sessions["ministry"].post(matrix_server.url + "/_dash-update-component",
                                                data=b"x" * (3 * 1024 * 1024),
                                                headers={"Content-Type": "application/json"},
                                                timeout=30)
    assert response.status_code == 413
    assert_no_crash(response)


@pytest.mark.parametrize("pathname", ["/milestones/unit/999999", "/milestones/officer/999999",
                                      "/milestones/unit/0", "/milestones/unit/abc"])
def test_the_worklist_of_an_unknown_place_is_not_an_error(matrix_server, matrix_sessions,
                                                          server_log, pathname):
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    for output, inputs in (
            ("milestones-worklist.getRowsResponse",
             [{"id": "milestones-worklist", "property": "getRowsRequest", "value": request}]),
            ("milestones-download.data",
             [{"id": "milestones-export-csv", "property": "n_clicks", "value": 1}])):
        state = [{"id": "url", "property": "pathname", "value": pathname},
                 {"id": "url", "property": "search", "value": ""}]
        if output.startswith("milestones-download"):
            state.insert(0, {"id": "milestones-worklist", "property": "getRowsRequest",
                             "value": request})
        component, prop = output.split(".")
        body = {"output": output, "outputs": {"id": component, "property": prop},
                "inputs": inputs, "state": state,
                "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
        response = matrix_sessions["ministry"].post(
            matrix_server.url + "/_dash-update-component", json=body, timeout=30)
        assert_no_crash(response)
        assert response.status_code in (200, 204, 403), (output, response.text[:300])


def test_hostile_text_never_reaches_the_database(auth_db, server_log):
    """On each backend (PostgreSQL's driver could not encode a lone surrogate: a 500): the
    gate answers 400 before any query; well-formed text still gets its page."""
    from dashboard.config import Settings
    from service.factory import create_app
    from tests.helpers import live, sign_in

    engine = auth_db
    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False),
                              secret_key="fuzz-backend"))
    try:
        with live(app) as server:
            http = sign_in(server.url, "min")
            deps = http.get(server.url + "/_dash-dependencies", timeout=10).json()
            (router,) = [d for d in deps if {"id": "_pages_location",
                                             "property": "pathname"} in d["inputs"]]
            for path, status in (("/region/KZ-71\ud800", 400), ("/region/\x00", 400),
                                 ("/region/KZ-71", 200)):
                body = callback_body(router, lambda d, path=path: path
                                     if d["property"] == "pathname" else "")
                response = http.post(server.url + "/_dash-update-component", json=body,
                                     timeout=30)
                assert response.status_code == status, (path, response.text[:300])
    finally:
        app.server.config["ENGINE"].dispose()
