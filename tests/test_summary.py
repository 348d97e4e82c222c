"""`summary`: national figures of a year and the calibration measures, on a fixture small
enough to count by hand."""

from datetime import date as d

import pytest
from sqlalchemy import insert

from dashboard import schema as S
from queries.national import people_on_register_on, posts_on, sentences_replaced, year_summary

REGION = {"code": "KZ-71", "name_kk": "Астана", "name_ru": "Астана", "name_en": "Astana",
          "center_en": "Astana", "center_lat": 51.17, "center_lon": 71.45,
          "population": 1638000, "kind": "city"}


def case(id_, person, registered, closed=None, reason=None):
    return {"id": id_, "person_id": person, "unit_id": 1, "officer_id": 1,
            "probation_type": "sentence", "legal_category": "conditionally_sentenced",
            "risk_tier": "low", "appeared_on": registered, "registered_on": registered,
            "planned_end": d(2027, 1, 1), "closed_on": closed, "close_reason": reason}


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        conn.execute(insert(S.regions), [REGION])
        conn.execute(insert(S.units), [{"id": 1, "region_code": "KZ-71", "name_kk": "Есіл ауданы",
                                        "name_ru": "район Есиль", "name_en": "Yesil District",
                                        "kind": "city_district"}])
        conn.execute(insert(S.posts), [
            {"id": 1, "unit_id": 1, "grade": "head", "valid_from": d(2012, 1, 1),
             "valid_until": None, "source": "establishment_2012", "transferred_on": None},
            {"id": 2, "unit_id": 1, "grade": "inspector", "valid_from": d(2017, 1, 1),
             "valid_until": None, "source": "penal_transfer", "transferred_on": d(2017, 1, 1)},
            {"id": 3, "unit_id": 1, "grade": "inspector", "valid_from": d(2012, 1, 1),
             "valid_until": d(2025, 6, 1), "source": "establishment_2012",
             "transferred_on": None},
        ])
        conn.execute(insert(S.officers), [
            {"id": 1, "code": "OF-1", "unit_id": 1, "post_id": 1, "started_on": d(2012, 1, 1),
             "left_on": None, "contracted_hours": 40},
            {"id": 2, "code": "OF-2", "unit_id": 1, "post_id": 2, "started_on": d(2017, 1, 1),
             "left_on": d(2025, 12, 31), "contracted_hours": 40},
            {"id": 3, "code": "OF-3", "unit_id": 1, "post_id": 3, "started_on": d(2012, 1, 1),
             "left_on": d(2025, 6, 1), "contracted_hours": 40},
        ])
        conn.execute(insert(S.persons), [
            {"id": i, "code": f"P-{i}", "sex": "M", "birth_date": d(1990, 1, 1),
             "protected_category": None} for i in range(1, 5)])
        conn.execute(insert(S.cases), [
            case(1, 1, d(2024, 5, 1), d(2025, 3, 1), "completed"),
            case(2, 2, d(2025, 2, 10)),
            case(3, 3, d(2025, 12, 31)),
            case(4, 3, d(2025, 4, 1), d(2025, 6, 1), "transferred"),
            # Closed on 1 Jan 2025: its last day on the register was 31 Dec 2024.
            case(5, 4, d(2023, 1, 1), d(2025, 1, 1), "completed"),
        ])
        conn.execute(insert(S.milestones), [
            {"id": 1, "case_id": 2, "kind": "program_drafted", "seq": 1,
             "due_on": d(2025, 2, 24), "completed_on": d(2025, 2, 20)},
            {"id": 2, "case_id": 4, "kind": "release_prep_program", "seq": 1,
             "due_on": d(2025, 5, 1), "completed_on": d(2025, 5, 1)},
            {"id": 3, "case_id": 1, "kind": "program_drafted", "seq": 1,
             "due_on": d(2024, 5, 15), "completed_on": d(2024, 5, 10)},
            {"id": 4, "case_id": 3, "kind": "program_drafted", "seq": 1,
             "due_on": d(2026, 1, 15), "completed_on": None},
            {"id": 5, "case_id": 2, "kind": "check_in", "seq": 1,
             "due_on": d(2025, 5, 12), "completed_on": d(2025, 3, 1)},
        ])
        conn.execute(insert(S.violations), [
            {"id": 1, "case_id": 1, "occurred_on": d(2025, 1, 15), "kind": "new_offence"},
            {"id": 2, "case_id": 1, "occurred_on": d(2024, 12, 31), "kind": "new_offence"},
            {"id": 3, "case_id": 2, "occurred_on": d(2025, 5, 5), "kind": "violation"},
            {"id": 4, "case_id": 2, "occurred_on": d(2025, 12, 31), "kind": "new_offence"},
        ])
    return engine


def test_year_summary_2025_counted_by_hand(tiny):
    with tiny.connect() as conn:
        figures = year_summary(conn, 2025)
    assert figures == {
        "year": 2025,
        "on_register_during_year": 3,  # persons 1, 2, 3 (person 3 twice, counted once)
        "on_register_at_year_end": 2,  # persons 2 and 3 (case 3 registered on 31 Dec)
        "new_registrations": 3,  # cases 2, 3, 4
        "repeat_offences": 2,  # 15 Jan and 31 Dec 2025
        "programs_drafted": 2,  # individual program of case 2, release program of case 4
        "posts": 2,  # post 3 abolished on 1 Jun 2025
        "filled_posts": 1,  # officer 2 left on 31 Dec, so only post 1 is filled that day
    }


def test_year_summary_2024_counted_by_hand(tiny):
    with tiny.connect() as conn:
        figures = year_summary(conn, 2024)
    assert figures == {
        "year": 2024, "on_register_during_year": 2, "on_register_at_year_end": 2,
        "new_registrations": 1, "repeat_offences": 1, "programs_drafted": 1,
        "posts": 3, "filled_posts": 3,
    }


def test_calibration_measures_counted_by_hand(tiny):
    with tiny.begin() as conn:
        conn.execute(insert(S.cases), [
            case(6, 4, d(2024, 6, 1), d(2025, 8, 31), "revoked"),
            case(7, 4, d(2025, 1, 1), d(2025, 9, 1), "revoked"),  # after August
        ])
    with tiny.connect() as conn:
        # 28 Feb 2025: persons 1 (case 1), 2 (case 2), 4 (cases 6 and 7, counted once).
        assert people_on_register_on(conn, d(2025, 2, 28)) == 3
        assert people_on_register_on(conn, d(2025, 2, 28), "KZ-71") == 3
        assert people_on_register_on(conn, d(2025, 2, 28), "KZ-75") == 0
        # 1 Mar 2025 is case 1's first day off the register.
        assert people_on_register_on(conn, d(2025, 3, 1)) == 2
        assert sentences_replaced(conn, d(2025, 1, 1), d(2025, 8, 31)) == 1
        assert sentences_replaced(conn, d(2025, 1, 1), d(2025, 12, 31)) == 2
        assert posts_on(conn, d(2016, 12, 31)) == 2  # posts 1 and 3; post 2 from 2017
        assert posts_on(conn, d(2017, 1, 1)) == 3
        assert posts_on(conn, d(2025, 6, 1)) == 2  # post 3 abolished that day
