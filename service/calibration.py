"""The published figures the demo data is calibrated to (docs: ../shared/figures.md), each
measured in a loaded database through the queries' own definitions (queries.national).

`summary --calibration` prints them; the scale-1 test holds each within its tolerance.
The tolerance is a share of the published value: tight where the generator takes the
figure as an input or the source is exact, about 10 % where the source rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.schema import dataset_info
from queries import national

# Regional figures are published for "2023-2025": the mean of the three year-ends.
REGIONAL_YEARS = (2023, 2024, 2025)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    published: int
    tolerance: float
    as_of: str
    source: str
    measure: Callable[[Connection], float]
    at_least: bool = False  # published as "more than": only the lower bound holds

    def within(self, value: float) -> bool:
        low = self.published * (1 - self.tolerance)
        if self.at_least:
            return value >= low
        return low <= value <= self.published * (1 + self.tolerance)


def _year(key: str, year: int) -> Callable[[Connection], float]:
    return lambda conn: national.year_summary(conn, year)[key]


def _on(day: date) -> Callable[[Connection], float]:
    return lambda conn: national.people_on_register_on(conn, day)


def _region(code: str) -> Callable[[Connection], float]:
    return lambda conn: round(sum(
        national.people_on_register_on(conn, date(y, 12, 31), code)
        for y in REGIONAL_YEARS) / len(REGIONAL_YEARS))


def _peak_after_2016(conn: Connection) -> float:
    return max(national.people_on_register_on(conn, date(y, 12, 31)) for y in range(2017, 2026))


FIGURES = [
    Figure("posts_2012", "staff units (posts) on 31 Dec 2012", 1_300, 0.0, "2012",
           "the seed speech", lambda conn: national.posts_on(conn, date(2012, 12, 31))),
    Figure("passed_through_2014", "people on the register during 2014", 39_000, 0.02,
           "2014", "the seed speech", _year("on_register_during_year", 2014)),
    Figure("passed_through_2015", "people on the register during 2015", 48_000, 0.02,
           "2015", "the seed speech", _year("on_register_during_year", 2015)),
    Figure("repeat_offences_2014", "repeat offences in 2014", 671, 0.02, "2014",
           "the seed speech", _year("repeat_offences", 2014)),
    Figure("repeat_offences_2015", "repeat offences in 2015", 461, 0.02, "2015",
           "the seed speech", _year("repeat_offences", 2015)),
    Figure("on_register_2016", "on the register on 31 Dec 2016", 22_500, 0.05, "2016",
           "press", _on(date(2016, 12, 31))),
    Figure("programs_2016", "individual programs drawn up in 2016", 30_797, 0.05, "2016",
           "press", _year("programs_drafted", 2016)),
    Figure("on_register_2021", "on the register on 31 Dec 2021", 32_000, 0.1, "2021",
           "press (arasha.kz)", _on(date(2021, 12, 31))),
    Figure("on_register_peak", "on the register at the highest year-end 2017-2025", 28_000,
           0.0, "after 2016", "press (baigenews.kz)", _peak_after_2016, at_least=True),
    Figure("on_register_dec_2025", "on the register on 5 Dec 2025", 25_500, 0.05,
           "Dec 2025", "inform.kz, 5 Dec 2025 (Prosecutor General's Office)",
           _on(date(2025, 12, 5))),
    Figure("replaced_jan_aug_2025", "sentences replaced with imprisonment, Jan-Aug 2025",
           2_354, 0.1, "Jan-Aug 2025",
           "Prosecutor General's Office via azattyq-ruhy.kz, prosud.kz",
           lambda conn: national.sentences_replaced(conn, date(2025, 1, 1),
                                                    date(2025, 8, 31))),
    Figure("on_register_astana", "on the register in Astana (year-ends 2023-2025)", 2_500,
           0.1, "2023-2025", "press", _region("KZ-71")),
    Figure("on_register_kyzylorda", "on the register in Kyzylorda region (year-ends "
           "2023-2025)", 1_000, 0.1, "2023-2025", "press", _region("KZ-43")),
    Figure("on_register_north_kazakhstan", "on the register in North Kazakhstan region "
           "(year-ends 2023-2025)", 800, 0.1, "2023-2025", "press", _region("KZ-59")),
]


def measure(conn: Connection) -> list[dict]:
    """Each figure measured in the database beside its published value."""
    rows = []
    for figure in FIGURES:
        value = int(figure.measure(conn))
        rows.append({"key": figure.key, "label": figure.label, "as_of": figure.as_of,
                     "measured": value, "published": figure.published,
                     "tolerance": figure.tolerance, "at_least": figure.at_least,
                     "within": figure.within(value), "source": figure.source})
    return rows


def dataset_scale(conn: Connection) -> str | None:
    """The scale the synthetic data was generated at (None for loaded extracts): the
    published figures are the national register's, that is scale 1."""
    return conn.execute(select(dataset_info.c.value).where(
        dataset_info.c.key == "scale")).scalar_one_or_none()
