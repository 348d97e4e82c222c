"""The outcomes fixture, small enough to count by hand (tests/test_outcomes_queries.py counts
it; the `outcomes_db` fixture of conftest.py).

Two regions with one unit each, four officers, five people, six cases.

    unit 1 (KZ-71, officers 1 and 2)       unit 2 (KZ-75, officers 3 and 4)
    c1 p1 sentence  2014-03-01 → 2015-02-10 revoked         (officer 1)
    c2 p2 sentence  2014-06-01 → 2015-06-01 completed       (officer 2)
    c6 p5 pre_trial 2016-01-05 → 2016-04-01 completed       (officer 1)
                                           c3 p3 post_pen. 2015-01-01 → open (3, then 4 from 07-01)
                                           c4 p4 sentence  2014-12-31 → 2015-03-01 transferred (3)
                                           c5 p4 sentence  2015-03-01 → 2015-09-15 new_offence (3)
"""

from datetime import date as d
from datetime import datetime

from sqlalchemy import insert

from dashboard import schema as S
from dashboard.metrics import Period
from dashboard.scope import Scope
from service import readmodel

NATION = Scope.nation()
Y2014, Y2015 = Period(d(2014, 1, 1), d(2014, 12, 31)), Period(d(2015, 1, 1), d(2015, 12, 31))


def region(code, name):
    return {"code": code, "name_kk": name, "name_ru": name, "name_en": name,
            "center_en": name, "center_lat": 50.0, "center_lon": 70.0, "population": 1,
            "kind": "city"}


def case(id_, person, unit, officer, type_, category, registered, closed=None, reason=None,
         previous=None):
    return {"id": id_, "person_id": person, "unit_id": unit, "officer_id": officer,
            "probation_type": type_, "legal_category": category, "risk_tier": "low",
            "appeared_on": registered, "registered_on": registered,
            "planned_end": d(2027, 1, 1), "closed_on": closed, "close_reason": reason,
            "previous_case_id": previous}


def violation(id_, case_id, occurred, kind, submitted=None, decision=None, decided=None):
    return {"id": id_, "case_id": case_id, "occurred_on": occurred, "kind": kind,
            "submitted_to_court_on": submitted, "court_decision": decision,
            "decided_on": decided}


def aid(id_, case_id, kind, requested, provided=None, result=None):
    return {"id": id_, "case_id": case_id, "kind": kind, "requested_on": requested,
            "provided_on": provided, "result": result}


def assignment(id_, case_id, officer, start, end=None):
    return {"id": id_, "case_id": case_id, "officer_id": officer, "assigned_on": start,
            "unassigned_on": end}


SENTENCE, COND, RESTR = "sentence", "conditionally_sentenced", "restriction_of_freedom"


