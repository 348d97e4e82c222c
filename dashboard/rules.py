"""Milestone rules: which milestones each case gets and when each falls due.

The Law "On Probation" leaves several day counts to implementing rules that we could not
find in a readable source (see domain.md). Each is a named field of `DeadlineRules`, with
its default and the reason for it, and can be changed without touching code through an
environment variable `PROBATION_RULE_<FIELD NAME IN CAPITALS>`.

Working days are Monday to Friday less Kazakhstan's public holidays and the days off the
government moves onto weekdays (the `holidays` package), plus the Saturdays and Sundays that
the same decrees make working days in exchange. The package does not know those; they are
listed, each with its decree, in dashboard/data/working-weekend-days.csv (only the dates a
public source was found for).
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import holidays
import numpy as np

from dashboard.config import overrides_from_env

CALENDAR_YEARS = range(2010, 2041)
WORKING_WEEKEND_DAYS_CSV = Path(__file__).parent / "data" / "working-weekend-days.csv"
ENV_PREFIX = "PROBATION_RULE_"


@dataclass(frozen=True)
class DeadlineRules:
    registration_working_days: int = 3
    """Register a person within this many working days of their appearing: 3 for a deferred
    sentence by the Criminal Executive Code, art. 163 part 8; an assumption for the others."""

    program_draft_working_days: int = 10
    """Draft the individual program within this many working days of registration."""

    program_review_months: int = 6
    """Review the individual program every this many months while the case is open."""

    check_in_months: int = 3
    """A scheduled supervisory check-in (visit or interview) every this many months."""

    pre_trial_report_lead_working_days: int = 2
    """Hand the pre-trial report to the court this many working days before the hearing."""

    release_prep_months_before_release: int = 12
    """Draft the release-preparation program this many months before release."""

    handover_working_days: int = 0
    """Hand a released person over to post-penitentiary probation this many working days
    after release (0: on the release date, or the next working day)."""

    @classmethod
    def from_env(cls) -> DeadlineRules:
        values = overrides_from_env(cls, ENV_PREFIX, int, "a whole number")
        for name, value in values.items():
            if value < 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must not be negative")
        return cls(**values)

    def describe(self) -> dict[str, int]:
        return dataclasses.asdict(self)


# Which milestone kinds each probation type gets (kinds are in dashboard.codes).
MILESTONES_BY_TYPE = {
    "pre_trial": ("registration", "program_drafted", "program_review", "check_in",
                  "pre_trial_report"),
    "sentence": ("registration", "program_drafted", "program_review", "check_in"),
    "penitentiary": ("registration", "release_prep_program", "program_review", "handover"),
    "post_penitentiary": ("registration", "program_drafted", "program_review", "check_in"),
}

# The rule field that sets each kind's deadline: shown as help text next to a milestone.
RULE_OF_KIND = {
    "registration": "registration_working_days",
    "program_drafted": "program_draft_working_days",
    "program_review": "program_review_months",
    "check_in": "check_in_months",
    "pre_trial_report": "pre_trial_report_lead_working_days",
    "release_prep_program": "release_prep_months_before_release",
    "handover": "handover_working_days",
}


@lru_cache(maxsize=1)
def kz_holidays() -> np.ndarray:
    """Kazakhstan's public holidays and moved days off, as datetime64[D]."""
    days = holidays.Kazakhstan(years=CALENDAR_YEARS)
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def working_weekend_days() -> np.ndarray:
    """Saturdays and Sundays that a decree made working days, as datetime64[D]."""
    with WORKING_WEEKEND_DAYS_CSV.open(encoding="utf-8", newline="") as f:
        days = [row["date"] for row in csv.DictReader(f)]
    return np.array(sorted(days), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def working_days() -> np.ndarray:
    """Every working day of CALENDAR_YEARS, sorted: the calendar the deadlines count on.
    numpy's business-day functions cannot add a working weekend day, so deadlines index
    into this array instead; dates outside it fall back to numpy with the holidays."""
    first, last = CALENDAR_YEARS[0], CALENDAR_YEARS[-1] + 1
    days = np.arange(f"{first}-01-01", f"{last}-01-01", dtype="datetime64[D]")
    work = np.is_busday(days, holidays=kz_holidays()) | np.isin(days, working_weekend_days())
    return days[work]


def _as_days(dates) -> np.ndarray:
    return np.asarray(dates, dtype="datetime64[D]")


def _offset(dates, n, backward: bool) -> np.ndarray:
    """Roll each date to a working day (forward, or backward), then move n working days."""
    d, n = np.broadcast_arrays(_as_days(dates), np.asarray(n, dtype=np.int64))
    cal = working_days()
    if backward:
        i = np.searchsorted(cal, d, side="right") - 1 - n
    else:
        i = np.searchsorted(cal, d, side="left") + n
    inside = (d >= cal[0]) & (d <= cal[-1]) & (i >= 0) & (i < len(cal))
    out = np.empty(d.shape, dtype="datetime64[D]")
    out[inside] = cal[i[inside]]
    rest = ~inside
    if rest.any():
        step = -n[rest] if backward else n[rest]
        out[rest] = np.busday_offset(d[rest], step, roll="backward" if backward else "forward",
                                     holidays=kz_holidays())
    return out[()]


def add_working_days(dates, n) -> np.ndarray:
    """The date `n` working days after each date (n=0: the date itself, or the next working
    day if it is not one). Vectorised; `dates` may be a date, a list or an array."""
    return _offset(dates, n, backward=False)


def subtract_working_days(dates, n) -> np.ndarray:
    """The date `n` working days before each date (rolled back first if not a working day)."""
    return _offset(dates, n, backward=True)


def next_working_day(dates) -> np.ndarray:
    return add_working_days(dates, 0)


def is_working_day(dates) -> np.ndarray:
    d = _as_days(dates)
    return np.is_busday(d, holidays=kz_holidays()) | np.isin(d, working_weekend_days())


def add_months(dates, months) -> np.ndarray:
    """Calendar months later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    d = _as_days(dates)
    month = d.astype("datetime64[M]")
    day_offset = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months).astype(np.int64)
    last_day = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target.astype("datetime64[D]") + day_offset, last_day)


def registration_due(appeared_on, rules: DeadlineRules) -> np.ndarray:
    return add_working_days(appeared_on, rules.registration_working_days)


def program_due(registered_on, rules: DeadlineRules) -> np.ndarray:
    return add_working_days(registered_on, rules.program_draft_working_days)


def periodic_due(registered_on, seq, every_months: int) -> np.ndarray:
    """Due date of the seq-th (1, 2, ...) periodic milestone, on a working day."""
    return next_working_day(add_months(registered_on, np.asarray(seq) * every_months))


def pre_trial_report_due(hearing_on, rules: DeadlineRules) -> np.ndarray:
    return subtract_working_days(hearing_on, rules.pre_trial_report_lead_working_days)


def release_prep_due(registered_on, release_on, rules: DeadlineRules) -> np.ndarray:
    """12 months before release, but never before the program could be drafted."""
    planned = next_working_day(add_months(release_on, -rules.release_prep_months_before_release))
    return np.maximum(planned, program_due(registered_on, rules))


def handover_due(release_on, rules: DeadlineRules) -> np.ndarray:
    return add_working_days(release_on, rules.handover_working_days)


def to_date(value: np.datetime64) -> date:
    return value.astype("datetime64[D]").astype(date)
