"""The schema: migrations build it on both backends and its constraints hold."""

from datetime import date as d

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from dashboard import migrate
from dashboard import schema as S


def test_migrations_build_every_table_and_index(engine):
    inspector = inspect(engine)
    assert set(S.metadata.tables) <= set(inspector.get_table_names())
    for table in S.metadata.tables.values():
        built = {i["name"] for i in inspector.get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= built, table.name
    assert migrate.current_revision(engine) == migrate.head_revision(engine)


def test_upgrade_twice_changes_nothing(engine):
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)


@pytest.fixture
def one_unit(engine):
    with engine.begin() as conn:
        conn.execute(insert(S.regions), [{
            "code": "KZ-11", "name_kk": "Ақмола облысы", "name_ru": "Акмолинская область",
            "name_en": "Akmola Region", "center_en": "Kokshetau", "center_lat": 53.28,
            "center_lon": 69.4, "population": 789000, "kind": "oblast"}])
        conn.execute(insert(S.units), [{"id": 1, "region_code": "KZ-11", "name_kk": "А",
                                        "name_ru": "А", "name_en": "A", "kind": "district"}])
        conn.execute(insert(S.persons), [{"id": 1, "code": "P-1", "sex": "F",
                                          "birth_date": d(1980, 1, 1)}])
    return engine


GOOD_CASE = {"id": 1, "person_id": 1, "unit_id": 1, "probation_type": "pre_trial",
             "legal_category": "suspect_protected", "risk_tier": "low",
             "appeared_on": d(2025, 1, 9), "registered_on": d(2025, 1, 10),
             "planned_end": d(2025, 3, 1)}


def test_a_valid_case_is_accepted(one_unit):
    with one_unit.begin() as conn:
        conn.execute(insert(S.cases), [GOOD_CASE])


@pytest.mark.parametrize("change", [
    {"probation_type": "house_arrest"},
    {"risk_tier": "extreme"},
    {"registered_on": d(2025, 1, 8)},  # before the person appeared
    {"closed_on": d(2025, 1, 10), "close_reason": "completed"},  # closed the day it opened
    {"closed_on": d(2025, 2, 1)},  # closed without a reason
    {"unit_id": 99},  # no such unit
])
def test_constraints_refuse_impossible_cases(one_unit, change):
    with pytest.raises(IntegrityError):
        with one_unit.begin() as conn:
            conn.execute(insert(S.cases), [GOOD_CASE | change])


def test_a_transferred_post_needs_its_transfer_date(one_unit):
    with pytest.raises(IntegrityError):
        with one_unit.begin() as conn:
            conn.execute(insert(S.posts), [{
                "id": 1, "unit_id": 1, "grade": "inspector", "valid_from": d(2017, 1, 1),
                "source": "penal_transfer", "transferred_on": None}])


def test_0019_widens_the_checks_of_a_database_holding_cases(tmp_path):
    """An existing database (at 0018, with a case and its milestone) takes the new
    categories and the summons after the upgrade, and its data stay."""
    from dashboard import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0018")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO regions (code, name_kk, name_ru, name_en, center_en,"
                             " center_lat, center_lon, population, kind) VALUES ('KZ-11', 'А',"
                             " 'А', 'A', 'K', 53.0, 69.0, 1, 'oblast')")
        conn.exec_driver_sql("INSERT INTO units (id, region_code, name_kk, name_ru, name_en, "
                             "kind) VALUES (1, 'KZ-11', 'А', 'А', 'A', 'district')")
        conn.exec_driver_sql("INSERT INTO persons (id, code, sex, birth_date) VALUES "
                             "(1, 'P-1', 'F', '1980-01-01')")
        conn.execute(insert(S.cases), [GOOD_CASE])
        conn.exec_driver_sql("INSERT INTO milestones (id, case_id, kind, seq, due_on) "
                             "VALUES (1, 1, 'registration', 1, '2025-01-10')")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(S.cases), [GOOD_CASE | {
            "id": 2, "probation_type": "sentence", "legal_category": "public_works"}])
        conn.execute(insert(S.cases), [GOOD_CASE | {
            "id": 3, "probation_type": "sentence", "legal_category": "deferred_sentence"}])
        conn.execute(insert(S.milestones), [{"id": 2, "case_id": 2, "kind": "summons",
                                             "seq": 1, "due_on": d(2025, 1, 5)}])
        assert conn.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 3
        assert conn.exec_driver_sql("SELECT count(*) FROM milestones").scalar() == 2
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(insert(S.cases), [GOOD_CASE | {"id": 4, "legal_category": "fine"}])
