"""Overdue milestones on a fixture small enough to count by hand, on both backends
(tests/fixture_milestones.py, the `milestones_conn` fixture of conftest.py).

The as-of day is Tuesday 1 April 2025, a week after Nauryz: 21-25 March 2025 were days off
(21 Mar, the weekend, and the 24th and 25th in place of the 22nd and 23rd), so working-day
deadlines across that week fall later than a Monday-to-Friday count says.

    region KZ-71: unit 1 (officers 1, 2), unit 2 (officer 3); region KZ-75: unit 3 (officer 4)

Overdue on 1 April (due before it, not completed by it, case on the register):
    m2  case 1  unit 1  officer 1  program_drafted       due 24 Jan   67 days
    m11 case 4  unit 1  officer 1  check_in              due  3 Jan   88 days
    m12 case 4  unit 1  officer 1  check_in              due 20 Mar   12 days (done 3 Apr)
    m14 case 5  unit 2  officer 3  program_drafted       due 16 Dec  106 days
    m18 case 7  unit 3  officer 4  release_prep_program  due  2 Dec  120 days
    m27 case 8  unit 3  officer 4  check_in              due 26 Mar    6 days
Not counted: m16 (case 6 left the register on 15 Mar), m5 (due 2 Apr), m28 (due on 1 Apr:
the due day itself is on time).
"""

from datetime import date as d

import pytest

from dashboard import rules as R
from dashboard.scope import Scope
from queries import milestones as M
from queries.milestones import Where, WorklistQuery
from tests.fixture_milestones import AS_OF

NATION = Scope.nation()
RULES = R.DeadlineRules()


def by_key(frame, *columns):
    return {row.key: tuple(getattr(row, c) for c in columns) for row in frame.itertuples()}


# --- the deadlines in the fixture come from the rules -----------------------------------

def test_fixture_deadlines_follow_the_rules_across_public_holidays():
    # 10 working days from Fri 14 Mar 2025: 17-20 Mar (4), 21-25 Mar off (Nauryz),
    # 26-28 Mar (7), 31 Mar (8), 1 Apr (9), 2 Apr (10). Mon-Fri alone would say 28 Mar.
    assert R.to_date(R.program_due(d(2025, 3, 14), RULES)) == d(2025, 4, 2)
    # Three months after 23 Dec is Sun 23 Mar; 24 and 25 Mar are days off: Wed 26 Mar.
    assert R.to_date(R.periodic_due(d(2024, 12, 23), 1, 3)) == d(2025, 3, 26)
    assert R.to_date(R.pre_trial_report_due(d(2025, 4, 17), RULES)) == d(2025, 4, 15)
    # 1-2 Jan, 3 Jan (moved day off) and 7 Jan are off, Sun 5 Jan (the day 3 Jan was moved
    # from) is a working day: 24-27 Dec (4), 30-31 Dec (6), 5, 6, 8, 9 Jan: 10 on Thu 9 Jan.
    assert R.to_date(R.program_due(d(2024, 12, 23), RULES)) == d(2025, 1, 9)
    assert R.to_date(R.program_due(d(2025, 3, 27), RULES)) == d(2025, 4, 10)


def test_working_day_deadline_across_nauryz_is_overdue_only_after_its_due_day(milestones_conn):
    def case_2_overdue(day):
        rows = M.worklist(milestones_conn, NATION, day, q=WorklistQuery(case_id=2)).rows
        return rows.days_overdue.tolist()

    assert case_2_overdue(d(2025, 3, 31)) == []  # Mon-Fri counting would say 1 day
    assert case_2_overdue(d(2025, 4, 2)) == []  # the due day itself is on time
    assert case_2_overdue(d(2025, 4, 3)) == [1]


# --- overdue now, by place, with timeliness and flags -----------------------------------

def test_overdue_and_due_per_unit(milestones_conn):
    frame, _ = M.timeliness(milestones_conn, NATION, AS_OF, "unit", min_caseload=2)
    assert by_key(frame, "caseload", "due", "overdue") == {
        1: (4, 9, 3),  # cases 1-4; m2, m11, m12
        2: (3, 4, 1),  # cases 5, 11, 13 (case 6 closed); m14
        3: (3, 6, 2),  # cases 7, 8, 12; m18, m27
    }


