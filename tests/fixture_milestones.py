"""The milestones fixture, small enough to count by hand (the counts: the docstring of
tests/test_milestones_queries.py). As of Tuesday 1 April 2025, a week after Nauryz.

    region KZ-71: unit 1 (officers 1, 2), unit 2 (officer 3); region KZ-75: unit 3 (officer 4)
"""

from datetime import date as d

from sqlalchemy import insert

from dashboard import schema as S

AS_OF = d(2025, 4, 1)

REGIONS = [("KZ-71", "Астана", "Astana"), ("KZ-75", "Алматы", "Almaty")]
UNITS = [(1, "KZ-71", "Есіл ауданы"), (2, "KZ-71", "Алматы ауданы"), (3, "KZ-75", "Медеу ауданы")]
OFFICERS = [(1, 1), (2, 1), (3, 2), (4, 3)]  # (officer, unit)

# id, unit, officer now, type, registered, closed, hearing, release
CASES = [
    (1, 1, 1, "sentence", d(2025, 1, 10), None, None, None),
    (2, 1, 1, "sentence", d(2025, 3, 14), None, None, None),
    (3, 1, 2, "pre_trial", d(2025, 2, 3), None, d(2025, 4, 17), None),
    (4, 1, 1, "post_penitentiary", d(2024, 10, 1), None, None, None),
    (5, 2, 3, "sentence", d(2024, 12, 2), None, None, None),
    (6, 2, 3, "sentence", d(2024, 6, 3), d(2025, 3, 15), None, None),
    (7, 3, 4, "penitentiary", d(2024, 11, 4), None, None, d(2025, 12, 1)),
    (8, 3, 4, "sentence", d(2024, 12, 23), None, None, None),
    (9, 3, 4, "pre_trial", d(2025, 1, 6), d(2025, 3, 10), d(2025, 3, 10), None),
    (10, 1, 2, "pre_trial", d(2025, 1, 13), d(2025, 3, 17), d(2025, 3, 17), None),
    (11, 2, 3, "penitentiary", d(2025, 1, 6), None, None, d(2026, 6, 1)),
    (12, 3, 4, "penitentiary", d(2024, 9, 2), None, None, d(2025, 6, 2)),
    (13, 2, 3, "penitentiary", d(2025, 3, 27), None, None, d(2025, 9, 1)),
]
# Case 4 changed hands on 1 March 2025: officer 2 before, officer 1 since.
ASSIGNMENTS = [(4, 2, d(2024, 10, 1), d(2025, 3, 1)), (4, 1, d(2025, 3, 1), None)]

