"""The synthetic national dataset: a deterministic, vectorised model of the register.

Nothing here is real personal data. Every assumption is a named constant below, with the
published figure it is calibrated to (../shared/figures.md) or the reason for its value. At
scale 1: people on the register during 2014 ~ 39,000 and during 2015 ~ 48,000; repeat
offences 671 (2014) and 461 (2015); on the register on 31 Dec 2016 ~ 22,500, rising to
~ 32,000 on 31 Dec 2021 and falling to ~ 25,500 in December 2025; individual programs
drafted in 2016 ~ 30,800; ~ 3,500 sentences replaced with imprisonment a year, each after
two violations or one malicious violation; Astana ~ 2,500, Kyzylorda ~ 1,000 and North
Kazakhstan ~ 800 on the register in 2023-2025. The annual repeat-offence counts are inputs
(the published numbers), spread over the people on the register by exposure and risk; the
other figures follow from the entry, duration, violation and regional assumptions and are
checked by `summary --calibration` (service/calibration.py) and its scale-1 test."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import rules as R
from dashboard.codes import CATEGORY_TYPE, PROTECTED_CATEGORIES

DATA = Path(__file__).parent / "data"
DAY = np.timedelta64(1, "D")

FIRST_DAY = date(2014, 1, 1)  # the database holds the register from this day on
WARMUP_FROM = 2009  # entries simulated from here so that 1 Jan 2014 has a realistic stock

# National entries to the register per year at scale 1, by legal category. Conditional
# sentences only until 2015, when parole, restriction of freedom and administrative
# supervision joined; pre-trial suspects and prisoners in their last year from 2017.
# Entries grow after the 2015 widening so that the register rises to about 32,000 in 2021,
# then ease so that it falls back to about 25,500 by December 2025 (figures.md).
ENTRIES_CONDITIONAL = {2009: 19_000, 2014: 20_100, 2015: 19_000, 2016: 17_100, 2017: 17_300,
                       2018: 18_300, 2019: 19_300, 2020: 19_800, 2021: 20_200, 2022: 18_800,
                       2023: 17_500, 2024: 16_300, 2025: 15_200, 2026: 15_100}
ENTRIES_FROM_2015 = {
    "parole": {2015: 4_400, 2016: 5_600, 2017: 5_500, 2018: 5_300, 2019: 5_500, 2020: 5_700,
               2021: 5_800, 2022: 5_400, 2023: 5_000, 2024: 4_700, 2025: 4_400, 2026: 4_200},
    "restriction_of_freedom": {2015: 3_400, 2016: 5_000, 2017: 5_500, 2018: 5_900,
                               2019: 6_300, 2020: 6_600, 2021: 6_900, 2022: 6_500,
                               2023: 6_100, 2024: 5_800, 2025: 5_500, 2026: 5_500},
    "admin_supervision": {2015: 1_700, 2016: 2_100, 2017: 2_300, 2018: 2_500, 2019: 2_600,
                          2020: 2_700, 2021: 2_900, 2022: 2_700, 2023: 2_600, 2024: 2_500,
                          2025: 2_300, 2026: 2_300},
    # Public works (the 2014 Criminal Code, in force 2015, ramping up): a few thousand a
    # year nationally at most; Kostanay region sent more than 130 people in 2025, Kyzylorda
    # more than 100 (8 of them still working on the register in January 2026).
    "public_works": {2015: 400, 2016: 1_000, 2018: 1_800, 2022: 2_300, 2026: 2_500},
    # Deferred sentences: a few hundred a year.
    "deferred_sentence": {2015: 200, 2016: 250, 2020: 300, 2026: 300},
}
ENTRIES_FROM_2017 = {
    "suspect_protected": {2017: 1_300, 2018: 1_600, 2019: 1_900, 2020: 2_100, 2021: 2_300,
                          2022: 2_200, 2023: 2_100, 2024: 2_000, 2025: 1_900, 2026: 1_900},
    "prisoner_last_year": {2017: 2_600, 2018: 2_900, 2019: 3_300, 2020: 3_600, 2021: 3_800,
                           2022: 3_600, 2023: 3_400, 2024: 3_200, 2025: 3_100, 2026: 3_000},
}

# Planned time on the register in months: (median, lognormal sigma, minimum, maximum).
DURATION_MONTHS = {
    "conditionally_sentenced": (8.0, 0.55, 6, 60),
    "parole": (5.0, 0.6, 1, 60),
    "restriction_of_freedom": (9.0, 0.55, 6, 84),  # law: 6 months to 7 years
    "public_works": (1.5, 0.5, 0.5, 6),  # the hours, at most 4 a day, are worked in weeks
    "deferred_sentence": (24.0, 0.6, 6, 168),  # until the deferral ends (at most a child's 14th
                                               # year) or the court replaces it
    "admin_supervision": (10.0, 0.5, 6, 36),
    "suspect_protected": (2.0, 0.5, 0.5, 8),  # until the court hearing
    "prisoner_last_year": (11.0, 0.15, 3, 12),  # the last year of a prison term
}
# Conditional sentences passed before the 2015 Criminal Code carried longer probation
# periods; the new code shortened them and moved many to restriction of freedom.
CONDITIONAL_BEFORE_2015_MONTHS = (11.0, 0.55, 6, 60)

# Published repeat offences by people on the register; later years continue the 2015 rate
# per person-year, easing by REPEAT_RATE_EASING a year (the service's stated trend).
REPEAT_OFFENCES = {2014: 671, 2015: 461}
REPEAT_RATE_EASING = 0.97
REPEAT_CLOSES_CASE = 0.6  # share of repeat offences that end the case (new sentence)

# Establishment: 1,300 posts from 2012; posts moved from the penal system (assumed; the
# published sources give no numbers) when the register widened and when the law began.
ESTABLISHMENT_2012 = 1_300
PENAL_TRANSFERS = {date(2015, 1, 1): 200, date(2017, 1, 1): 300}
TARGET_UNITS = 340  # before small regions' minimum and the big cities' district count

# Violations per person-year by risk tier. Two violations, or one malicious violation, are
# grounds for a submission to replace the sentence with imprisonment; the rates, the
# malicious share and the courts' agreement are set so that about 3,500 sentences a year
# are replaced (2,354 in January-August 2025, figures.md).
VIOLATION_RATE = {"low": 0.35, "medium": 0.9, "high": 2.0}
MALICIOUS_SHARE = 0.2
COURT_REVOKES = 0.75
TRANSFER_SHARE = 0.02  # cases moved to another region (a follow-on case there)
HANDOVER_SHARE = 0.4  # released prisoners handed over to post-penitentiary probation
DEATH_SHARE = 0.003
OTHER_CLOSE_SHARE = 0.01
RISK_SHARES = {"low": 0.45, "medium": 0.4, "high": 0.15}
RISK_WEIGHT = {"low": 0.6, "medium": 1.0, "high": 2.2}
ASSISTANCE_PER_CASE = {"conditionally_sentenced": 0.9, "parole": 1.6,
                       "restriction_of_freedom": 0.9, "admin_supervision": 1.4,
                       "suspect_protected": 1.5, "prisoner_last_year": 2.0,
                       "public_works": 0.5, "deferred_sentence": 1.6}
ASSISTANCE_KIND_SHARES = {"employment": 0.28, "education": 0.06, "vocational_training": 0.1,
                          "medical": 0.1, "legal": 0.12, "psychological": 0.12,
                          "documents": 0.12, "housing": 0.05, "other": 0.05}
MILESTONE_HORIZON_DAYS = 92  # future milestones of open cases, for "due soon" lists

# People on the register per head of population, relative to the national rate, by region.
# Not population alone: the cities of republican significance and the industrial north
# carry more than their share (urban crime, migration to the capitals), the rural south
# less. Astana, Kyzylorda and North Kazakhstan are set to their published stocks of
# 2023-2025 (about 2,500, 1,000 and 800, figures.md); the others follow urbanisation.
REGION_WEIGHTS = {
    "KZ-71": 1.2,  # Astana: about 2,500 published
    "KZ-75": 1.4,  # Almaty city
    "KZ-79": 1.0,  # Shymkent
    "KZ-35": 1.25,  # Karaganda: urban, industrial
    "KZ-55": 1.25,  # Pavlodar: urban, industrial
    "KZ-63": 1.15,  # East Kazakhstan
    "KZ-10": 1.1,  # Abai
    "KZ-62": 1.1,  # Ulytau: mining towns
    "KZ-39": 1.1,  # Kostanay
    "KZ-11": 1.1,  # Akmola
    "KZ-59": 1.2,  # North Kazakhstan: about 800 published
    "KZ-15": 1.0,  # Aktobe
    "KZ-27": 0.95,  # West Kazakhstan
    "KZ-23": 0.85,  # Atyrau
    "KZ-47": 0.85,  # Mangystau
    "KZ-19": 0.8,  # Almaty Region: rural
    "KZ-33": 0.8,  # Zhetisu: rural
    "KZ-31": 0.8,  # Zhambyl: rural
    "KZ-43": 0.93,  # Kyzylorda: about 1,000 published
    "KZ-61": 0.55,  # Turkistan: the most rural
}


@dataclass
class Dataset:
    """Frames named as the tables they load into, plus facts about the run."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}


