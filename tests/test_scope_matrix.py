"""Who sees what, through a real HTTP client, for every page and every callback.

Generic on purpose: page routes come from `dash.page_registry` after create_app, and
callbacks from GET /_dash-dependencies, so every page and callback added later is covered
without touching this file. Path variables are given in-scope and out-of-scope values by
the literal segment before them (/region/<code>, /unit/<id>, /officer/<id>, /case/<id>);
a page with a segment this file does not know fails loudly instead of going untested.

A tiny test-only page and callback (tests/matrix_app.py, never in the app) make the
matrix bite: they use current_scope() the way the real ones must. The app, its server
and the signed-in sessions are conftest.py's matrix_* fixtures (one app per module).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import dash
import pytest
import requests

from dashboard import audit, i18n
from tests.fixture_auth import ROLES, UNITS, out_of_scope_markers
from tests.helpers import callback_body

PAGES_CALLBACK_INPUT = {"id": "_pages_location", "property": "pathname"}
CASE_IDS = {711: 1, 712: 4, 751: 6, 791: 10}  # the first case of each fixture unit


def target(role, kind: str, in_scope: bool):
    """A value for a path variable or input of `kind`, inside or outside `role`'s scope."""
    unit = role.in_scope_unit if in_scope else role.out_of_scope_unit
    if kind == "region":
        return role.in_scope_region if in_scope else role.out_of_scope_region
    if kind in ("unit", "officer"):  # fixture officers have their unit's id
        return unit
    if kind == "case":
        return CASE_IDS.get(unit, 999999) if unit is not None else None
    raise KeyError(kind)


KINDS = ("region", "unit", "officer", "case")


# --- pages -------------------------------------------------------------------------------

VARIABLE = re.compile(r"<([^>]+)>")


def page_paths(role, in_scope: bool) -> list[tuple[str, bool]]:
    """(path, names a target) for every registered page, variables filled for `role`."""
    paths = []
    for page in dash.page_registry.values():
        template = page.get("path_template") or page["path"]
        if not VARIABLE.search(template):
            paths.append((template, False))
            continue
        segments = template.strip("/").split("/")
        filled = []
        for i, segment in enumerate(segments):
            match = VARIABLE.fullmatch(segment)
            if not match:
                filled.append(segment)
                continue
            kind = segments[i - 1] if i else ""
            if kind not in KINDS:
                pytest.fail(f"page {template}: no scope target for <{match.group(1)}> after "
                            f"/{kind}/: teach test_scope_matrix.target() about it")
            value = target(role, kind, in_scope)
            if value is None:
                break
            filled.append(quote(str(value)))
        else:
            paths.append(("/" + "/".join(filled), True))
    return paths


def render_page(http, base, dependencies, path: str, search: str = ""):
    (router,) = [d for d in dependencies if PAGES_CALLBACK_INPUT in d["inputs"]]
    body = callback_body(router, lambda d: path if d["property"] == "pathname" else search)
    return http.post(base + "/_dash-update-component", json=body, timeout=30)


