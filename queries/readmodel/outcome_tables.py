"""The outcome stocks' tables and what each of their measures counts: the event, its
day and its condition (queries/readmodel/outcome_stocks.py reads them; the build is in
service/readmodel/outcome_stocks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table, and_, select

from dashboard.codes import ASSISTANCE_KINDS, ASSISTANCE_RESULTS
from dashboard.schema import assistance, cases, violations
from queries.dates import one_year_after

MARKER = "outcome_stocks_2"
"""dataset_info key: the data_version the outcome stocks were computed for. Its number
goes up when the stock days change (2: the like-for-like previous periods' anchor days),
so that stocks refreshed before are not read (the definitions answer) until
`refresh-rollups`."""
GROUP = ("unit_id", "probation_type", "legal_category")


@dataclass(frozen=True)
class Measure:
    """Events counted on `day` (a date column of `source`) when `when` holds; the running
    total on stock day D counts those with day - shift <= D."""

    name: str
    source: str
    day: object
    when: object = None
    shift: int = 0


_v, _a = violations, assistance
_not_offence = _v.c.kind != "new_offence"


def _reoffended():
    """Whether the case (the enclosing statement's `cases` row) had a new offence within
    twelve months of registration (on or after the day registered, before the same day a
    year later): queries.outcomes.cohort_repeat. Correlated to the case, so that a read of
    some units' cases looks up their own violations, rather than a list of every such
    case in the country computed again for each group of units the build reads."""
    return (select(_v.c.case_id)
            .where(_v.c.case_id == cases.c.id, _v.c.kind == "new_offence",
                   _v.c.occurred_on >= cases.c.registered_on,
                   _v.c.occurred_on < one_year_after(cases.c.registered_on))
            .correlate(cases).exists())


CASE_MEASURES = (
    Measure("registered", "cases", cases.c.registered_on),
    # closed_on <= D + 1: with `registered`, the cases on the register during a period.
    Measure("closed_next_day", "cases", cases.c.closed_on, shift=1),
    Measure("closed", "cases", cases.c.closed_on),
    Measure("completed", "cases", cases.c.closed_on, cases.c.close_reason == "completed"),
    Measure("revoked", "cases", cases.c.closed_on, cases.c.close_reason == "revoked"),
    Measure("reoffended_12m", "cases", cases.c.registered_on, _reoffended()),
)
VIOLATION_MEASURES = (
    Measure("new_offences", "violations", _v.c.occurred_on, _v.c.kind == "new_offence"),
    Measure("violations", "violations", _v.c.occurred_on, _v.c.kind == "violation"),
    Measure("malicious", "violations", _v.c.occurred_on, _v.c.kind == "malicious_violation"),
    Measure("submitted", "violations", _v.c.submitted_to_court_on, _not_offence),
    Measure("court_revoked", "violations", _v.c.decided_on,
            and_(_not_offence, _v.c.court_decision == "revoked")),
    Measure("court_rejected", "violations", _v.c.decided_on,
            and_(_not_offence, _v.c.court_decision == "rejected")),
)
ASSISTANCE_STEPS = ("requested", "provided", *ASSISTANCE_RESULTS)


def assistance_column(kind: str, step: str) -> str:
    return f"{kind}_{step}"


def _assistance_measure(kind: str, step: str) -> Measure:
    day = _a.c.requested_on if step == "requested" else _a.c.provided_on
    when = _a.c.kind == kind
    if step in ASSISTANCE_RESULTS:
        when = and_(when, _a.c.result == step)
    return Measure(assistance_column(kind, step), "assistance", day, when)


ASSISTANCE_MEASURES = tuple(_assistance_measure(k, s) for k in ASSISTANCE_KINDS
                            for s in ASSISTANCE_STEPS)
MEASURES = {m.name: m for m in (*CASE_MEASURES, *VIOLATION_MEASURES, *ASSISTANCE_MEASURES)}

metadata = MetaData()


def _stock_table(name: str, measures) -> Table:
    return Table(
        name, metadata,
        Column("day", Date, nullable=False),
        Column("unit_id", Integer, nullable=False),
        Column("probation_type", String(20), nullable=False),
        Column("legal_category", String(32), nullable=False),
        *(Column(m.name, Integer, nullable=False) for m in measures),
        Index(f"ix_{name}_day", "day", "unit_id"),
    )


outcome_stock = _stock_table("outcome_stock", (*CASE_MEASURES, *VIOLATION_MEASURES))
assistance_stock = _stock_table("assistance_stock", ASSISTANCE_MEASURES)
repeat_cases = Table(
    "repeat_cases", metadata,
    Column("person_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("closed_on", Date),
    # How many cases the person has: those with three or more are counted by person.
    Column("person_cases", Integer),
    Index("ix_repeat_cases_person_cases", "person_cases"),
)
repeat_pairs = Table(
    # The two cases of a person with exactly two, as one row: registered_on is the later
    # registration and closed_on the earlier closure (None when both are open), so both
    # are on the register during [a, b] when registered_on <= b and closed_on > a. The
    # region codes spare the join to units.
    "repeat_pairs", metadata,
    Column("person_id", Integer, nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("region_code", String(5), nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("other_unit_id", Integer, nullable=False),
    Column("other_region_code", String(5), nullable=False),
    Column("other_probation_type", String(20), nullable=False),
    Column("other_legal_category", String(32), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("closed_on", Date),
    # A region's or a unit's page: both cases are in the scope, so the first is.
    Index("ix_repeat_pairs_region", "region_code"),
    Index("ix_repeat_pairs_unit", "unit_id"),
)
repeat_assistance = Table(
    "repeat_assistance", metadata,
    Column("person_id", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("unit_id", Integer, nullable=False),
    Column("probation_type", String(20), nullable=False),
    Column("legal_category", String(32), nullable=False),
    Column("provided_on", Date, nullable=False),
    Index("ix_repeat_assistance_provided", "provided_on"),
)
TABLES = (outcome_stock, assistance_stock, repeat_cases, repeat_pairs, repeat_assistance)
TABLE_OF = {m.name: (outcome_stock if m.source != "assistance" else assistance_stock)
            for m in MEASURES.values()}


SOURCES = {
    "cases": lambda: cases,
    "violations": lambda: violations.join(cases, violations.c.case_id == cases.c.id),
    "assistance": lambda: assistance.join(cases, assistance.c.case_id == cases.c.id),
}