def load(engine) -> None:
    """Write the fixture into a migrated, empty database (and refresh its read models)."""
    with engine.begin() as conn:
        conn.execute(insert(S.regions), [region("KZ-71", "Astana"), region("KZ-75", "Almaty")])
        conn.execute(insert(S.units), [
            {"id": 1, "region_code": "KZ-71", "name_kk": "Есіл ауданы", "name_ru": "район Есиль",
             "name_en": "Yesil District", "kind": "city_district"},
            {"id": 2, "region_code": "KZ-75", "name_kk": "Алмалы ауданы",
             "name_ru": "Алмалинский район", "name_en": "Almaly District",
             "kind": "city_district"}])
        conn.execute(insert(S.posts), [
            {"id": i, "unit_id": 1 if i <= 2 else 2, "grade": "inspector",
             "valid_from": d(2012, 1, 1), "valid_until": None, "source": "establishment_2012",
             "transferred_on": None} for i in range(1, 5)])
        conn.execute(insert(S.officers), [
            {"id": i, "code": f"OF-{i}", "unit_id": 1 if i <= 2 else 2, "post_id": i,
             "started_on": d(2012, 1, 1), "left_on": None, "contracted_hours": 40}
            for i in range(1, 5)])
        conn.execute(insert(S.persons), [
            {"id": i, "code": f"P-{i}", "sex": "M", "birth_date": d(1990, 1, 1),
             "protected_category": "minor" if i == 5 else None} for i in range(1, 6)])
        conn.execute(insert(S.cases), [
            case(1, 1, 1, 1, SENTENCE, COND, d(2014, 3, 1), d(2015, 2, 10), "revoked"),
            case(2, 2, 1, 2, SENTENCE, COND, d(2014, 6, 1), d(2015, 6, 1), "completed"),
            case(3, 3, 2, 4, "post_penitentiary", "parole", d(2015, 1, 1)),
            case(4, 4, 2, 3, SENTENCE, RESTR, d(2014, 12, 31), d(2015, 3, 1), "transferred"),
            case(5, 4, 2, 3, SENTENCE, RESTR, d(2015, 3, 1), d(2015, 9, 15), "new_offence",
                 previous=4),
            case(6, 5, 1, 1, "pre_trial", "suspect_protected", d(2016, 1, 5), d(2016, 4, 1),
                 "completed"),
        ])
        conn.execute(insert(S.case_assignments), [
            assignment(1, 1, 1, d(2014, 3, 1), d(2015, 2, 10)),
            assignment(2, 2, 2, d(2014, 6, 1), d(2015, 6, 1)),
            assignment(3, 3, 3, d(2015, 1, 1), d(2015, 7, 1)),
            assignment(4, 3, 4, d(2015, 7, 1)),
            assignment(5, 4, 3, d(2014, 12, 31), d(2015, 3, 1)),
            assignment(6, 5, 3, d(2015, 3, 1), d(2015, 9, 15)),
            assignment(7, 6, 1, d(2016, 1, 5), d(2016, 4, 1)),
        ])
        conn.execute(insert(S.violations), [
            violation(1, 1, d(2014, 5, 1), "violation"),
            violation(2, 1, d(2014, 9, 1), "violation", d(2014, 9, 20), "revoked",
                      d(2015, 2, 10)),
            violation(3, 2, d(2014, 8, 1), "new_offence"),
            violation(4, 2, d(2015, 3, 3), "malicious_violation", d(2015, 3, 20), "rejected",
                      d(2015, 4, 20)),
            violation(5, 5, d(2015, 6, 1), "new_offence"),
            violation(6, 3, d(2015, 12, 31), "new_offence"),
            violation(7, 3, d(2015, 7, 1), "violation"),
            violation(8, 6, d(2016, 2, 1), "new_offence"),
        ])
        conn.execute(insert(S.assistance), [
            aid(1, 1, "employment", d(2014, 12, 15), d(2015, 1, 10), "achieved"),
            aid(2, 2, "employment", d(2015, 1, 5), d(2015, 2, 1), "partial"),
            aid(3, 3, "employment", d(2015, 2, 1), d(2015, 3, 1), "achieved"),
            aid(4, 3, "documents", d(2015, 2, 1), d(2015, 2, 15), "achieved"),
            aid(5, 5, "education", d(2015, 4, 1)),
            aid(6, 3, "employment", d(2015, 11, 1), d(2016, 1, 10), "not_achieved"),
            aid(7, 3, "employment", d(2015, 5, 1), d(2015, 6, 1), "not_achieved"),
        ])
        # The data's period and version, as a load writes them: the read models are
        # built for it, so the counts go through them (tests/test_readmodel.py and
        # test_outcome_stocks hold them equal to the measures' definitions).
        conn.execute(insert(S.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
            for k, v in {"data_from": "2014-01-01", "data_until": "2016-12-31",
                         "data_version": "outcomes-v1"}.items()])
        readmodel.refresh(conn)  # as generate and import do after a load


def rows(frame, *columns):
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]