def payload(response) -> str:
    """The response as text, with JSON unescaped (Dash escapes non-ASCII as \\uXXXX)."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


def assert_clean(response, markers):
    text = payload(response)
    assert response.status_code < 500, text[:300]
    assert "Traceback" not in text
    for marker in markers:
        assert marker not in text, f"{marker!r} leaked: {text[:300]}"


@pytest.mark.parametrize("in_scope", [True, False], ids=["in-scope", "out-of-scope"])
@pytest.mark.parametrize("role_name", ROLES)
def test_every_page_for_every_role(matrix_server, matrix_sessions, matrix_dependencies,
                                   matrix_app, role_name, in_scope):
    role = ROLES[role_name]
    http = matrix_sessions[role_name]
    assert dash.page_registry, "no page registered"
    paths = page_paths(role, in_scope)
    for path, names_target in paths:
        before = len(audit.entries(matrix_app.server.config["ENGINE"], event="refused"))
        shell = http.get(matrix_server.url + path, timeout=10)
        assert shell.status_code == 200
        assert_clean(shell, out_of_scope_markers(role))
        response = render_page(http, matrix_server.url, matrix_dependencies, path)
        assert_clean(response, out_of_scope_markers(role))
        # Dash passes ?query parameters to the layout as keyword arguments, *overriding*
        # path variables: a forged search must not widen the scope either.
        smuggled = "?" + "&".join(
            f"{name}={quote(str(target(role, kind, False)))}"
            for kind in KINDS for name in (kind, f"{kind}_id", "code", "id"))
        assert_clean(render_page(http, matrix_server.url, matrix_dependencies, path, smuggled),
                     out_of_scope_markers(role))
        refused = len(audit.entries(matrix_app.server.config["ENGINE"], event="refused")) > before
        if names_target and not in_scope and role.role != "ministry":
            assert response.status_code == 403 or any(
                i18n.t("auth.not_permitted", lang) in payload(response)
                for lang in i18n.LANGUAGES), path
            assert refused, f"{path}: out-of-scope request for {role_name} not audited"


@pytest.mark.parametrize("role_name, expected", [
    ("ministry", "cases: 4"), ("region_head", "cases: 5"),
])
def test_the_test_only_page_shows_hand_counted_figures(matrix_server, matrix_sessions,
                                                       matrix_dependencies, role_name,
                                                       expected):
    role = ROLES[role_name]
    response = render_page(matrix_sessions[role_name], matrix_server.url, matrix_dependencies,
                           f"/testonly/region/{role.in_scope_region}")
    assert response.status_code == 200 and expected in response.text


def test_a_region_head_asking_for_another_region_gets_not_permitted(matrix_server, matrix_sessions,
                                                                    matrix_dependencies):
    response = render_page(matrix_sessions["region_head"], matrix_server.url, matrix_dependencies,
                           "/testonly/region/KZ-75")
    assert i18n.t("auth.not_permitted", "kk") in payload(response)
    assert "Medeu" not in payload(response) and "Алматы" not in payload(response)


# --- callbacks ---------------------------------------------------------------------------

def value_for_kind(role, kind, in_scope, dependency):
    value = target(role, kind, in_scope)
    prop = dependency["property"]
    if prop == "pathname":
        return f"/{kind}/{value}"
    if prop == "search":
        return f"?{kind}={value}"
    if prop == "href":
        return f"http://127.0.0.1/{kind}/{value}"
    return value


@pytest.mark.parametrize("in_scope", [True, False], ids=["in-scope", "out-of-scope"])
@pytest.mark.parametrize("role_name", ROLES)
def test_every_callback_for_every_role(matrix_server, matrix_sessions, matrix_dependencies,
                                       role_name, in_scope):
    role = ROLES[role_name]
    http = matrix_sessions[role_name]
    assert matrix_dependencies, "no callbacks registered"
    for dep in matrix_dependencies:
        for kind in KINDS:
            body = callback_body(dep, lambda d, k=kind: value_for_kind(role, k, in_scope, d))
            response = http.post(matrix_server.url + "/_dash-update-component", json=body,
                                 timeout=30)
            assert_clean(response, out_of_scope_markers(role))
            if role.role == "admin":
                for _region, name, _n in UNITS.values():
                    assert name not in payload(response)


@pytest.mark.parametrize("role_name, unit, expected", [
    ("ministry", 751, "Medeu-unit: 4"),
    ("region_head", 712, "Saryarka-unit: 2"),
    ("unit_head", 711, "Esil-unit: 3"),
])
def test_the_test_only_callback_answers_in_scope(matrix_server, matrix_sessions, role_name, unit,
                                                 expected):
    body = {"output": "testonly-unit-cases.children",
            "outputs": {"id": "testonly-unit-cases", "property": "children"},
            "inputs": [{"id": "testonly-unit", "property": "value", "value": unit}],
            "changedPropIds": ["testonly-unit.value"]}
    response = matrix_sessions[role_name].post(matrix_server.url + "/_dash-update-component",
                                               json=body, timeout=10)
    assert response.status_code == 200 and expected in response.text


@pytest.mark.parametrize("role_name, unit", [
    ("region_head", 751), ("unit_head", 712), ("admin", 711),
])
def test_a_forged_callback_outside_the_scope_is_refused_and_logged(matrix_server, matrix_sessions,
                                                                   matrix_app, role_name, unit):
    engine = matrix_app.server.config["ENGINE"]
    before = len(audit.entries(engine, event="refused"))
    body = {"output": "testonly-unit-cases.children",
            "outputs": {"id": "testonly-unit-cases", "property": "children"},
            "inputs": [{"id": "testonly-unit", "property": "value", "value": unit}],
            "changedPropIds": ["testonly-unit.value"]}
    response = matrix_sessions[role_name].post(matrix_server.url + "/_dash-update-component",
                                               json=body, timeout=10)
    assert response.status_code == 403
    assert response.json() == {"error": "not permitted"}
    assert UNITS[unit][1] not in response.text
    entries = audit.entries(engine, event="refused")
    assert len(entries) > before and entries[-1].username == ROLES[role_name].username


def test_anonymous_callers_get_401_for_every_callback(matrix_server, matrix_dependencies):
    for dep in matrix_dependencies:
        body = callback_body(dep, lambda d: "KZ-75")
        response = requests.post(matrix_server.url + "/_dash-update-component", json=body,
                                 timeout=10)
        assert response.status_code == 401
        assert response.json() == {"error": "sign-in required"}


def test_anonymous_callers_are_redirected_from_every_page(matrix_server):
    for path, _ in page_paths(ROLES["ministry"], True):
        response = requests.get(matrix_server.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
