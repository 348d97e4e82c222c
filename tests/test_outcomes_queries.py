"""Outcome queries on a fixture small enough to count by hand, on SQLite and PostgreSQL.

Two regions with one unit each, four officers, five people, six cases. Every expected
number below is counted from the tables in `outcomes_db`.

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

import pytest
from sqlalchemy import insert

from dashboard import schema as S
from dashboard.metrics import Period, buckets, trailing_months
from dashboard.scope import NotPermitted, Scope
from queries import outcomes as Q
from queries.national import year_summary
from service import demo, load, readmodel

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


@pytest.fixture
def outcomes_db(engine):
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
        # The data's period and version, as a load writes them: the outcome stocks
        # (queries.outcome_stocks) are built for it, so every count below goes through
        # them (test_outcome_stocks holds them equal to the direct counts).
        conn.execute(insert(S.dataset_info), [
            {"key": k, "value": v, "updated_at": datetime(2026, 1, 1)}
            for k, v in {"data_from": "2014-01-01", "data_until": "2016-12-31",
                         "data_version": "outcomes-v1"}.items()])
        readmodel.refresh(conn)  # as generate and import do after a load
    return engine


def rows(frame, *columns):
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


# --- repeat offences --------------------------------------------------------------------

def test_repeat_offences_by_year(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.repeat_offences(conn, NATION, [Y2014, Y2015])
    # 2014: offence 3 (c2, 1 Aug). 2015: offences 5 (c5, 1 Jun) and 6 (c3, 31 Dec).
    # On the register in 2014: p1, p2, p4 (c4 from 31 Dec). In 2015: p1 (c1 until 9 Feb),
    # p2, p3, p4 (c4 and c5: two cases, one person).
    assert rows(frame, "period_start", "repeat_offences", "on_register") == [
        (d(2014, 1, 1), 1, 3), (d(2015, 1, 1), 2, 4)]


def test_repeat_offences_equal_the_national_summary(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.repeat_offences(conn, NATION, buckets(d(2014, 1, 1), d(2016, 12, 31), "year"))
        expected = [year_summary(conn, y)["repeat_offences"] for y in (2014, 2015, 2016)]
    assert list(frame.repeat_offences) == expected == [1, 2, 1]


def test_repeat_offences_by_quarter_keep_empty_quarters(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.repeat_offences(conn, NATION, buckets(d(2015, 1, 1), d(2015, 12, 31),
                                                         "quarter"))
    # Q1: nobody offends; p1, p2, p3, p4 on the register. Q2: offence 5; p2 (c2 until
    # 31 May), p3, p4. Q3: c3 and c5 (until 14 Sep). Q4: offence 6; c3 only.
    assert rows(frame, "period_start", "period_end", "repeat_offences", "on_register") == [
        (d(2015, 1, 1), d(2015, 3, 31), 0, 4), (d(2015, 4, 1), d(2015, 6, 30), 1, 3),
        (d(2015, 7, 1), d(2015, 9, 30), 0, 2), (d(2015, 10, 1), d(2015, 12, 31), 1, 1)]


def test_repeat_offences_by_region_and_by_type(outcomes_db):
    with outcomes_db.connect() as conn:
        by_region = Q.repeat_offences(conn, NATION, [Y2015], by="region")
        by_type = Q.repeat_offences(conn, NATION, [Y2015], by="probation_type")
    assert rows(by_region, "key", "repeat_offences", "on_register") == [
        ("KZ-71", 0, 2), ("KZ-75", 2, 2)]
    assert rows(by_type, "key", "repeat_offences", "on_register") == [
        ("post_penitentiary", 1, 1), ("sentence", 1, 3)]


def test_narrowing_by_region_type_and_category(outcomes_db):
    with outcomes_db.connect() as conn:
        almaty_sentence = Q.repeat_offences(
            conn, NATION, [Y2015], narrowing=Q.Narrowing.of(types=["sentence"], region="KZ-75"))
        parole = Q.repeat_offences(conn, NATION, [Y2015],
                                   narrowing=Q.Narrowing.of(categories=["parole"]))
    assert rows(almaty_sentence, "repeat_offences", "on_register") == [(1, 1)]  # c5, p4
    assert rows(parole, "repeat_offences", "on_register") == [(1, 1)]  # c3, p3


@pytest.mark.parametrize("scope, expected", [
    (Scope("region_head", region_code="KZ-71"), [(0, 2)]),
    (Scope("unit_head", unit_id=2), [(2, 2)]),
    (Scope("admin"), [(0, 0)]),
])
def test_repeat_offences_stay_within_scope(outcomes_db, scope, expected):
    with outcomes_db.connect() as conn:
        frame = Q.repeat_offences(conn, scope, [Y2015])
    assert rows(frame, "repeat_offences", "on_register") == expected


# --- closures ---------------------------------------------------------------------------

def test_closures_completed_revoked_other(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.closures(conn, NATION, buckets(d(2014, 1, 1), d(2016, 12, 31), "year"))
    # 2015: c1 revoked, c2 completed, c4 transferred and c5 new offence (other). 2016: c6.
    assert rows(frame, "period_start", "completed", "revoked", "other", "closed") == [
        (d(2014, 1, 1), 0, 0, 0, 0), (d(2015, 1, 1), 1, 1, 2, 4), (d(2016, 1, 1), 1, 0, 0, 1)]


def test_closures_by_region(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.closures(conn, NATION, [Y2015], by="region")
    assert rows(frame, "key", "completed", "revoked", "other") == [
        ("KZ-71", 1, 1, 0), ("KZ-75", 0, 0, 2)]


# --- escalation -------------------------------------------------------------------------

def test_escalation_2014(outcomes_db):
    with outcomes_db.connect() as conn:
        [steps] = Q.escalation(conn, NATION, [Y2014])
    # Violations 1 and 2 of c1; the second one (1 Sep) gives grounds; submitted 20 Sep;
    # the court decided in 2015.
    assert steps == Q.Escalation(violations=2, malicious_violations=0, grounds=1,
                                 submitted=1, revoked=0, rejected=0)


def test_escalation_2015(outcomes_db):
    with outcomes_db.connect() as conn:
        [steps] = Q.escalation(conn, NATION, [Y2015])
    # Violation 7 (c3's first: no grounds yet); malicious violation 4 gives c2 grounds at
    # once and goes to court (rejected 20 Apr); c1's 2014 submission is decided: revoked.
    assert steps == Q.Escalation(violations=1, malicious_violations=1, grounds=1,
                                 submitted=1, revoked=1, rejected=1)


def test_escalation_of_several_periods_at_once(outcomes_db):
    with outcomes_db.connect() as conn:
        both = Q.escalation(conn, NATION, [Y2014, Y2015])
        one_by_one = Q.escalation(conn, NATION, [Y2014]) + Q.escalation(conn, NATION, [Y2015])
    assert both == one_by_one


def test_escalation_within_scope(outcomes_db):
    with outcomes_db.connect() as conn:
        [steps] = Q.escalation(conn, Scope("unit_head", unit_id=2), [Y2015])
    assert steps == Q.Escalation(violations=1, malicious_violations=0, grounds=0,
                                 submitted=0, revoked=0, rejected=0)


# --- assistance -------------------------------------------------------------------------

def test_assistance_by_kind_and_result_2015(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.assistance_results(conn, NATION, Y2015)
    # Employment: requested 2, 3, 6, 7 (1 was asked for in 2014); provided 1, 2, 3, 7
    # (6 only in 2016): achieved 1 and 3, partial 2, not achieved 7; people p1, p2, p3.
    # Education (5) is still waiting.
    assert rows(frame, "kind", "requested", "provided", "achieved", "partial",
                "not_achieved", "people") == [
        ("documents", 1, 1, 1, 0, 0, 1),
        ("education", 1, 0, 0, 0, 0, 0),
        ("employment", 4, 4, 2, 1, 1, 3)]


# --- cohorts ----------------------------------------------------------------------------

def test_twelve_month_repeat_by_registration_cohort(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.cohort_repeat(conn, NATION, buckets(d(2014, 1, 1), d(2016, 12, 31), "year"))
    # 2014: c1, c2, c4; c2 offended on 1 Aug 2014. 2015: c3 (offence on 31 Dec 2015, the
    # last day of its twelve months) and c5 (1 Jun). 2016: c6 (1 Feb).
    assert rows(frame, "period_start", "registered", "reoffended_12m") == [
        (d(2014, 1, 1), 3, 1), (d(2015, 1, 1), 2, 2), (d(2016, 1, 1), 1, 1)]


# --- outliers ---------------------------------------------------------------------------

def test_unit_counts_for_the_outlier_rule(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.outlier_counts(conn, NATION, [Y2015], "unit")
    # Days held in 2015: unit 1 = c1 40 + c2 151 = 191; unit 2 = c3 365 + c4 59 + c5 198.
    # Offences 5 and 6 are unit 2's; c1's revocation is unit 1's.
    assert rows(frame, "entity_id", "repeat_offences", "revocations", "caseload_days") == [
        (1, 0, 1, 191), (2, 2, 0, 622)]
    assert frame.average_caseload.round(4).tolist() == [0.5233, 1.7041]


def test_officer_counts_follow_who_held_the_case(outcomes_db):
    with outcomes_db.connect() as conn:
        frame = Q.outlier_counts(conn, NATION, [Y2015], "officer")
    # Officer 3 held c3 until 30 Jun (181 days), c4 (59) and c5 (198): offence 5 is his;
    # officer 4 took c3 on 1 Jul (184 days) and answers for offence 6. Officer 1 closed c1.
    assert rows(frame, "entity_id", "repeat_offences", "revocations", "caseload_days") == [
        (1, 0, 1, 40), (2, 0, 0, 151), (3, 1, 0, 438), (4, 1, 0, 184)]


def test_outlier_windows_are_counted_together(outcomes_db):
    windows = [trailing_months(d(2015, 6, 30)), trailing_months(d(2015, 12, 31))]
    with outcomes_db.connect() as conn:
        frame = Q.outlier_counts(conn, NATION, windows, "unit")
    # Jul 2014 - Jun 2015: offence 3 (unit 1, Aug 2014) and 5 (unit 2, Jun 2015).
    assert rows(frame, "window_end", "entity_id", "repeat_offences") == [
        (d(2015, 6, 30), 1, 1), (d(2015, 6, 30), 2, 1),
        (d(2015, 12, 31), 1, 0), (d(2015, 12, 31), 2, 2)]


def test_outlier_counts_within_scope_and_benchmark_over_the_nation(outcomes_db):
    head = Scope("region_head", region_code="KZ-71")
    with outcomes_db.connect() as conn:
        own = Q.outlier_counts(conn, head, [Y2015], "unit")
        bench = Q.outlier_benchmarks(conn, head, [Y2015], "unit", min_caseload=0.5)
    assert own.entity_id.tolist() == [1]
    # Target: 2 offences / (191 + 622) / 365 average cases, per 1,000.
    assert bench["repeat_offences"][0].target == pytest.approx(2 / (813 / 365) * 1000)
    assert bench["revocations"][0].target == pytest.approx(1 / (813 / 365) * 1000)
    assert bench["repeat_offences"][0].peers == 2


def test_outliers_refuse_a_role_without_case_data(outcomes_db):
    with outcomes_db.connect() as conn, pytest.raises(NotPermitted):
        Q.outlier_counts(conn, Scope("admin"), [Y2015], "unit")


def test_entity_names_within_scope(outcomes_db):
    with outcomes_db.connect() as conn:
        officers = Q.entity_names(conn, Scope("unit_head", unit_id=2), "officer", [1, 3, 4])
    assert rows(officers, "entity_id", "label_en", "unit_id") == [
        (3, "OF-3 · Almaly District", 2), (4, "OF-4 · Almaly District", 2)]


def test_entity_ids_are_those_entity_names_can_name(outcomes_db):
    """Officers 1-2 work in unit 1 (Astana), 3-4 in unit 2 (Almaty)."""
    with outcomes_db.connect() as conn:
        assert sorted(Q.entity_ids(conn, NATION, "officer")) == [1, 2, 3, 4]
        assert sorted(Q.entity_ids(conn, NATION, "officer", "KZ-75")) == [3, 4]
        assert sorted(Q.entity_ids(conn, Scope("unit_head", unit_id=2), "officer")) == [3, 4]
        assert Q.entity_ids(conn, Scope("unit_head", unit_id=2), "officer", "KZ-71") == []
        assert sorted(Q.entity_ids(conn, NATION, "unit")) == [1, 2]
        assert Q.entity_ids(conn, Scope("region_head", region_code="KZ-71"), "unit") == [1]


# --- against the generator --------------------------------------------------------------

def test_national_repeat_offences_match_the_summary_on_generated_data(engine):
    load.replace_all(engine, demo.generate(scale=0.02, seed=5))
    years = buckets(d(2014, 1, 1), d(2016, 12, 31), "year")
    with engine.connect() as conn:
        frame = Q.repeat_offences(conn, NATION, years)
        by_region = Q.repeat_offences(conn, NATION, years, by="region")
        expected = [year_summary(conn, y)["repeat_offences"] for y in (2014, 2015, 2016)]
    # The generator is calibrated to 671 and 461 at scale 1: 13 and 9 at scale 0.02.
    assert list(frame.repeat_offences) == expected
    assert expected[:2] == [13, 9]
    assert by_region.groupby("period_start").repeat_offences.sum().tolist() == expected
