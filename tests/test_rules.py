"""Deadline rules: working days over Kazakhstan's holidays, months, configuration."""

import numpy as np
import pytest

from dashboard import codes
from dashboard import rules as R


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_registration_deadline_skips_nauryz():
    # Appeared Wed 19 Mar 2025. Thu 20 is day 1; Fri 21 Nauryz, 22-23 weekend, Mon 24 and
    # Tue 25 moved Nauryz days off; Wed 26 is day 2, Thu 27 day 3.
    due = R.registration_due(["2025-03-19"], R.DeadlineRules())
    assert due[0] == day("2025-03-27")


def test_deadline_across_independence_day():
    # Fri 12 Dec 2025 + 3 working days: Mon 15 (1), Tue 16 is Independence Day,
    # Wed 17 (2), Thu 18 (3). Without the holiday it would be Wed 17.
    assert R.add_working_days("2025-12-12", 3) == day("2025-12-18")
    assert np.busday_offset(day("2025-12-12"), 3) == day("2025-12-17")


def test_zero_working_days_rolls_a_holiday_forward():
    # 1 Jan 2025 (Wed) and 2 Jan are New Year, 3 Jan a day off moved from Sunday 5 Jan,
    # which is therefore a working day; Saturday 4 Jan is not.
    assert R.next_working_day("2025-01-01") == day("2025-01-05")
    assert R.is_working_day(["2025-01-06", "2025-01-03", "2025-01-04", "2025-01-05"]
                            ).tolist() == [True, False, False, True]


def test_deadline_counts_a_working_saturday():
    # Decree No. 326 of 25 Apr 2023 moved the day off from Sat 1 Jul 2023 to Fri 7 Jul.
    # Appeared Thu 29 Jun: Fri 30 Jun (1), Sat 1 Jul (2), Mon 3 Jul (3). Counting only
    # Monday to Friday it would be Tue 4 Jul.
    assert R.registration_due(["2023-06-29"], R.DeadlineRules())[0] == day("2023-07-03")
    assert np.busday_offset(day("2023-06-29"), 3) == day("2023-07-04")
    # Backwards too: two working days before a hearing on Mon 3 Jul are Sat 1 Jul (1) and
    # Fri 30 Jun (2); and the moved day off, Fri 7 Jul, is not a working day.
    assert R.pre_trial_report_due(["2023-07-03"], R.DeadlineRules())[0] == day("2023-06-30")
    assert R.add_working_days("2023-07-05", 1) == day("2023-07-10")


def test_working_weekend_days_name_their_decree_and_fall_on_weekends():
    import csv
    with R.WORKING_WEEKEND_DAYS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["act"] and r["reported_by"] for r in rows)
    days = np.array([r["date"] for r in rows], dtype="datetime64[D]")
    assert not np.is_busday(days).any()          # each is a Saturday or Sunday
    moved = np.array([r["day_off_moved_to"] for r in rows], dtype="datetime64[D]")
    assert not R.is_working_day(moved).any()     # and its day off is off in the calendar


def test_every_day_off_the_package_moves_has_its_working_weekend_day():
    """Each weekday the `holidays` package marks as a day off "substituted from" a weekend
    day has that weekend day listed as worked: otherwise the calendar would lose a working
    day that year."""
    import csv
    import re
    from datetime import date

    import holidays

    with R.WORKING_WEEKEND_DAYS_CSV.open(encoding="utf-8") as f:
        listed = {r["date"] for r in csv.DictReader(f)}
    substituted = set()
    for _day, name in holidays.KZ(years=range(2014, 2027)).items():
        if found := re.search(r"substituted from (\d\d)/(\d\d)/(\d{4})", name):
            month, dom, year = found.groups()
            if date(int(year), int(month), int(dom)).weekday() >= 5:  # a Monday moved
                substituted.add(f"{year}-{month}-{dom}")         # (2020) stays a workday
    assert substituted and substituted <= listed, sorted(substituted - listed)


