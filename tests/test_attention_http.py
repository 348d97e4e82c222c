"""Needs attention through a real HTTP client (requests) against the app served on
127.0.0.1, on tests/fixture_small.py (numbers worked out in tests/test_attention.py):
where each role lands after signing in, the page through Dash's router, and the export
callback, in scope and forged."""

from __future__ import annotations

import json

import pytest
import requests

from dashboard import audit
from tests.helpers import (
    SMALL_ROLES,
    SMALL_ROLES_PASSWORD,
    callback_body,
    csrf_from,
    live,
    sign_in,
    small_app_with_roles,
)

PASSWORD = SMALL_ROLES_PASSWORD
USERS = SMALL_ROLES


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with small_app_with_roles(tmp_path_factory.mktemp("attention"), "attention-http") as app:
        yield app


@pytest.fixture(scope="module")
def server(app):
    with live(app) as server:
        yield server


@pytest.fixture(scope="module")
def sessions(server):
    return {name: sign_in(server.url, name, PASSWORD) for name in USERS}


@pytest.mark.parametrize("username, landing", [
    ("head71", "/attention"), ("yesil", "/attention"), ("minister", "/")])
def test_where_each_role_lands_after_signing_in(server, username, landing):
    http = requests.Session()
    token = csrf_from(http.get(server.url + "/login", timeout=10).text)
    response = http.post(server.url + "/login", data={
        "csrf_token": token, "username": username, "password": PASSWORD},
        allow_redirects=False, timeout=30)
    assert response.headers["Location"] == landing


def test_a_page_asked_for_still_wins_over_the_landing(server):
    http = requests.Session()
    token = csrf_from(http.get(server.url + "/login", timeout=10).text)
    response = http.post(server.url + "/login", data={
        "csrf_token": token, "username": "head71", "password": PASSWORD,
        "next": "/caseload"}, allow_redirects=False, timeout=30)
    assert response.headers["Location"] == "/caseload"


def _router(http, base):
    deps = http.get(base + "/_dash-dependencies", timeout=10).json()
    (router,) = [d for d in deps if {"id": "_pages_location", "property": "pathname"}
                 in d["inputs"]]
    return router


def _page(http, base, search: str = "") -> str:
    body = callback_body(_router(http, base),
                         lambda d: "/attention" if d["property"] == "pathname" else search)
    response = http.post(base + "/_dash-update-component", json=body, timeout=30)
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


def _export(http, base, search: str, fmt: str = "csv"):
    clicked = f"attention-export-{fmt}"
    body = {"output": "attention-download.data",
            "outputs": {"id": "attention-download", "property": "data"},
            "inputs": [{"id": "attention-export-csv", "property": "n_clicks",
                        "value": 1 if fmt == "csv" else None},
                       {"id": "attention-export-xlsx", "property": "n_clicks",
                        "value": 1 if fmt == "xlsx" else None}],
            "state": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": [f"{clicked}.n_clicks"]}
    return http.post(base + "/_dash-update-component", json=body, timeout=30)


def test_the_page_through_the_router(server, sessions):
    text = _page(sessions["head71"], server.url)
    assert "Officers of Astana" in text and "S-0001" in text and "S-0004" not in text
    text = _page(sessions["minister"], server.url, "?region=KZ-75")
    assert "Officers of Almaty" in text and "S-0004" in text


def test_the_csv_export_callback_of_a_region_head(server, sessions):
    response = _export(sessions["head71"], server.url, "")
    assert response.status_code == 200
    data = response.json()["response"]["attention-download"]["data"]
    lines = data["content"].lstrip("\ufeff").splitlines()
    assert lines[1:] == ["S-0001,Yesil District,2,50.0,1,2,20.0,3,4",
                         "S-0003,Saryarka District,1,100.0,0,1,11.8,1,1"]


def test_the_xlsx_export_callback_of_a_unit_head(server, sessions):
    response = _export(sessions["yesil"], server.url, "", "xlsx")
    data = response.json()["response"]["attention-download"]["data"]
    assert data["filename"] == "needs_attention_unit1_2025-12-31.xlsx" and data["base64"]


def test_a_forged_unit_in_the_export_is_refused_and_logged(app, server, sessions):
    engine = app.server.config["ENGINE"]
    before = len(audit.entries(engine, event="refused"))
    response = _export(sessions["head71"], server.url, "?unit=3")
    assert response.status_code in (200, 204)
    assert '"content"' not in response.text  # no download
    assert "Medeu" not in response.text and "S-0004" not in response.text
    refused = audit.entries(engine, event="refused")
    assert len(refused) == before + 1


def test_a_forged_unit_on_the_page_gets_not_permitted(server, sessions):
    text = _page(sessions["yesil"], server.url, "?unit=2")
    assert "message-not-permitted" in text and "S-0003" not in text
