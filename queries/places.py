"""The places and records a page is about (region, unit, officer, case), looked up within
the user's scope: an unknown id raises NotFound, one outside the scope NotPermitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.cache import cached
from dashboard.filters import Filters
from dashboard.i18n import name_column
from dashboard.schema import cases, officers, persons, regions, units
from dashboard.scope import NotPermitted, Scope
from queries.common import synthetic_data


class NotFound(LookupError):
    """No region, unit, officer or case with that id."""


@dataclass(frozen=True)
class Place:
    """Where a page sits in the hierarchy: region > unit > officer (> case)."""

    region_code: str
    region_name: str
    unit_id: int | None = None
    unit_name: str | None = None
    officer_id: int | None = None
    officer_code: str | None = None


@cached("places.regions_in_scope")
def regions_in_scope(conn: Connection, scope: Scope, lang: str = "kk") -> pd.DataFrame:
    """Regions the user may see that have at least one unit: columns code, name."""
    name = regions.c[name_column(lang)]
    query = (select(regions.c.code, name.label("name")).distinct()
             .select_from(regions.join(units, units.c.region_code == regions.c.code))
             .where(scope.units_where(units)).order_by(regions.c.code))
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=["code", "name"])


@cached("places.region_codes_in_scope")
def region_codes_in_scope(conn: Connection, scope: Scope) -> frozenset[str]:
    """The codes of regions_in_scope: what every request's filters check a URL's region
    against."""
    query = (select(regions.c.code).distinct()
             .select_from(regions.join(units, units.c.region_code == regions.c.code))
             .where(scope.units_where(units)))
    return frozenset(conn.execute(query).scalars())


def all_regions(conn: Connection, lang: str = "kk") -> pd.DataFrame:
    """Every region's code and name (for the map's outline; carries no case data)."""
    query = select(regions.c.code, regions.c[name_column(lang)].label("name"))
    return pd.DataFrame(conn.execute(query.order_by(regions.c.code)).mappings().all(),
                        columns=["code", "name"])


def unit_names(conn: Connection, unit_ids) -> dict[int, tuple[str, str, str]]:
    """Each of `unit_ids`' names in kk, ru and en (to find it in a list of places named in
    another language: layouts/positions.py). The ids come from a query within the scope."""
    ids = [int(i) for i in unit_ids]
    if not ids:
        return {}
    rows = conn.execute(select(units.c.id, units.c.name_kk, units.c.name_ru, units.c.name_en)
                        .where(units.c.id.in_(ids)))
    return {row.id: (row.name_kk, row.name_ru, row.name_en) for row in rows}


def _check(scope: Scope, unit_row) -> None:
    if unit_row is None:
        raise NotFound
    allowed = (scope.role == "ministry"
               or (scope.role == "region_head" and unit_row.region_code == scope.region_code)
               or (scope.role == "unit_head" and unit_row.id == scope.unit_id))
    if not allowed:
        raise NotPermitted


def region(conn: Connection, scope: Scope, code: str, lang: str = "kk") -> Place:
    row = conn.execute(select(regions.c.code, regions.c[name_column(lang)].label("name"))
                       .where(regions.c.code == code)).first()
    if row is None:
        raise NotFound
    if not scope.allows_region(code):
        raise NotPermitted
    return Place(region_code=row.code, region_name=row.name)


def _unit_place(conn: Connection, scope: Scope, unit_id: int, lang: str) -> Place:
    row = conn.execute(
        select(units.c.id, units.c.region_code, units.c[name_column(lang)].label("name"),
               regions.c[name_column(lang)].label("region_name"))
        .join_from(units, regions, regions.c.code == units.c.region_code)
        .where(units.c.id == unit_id)).first()
    _check(scope, row)
    return Place(region_code=row.region_code, region_name=row.region_name,
                 unit_id=row.id, unit_name=row.name)


def unit(conn: Connection, scope: Scope, unit_id: int, lang: str = "kk") -> Place:
    return _unit_place(conn, scope, unit_id, lang)


def officer(conn: Connection, scope: Scope, officer_id: int, lang: str = "kk") -> Place:
    row = conn.execute(select(officers.c.id, officers.c.code, officers.c.unit_id)
                       .where(officers.c.id == officer_id)).first()
    if row is None:
        raise NotFound
    place = _unit_place(conn, scope, row.unit_id, lang)
    return Place(**{**place.__dict__, "officer_id": row.id, "officer_code": row.code})


LEVEL_BELOW = {"nation": "region", "region": "unit", "unit": "officer"}
"""What a section page ranks for the place in view: the nation its regions, a region its
units, a unit its officers."""


@dataclass(frozen=True)
class InView:
    """The place a section page is about (None: the nation) and its level."""

    level: str
    place: Place | None = None

    @property
    def below(self) -> str:
        """The level the page's rankings list: region, unit or officer."""
        return LEVEL_BELOW[self.level]

    @property
    def region_code(self) -> str | None:
        return self.place.region_code if self.level == "region" else None

    @property
    def unit_id(self) -> int | None:
        return self.place.unit_id if self.level == "unit" else None

    def unit_to_narrow(self, scope: Scope) -> int | None:
        """The unit a query must narrow to: none when the scope is that unit already (a
        unit head's queries stay as their scope asks, which the read models answer)."""
        return None if scope.role == "unit_head" else self.unit_id

    def name(self, nation: str) -> str:
        """The place's name; `nation` names the whole country."""
        if self.place is None:
            return nation
        return self.place.unit_name if self.level == "unit" else self.place.region_name

    def filters(self, f: Filters, scope: Scope) -> Filters:
        """`f` narrowed to exactly this place (region or unit) within `scope`, for the
        page's queries."""
        return f.within(region=self.region_code, unit_id=self.unit_to_narrow(scope))


