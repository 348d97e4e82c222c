"""The hand-counted fixture database used by the auth, security and scope tests, a real
HTTP server around the app, and the tests that pin the fixture's numbers by role.

Fixture (every case open, so "on the register" = all of them):

    region KZ-71 Astana     unit 711 "Esil-unit"       3 cases   officer OF-711
                            unit 712 "Saryarka-unit"   2 cases   officer OF-712
    region KZ-75 Almaty     unit 751 "Medeu-unit"      4 cases   officer OF-751
    region KZ-79 Shymkent   unit 791 "Abay-unit"       1 case    officer OF-791

    ministry 10 · head of KZ-71 5 · head of KZ-75 4 · unit head of 711 3 · admin 0
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
import requests
from sqlalchemy import func, insert, select
from werkzeug.serving import make_server

from dashboard import auth
from dashboard.schema import cases, officers, persons, posts, regions, units
from dashboard.scope import Scope
from service import readmodel

PASSWORD = "correct horse battery staple"

REGIONS = {
    "KZ-71": ("Астана", "Астана", "Astana"),
    "KZ-75": ("Алматы", "Алматы", "Almaty"),
    "KZ-79": ("Шымкент", "Шымкент", "Shymkent"),
}
UNITS = {  # id: (region, name, cases)
    711: ("KZ-71", "Esil-unit", 3),
    712: ("KZ-71", "Saryarka-unit", 2),
    751: ("KZ-75", "Medeu-unit", 4),
    791: ("KZ-79", "Abay-unit", 1),
}
CASES_BY_UNIT = {unit: n for unit, (_r, _name, n) in UNITS.items()}


@dataclass(frozen=True)
class Role:
    """A fixture user and what it may and may not see."""

    username: str
    role: str
    region_code: str | None
    unit_id: int | None
    cases_in_scope: int
    in_scope_region: str | None
    out_of_scope_region: str
    in_scope_unit: int | None
    out_of_scope_unit: int

    @property
    def scope(self) -> Scope:
        return Scope(self.role, region_code=self.region_code, unit_id=self.unit_id,
                     username=self.username)


ROLES = {
    "ministry": Role("min", "ministry", None, None, 10, "KZ-75", "KZ-99", 751, 99999),
    "region_head": Role("head71", "region_head", "KZ-71", None, 5, "KZ-71", "KZ-75", 712, 751),
    "unit_head": Role("unit711", "unit_head", None, 711, 3, None, "KZ-75", 711, 712),
    "admin": Role("adm", "admin", None, None, 0, None, "KZ-75", None, 751),
}


def out_of_scope_markers(role: Role) -> list[str]:
    """Names and codes that must never appear in a response to `role` about
    its out-of-scope targets."""
    marks: list[str] = []
    if role.out_of_scope_region in REGIONS:
        marks += [n for n in REGIONS[role.out_of_scope_region] if n != "Астана"]
    unit = UNITS.get(role.out_of_scope_unit)
    if unit:
        marks += [unit[1], f"OF-{role.out_of_scope_unit}"]
    return marks


def build_fixture(engine) -> None:
    """Fill a migrated, empty database with the fixture above and its users."""
    started = date(2020, 1, 1)
    with engine.begin() as conn:
        for code, (kk, ru, en) in REGIONS.items():
            conn.execute(insert(regions).values(
                code=code, name_kk=kk, name_ru=ru, name_en=en, center_en=en,
                center_lat=43.0, center_lon=71.0, population=1_000_000, kind="city"))
        case_id = person_id = 0
        for unit_id, (region_code, name, n_cases) in UNITS.items():
            conn.execute(insert(units).values(
                id=unit_id, region_code=region_code, name_kk=name, name_ru=name,
                name_en=name, kind="district"))
            conn.execute(insert(posts).values(
                id=unit_id, unit_id=unit_id, grade="inspector", valid_from=started,
                source="establishment_2012"))
            conn.execute(insert(officers).values(
                id=unit_id, code=f"OF-{unit_id}", unit_id=unit_id, post_id=unit_id,
                started_on=started, contracted_hours=40.0))
            for _ in range(n_cases):
                case_id += 1
                person_id += 1
                conn.execute(insert(persons).values(
                    id=person_id, code=f"PR-{person_id:04d}", sex="M",
                    birth_date=date(1990, 1, 1)))
                conn.execute(insert(cases).values(
                    id=case_id, person_id=person_id, unit_id=unit_id, officer_id=unit_id,
                    probation_type="sentence", legal_category="conditionally_sentenced",
                    risk_tier="low", appeared_on=started, registered_on=started,
                    planned_end=date(2030, 1, 1)))
    readmodel.refresh(engine)  # as generate and import do after a load
    for role in ROLES.values():
        auth.create_user(engine, role.username, role.role, PASSWORD,
                         region_code=role.region_code, unit_id=role.unit_id)


def cases_in_scope(conn, scope: Scope) -> int:
    """The query every page's figures rest on: cases joined to units, filtered by scope."""
    query = (select(func.count()).select_from(cases.join(units))
             .where(scope.units_where(units)))
    return conn.execute(query).scalar_one()


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


def sign_in(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A requests session signed in as `username` (asserts the sign-in worked)."""
    http = requests.Session()
    token = csrf_from(http.get(f"{base}/login", timeout=10).text)
    response = http.post(f"{base}/login", data={
        "csrf_token": token, "username": username, "password": password,
    }, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:300]
    return http


# --- the fixture's numbers, by role ------------------------------------------------------

@pytest.fixture
def fixture_engine(engine):
    build_fixture(engine)
    return engine


@pytest.mark.parametrize("role", ROLES.values(), ids=ROLES.keys())
def test_scope_filters_cases_to_hand_counted_numbers(fixture_engine, role):
    with fixture_engine.connect() as conn:
        assert cases_in_scope(conn, role.scope) == role.cases_in_scope


def test_two_region_heads_see_disjoint_cases(fixture_engine):
    almaty = Scope("region_head", region_code="KZ-75")
    with fixture_engine.connect() as conn:
        assert cases_in_scope(conn, ROLES["region_head"].scope) == 3 + 2
        assert cases_in_scope(conn, almaty) == 4


def test_allows_region_per_role():
    assert ROLES["ministry"].scope.allows_region("KZ-75")
    assert ROLES["region_head"].scope.allows_region("KZ-71")
    assert not ROLES["region_head"].scope.allows_region("KZ-75")
    assert not ROLES["unit_head"].scope.allows_region("KZ-71")
    assert not ROLES["admin"].scope.allows_region("KZ-71")
    assert not ROLES["admin"].scope.sees_cases