def test_overdue_and_due_per_region(milestones_conn):
    frame, _ = M.timeliness(milestones_conn, NATION, AS_OF, "region", min_caseload=2)
    assert by_key(frame, "caseload", "due", "overdue") == {"KZ-71": (7, 13, 4),
                                                           "KZ-75": (3, 6, 2)}


def test_officer_of_the_day_is_the_one_responsible(milestones_conn):
    frame, _ = M.timeliness(milestones_conn, NATION, AS_OF, "officer", min_caseload=2)
    assert by_key(frame, "caseload", "due", "overdue") == {
        1: (3, 7, 3),  # cases 1, 2 and 4 (case 4 is officer 1's since 1 March)
        2: (1, 2, 0),  # case 3
        3: (3, 4, 1),
        4: (3, 6, 2),
    }
    assert frame.loc[frame.key == 1, "name"].item() == "OF-1"
    assert frame.loc[frame.key == 1, "parent"].item() == "Есіл ауданы"


def test_timeliness_is_one_minus_overdue_over_due(milestones_conn):
    frame, _ = M.timeliness(milestones_conn, NATION, AS_OF, "officer", min_caseload=2)
    pct = dict(zip(frame.key, frame.timeliness, strict=True))
    assert pct[1] == pytest.approx(100 * (1 - 3 / 7))  # 57.1
    assert pct[2] == pytest.approx(100.0)
    assert pct[3] == pytest.approx(75.0)
    assert pct[4] == pytest.approx(100 * (1 - 2 / 6))  # 66.7
    assert dict(zip(frame.key, frame.band, strict=True)) == {
        1: "poor", 2: "good", 3: "poor", 4: "poor"}
    assert frame.key.tolist() == [1, 4, 3, 2]  # worst first


def test_timeliness_bands():
    assert [M.timeliness_band(p) for p in (100, 95, 94.9, 85, 84.9, 0, None)] == [
        "good", "good", "watch", "watch", "poor", "poor", None]


def test_officer_flags_by_the_iqr_rule(milestones_conn):
    frame, bench = M.timeliness(milestones_conn, NATION, AS_OF, "officer", min_caseload=2)
    # National: 6 overdue of 19 due. Peers (caseload >= 2): officers 3, 4, 1 with rates
    # 1/4, 2/6, 3/7; quartiles by linear interpolation: q1 = 0.25 + 0.5 * (1/3 - 1/4)
    # = 0.2917, q3 = 1/3 + 0.5 * (3/7 - 1/3) = 0.3810; IQR 0.0893; far above 0.4051.
    assert bench.rate == pytest.approx(6 / 19)
    assert bench.peers == 3
    assert bench.q1 == pytest.approx(0.25 + 0.5 * (1 / 3 - 0.25))
    assert bench.q3 == pytest.approx(1 / 3 + 0.5 * (3 / 7 - 1 / 3))
    assert dict(zip(frame.key, frame.flag, strict=True)) == {
        1: "far",  # 0.4286
        4: "near",  # 0.3333: above 0.3158, within one IQR
        3: "met",  # 0.25
        2: None,  # one case: too few to judge
    }


def test_unit_flags_by_the_iqr_rule(milestones_conn):
    frame, bench = M.timeliness(milestones_conn, NATION, AS_OF, "unit", min_caseload=2)
    # Rates 1/3, 1/4, 1/3: q1 = 0.2917, q3 = 0.3333; the national rate 6/19 = 0.3158.
    assert bench.q1 == pytest.approx(0.25 + 0.5 * (1 / 3 - 0.25))
    assert bench.q3 == pytest.approx(1 / 3)
    assert dict(zip(frame.key, frame.flag, strict=True)) == {1: "near", 3: "near", 2: "met"}


def test_minimum_caseload_keeps_small_units_unflagged(milestones_conn):
    frame, bench = M.timeliness(milestones_conn, NATION, AS_OF, "unit", min_caseload=4)
    assert bench.peers == 1  # unit 1 alone: the IQR of one rate is 0
    assert dict(zip(frame.key, frame.flag, strict=True)) == {1: "far", 2: None, 3: None}


