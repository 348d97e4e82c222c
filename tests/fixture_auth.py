"""The hand-counted fixture database of the auth, security and scope tests, and its users.

Fixture (every case open, so "on the register" = all of them):

    region KZ-71 Astana     unit 711 "Esil-unit"       3 cases   officer OF-711
                            unit 712 "Saryarka-unit"   2 cases   officer OF-712
    region KZ-75 Almaty     unit 751 "Medeu-unit"      4 cases   officer OF-751
    region KZ-79 Shymkent   unit 791 "Abay-unit"       1 case    officer OF-791

    ministry 10 · head of KZ-71 5 · head of KZ-75 4 · unit head of 711 3 · admin 0

tests/test_auth_fixture.py pins these numbers by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert

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

