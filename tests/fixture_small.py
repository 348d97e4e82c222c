"""A register small enough to count by hand: 12 cases in 2 regions, 3 units, 4 officers.

Data until 2025-12-31. Unit 1 and 2 are in Astana (KZ-71), unit 3 in Almaty (KZ-75);
Shymkent (KZ-79) has no unit. Officer 2 (unit 1) left on 2025-07-01 and handed case 4 to
officer 1. Every expected number in the tests is worked out from the comments below.

case unit off type               category                 registered  closed (reason)
 1    1    1  sentence           conditionally_sentenced  2024-03-01  -
 2    1    1  sentence           restriction_of_freedom   2025-02-10  -
 3    1    1  post_penitentiary  parole                   2025-05-05  2025-11-05 completed
 4    1    1  sentence           conditionally_sentenced  2024-09-01  -   (o2 until 2025-07-01)
 5    1    2  sentence           conditionally_sentenced  2024-01-15  2025-03-01 revoked
 6    2    3  pre_trial          suspect_protected        2025-10-01  -
 7    2    3  sentence           conditionally_sentenced  2023-06-01  2024-06-01 completed
 8    2    3  sentence           restriction_of_freedom   2024-11-20  2025-12-31 new_offence
 9    3    4  sentence           conditionally_sentenced  2025-01-01  -
10    3    4  post_penitentiary  admin_supervision        2024-12-31  2025-01-01 completed
11    3    4  penitentiary       prisoner_last_year       2025-12-31  -
12    3    4  sentence           conditionally_sentenced  2024-02-01  -
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert

from dashboard import schema
from service import readmodel

DATA_UNTIL = date(2025, 12, 31)
D = date.fromisoformat


def _region(code, en, kk, ru):
    return {"code": code, "name_kk": kk, "name_ru": ru, "name_en": en, "center_en": en,
            "center_lat": 45.0, "center_lon": 70.0, "population": 1_000_000, "kind": "city"}


REGIONS = [
    _region("KZ-71", "Astana", "Астана", "Астана"),
    _region("KZ-75", "Almaty", "Алматы", "Алматы"),
    _region("KZ-79", "Shymkent", "Шымкент", "Шымкент"),
]
UNITS = [
    {"id": 1, "region_code": "KZ-71", "name_kk": "Есіл ауданы", "name_ru": "район Есиль",
     "name_en": "Yesil District", "kind": "city_district"},
    {"id": 2, "region_code": "KZ-71", "name_kk": "Сарыарқа ауданы",
     "name_ru": "район Сарыарка", "name_en": "Saryarka District", "kind": "city_district"},
    {"id": 3, "region_code": "KZ-75", "name_kk": "Медеу ауданы", "name_ru": "Медеуский район",
     "name_en": "Medeu District", "kind": "city_district"},
]
POSTS = [
    {"id": i, "unit_id": u, "grade": "inspector", "valid_from": D("2012-01-01"),
     "valid_until": None, "source": "establishment_2012", "transferred_on": None}
    for i, u in [(1, 1), (2, 1), (3, 2), (4, 3), (5, 3)]  # post 5 is vacant
]
OFFICERS = [
    {"id": 1, "code": "S-0001", "unit_id": 1, "post_id": 1, "started_on": D("2020-01-01"),
     "left_on": None, "contracted_hours": 40.0},
    {"id": 2, "code": "S-0002", "unit_id": 1, "post_id": 2, "started_on": D("2020-01-01"),
     "left_on": D("2025-07-01"), "contracted_hours": 40.0},
    {"id": 3, "code": "S-0003", "unit_id": 2, "post_id": 3, "started_on": D("2020-01-01"),
     "left_on": None, "contracted_hours": 40.0},
    {"id": 4, "code": "S-0004", "unit_id": 3, "post_id": 4, "started_on": D("2020-01-01"),
     "left_on": None, "contracted_hours": 40.0},
]
_CASES = [
    (1, 1, 1, "sentence", "conditionally_sentenced", "2024-03-01", None, None),
    (2, 1, 1, "sentence", "restriction_of_freedom", "2025-02-10", None, None),
    (3, 1, 1, "post_penitentiary", "parole", "2025-05-05", "2025-11-05", "completed"),
    (4, 1, 1, "sentence", "conditionally_sentenced", "2024-09-01", None, None),
    (5, 1, 2, "sentence", "conditionally_sentenced", "2024-01-15", "2025-03-01", "revoked"),
    (6, 2, 3, "pre_trial", "suspect_protected", "2025-10-01", None, None),
    (7, 2, 3, "sentence", "conditionally_sentenced", "2023-06-01", "2024-06-01", "completed"),
    (8, 2, 3, "sentence", "restriction_of_freedom", "2024-11-20", "2025-12-31", "new_offence"),
    (9, 3, 4, "sentence", "conditionally_sentenced", "2025-01-01", None, None),
    (10, 3, 4, "post_penitentiary", "admin_supervision", "2024-12-31", "2025-01-01",
     "completed"),
    (11, 3, 4, "penitentiary", "prisoner_last_year", "2025-12-31", None, None),
    (12, 3, 4, "sentence", "conditionally_sentenced", "2024-02-01", None, None),
]
PERSONS = [
    {"id": i, "code": f"P-{i:07d}", "sex": "M" if i % 3 else "F",
     "birth_date": D("1990-06-15"), "protected_category": None}
    for i in range(1, 13)
]
CASES = [
    {"id": i, "person_id": i, "unit_id": unit, "officer_id": officer, "probation_type": kind,
     "legal_category": category, "risk_tier": "medium",
     "appeared_on": D(registered) if i != 1 else D("2024-02-27"),
     "registered_on": D(registered), "planned_end": D("2027-01-01"),
     "closed_on": D(closed) if closed else None, "close_reason": reason,
     "hearing_on": D("2026-02-01") if kind == "pre_trial" else None,
     "release_on": D("2026-12-01") if kind == "penitentiary" else None,
     "previous_case_id": None}
    for i, unit, officer, kind, category, registered, closed, reason in _CASES
]
ASSIGNMENTS = [
    {"id": i, "case_id": i, "officer_id": c["officer_id"], "assigned_on": c["registered_on"],
     "unassigned_on": c["closed_on"]}
    for i, c in enumerate(CASES, start=1) if c["id"] != 4
] + [
    {"id": 20, "case_id": 4, "officer_id": 2, "assigned_on": D("2024-09-01"),
     "unassigned_on": D("2025-07-01")},
    {"id": 21, "case_id": 4, "officer_id": 1, "assigned_on": D("2025-07-01"),
     "unassigned_on": None},
]
# Overdue on 2025-12-31: m2, m6, m7, m10 (cases 1, 6, 9, 4).
_MILESTONES = [
    (1, 1, "registration", "2024-03-05", "2024-03-04"),
    (2, 1, "check_in", "2025-12-01", None),
    (3, 2, "program_drafted", "2025-02-24", "2025-03-10"),  # late, but done
    (4, 2, "check_in", "2025-12-31", None),  # due on the as-of day: not overdue yet
    (5, 3, "check_in", "2025-12-01", None),  # case closed: not counted
    (6, 6, "pre_trial_report", "2025-12-15", None),
    (7, 9, "check_in", "2025-04-01", None),
    (8, 9, "program_review", "2026-01-10", None),
    (9, 12, "check_in", "2025-11-01", "2025-12-31"),  # done on the as-of day
    (10, 4, "check_in", "2025-10-01", None),
]
MILESTONES = [
    {"id": i, "case_id": case, "kind": kind, "seq": 1, "due_on": D(due),
     "completed_on": D(done) if done else None}
    for i, case, kind, due, done in _MILESTONES
]
ASSISTANCE = [
    {"id": 1, "case_id": 1, "kind": "employment", "requested_on": D("2025-01-10"),
     "provided_on": D("2025-02-01"), "result": "achieved"},
    {"id": 2, "case_id": 1, "kind": "legal", "requested_on": D("2025-06-01"),
     "provided_on": None, "result": None},
]
# New offences: 2025 -> cases 8 (KZ-71), 9, 12 (KZ-75); 2024 -> cases 5 (KZ-71), 12 (KZ-75).
_VIOLATIONS = [
    (1, 8, "2025-12-20", "new_offence", None, None, None),
    (2, 5, "2024-05-10", "new_offence", None, None, None),
    (3, 12, "2024-08-01", "new_offence", None, None, None),
    (4, 1, "2025-04-01", "violation", "2025-04-20", "rejected", "2025-05-15"),
    (5, 9, "2025-06-15", "new_offence", None, None, None),
    (6, 12, "2025-03-03", "new_offence", None, None, None),
]
VIOLATIONS = [
    {"id": i, "case_id": case, "occurred_on": D(on), "kind": kind,
     "submitted_to_court_on": D(sub) if sub else None, "court_decision": decision,
     "decided_on": D(decided) if decided else None}
    for i, case, on, kind, sub, decision, decided in _VIOLATIONS
]
INFO = {"data_from": "2014-01-01", "data_until": DATA_UNTIL.isoformat(), "source": "test",
        "data_version": "small-1"}


def load(engine) -> None:
    rows = [
        (schema.regions, REGIONS), (schema.units, UNITS), (schema.posts, POSTS),
        (schema.officers, OFFICERS), (schema.persons, PERSONS), (schema.cases, CASES),
        (schema.case_assignments, ASSIGNMENTS), (schema.milestones, MILESTONES),
        (schema.assistance, ASSISTANCE), (schema.violations, VIOLATIONS),
    ]
    with engine.begin() as conn:
        for table, values in rows:
            conn.execute(insert(table), values)
        conn.execute(insert(schema.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)} for k, v in INFO.items()])
        readmodel.refresh(conn)  # as generate and import do after a load