def in_view(conn: Connection, scope: Scope, f: Filters, lang: str = "kk") -> InView:
    """The place a section page shows, from the signed-in user's scope and the URL's
    filters: ?unit= (within the scope, else NotPermitted; unknown: NotFound), a unit
    head's unit, the ?region= picked (the filters have checked it) or a region head's
    region, else the nation. Every section page asks this, and ranks `below` it."""
    if f.unit_id is not None:
        return InView("unit", unit(conn, scope, f.unit_id, lang))
    if scope.role == "unit_head":
        return InView("unit", unit(conn, scope, scope.unit_id, lang))
    code = f.region or (scope.region_code if scope.role == "region_head" else None)
    if code:
        return InView("region", region(conn, scope, code, lang))
    return InView("nation")


@dataclass(frozen=True)
class CaseHeader:
    """A case as the case page introduces it: pseudonymous, no personal data."""

    id: int
    person_code: str
    sex: str
    age_at_registration: int
    protected_category: str | None
    probation_type: str
    legal_category: str
    risk_tier: str
    appeared_on: date
    registered_on: date
    planned_end: date
    closed_on: date | None
    close_reason: str | None
    hearing_on: date | None
    release_on: date | None
    previous_case_id: int | None
    place: Place
    synthetic_transfer_out: bool = False
    """Closed as transferred to another region by the demo generator (invented)."""
    synthetic_transfer_in: bool = False
    """Continues a case the demo generator transferred here (invented)."""


def case_header(conn: Connection, scope: Scope, case_id: int, lang: str = "kk") -> CaseHeader:
    row = conn.execute(
        select(cases, persons.c.code.label("person_code"), persons.c.sex,
               persons.c.birth_date, persons.c.protected_category)
        .join_from(cases, persons, persons.c.id == cases.c.person_id)
        .where(cases.c.id == case_id)).mappings().first()
    if row is None:
        raise NotFound
    place = _unit_place(conn, scope, row["unit_id"], lang)
    if row["officer_id"] is not None:
        code = conn.execute(select(officers.c.code)
                            .where(officers.c.id == row["officer_id"])).scalar_one()
        place = Place(**{**place.__dict__, "officer_id": row["officer_id"],
                         "officer_code": code})
    synthetic = synthetic_data(conn)
    previous_reason = None if row["previous_case_id"] is None else conn.execute(
        select(cases.c.close_reason).where(cases.c.id == row["previous_case_id"])).scalar()
    birth, registered = row["birth_date"], row["registered_on"]
    age = registered.year - birth.year - ((registered.month, registered.day)
                                          < (birth.month, birth.day))
    return CaseHeader(
        id=row["id"], person_code=row["person_code"], sex=row["sex"],
        age_at_registration=age, protected_category=row["protected_category"],
        probation_type=row["probation_type"], legal_category=row["legal_category"],
        risk_tier=row["risk_tier"], appeared_on=row["appeared_on"],
        registered_on=registered, planned_end=row["planned_end"],
        closed_on=row["closed_on"], close_reason=row["close_reason"],
        hearing_on=row["hearing_on"], release_on=row["release_on"],
        previous_case_id=row["previous_case_id"], place=place,
        synthetic_transfer_out=synthetic and row["close_reason"] == "transferred",
        synthetic_transfer_in=synthetic and previous_reason == "transferred")
