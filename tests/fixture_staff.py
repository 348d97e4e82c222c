"""The staff fixture, small enough to count by hand (tests/test_staff_queries.py counts it;
the `staff` fixture of conftest.py).

Two regions, three units, seven posts, seven officers, eleven cases; the day is
AS_OF = 30 Jun 2025. Weights (replacing the seeded defaults):
  sentence 4 points until 1 Jan 2025, 5 from then; sentence high tier 10;
  restriction of freedom 6; post-penitentiary 7; pre-trial 8; a pre-trial report 3;
  penitentiary: none (counts as a case, 0 points).
"""

from datetime import date as d
from datetime import datetime

import pandas as pd
from sqlalchemy import delete, insert

from dashboard import schema as S
from dashboard import workload as W
from dashboard.scope import Scope

AS_OF = d(2025, 6, 30)
NATION = Scope.nation()
ASTANA = Scope("region_head", region_code="KZ-71")
ALMATY = Scope("region_head", region_code="KZ-75")
MEDEU = Scope("unit_head", unit_id=3)
PARAMS = W.CapacityParams(nominal_target=20, standard_hours=40, head_reduction=0.5)


def region(code, name):
    return {"code": code, "name_kk": name, "name_ru": name, "name_en": name, "center_en": name,
            "center_lat": 50.0, "center_lon": 70.0, "population": 1_000_000, "kind": "city"}


def unit(id_, region_code, name):
    return {"id": id_, "region_code": region_code, "name_kk": name, "name_ru": name,
            "name_en": name, "kind": "city_district"}


def post(id_, unit_id, grade, source="establishment_2012", since=d(2012, 1, 1), until=None):
    return {"id": id_, "unit_id": unit_id, "grade": grade, "valid_from": since,
            "valid_until": until, "source": source,
            "transferred_on": since if source == "penal_transfer" else None}


def officer(id_, post_id, unit_id, started, left=None, hours=40.0):
    return {"id": id_, "code": f"OF-{id_}", "unit_id": unit_id, "post_id": post_id,
            "started_on": started, "left_on": left, "contracted_hours": hours}


CATEGORY = {"sentence": "conditionally_sentenced", "post_penitentiary": "parole",
            "pre_trial": "suspect_protected", "penitentiary": "prisoner_last_year"}


def case(id_, unit_id, officer_id, ptype, risk, registered=d(2024, 6, 1), closed=None,
         category=None):
    return {"id": id_, "person_id": id_, "unit_id": unit_id, "officer_id": officer_id,
            "probation_type": ptype, "legal_category": category or CATEGORY[ptype],
            "risk_tier": risk, "appeared_on": registered, "registered_on": registered,
            "planned_end": d(2027, 1, 1), "closed_on": closed,
            "close_reason": "completed" if closed else None}


def report(id_, case_id, completed=None):
    return {"id": id_, "case_id": case_id, "kind": "pre_trial_report", "seq": 1,
            "due_on": d(2025, 7, 10), "completed_on": completed}


WEIGHTS = [
    W._w("case", "sentence", None, None, 4, d(2012, 1, 1), d(2025, 1, 1)),
    W._w("case", "sentence", None, None, 5, d(2025, 1, 1)),
    W._w("case", "sentence", None, "high", 10),
    W._w("case", "sentence", "restriction_of_freedom", None, 6),
    W._w("case", "post_penitentiary", None, None, 7),
    W._w("case", "pre_trial", None, None, 8),
    W._w("pre_trial_report", "pre_trial", None, None, 3),
]


def load(engine) -> None:
    """Write the fixture into a migrated, empty database."""
    with engine.begin() as conn:
        conn.execute(delete(S.workload_weights))
        conn.execute(insert(S.workload_weights), WEIGHTS)
        conn.execute(insert(S.dataset_info), [
            {"key": "data_from", "value": "2014-01-01", "updated_at": datetime(2026, 1, 1)},
            {"key": "data_until", "value": "2025-12-31", "updated_at": datetime(2026, 1, 1)}])
        conn.execute(insert(S.regions), [region("KZ-71", "Astana"), region("KZ-75", "Almaty")])
        conn.execute(insert(S.units), [unit(1, "KZ-71", "Yesil"), unit(2, "KZ-71", "Saryarka"),
                                       unit(3, "KZ-75", "Medeu")])
        conn.execute(insert(S.posts), [
            post(1, 1, "head"),
            post(2, 1, "inspector", "penal_transfer", d(2015, 1, 1)),
            post(3, 1, "inspector", "penal_transfer", d(2017, 1, 1)),
            post(4, 2, "head"),
            post(5, 2, "inspector", until=d(2016, 1, 1)),  # abolished
            post(6, 3, "head"),
            post(7, 3, "inspector", "penal_transfer", d(2017, 1, 1)),
        ])
        conn.execute(insert(S.officers), [
            officer(1, 1, 1, d(2012, 1, 1)),
            officer(2, 2, 1, d(2015, 2, 1), hours=20),
            officer(3, 3, 1, d(2017, 1, 1), left=d(2025, 1, 1)),  # post 3 vacant since
            officer(4, 4, 2, d(2012, 1, 1)),
            officer(5, 5, 2, d(2012, 1, 1), left=d(2016, 1, 1)),
            officer(6, 6, 3, d(2012, 1, 1)),
            officer(7, 7, 3, d(2017, 3, 1)),
        ])
        conn.execute(insert(S.persons), [
            {"id": i, "code": f"P-{i}", "sex": "F", "birth_date": d(1980, 1, 1)}
            for i in range(1, 12)])
        conn.execute(insert(S.cases), [
            case(1, 1, 1, "sentence", "low", registered=d(2024, 1, 1)),
            case(2, 1, 1, "sentence", "high"),
            case(3, 1, 2, "sentence", "medium", category="restriction_of_freedom"),
            case(4, 1, 2, "pre_trial", "low"),
            case(5, 1, 1, "sentence", "medium", registered=d(2024, 3, 1)),  # from officer 3
            case(6, 1, 1, "sentence", "low", closed=AS_OF),  # off the register on AS_OF
            case(7, 2, 4, "post_penitentiary", "medium"),
            case(8, 2, 4, "pre_trial", "high"),
            case(9, 3, 7, "sentence", "low", registered=d(2025, 7, 1)),  # not yet
            case(10, 3, 6, "penitentiary", "medium"),
            case(11, 3, 7, "pre_trial", "medium"),
        ])
        conn.execute(insert(S.case_assignments), [
            {"id": c, "case_id": c, "officer_id": o, "assigned_on": d(2024, 1, 1),
             "unassigned_on": None}
            for c, o in [(1, 1), (2, 1), (3, 2), (4, 2), (7, 4), (8, 4), (9, 7), (10, 6),
                         (11, 7)]] + [
            {"id": 5, "case_id": 5, "officer_id": 3, "assigned_on": d(2024, 3, 1),
             "unassigned_on": d(2025, 1, 1)},
            {"id": 12, "case_id": 5, "officer_id": 1, "assigned_on": d(2025, 1, 1),
             "unassigned_on": None},
            {"id": 6, "case_id": 6, "officer_id": 1, "assigned_on": d(2024, 6, 1),
             "unassigned_on": AS_OF},
        ])
        conn.execute(insert(S.milestones), [
            report(1, 4, completed=d(2025, 7, 1)),  # handed in the day after: in hand
            report(2, 8, completed=d(2025, 6, 20)),  # already handed in
            report(3, 11),
        ])


def rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[columns].itertuples(
        index=False)]