def d64(value) -> np.datetime64:
    return np.datetime64(value, "D")


def read_regions() -> pd.DataFrame:
    return pd.read_csv(DATA / "regions.csv", dtype={"population_2026": "int64"}).rename(
        columns={"iso_code": "code", "population_2026": "population"})


def read_districts() -> pd.DataFrame:
    with open(DATA / "districts.csv", encoding="utf-8", newline="") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


def yearly(schedule: dict[int, float], year: int) -> float:
    """Entries in `year`, interpolated linearly between the years a schedule names."""
    years = sorted(schedule)
    if year < years[0]:
        return 0.0
    return float(np.interp(year, years, [schedule[y] for y in years]))


def _largest_remainder(weights: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
    """Whole numbers in proportion to weights, summing to total, each at least minimum."""
    base = np.full(len(weights), minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest <= 0:
        return base
    quota = weights / weights.sum() * rest
    whole = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - whole), kind="stable")
    whole[order[: rest - whole.sum()]] += 1
    return base + whole


class _Generator:
    def __init__(self, scale: float, seed: int, until: date):
        self.scale = scale
        self.seed = seed
        self.until = d64(until)
        self.rng = np.random.default_rng(seed)
        self.rules = R.DeadlineRules()

    # ---- places and staff -------------------------------------------------------------
    def units(self) -> pd.DataFrame:
        regions = read_regions()
        districts = read_districts()
        total_pop = regions["population"].sum()
        unit_factor = min(1.0, np.sqrt(self.scale))
        rows = []
        for region in regions.itertuples():
            places = districts[districts.region_code == region.code]
            wanted = round(region.population / total_pop * TARGET_UNITS * unit_factor)
            rows.append(places.head(int(np.clip(wanted, 1 if self.scale < 1 else 3, len(places)))))
        units = pd.concat(rows, ignore_index=True)
        units.insert(0, "id", np.arange(1, len(units) + 1))
        # Caseload weight: population times the region's rate (REGION_WEIGHTS), and a
        # larger share for the first (the regional centre) listed place.
        region_factor = REGION_WEIGHTS
        pop = dict(zip(regions.code, regions.population, strict=True))
        rank = units.groupby("region_code").cumcount().to_numpy()
        within = (1.0 / np.sqrt(rank + 1)) * self.rng.lognormal(0, 0.3, len(units))
        within_share = within / pd.Series(within).groupby(units.region_code).transform("sum")
        units["weight"] = (units.region_code.map(pop) * units.region_code.map(region_factor)
                           * within_share)
        units["weight"] /= units["weight"].sum()
        return units

    def posts(self, units: pd.DataFrame) -> pd.DataFrame:
        n_units = len(units)
        establishment = max(2 * n_units, round(ESTABLISHMENT_2012 * self.scale))
        counts = _largest_remainder(units.weight.to_numpy(), establishment, minimum=2)
        frames = [self._post_rows(units.id.to_numpy(), counts, date(2012, 1, 1), None)]
        for transferred_on, n in PENAL_TRANSFERS.items():
            n = max(1, round(n * self.scale))
            # Transferred posts followed the penal system's own map, not the register's
            # load: the source of the unevenness the staff view must reveal.
            skew = units.weight.to_numpy() * self.rng.lognormal(0, 0.8, n_units)
            counts = _largest_remainder(skew, n)
            frames.append(self._post_rows(units.id.to_numpy(), counts, transferred_on,
                                          transferred_on))
        posts = pd.concat(frames, ignore_index=True)
        posts = posts.sort_values(["unit_id", "valid_from"], kind="stable", ignore_index=True)
        rank = posts.groupby("unit_id").cumcount().to_numpy()
        senior = self.rng.random(len(posts)) < 0.3
        posts["grade"] = np.where(rank == 0, "head", np.where(senior, "senior_inspector",
                                                                "inspector"))
        posts.insert(0, "id", np.arange(1, len(posts) + 1))
        return posts

    @staticmethod
    def _post_rows(unit_ids, counts, valid_from, transferred_on) -> pd.DataFrame:
        unit_id = np.repeat(unit_ids, counts)
        return pd.DataFrame({
            "unit_id": unit_id,
            "valid_from": d64(valid_from),
            "valid_until": np.datetime64("NaT", "D"),
            "source": "establishment_2012" if transferred_on is None else "penal_transfer",
            "transferred_on": d64(transferred_on) if transferred_on else np.datetime64("NaT"),
        })

    def officers(self, posts: pd.DataFrame) -> pd.DataFrame:
        """Successive holders of each post: tenures of ~6 years with vacancy gaps between
        them (none for a unit head, whose deputy steps in)."""
        chunks = []
        post_id = posts.id.to_numpy()
        unit_id = posts.unit_id.to_numpy()
        is_head = (posts.grade == "head").to_numpy()
        start = posts.valid_from.to_numpy().astype("datetime64[D]")
        # The 2012 posts were filled from the old inspections: first holders started
        # before 2014 at staggered dates.
        first = (posts.source == "establishment_2012").to_numpy()
        start = np.where(first, start - (self.rng.integers(0, 5 * 365, len(posts)) * DAY),
                         start)
        active = np.ones(len(posts), dtype=bool)
        while active.any():
            idx = np.flatnonzero(active)
            tenure = np.maximum(60, self.rng.exponential(6 * 365, len(idx))).astype(int)
            end = start[idx] + tenure * DAY
            chunks.append(pd.DataFrame({
                "unit_id": unit_id[idx], "post_id": post_id[idx],
                "started_on": start[idx], "left_on": end,
            }))
            gap = np.where(is_head[idx], 0, self.rng.exponential(75, len(idx)).astype(int))
            start[idx] = end + gap * DAY
            active[idx] = start[idx] <= self.until
        officers = pd.concat(chunks, ignore_index=True)
        officers = officers[officers.started_on <= self.until]
        officers.loc[officers.left_on > self.until, "left_on"] = np.datetime64("NaT")
        officers = officers.sort_values(["unit_id", "started_on", "post_id"],
                                        ignore_index=True)
        n = len(officers)
        officers.insert(0, "id", np.arange(1, n + 1))
        officers.insert(1, "code", [f"OF-{i:06d}" for i in range(1, n + 1)])
        officers["contracted_hours"] = self.rng.choice([40.0, 30.0, 20.0], n,
                                                       p=[0.9, 0.06, 0.04])
        return officers

    # ---- cases ------------------------------------------------------------------------
    def entry_counts(self) -> list[tuple[int, str, int]]:
        plan = []
        for year in range(WARMUP_FROM, int(str(self.until)[:4]) + 1):
            per_category = {"conditionally_sentenced": yearly(ENTRIES_CONDITIONAL, year)}
            if year >= 2015:
                per_category |= {c: yearly(s, year) for c, s in ENTRIES_FROM_2015.items()}
            if year >= 2017:
                per_category |= {c: yearly(s, year) for c, s in ENTRIES_FROM_2017.items()}
            for category, n in per_category.items():
                plan.append((year, category, round(n * self.scale)))
        return plan

    def base_cases(self, units: pd.DataFrame) -> pd.DataFrame:
        frames = []
        weights = units.weight.to_numpy()
        for year, category, n in self.entry_counts():
            if n == 0:
                continue
            first = d64(f"{year}-01-01")
            days = int((d64(f"{year + 1}-01-01") - first) / DAY)
            appeared = first + np.sort(self.rng.integers(0, days, n)) * DAY
            frames.append(pd.DataFrame({
                "legal_category": category,
                "unit_id": self.rng.choice(units.id.to_numpy(), n, p=weights),
                "appeared_on": appeared,
            }))
        cases = pd.concat(frames, ignore_index=True)
        cases["probation_type"] = cases.legal_category.map(CATEGORY_TYPE)
        cases["risk_tier"] = self.rng.choice(list(RISK_SHARES), len(cases),
                                             p=list(RISK_SHARES.values()))
        return cases

    def register(self, cases: pd.DataFrame, pressure: pd.Series) -> pd.DataFrame:
        """Registration date (on time within 3 working days, later in overloaded units),
        planned end and the first close date and reason."""
        n = len(cases)
        p = cases.unit_id.map(pressure).to_numpy()
        late = self.rng.random(n) < np.clip(0.04 * p**2, 0.01, 0.4)
        wd = np.where(late, self.rules.registration_working_days + 1
                      + self.rng.geometric(0.35, n),
                      self.rng.integers(0, self.rules.registration_working_days + 1, n))
        cases["registered_on"] = R.add_working_days(cases.appeared_on.to_numpy(), wd)
        months = np.empty(n)
        old_code = (cases.legal_category == "conditionally_sentenced").to_numpy() & (
            cases.appeared_on.to_numpy() < d64("2015-01-01"))
        for category, params in DURATION_MONTHS.items():
            mask = (cases.legal_category == category).to_numpy()
            for subset, (median, sigma, low, high) in (
                    (mask & ~old_code, params), (mask & old_code, CONDITIONAL_BEFORE_2015_MONTHS)):
                months[subset] = np.clip(median * self.rng.lognormal(0, sigma, subset.sum()),
                                         low, high)
        cases["planned_end"] = cases.registered_on.to_numpy() + np.maximum(
            1, np.round(months * 30.44)).astype(int) * DAY
        cases["hearing_on"] = np.where(cases.probation_type == "pre_trial",
                                       cases.planned_end, np.datetime64("NaT"))
        cases["release_on"] = np.where(cases.probation_type == "penitentiary",
                                       cases.planned_end, np.datetime64("NaT"))
        u = self.rng.random(n)
        reason = np.full(n, "completed", dtype=object)
        reason[u < DEATH_SHARE + OTHER_CLOSE_SHARE + TRANSFER_SHARE] = "transferred"
        reason[u < DEATH_SHARE + OTHER_CLOSE_SHARE] = "other"
        reason[u < DEATH_SHARE] = "death"
        penitentiary = (cases.probation_type == "penitentiary").to_numpy()
        handed_over = penitentiary & (self.rng.random(n) < HANDOVER_SHARE)
        reason[handed_over] = "released_to_post_penitentiary"
        reason[penitentiary & (reason == "transferred")] = "completed"
        early = np.isin(reason, ["death", "other", "transferred"])
        span = (cases.planned_end - cases.registered_on).dt.days.to_numpy()
        end = cases.planned_end.to_numpy().astype("datetime64[D]")
        end = np.where(early, cases.registered_on.to_numpy().astype("datetime64[D]")
                       + np.maximum(1, (span * self.rng.random(n)).astype(int)) * DAY, end)
        cases["closed_on"] = end
        cases["close_reason"] = reason
        return cases

    def follow_ons(self, cases: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
        """Transfers to another region continue the sentence there; released prisoners
        handed over start a post-penitentiary case in the same unit."""
        moved = cases[cases.close_reason == "transferred"]
        regions = units.region_code.to_numpy()
        unit_region = dict(zip(units.id, regions, strict=True))
        target = self.rng.choice(units.id.to_numpy(), len(moved),
                                 p=units.weight.to_numpy())
        same = (moved.unit_id.map(unit_region).to_numpy()
                == pd.Series(target).map(unit_region).to_numpy())
        target[same] = np.roll(units.id.to_numpy(), len(units) // 2)[
            np.searchsorted(units.id.to_numpy(), target[same])]
        gap = self.rng.integers(3, 30, len(moved)) * DAY
        transfers = pd.DataFrame({
            "previous": moved.index.to_numpy(), "legal_category": moved.legal_category,
            "unit_id": target, "appeared_on": moved.closed_on.to_numpy() + gap,
            "risk_tier": moved.risk_tier, "planned_end": moved.planned_end,
        })
        released = cases[cases.close_reason == "released_to_post_penitentiary"]
        gap = self.rng.integers(1, 10, len(released)) * DAY
        category = self.rng.choice(["parole", "admin_supervision"], len(released), p=[0.6, 0.4])
        med, sig, low, high = DURATION_MONTHS["admin_supervision"]
        months = np.clip(med * self.rng.lognormal(0, sig, len(released)), low, high)
        appeared = released.closed_on.to_numpy() + gap
        handovers = pd.DataFrame({
            "previous": released.index.to_numpy(), "legal_category": category,
            "unit_id": released.unit_id.to_numpy(), "appeared_on": appeared,
            "risk_tier": released.risk_tier,
            "planned_end": appeared + np.round(months * 30.44).astype(int) * DAY,
        })
        new = pd.concat([transfers, handovers], ignore_index=True)
        new["probation_type"] = new.legal_category.map(CATEGORY_TYPE)
        new["registered_on"] = R.add_working_days(new.appeared_on.to_numpy(),
                                                  self.rng.integers(0, 4, len(new)))
        new["planned_end"] = np.maximum(new.planned_end.to_numpy(),
                                        new.registered_on.to_numpy() + 30 * DAY)
        new["closed_on"] = new.planned_end
        new["close_reason"] = "completed"
        new["hearing_on"] = np.datetime64("NaT")
        new["release_on"] = np.datetime64("NaT")
        return new

    def open_at_until(self, cases: pd.DataFrame) -> None:
        """Cases whose close falls after the last day are still on the register."""
        future = cases.closed_on.to_numpy() > self.until
        cases.loc[future, "closed_on"] = np.datetime64("NaT")
        cases.loc[future, "close_reason"] = None

    def window_end(self, cases: pd.DataFrame) -> np.ndarray:
        """Exclusive end of each case's time on the register within the data."""
        end = cases.closed_on.to_numpy().astype("datetime64[D]")
        return np.where(np.isnat(end), self.until + DAY, end)

    def violations(self, cases: pd.DataFrame, closable: np.ndarray) -> pd.DataFrame:
        """Violations by risk tier; two, or one malicious, go to court, which replaces the
        sentence with imprisonment in COURT_REVOKES of the submissions."""
        start = cases.registered_on.to_numpy().astype("datetime64[D]")
        span = (self.window_end(cases) - start) / DAY
        rate = cases.risk_tier.map(VIOLATION_RATE).to_numpy()
        rate = rate * np.where(cases.probation_type.isin(["pre_trial", "penitentiary"]), 0.3, 1)
        n = self.rng.poisson(rate * span / 365.25)
        case_idx = np.repeat(np.arange(len(cases)), n)
        offset = (self.rng.random(len(case_idx)) * span[case_idx]).astype(int)
        v = pd.DataFrame({
            "case": case_idx,
            "occurred_on": start[case_idx] + offset * DAY,
            "kind": np.where(self.rng.random(len(case_idx)) < MALICIOUS_SHARE,
                             "malicious_violation", "violation"),
        }).sort_values(["case", "occurred_on"], ignore_index=True)
        ordinary = (v.kind == "violation").groupby(v.case).cumsum()
        malicious = (v.kind == "malicious_violation").groupby(v.case).cumsum()
        trigger = ((ordinary >= 2) | (malicious >= 1)) & closable[v.case.to_numpy()]
        first_trigger = trigger & (trigger.groupby(v.case).cumsum() == 1)
        idx = np.flatnonzero(first_trigger.to_numpy())
        submitted = v.occurred_on.to_numpy()[idx] + self.rng.integers(7, 30, len(idx)) * DAY
        decided = submitted + self.rng.integers(14, 60, len(idx)) * DAY
        revoked = self.rng.random(len(idx)) < COURT_REVOKES
        v["submitted_to_court_on"] = np.datetime64("NaT")
        v["court_decision"] = None
        v["decided_on"] = np.datetime64("NaT")
        v.loc[idx, "submitted_to_court_on"] = submitted
        v.loc[idx, "court_decision"] = np.where(revoked, "revoked", "rejected")
        v.loc[idx, "decided_on"] = decided
        # Apply revocations that fall inside the case and the data.
        cases_idx = v.case.to_numpy()[idx]
        end = self.window_end(cases)[cases_idx]
        applies = revoked & (decided < end) & (decided <= self.until)
        hit = cases_idx[applies]
        cases.loc[cases.index[hit], "closed_on"] = decided[applies]
        cases.loc[cases.index[hit], "close_reason"] = "revoked"
        # A decision after the case closed, or after the last day, never happened.
        late = (decided >= end) | (decided > self.until)
        v.loc[idx[late], ["court_decision"]] = None
        v.loc[idx[late], "decided_on"] = np.datetime64("NaT")
        v.loc[idx[submitted >= end], "submitted_to_court_on"] = np.datetime64("NaT")
        return v

    def repeat_offences(self, cases: pd.DataFrame, closable: np.ndarray,
                        pressure: pd.Series) -> pd.DataFrame:
        """Exactly the target number of new offences each year, by exposure and risk."""
        events = []
        rate = None
        last_year = int(str(self.until)[:4])
        risk = cases.risk_tier.map(RISK_WEIGHT).to_numpy()
        risk = risk * np.where(cases.probation_type == "penitentiary", 0.2, 1.0)
        risk = risk * np.sqrt(cases.unit_id.map(pressure).to_numpy())
        start = cases.registered_on.to_numpy().astype("datetime64[D]")
        for year in range(FIRST_DAY.year, last_year + 1):
            y0 = d64(f"{year}-01-01")
            y1 = min(d64(f"{year + 1}-01-01"), self.until + DAY)
            lo = np.maximum(start, y0)
            hi = np.minimum(self.window_end(cases), y1)
            exposure = np.maximum(0, (hi - lo) / DAY).astype(float)
            person_years = exposure.sum() / 365.25 / self.scale
            if year in REPEAT_OFFENCES:
                target = REPEAT_OFFENCES[year]
                rate = target / person_years
            else:
                rate *= REPEAT_RATE_EASING
                target = rate * person_years
            n = min(int(round(target * self.scale)), int((exposure > 0).sum()))
            if n == 0:
                continue
            weight = exposure * risk
            chosen = self.rng.choice(len(cases), n, replace=False, p=weight / weight.sum())
            when = lo[chosen] + (self.rng.random(n) * exposure[chosen]).astype(int) * DAY
            events.append(pd.DataFrame({"case": chosen, "occurred_on": when,
                                        "kind": "new_offence"}))
            closes = closable[chosen] & (self.rng.random(n) < REPEAT_CLOSES_CASE)
            close_on = when + self.rng.integers(20, 90, n) * DAY
            end = self.window_end(cases)[chosen]
            closes &= (close_on < end) & (close_on <= self.until)
            rows = cases.index[chosen[closes]]
            cases.loc[rows, "closed_on"] = close_on[closes]
            cases.loc[rows, "close_reason"] = "new_offence"
        return pd.concat(events, ignore_index=True)

    # ---- who supervises ----------------------------------------------------------------
    def assign(self, cases: pd.DataFrame, officers: pd.DataFrame) -> pd.DataFrame:
        """Each case goes to an officer in post in its unit; when that officer leaves, the
        case is reassigned to another officer in post that day."""
        rows = []
        end_all = self.window_end(cases)
        by_unit = {u: g for u, g in officers.groupby("unit_id")}
        for unit_id, idx in cases.groupby("unit_id").indices.items():
            staff = by_unit[unit_id]
            s_id = staff.id.to_numpy()
            s_start = staff.started_on.to_numpy().astype("datetime64[D]")
            s_end = staff.left_on.to_numpy().astype("datetime64[D]")
            s_end = np.where(np.isnat(s_end), self.until + DAY, s_end)
            when = cases.registered_on.to_numpy()[idx].astype("datetime64[D]")
            end = end_all[idx]
            pending = np.arange(len(idx))
            while len(pending):
                at = when[pending]
                in_post = (s_start[None, :] <= at[:, None]) & (at[:, None] < s_end[None, :])
                keys = self.rng.random(in_post.shape) + in_post * 2
                pick = keys.argmax(axis=1)
                # Nobody in post (head post between holders): the next to arrive takes it.
                nobody = ~in_post.any(axis=1)
                if nobody.any():
                    later = np.where(s_start[None, :] > at[nobody, None], s_start[None, :],
                                     np.datetime64("2100-01-01"))
                    pick[nobody] = later.argmin(axis=1)
                until = np.minimum(s_end[pick], end[pending])
                rows.append(pd.DataFrame({
                    "case": idx[pending], "officer_id": s_id[pick],
                    "assigned_on": at, "unassigned_on": until,
                }))
                carry = until < end[pending]
                when[pending[carry]] = until[carry]
                pending = pending[carry]
        assignments = pd.concat(rows, ignore_index=True)
        assignments = assignments.sort_values(["case", "assigned_on"], ignore_index=True)
        open_end = assignments.unassigned_on.to_numpy() > self.until
        assignments.loc[open_end, "unassigned_on"] = np.datetime64("NaT")
        return assignments

    # ---- programs and help --------------------------------------------------------------
    def milestones(self, cases: pd.DataFrame, pressure: pd.Series,
                   officer_factor: np.ndarray) -> pd.DataFrame:
        rules = self.rules
        reg = cases.registered_on.to_numpy().astype("datetime64[D]")
        closed = cases.closed_on.to_numpy().astype("datetime64[D]")
        horizon = np.minimum(cases.planned_end.to_numpy().astype("datetime64[D]"),
                             self.until + MILESTONE_HORIZON_DAYS * DAY)
        end = np.where(np.isnat(closed), horizon, closed)
        ptype = cases.probation_type.to_numpy()
        parts = [pd.DataFrame({
            "case": np.arange(len(cases)), "kind": "registration", "seq": 1,
            "due_on": R.registration_due(cases.appeared_on.to_numpy(), rules),
            "completed_on": reg,
        })]
        drafted = ptype != "penitentiary"
        parts.append(self._single(drafted, "program_drafted", R.program_due(reg, rules)))
        pen = ptype == "penitentiary"
        release = cases.release_on.to_numpy().astype("datetime64[D]")
        parts.append(self._single(pen, "release_prep_program",
                                  R.release_prep_due(reg, release, rules)))
        parts.append(self._single(pen, "handover", R.handover_due(release, rules)))
        pre = ptype == "pre_trial"
        hearing = cases.hearing_on.to_numpy().astype("datetime64[D]")
        parts.append(self._single(pre, "pre_trial_report",
                                  R.pre_trial_report_due(hearing, rules)))
        # The judgment's arrival is not in the data: the register day stands in for it.
        works = cases.legal_category.isin(
            [c for c, kinds in R.MILESTONES_BY_CATEGORY.items() if "summons" in kinds]).to_numpy()
        parts.append(self._single(works, "summons", R.summons_due(reg, rules)))
        parts.append(self._periodic(reg, end, np.ones(len(cases), bool), "program_review",
                                    rules.program_review_months))
        parts.append(self._periodic(reg, end, ~pen, "check_in", rules.check_in_months))
        m = pd.concat(parts, ignore_index=True)
        keep = (m.kind == "registration") | (m.due_on.to_numpy() < end[m.case.to_numpy()])
        keep &= ~((m.kind == "handover") & (cases.close_reason.to_numpy()[m.case.to_numpy()]
                                              != "released_to_post_penitentiary"))
        m = m[keep.to_numpy()].reset_index(drop=True)
        todo = (m.kind != "registration").to_numpy()
        c = m.case.to_numpy()
        p = cases.unit_id.map(pressure).to_numpy()[c] * officer_factor[c]
        n = len(m)
        u = self.rng.random(n)
        p_missed = np.clip(0.006 * p**3, 0.001, 0.15)
        p_late = np.clip(0.07 * p**2, 0.02, 0.6)
        due = m.due_on.to_numpy().astype("datetime64[D]")
        early = np.minimum(self.rng.integers(0, 8, n), ((due - reg[c]) / DAY).astype(int))
        done = due - np.maximum(early, 0) * DAY
        late_days = 1 + self.rng.geometric(1 / np.clip(6 * p, 3, 60), n)
        done = np.where(u < p_missed + p_late, due + late_days * DAY, done)
        done = np.where(u < p_missed, np.datetime64("NaT"), done)
        # Not done yet on the last day, or after the case closed: no completion recorded.
        case_end = np.where(np.isnat(closed[c]), self.until + DAY, closed[c])
        done = np.where((done > self.until) | (done >= case_end), np.datetime64("NaT"), done)
        m["completed_on"] = np.where(todo, done, m.completed_on.to_numpy())
        return m

    @staticmethod
    def _single(mask: np.ndarray, kind: str, due: np.ndarray) -> pd.DataFrame:
        idx = np.flatnonzero(mask)
        return pd.DataFrame({"case": idx, "kind": kind, "seq": 1, "due_on": due[idx],
                             "completed_on": np.datetime64("NaT")})

    @staticmethod
    def _periodic(reg, end, mask, kind: str, every_months: int) -> pd.DataFrame:
        idx = np.flatnonzero(mask)
        months = (end[idx].astype("datetime64[M]") - reg[idx].astype("datetime64[M]")).astype(
            int)
        count = np.maximum(0, months // every_months + 1)
        case = np.repeat(idx, count)
        first = np.repeat(np.cumsum(count) - count, count)
        seq = np.arange(len(case)) - first + 1
        due = R.periodic_due(reg[case], seq, every_months)
        return pd.DataFrame({"case": case, "kind": kind, "seq": seq, "due_on": due,
                             "completed_on": np.datetime64("NaT")})

    def assistance(self, cases: pd.DataFrame, pressure: pd.Series) -> pd.DataFrame:
        reg = cases.registered_on.to_numpy().astype("datetime64[D]")
        end = self.window_end(cases)
        lam = cases.legal_category.map(ASSISTANCE_PER_CASE).to_numpy()
        n = self.rng.poisson(lam)
        c = np.repeat(np.arange(len(cases)), n)
        span = np.maximum(1, np.minimum(90, (end[c] - reg[c]) / DAY)).astype(int)
        requested = reg[c] + (self.rng.random(len(c)) * span).astype(int) * DAY
        kind = self.rng.choice(list(ASSISTANCE_KIND_SHARES), len(c),
                               p=list(ASSISTANCE_KIND_SHARES.values()))
        p = cases.unit_id.map(pressure).to_numpy()[c]
        provided_share = np.clip(0.85 - 0.12 * (p - 1), 0.4, 0.95)
        provided = requested + self.rng.geometric(1 / 20, len(c)) * DAY
        provided = np.where(self.rng.random(len(c)) < provided_share, provided,
                            np.datetime64("NaT"))
        provided = np.where((provided > self.until) | (provided >= end[c]),
                            np.datetime64("NaT"), provided)
        result = self.rng.choice(["achieved", "partial", "not_achieved"], len(c),
                                 p=[0.55, 0.2, 0.25]).astype(object)
        result[np.isnat(provided)] = None
        keep = requested <= self.until
        return pd.DataFrame({"case": c, "kind": kind, "requested_on": requested,
                             "provided_on": provided, "result": result})[keep]

    def persons(self, cases: pd.DataFrame) -> pd.DataFrame:
        n = len(cases)
        category = np.full(n, None, dtype=object)
        pre = (cases.probation_type == "pre_trial").to_numpy()
        shares = np.array([0.35, 0.08, 0.07, 0.2, 0.15, 0.1, 0.05])
        category[pre] = self.rng.choice(PROTECTED_CATEGORIES, pre.sum(), p=shares)
        women = {"woman_pension_age", "pregnant", "woman_child_under_3"}
        sex = np.where(self.rng.random(n) < 0.86, "M", "F").astype(object)
        sex[np.isin(category, list(women))] = "F"
        sex[np.isin(category, ["man_pension_age", "single_father_child_under_3"])] = "M"
        age = np.clip(self.rng.normal(33, 10, n), 18, 70)
        age = np.where(category == "minor", self.rng.uniform(14, 18, n), age)
        age = np.where(category == "woman_pension_age", self.rng.uniform(61, 75, n), age)
        age = np.where(category == "man_pension_age", self.rng.uniform(63, 78, n), age)
        reg = cases.registered_on.to_numpy().astype("datetime64[D]")
        birth = reg - (age * 365.25).astype(int) * DAY
        return pd.DataFrame({"sex": sex, "birth_date": birth, "protected_category": category})

    # ---- the whole run -------------------------------------------------------------------
    def run(self, step=None) -> Dataset:
        """The whole dataset; `step(label)` is called as each of GENERATE_STEPS ends."""
        step = step or (lambda _label: None)
        regions = read_regions()
        units = self.units()
        posts = self.posts(units)
        officers = self.officers(posts)
        step("units and staff")
        post_share = posts.groupby("unit_id").size() / len(posts)
        pressure = (units.set_index("id").weight / post_share).rename("pressure")

        cases = self.base_cases(units)
        cases = self.register(cases, pressure)
        step("cases")
        cases = cases[cases.registered_on <= self.until].reset_index(drop=True)
        new = self.follow_ons(cases, units)
        cases["previous"] = -1
        new = new[new.registered_on <= self.until]
        cases = pd.concat([cases, new], ignore_index=True)
        self.open_at_until(cases)
        step("follow-on cases")
        closable = ~cases.close_reason.isin(["transferred", "released_to_post_penitentiary"])
        closable = closable.to_numpy() & (cases.previous.to_numpy() == -1)
        violations = self.violations(cases, closable)
        step("violations")
        offences = self.repeat_offences(cases, closable, pressure)
        step("repeat offences")
        events = pd.concat([violations, offences], ignore_index=True)
        end = self.window_end(cases)
        events = events[events.occurred_on.to_numpy() < end[events.case.to_numpy()]]
        events = events[events.occurred_on <= self.until]

        # The database starts on FIRST_DAY: keep cases on the register then or later.
        in_data = end > d64(FIRST_DAY)
        keep_ids = np.flatnonzero(in_data)
        # A follow-on whose first case is dropped still stands on its own.
        new_position = np.full(len(cases), -1)
        new_position[keep_ids] = np.arange(len(keep_ids))
        cases = cases.iloc[keep_ids].reset_index(drop=True)
        prev = cases.previous.to_numpy()
        prev_new = np.where(prev >= 0, new_position[np.maximum(prev, 0)], -1)
        cases["previous"] = prev_new

        def remap(frame: pd.DataFrame) -> pd.DataFrame:
            frame = frame.assign(case=new_position[frame.case.to_numpy()])
            return frame[frame.case >= 0]

        events = remap(events)
        assignments = self.assign(cases, officers)
        step("assignments")
        last = assignments.groupby("case").officer_id.last()
        officer_factor_by_id = self.rng.lognormal(0, 0.35, len(officers) + 1)
        officer_factor = officer_factor_by_id[last.reindex(range(len(cases))).to_numpy()]
        milestones = self.milestones(cases, pressure, officer_factor)
        step("milestones")
        assistance = self.assistance(cases, pressure)
        persons = self.persons(cases)
        step("assistance and persons")
        dataset = self._assemble(regions, units, posts, officers, cases, persons,
                                 assignments, milestones, assistance, events, last)
        step("tables")
        return dataset

    def _assemble(self, regions, units, posts, officers, cases, persons, assignments,
                  milestones, assistance, events, last_officer) -> Dataset:
        n = len(cases)
        case_ids = np.arange(1, n + 1)
        # Follow-on cases belong to the person of their first case.
        person_of = np.arange(n)
        prev = cases.previous.to_numpy()
        has_prev = prev >= 0
        person_of[has_prev] = prev[has_prev]
        persons = persons.iloc[np.unique(person_of)].copy()
        persons["id"] = persons.index + 1
        persons["code"] = [f"P-{i:07d}" for i in persons.id]
        case_frame = pd.DataFrame({
            "id": case_ids,
            "person_id": person_of + 1,
            "unit_id": cases.unit_id.to_numpy(),
            "officer_id": last_officer.reindex(range(n)).to_numpy(),
            "probation_type": cases.probation_type.to_numpy(),
            "legal_category": cases.legal_category.to_numpy(),
            "risk_tier": cases.risk_tier.to_numpy(),
            "appeared_on": cases.appeared_on.to_numpy(),
            "registered_on": cases.registered_on.to_numpy(),
            "planned_end": cases.planned_end.to_numpy(),
            "closed_on": cases.closed_on.to_numpy(),
            "close_reason": cases.close_reason.to_numpy(),
            "hearing_on": cases.hearing_on.to_numpy(),
            "release_on": cases.release_on.to_numpy(),
            "previous_case_id": pd.array(np.where(has_prev, prev + 1, 0), dtype="Int64"),
        })
        case_frame.loc[~has_prev, "previous_case_id"] = pd.NA

        def with_ids(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
            out = frame.assign(case_id=frame.case.to_numpy() + 1)[["case_id", *columns]]
            out.insert(0, "id", np.arange(1, len(out) + 1))
            return out.reset_index(drop=True)

        tables = {
            "regions": regions[["code", "name_kk", "name_ru", "name_en", "center_en",
                                "center_lat", "center_lon", "population", "kind"]],
            "units": units[["id", "region_code", "name_kk", "name_ru", "name_en", "kind"]],
            "posts": posts[["id", "unit_id", "grade", "valid_from", "valid_until", "source",
                            "transferred_on"]],
            "officers": officers[["id", "code", "unit_id", "post_id", "started_on", "left_on",
                                  "contracted_hours"]],
            "persons": persons[["id", "code", "sex", "birth_date", "protected_category"]],
            "cases": case_frame,
            "case_assignments": with_ids(assignments, ["officer_id", "assigned_on",
                                                       "unassigned_on"]),
            "milestones": with_ids(milestones.sort_values(["case", "due_on", "kind"]),
                                   ["kind", "seq", "due_on", "completed_on"]),
            "assistance": with_ids(assistance, ["kind", "requested_on", "provided_on",
                                                "result"]),
            "violations": with_ids(events.sort_values(["case", "occurred_on"]),
                                   ["occurred_on", "kind", "submitted_to_court_on",
                                    "court_decision", "decided_on"]),
        }
        info = {"source": "synthetic demo", "scale": repr(self.scale), "seed": str(self.seed),
                "data_until": str(self.until), "data_from": FIRST_DAY.isoformat(),
                "generated_at": datetime.now().isoformat(timespec="seconds")}
        return Dataset(tables=tables, info=info)


GENERATE_STEPS = 9
"""Steps _Generator.run reports (a progress bar's length)."""


def generate(scale: float = 1.0, seed: int = 42, until: date = date(2026, 11, 24),
             progress=None) -> Dataset:
    """The national synthetic dataset for `scale` (1.0 = the published register), its
    steps reported to `progress` (service.progress.Progress) when given."""
    if not scale > 0:
        raise ValueError("scale must be greater than 0")
    if progress is None:
        return _Generator(scale, seed, until).run()
    with progress.stage("generate", GENERATE_STEPS) as step:
        return _Generator(scale, seed, until).run(step)
