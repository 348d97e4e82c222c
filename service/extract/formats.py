"""The extract format: one CSV file per data table, columns as in dashboard/schema.py.

Types, lengths, required columns, keys and references are read from the schema, so the
format cannot drift from the tables; code lists come from dashboard/codes.py. The rules
that tie dates together are in dashboard/extract/rules.py. docs/data-format.md describes
all of it for the people who write extracts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Date, Float, Integer, SmallInteger, String, Table

from dashboard import codes, schema

# Coded columns: the values each may hold (the database checks most of them as well).
CODE_LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("regions", "kind"): codes.REGION_KINDS,
    ("units", "kind"): codes.UNIT_KINDS,
    ("posts", "grade"): codes.POST_GRADES,
    ("posts", "source"): codes.POST_SOURCES,
    ("persons", "sex"): codes.SEXES,
    ("persons", "protected_category"): codes.PROTECTED_CATEGORIES,
    ("cases", "probation_type"): codes.PROBATION_TYPES,
    ("cases", "legal_category"): codes.LEGAL_CATEGORIES,
    ("cases", "risk_tier"): codes.RISK_TIERS,
    ("cases", "close_reason"): codes.CLOSE_REASONS,
    ("milestones", "kind"): codes.MILESTONE_KINDS,
    ("assistance", "kind"): codes.ASSISTANCE_KINDS,
    ("assistance", "result"): codes.ASSISTANCE_RESULTS,
    ("violations", "kind"): codes.EVENT_KINDS,
    ("violations", "court_decision"): codes.COURT_DECISIONS,
}

INT32_MAX = 2**31 - 1
INT16_MAX = 2**15 - 1


@dataclass(frozen=True)
class Field:
    """One column of an extract file."""

    name: str
    kind: str  # "int", "float", "date", "text"
    required: bool
    max_len: int | None = None
    max_int: int | None = None
    codes: tuple[str, ...] | None = None
    ref: str | None = None  # the table whose key this column holds


@dataclass(frozen=True)
class FileSpec:
    """One extract file: its table, its key column and its fields in file order."""

    table: Table
    key: str
    fields: tuple[Field, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def filename(self) -> str:
        return f"{self.table.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _field(table: Table, column) -> Field:
    t = column.type
    if isinstance(t, SmallInteger):
        kind, max_int = "int", INT16_MAX
    elif isinstance(t, Integer):
        kind, max_int = "int", INT32_MAX
    elif isinstance(t, Float):
        kind, max_int = "float", None
    elif isinstance(t, Date):
        kind, max_int = "date", None
    elif isinstance(t, String):
        kind, max_int = "text", None
    else:  # pragma: no cover - the schema has no other types in data tables
        raise TypeError(f"{table.name}.{column.name}: unsupported type {t!r}")
    refs = [fk.column.table.name for fk in column.foreign_keys]
    return Field(
        name=column.name,
        kind=kind,
        required=not column.nullable,
        max_len=getattr(t, "length", None) if kind == "text" else None,
        max_int=max_int,
        codes=CODE_LISTS.get((table.name, column.name)),
        ref=refs[0] if refs else None,
    )


def _spec(table: Table) -> FileSpec:
    (key,) = [c.name for c in table.primary_key.columns]
    return FileSpec(table, key, tuple(_field(table, c) for c in table.columns))


# Files in load order: every file refers only to files before it (and cases to itself).
FILES: tuple[FileSpec, ...] = tuple(_spec(t) for t in schema.DATA_TABLES)
BY_NAME = {spec.name: spec for spec in FILES}
