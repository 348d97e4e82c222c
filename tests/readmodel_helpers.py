"""Cases shared by the read-model equivalence tests (test_outcome_stocks, test_pair_pool,
test_assistance_pool, test_outlier_pool, test_outlier_counts): random periods and
narrowings, the splits, scopes and narrowings they try, and outlier windows. Goes when they
go."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dashboard.metrics import Period, buckets, month_ends, trailing_months
from dashboard.scope import Scope
from queries import outcomes as Q

SPLITS = [None, "region", "unit", "probation_type", "legal_category"]


def random_period(rng: random.Random, first: date, last: date) -> Period:
    """Whole months, quarters and years, mid-month edges, one day, the last day."""
    span = (last - first).days
    shape = rng.random()
    if shape < 0.4:
        grain = rng.choice(["month", "quarter", "year"])
        day = first + timedelta(days=rng.randint(0, span))
        whole = [p for p in buckets(first, last, grain) if p.start <= day <= p.end]
        return whole[0]
    start = first + timedelta(days=rng.randint(0, span))
    if shape < 0.5:
        return Period(start, start)
    end = min(last, start + timedelta(days=rng.randint(0, 800)))
    if shape < 0.6:
        end = last
    return Period(start, end)


def random_narrowing(rng: random.Random, regions, types, categories) -> Q.Narrowing:
    return Q.Narrowing.of(rng.sample(types, rng.randint(0, min(2, len(types)))),
                          rng.sample(categories, rng.randint(0, 1)),
                          rng.choice([None, None, *regions]))


SCOPES = [Scope.nation(), Scope("region_head", region_code="KZ-71"),
          Scope("unit_head", unit_id=3)]
NARROWINGS = [Q.EVERYTHING, Q.Narrowing.of(["sentence"]),
              Q.Narrowing.of(None, ["conditionally_sentenced"]),
              Q.Narrowing.of(["sentence"], ["restriction_of_freedom"])]


def windows_to(end: date) -> list[Period]:
    return [trailing_months(day) for day in month_ends(end, 6)]


# The data end on 2025-12-31: its last day, mid-month ends (15th, and the 1st, a one-day
# edge), a window starting on the last day of a month (29 Feb 2024 -> 28 Feb 2023), odd
# windows, and one reaching past the rollup into 2026.
WINDOW_SETS = {
    "to-data-end": windows_to(date(2025, 12, 31)),
    "mid-month": windows_to(date(2025, 7, 15)),
    "first-of-month": windows_to(date(2025, 3, 1)),
    "leap-day": windows_to(date(2024, 2, 28)),
    "short": [Period(date(2025, 2, 10), date(2025, 2, 10)),
              Period(date(2024, 12, 31), date(2025, 1, 1)),
              Period(date(2025, 1, 5), date(2025, 3, 20))],
    "past-the-data": windows_to(date(2026, 2, 10)),
}