def test_region_head_sees_own_officers_against_the_national_benchmark(milestones_conn):
    scope = Scope("region_head", region_code="KZ-75")
    frame, bench = M.timeliness(milestones_conn, scope, AS_OF, "officer", min_caseload=2)
    assert by_key(frame, "due", "overdue", "flag") == {4: (6, 2, "near")}
    assert bench.rate == pytest.approx(6 / 19)  # national, not the region's 2/6


def test_unit_head_and_admin_scopes(milestones_conn):
    frame, _ = M.timeliness(milestones_conn, Scope("unit_head", unit_id=2), AS_OF, "unit")
    assert frame.key.tolist() == [2]
    frame, _ = M.timeliness(milestones_conn, Scope("admin"), AS_OF, "unit")
    assert frame.empty


def test_probation_type_narrows_counts_and_benchmark(milestones_conn):
    frame, bench = M.timeliness(milestones_conn, NATION, AS_OF, "unit",
                                Where(probation_type="sentence"), min_caseload=1)
    assert by_key(frame, "caseload", "due", "overdue") == {
        1: (2, 3, 1),  # cases 1, 2; m2
        2: (1, 3, 1),  # case 5; m14
        3: (1, 3, 1),  # case 8; m27
    }
    assert bench.rate == pytest.approx(3 / 9)


# --- aging, kinds, types ----------------------------------------------------------------

def test_aging_buckets(milestones_conn):
    frame = M.aging(milestones_conn, NATION, AS_OF)
    assert dict(zip(frame.bucket, frame.overdue, strict=True)) == {
        "1_7": 1, "8_30": 1, "31_90": 2, "over_90": 2}  # m27 | m12 | m2, m11 | m14, m18


def test_aging_bucket_edges(milestones_conn):
    def buckets(day):
        return M.aging(milestones_conn, NATION, day).overdue.tolist()

    # 3 Apr: m5 1 day and m28 2 days, m27 8 days, m2 69 and m11 90 days, m14 and m18
    # over 90 (m12 was completed that day).
    assert buckets(d(2025, 4, 3)) == [2, 1, 2, 2]
    # 4 Apr: m11 turns 91 days.
    assert buckets(d(2025, 4, 4)) == [2, 1, 1, 3]


def test_overdue_by_kind(milestones_conn):
    frame = M.overdue_breakdown(milestones_conn, NATION, AS_OF, "kind")
    assert by_key(frame, "due", "overdue") == {
        "check_in": (4, 3),  # m11, m12, m15, m27
        "program_drafted": (5, 2),  # m2, m7, m10, m14, m20
        "registration": (8, 0),
        "release_prep_program": (2, 1),  # m18, m26
    }


def test_overdue_by_probation_type(milestones_conn):
    frame = M.overdue_breakdown(milestones_conn, NATION, AS_OF, "probation_type")
    assert by_key(frame, "due", "overdue") == {
        "penitentiary": (4, 1), "post_penitentiary": (4, 2), "pre_trial": (2, 0),
        "sentence": (9, 3)}


# --- the series at month ends -----------------------------------------------------------

def test_overdue_at_month_ends_counts_late_completions_honestly(milestones_conn):
    frame = M.overdue_at_month_ends(milestones_conn, NATION, AS_OF, months=3)
    assert frame.day.tolist() == [d(2025, 1, 31), d(2025, 2, 28), d(2025, 3, 31), AS_OF]
    assert frame.overdue.tolist() == [
        5,  # m2, m11, m14, m16, m18
        6,  # + m7 (done late on 20 Mar: still overdue on 28 Feb)
        6,  # m2, m11, m12 (done 3 Apr), m14, m18, m27; m7 done, case 6 closed
        6,
    ]


def test_overdue_at_month_ends_for_one_officer_follows_the_hand_over(milestones_conn):
    def series(officer):
        return M.overdue_at_month_ends(milestones_conn, NATION, AS_OF, 3,
                                       Where(officer_id=officer)).overdue.tolist()

    assert series(1) == [1, 1, 3, 3]  # case 1; from March also case 4 (m11, m12)
    assert series(2) == [1, 2, 0, 0]  # case 4 until March (m11), case 3 (m7) in February


