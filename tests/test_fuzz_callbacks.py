"""Property-based fuzzing of POST /_dash-update-component (hypothesis, >= 500 examples).

Bodies are built from the callbacks the server itself lists at /_dash-dependencies, so
the callbacks of every page added later are fuzzed too: well-formed calls with hostile
values (wrong types, huge strings, SQL-looking strings, unknown ids), and broken calls
(missing fields, wrong shapes, unknown outputs, raw bytes). Whatever comes in: never a
5xx, never a stack trace.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import callback_body

EXAMPLES = 500

SQLISH = st.sampled_from([
    "' OR 1=1 --", "KZ-71'; DROP TABLE cases; --", "1; SELECT * FROM users", "\" OR \"\"=\"",
    "%' UNION SELECT password_hash FROM users --", "../../etc/passwd", "<script>alert(1)</script>",
    "KZ-75", "KZ-99", "999999999999999999999", "-1", "0", "NaN", "\x00", "null", "{}",
    "/region/KZ-75", "/case/6", "?region=KZ-75&unit=751", "{{7*7}}", "${jndi:ldap://x}",
])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-2**70, max_value=2**70), st.text(max_size=200), SQLISH,
    st.integers(min_value=1_000, max_value=200_000).map(lambda n: "Я" * n),
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


def test_fuzz_callback_bodies(matrix_server, matrix_sessions, bodies):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies, role=st.sampled_from(ROLES_TO_FUZZ))
    def run(body, role):
        response = matrix_sessions[role].post(matrix_server.url + "/_dash-update-component",
                                              json=body, timeout=30)
        assert_no_crash(response)

    run()


def test_fuzz_raw_request_bodies(matrix_server, matrix_sessions):
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