# id, case, kind, seq, due, completed
MILESTONES = [
    (1, 1, "registration", 1, d(2025, 1, 8), d(2025, 1, 10)),
    (2, 1, "program_drafted", 1, d(2025, 1, 24), None),
    (3, 1, "check_in", 1, d(2025, 4, 10), None),
    (4, 2, "registration", 1, d(2025, 3, 14), d(2025, 3, 14)),
    (5, 2, "program_drafted", 1, d(2025, 4, 2), None),  # 10 working days across Nauryz
    (6, 3, "registration", 1, d(2025, 2, 3), d(2025, 2, 3)),
    (7, 3, "program_drafted", 1, d(2025, 2, 17), d(2025, 3, 20)),
    (8, 3, "pre_trial_report", 1, d(2025, 4, 15), None),  # 2 working days before 17 Apr
    (9, 4, "registration", 1, d(2024, 10, 1), d(2024, 10, 1)),
    (10, 4, "program_drafted", 1, d(2024, 10, 15), d(2024, 10, 14)),
    (11, 4, "check_in", 1, d(2025, 1, 3), None),
    (12, 4, "check_in", 2, d(2025, 3, 20), d(2025, 4, 3)),
    (13, 5, "registration", 1, d(2024, 12, 2), d(2024, 12, 2)),
    (14, 5, "program_drafted", 1, d(2024, 12, 16), None),
    (15, 5, "check_in", 1, d(2025, 3, 3), d(2025, 3, 3)),
    (16, 6, "program_review", 1, d(2024, 12, 3), None),
    (17, 7, "registration", 1, d(2024, 11, 4), d(2024, 11, 4)),
    (18, 7, "release_prep_program", 1, d(2024, 12, 2), None),
    (19, 8, "registration", 1, d(2024, 12, 23), d(2024, 12, 23)),
    (20, 8, "program_drafted", 1, d(2025, 1, 9), d(2025, 1, 9)),
    (21, 9, "registration", 1, d(2025, 1, 6), d(2025, 1, 6)),
    (22, 9, "pre_trial_report", 1, d(2025, 3, 6), d(2025, 3, 10)),  # on the hearing day
    (23, 10, "pre_trial_report", 1, d(2025, 3, 13), d(2025, 3, 12)),
    (24, 11, "registration", 1, d(2025, 1, 6), d(2025, 1, 6)),
    (25, 11, "release_prep_program", 1, d(2025, 6, 2), None),
    (26, 12, "release_prep_program", 1, d(2024, 9, 16), d(2024, 9, 20)),
    (27, 8, "check_in", 1, d(2025, 3, 26), None),  # 3 months on, past the Nauryz days off
    (28, 4, "program_review", 1, d(2025, 4, 1), None),  # due on the as-of day itself
    (30, 13, "release_prep_program", 1, d(2025, 4, 10), None),
]


def load(engine) -> None:
    """Write the fixture into a migrated, empty database."""
    category = {"sentence": "conditionally_sentenced", "pre_trial": "suspect_protected",
                "penitentiary": "prisoner_last_year", "post_penitentiary": "parole"}
    with engine.begin() as conn:
        conn.execute(insert(S.regions), [
            {"code": code, "name_kk": kk, "name_ru": kk, "name_en": en, "center_en": en,
             "center_lat": 50.0, "center_lon": 70.0, "population": 1, "kind": "city"}
            for code, kk, en in REGIONS])
        conn.execute(insert(S.units), [
            {"id": i, "region_code": r, "name_kk": n, "name_ru": n, "name_en": f"Unit {i}",
             "kind": "district"} for i, r, n in UNITS])
        conn.execute(insert(S.posts), [
            {"id": o, "unit_id": u, "grade": "inspector", "valid_from": d(2012, 1, 1),
             "source": "establishment_2012"} for o, u in OFFICERS])
        conn.execute(insert(S.officers), [
            {"id": o, "code": f"OF-{o}", "unit_id": u, "post_id": o,
             "started_on": d(2012, 1, 1), "contracted_hours": 40} for o, u in OFFICERS])
        conn.execute(insert(S.persons), [
            {"id": c[0], "code": f"P-{c[0]}", "sex": "M", "birth_date": d(1990, 1, 1)}
            for c in CASES])
        conn.execute(insert(S.cases), [
            {"id": i, "person_id": i, "unit_id": u, "officer_id": o, "probation_type": t,
             "legal_category": category[t], "risk_tier": "low", "appeared_on": reg,
             "registered_on": reg, "planned_end": d(2027, 1, 1), "closed_on": closed,
             "close_reason": "completed" if closed else None, "hearing_on": hearing,
             "release_on": release}
            for i, u, o, t, reg, closed, hearing, release in CASES])
        handed = {a[0] for a in ASSIGNMENTS}
        conn.execute(insert(S.case_assignments), [
            {"case_id": i, "officer_id": o, "assigned_on": reg, "unassigned_on": closed}
            for i, _u, o, _t, reg, closed, _h, _r in CASES if i not in handed] + [
            {"case_id": c, "officer_id": o, "assigned_on": a, "unassigned_on": u}
            for c, o, a, u in ASSIGNMENTS])
        conn.execute(insert(S.milestones), [
            {"id": i, "case_id": c, "kind": k, "seq": s, "due_on": due, "completed_on": done}
            for i, c, k, s, due, done in MILESTONES])