def test_month_ends_end_at_the_as_of_day():
    assert M.month_ends(d(2025, 3, 31), 2) == [d(2025, 2, 28), d(2025, 3, 31)]
    assert M.month_ends(d(2025, 1, 15), 2) == [d(2024, 11, 30), d(2024, 12, 31),
                                               d(2025, 1, 15)]


# --- due soon ---------------------------------------------------------------------------

def test_due_in_the_next_14_days(milestones_conn):
    frame = M.due_soon(milestones_conn, NATION, AS_OF)
    # 1-15 April: m28 (due today), m5, m30, m3, m8 (due on the 15th).
    assert by_key(frame.rename(columns={"kind": "key"}), "due") == {
        "check_in": (1,), "pre_trial_report": (1,), "program_drafted": (1,),
        "program_review": (1,), "release_prep_program": (1,)}
    earlier = M.due_soon(milestones_conn, NATION, d(2025, 3, 31))
    assert earlier.due.sum() == 4  # 31 Mar - 14 Apr: m8 (15 Apr) falls outside


# --- the two new probation types --------------------------------------------------------

def test_new_type_gaps(milestones_conn):
    gaps = M.new_type_gaps(milestones_conn, NATION, AS_OF, d(2025, 1, 1), d(2025, 3, 31))
    assert gaps == M.NewTypeGaps(
        hearings=2,  # cases 9 (10 Mar) and 10 (17 Mar); case 3's is on 17 Apr
        reports_not_before_hearing=1,  # case 9: handed in on the hearing day
        releasing_within_year=3,  # cases 7, 12, 13 (case 11: June 2026)
        without_release_program=2,  # cases 7 and 13
        without_release_program_overdue=1,  # case 7; case 13's is due 10 Apr
    )


def test_new_type_gaps_within_a_region(milestones_conn):
    gaps = M.new_type_gaps(milestones_conn, Scope("region_head", region_code="KZ-71"), AS_OF,
                           d(2025, 1, 1), d(2025, 3, 31))
    assert gaps == M.NewTypeGaps(1, 0, 1, 1, 0)  # case 10; case 13


# --- the worklist -----------------------------------------------------------------------

def test_worklist_most_overdue_first(milestones_conn):
    page = M.worklist(milestones_conn, NATION, AS_OF)
    assert page.total == 6
    assert page.rows.milestone_id.tolist() == [18, 14, 11, 2, 12, 27]
    assert page.rows.days_overdue.tolist() == [120, 106, 88, 67, 12, 6]
    assert page.rows.officer.tolist() == ["OF-4", "OF-3", "OF-1", "OF-1", "OF-1", "OF-4"]


def test_worklist_block_of_rows(milestones_conn):
    page = M.worklist(milestones_conn, NATION, AS_OF, q=WorklistQuery(offset=2, limit=2))
    assert (page.total, page.rows.milestone_id.tolist()) == (6, [11, 2])
    past_the_end = M.worklist(milestones_conn, NATION, AS_OF, q=WorklistQuery(offset=6))
    assert (past_the_end.total, len(past_the_end.rows)) == (6, 0)


def test_worklist_filters_and_sorts(milestones_conn):
    def ids(**query):
        return M.worklist(milestones_conn, NATION, AS_OF, q=WorklistQuery(**query)
                          ).rows.milestone_id.tolist()

    assert ids(officer_code="of-1") == [11, 2, 12]
    assert ids(kinds=("check_in",)) == [11, 12, 27]
    assert ids(kinds=()) == []
    assert ids(min_days=8, max_days=90) == [11, 2, 12]
    assert ids(sort=(("case_id", False),)) == [2, 11, 12, 14, 18, 27]
    assert ids(sort=(("officer", True), ("days_overdue", False))) == [27, 18, 14, 12, 2, 11]
    assert ids(sort=(("not a column", True),)) == [2, 11, 12, 14, 18, 27]  # by id


def test_worklist_in_scope_only(milestones_conn):
    page = M.worklist(milestones_conn, Scope("unit_head", unit_id=3), AS_OF)
    assert page.rows.milestone_id.tolist() == [18, 27]
    assert M.worklist(milestones_conn, Scope("admin"), AS_OF).total == 0
    page = M.worklist(milestones_conn, NATION, AS_OF, Where(officer_id=1))
    assert page.rows.case_id.tolist() == [4, 1, 4]
