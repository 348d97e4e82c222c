"""Date arithmetic that SQLite and PostgreSQL spell differently, as SQL expressions, so
that counting stays in the database on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Date, Integer, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class days_between(FunctionElement):
    """Whole days from the first date to the second (second − first)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"({second} - {first})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({second}) - julianday({first}) AS INTEGER)"


class later_of(FunctionElement):
    """The later of two non-NULL dates."""

    type = Date()
    inherit_cache = True
    name = "later_of"


@compiles(later_of)
def _later_of(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(later_of, "sqlite")
def _later_of_sqlite(element, compiler, **kw):
    return f"max({compiler.process(element.clauses, **kw)})"


class earlier_of(FunctionElement):
    """The earlier of two non-NULL dates."""

    type = Date()
    inherit_cache = True
    name = "earlier_of"


@compiles(earlier_of)
def _earlier_of(element, compiler, **kw):
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(earlier_of, "sqlite")
def _earlier_of_sqlite(element, compiler, **kw):
    return f"min({compiler.process(element.clauses, **kw)})"


class one_year_after(FunctionElement):
    """The same day a year later. 29 February: PostgreSQL answers 28 February, SQLite
    1 March; the cohort rule only needs "within twelve months", so either will do."""

    type = Date()
    inherit_cache = True
    name = "one_year_after"


@compiles(one_year_after)
def _one_year_after(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '1 year') AS DATE)"


@compiles(one_year_after, "sqlite")
def _one_year_after_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+1 years')"


def periods_table(periods, name: str = "periods"):
    """A derived table (idx, p_start, p_end, p_after) of inclusive periods (p_after is the
    day after the end), to join events and cases to: one query counts every bucket."""
    if not periods:
        raise ValueError("no periods")
    rows = [select(literal(i, Integer).label("idx"), literal(p.start, Date).label("p_start"),
                   literal(p.end, Date).label("p_end"),
                   literal(p.end + timedelta(days=1), Date).label("p_after"))
            for i, p in enumerate(periods)]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery(name)
