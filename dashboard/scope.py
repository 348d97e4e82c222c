"""Who may see what. A Scope is built on the server from the signed-in user on every
request and handed to every query; nothing the browser sends can widen it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

ROLES = ("ministry", "region_head", "unit_head", "admin")


class NotPermitted(Exception):
    """A request for a place or record outside the user's scope."""


@dataclass(frozen=True)
class Scope:
    role: str
    region_code: str | None = None
    unit_id: int | None = None
    username: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "region_head" and not self.region_code:
            raise ValueError("a region head needs a region")
        if self.role == "unit_head" and self.unit_id is None:
            raise ValueError("a unit head needs a unit")

    @classmethod
    def nation(cls, username: str = "") -> Scope:
        return cls("ministry", username=username)

    @property
    def sees_cases(self) -> bool:
        """Administrators manage users and read the audit log; they see no case data."""
        return self.role != "admin"

    def units_where(self, units) -> ColumnElement[bool]:
        """A filter on the `units` table (or any table with region_code and id columns
        for units) that keeps only units inside the scope."""
        if self.role == "ministry":
            return true()
        if self.role == "region_head":
            return units.c.region_code == self.region_code
        if self.role == "unit_head":
            return units.c.id == self.unit_id
        return false()

    def allows_region(self, region_code: str) -> bool:
        if self.role == "ministry":
            return True
        return self.role == "region_head" and region_code == self.region_code

    def narrowed_to_unit(self, unit_id: int) -> Scope:
        """This user's scope narrowed to one unit, for a page about a unit that a lookup
        within this scope has already allowed (queries.places.unit): never wider."""
        return Scope("unit_head", unit_id=unit_id, username=self.username)

    def key(self) -> str:
        """Part of every cache key: results for one scope never serve another."""
        return f"{self.role}:{self.region_code or ''}:{self.unit_id or ''}"
