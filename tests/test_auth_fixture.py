"""The hand-counted fixture of the auth, security and scope tests (tests/fixture_auth.py):
its numbers by role.

    ministry 10 · head of KZ-71 5 · head of KZ-75 4 · unit head of 711 3 · admin 0
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.schema import cases, units
from dashboard.scope import Scope
from tests.fixture_auth import ROLES


def cases_in_scope(conn, scope: Scope) -> int:
    """The query every page's figures rest on: cases joined to units, filtered by scope."""
    query = (select(func.count()).select_from(cases.join(units))
             .where(scope.units_where(units)))
    return conn.execute(query).scalar_one()


# --- the fixture's numbers, by role ------------------------------------------------------

@pytest.fixture
def fixture_engine(auth_db):
    return auth_db


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