def test_dates_outside_the_calendar_and_missing_dates_still_count():
    assert R.add_working_days("2045-01-06", 1) == day("2045-01-09")
    assert R.subtract_working_days("2001-01-08", 1) == day("2001-01-05")
    out = R.add_working_days(np.array(["NaT", "2025-12-12"], dtype="datetime64[D]"), 3)
    assert np.isnat(out[0]) and out[1] == day("2025-12-18")


def test_pre_trial_report_is_due_working_days_before_the_hearing():
    # Hearing Wed 26 Mar 2025; two working days before, skipping Nauryz: Thu 20 (1), Wed 19 (2).
    due = R.pre_trial_report_due(["2025-03-26"], R.DeadlineRules())
    assert due[0] == day("2025-03-19")


def test_months_are_calendar_months_clipped_to_month_end():
    assert R.add_months(["2024-01-31", "2025-08-30", "2025-11-15"], [1, 1, -12]).tolist() == [
        day("2024-02-29"), day("2025-09-30"), day("2024-11-15")]


def test_periodic_milestones_fall_on_working_days():
    # Registered 6 Mar 2025; the 3-month check-in would be Fri 6 Jun 2025, Kurban ait:
    # it moves to Mon 9 Jun.
    due = R.periodic_due(["2025-03-06"], [1], 3)
    assert due[0] == day("2025-06-09")


def test_release_preparation_program_due_a_year_before_release():
    rules = R.DeadlineRules()
    # Release Mon 15 Jun 2026: 12 months before is Sun 15 Jun 2025 -> Mon 16 Jun.
    # Registered Mon 2 Jun 2025: the program cannot be due before 10 working days after it:
    # 3, 4, 5 Jun (Fri 6 Jun is Kurban ait), 9..13 Jun make 8, 16 and 17 Jun make 10.
    assert R.release_prep_due(["2025-01-10"], ["2026-06-15"], rules)[0] == day("2025-06-16")
    assert R.release_prep_due(["2025-06-02"], ["2026-06-15"], rules)[0] == day("2025-06-17")
    assert R.release_prep_due(["2025-06-10"], ["2026-06-15"], rules)[0] == day("2025-06-24")


def test_rules_read_overrides_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROBATION_RULE_PROGRAM_DRAFT_WORKING_DAYS", "5")
    rules = R.DeadlineRules.from_env()
    assert rules.program_draft_working_days == 5
    assert R.program_due(["2025-12-12"], rules)[0] == day("2025-12-22")


@pytest.mark.parametrize("raw", ["ten", "-1"])
def test_bad_rule_values_are_refused_with_the_variable_named(monkeypatch, raw):
    monkeypatch.setenv("PROBATION_RULE_CHECK_IN_MONTHS", raw)
    with pytest.raises(ValueError, match="PROBATION_RULE_CHECK_IN_MONTHS"):
        R.DeadlineRules.from_env()


def test_every_kind_and_type_has_a_rule():
    assert set(R.MILESTONES_BY_TYPE) == set(codes.PROBATION_TYPES)
    assert set(R.RULE_OF_KIND) == set(codes.MILESTONE_KINDS)
    fields = set(R.DeadlineRules().describe())
    assert set(R.RULE_OF_KIND.values()) <= fields
    assert set(R.MILESTONES_BY_CATEGORY) <= set(codes.LEGAL_CATEGORIES)
    by_type = {k for kinds in R.MILESTONES_BY_TYPE.values() for k in kinds}
    by_category = {k for kinds in R.MILESTONES_BY_CATEGORY.values() for k in kinds}
    assert by_type | by_category == set(codes.MILESTONE_KINDS)


def test_public_works_summons_counts_calendar_days():
    # Judgment arrived Thu 19 Mar 2025: ten calendar days is Sat 29 Mar, Nauryz and the
    # weekend included (a working-day rule would give 4 Apr).
    assert R.summons_due(["2025-03-19"], R.DeadlineRules())[0] == day("2025-03-29")
    assert R.summons_due(["2025-03-19"], R.DeadlineRules(summons_calendar_days=0))[0] == day(
        "2025-03-19")
