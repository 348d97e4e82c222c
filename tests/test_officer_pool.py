"""queries/readmodel/officer_pool.py on rows worked out by hand: who counts for which
officer in which period (the equivalence with the definitions on generated data is
tests/test_readmodel.py's)."""

from datetime import date

import numpy as np

from dashboard.metrics import Period
from queries.readmodel import officer_pool as P
from queries.readmodel.outlier_pool import OPEN, day_number

JAN = Period(date(2026, 1, 1), date(2026, 1, 31))
FEB = Period(date(2026, 2, 1), date(2026, 2, 28))
UNIT, OTHER_UNIT = 7, 8


def d(month: int, day: int) -> int:
    return day_number(date(2026, month, day))


def rows(unit, officer, day, **extra) -> P.Rows:
    """Rows of one or two units as _rows would hold them (sorted by unit, then day)."""
    read = {"unit": np.array(unit), "officer": np.array(officer), "day": np.array(day),
            "type": np.zeros(len(unit), dtype=np.int8),
            "category": np.zeros(len(unit), dtype=np.int8)}
    return P._rows(read, **{k: np.array(v) for k, v in extra.items()})


def held(register=None, offences=None, closures=None) -> P.Held:
    empty = rows([], [], [])
    return P.Held(register=register or rows([], [], [], end=[], person=[]),
                  offences=offences or empty,
                  closures=closures or rows([], [], [], reason=[]),
                  region_of={UNIT: "KZ-75", OTHER_UNIT: "KZ-11"})


def key(k):
    """An officer's id, or None (a frame holds it as NaN, as the definitions' do)."""
    return None if k != k else int(k)


def as_dict(frame, column) -> dict:
    return {(r.idx, key(r.key)): getattr(r, column) for r in frame.itertuples()}


def test_people_on_the_register_per_officer_and_period():
    # Person 1 with officer 10 in January and officer 11 from mid-February; person 2 has
    # two cases with officer 10 in January (counted once); person 3's case was on the
    # register in February only while nobody held it (officer None); person 4's case
    # and its assignment both touch January but never each other: counted, as both
    # spans touch the period. Person 5 is in the other unit.
    register = rows(
        unit=[UNIT, UNIT, UNIT, UNIT, UNIT, UNIT, OTHER_UNIT],
        officer=[10, 11, 10, 10, P.NOBODY, 12, 10],
        day=[d(1, 5), d(2, 15), d(1, 2), d(1, 20), d(2, 3), d(1, 25), d(1, 1)],
        end=[d(2, 15), OPEN, d(1, 10), d(2, 1), d(2, 10), d(1, 20), OPEN],
        person=[1, 1, 2, 2, 3, 4, 5])
    got = as_dict(P.on_register(held(register), UNIT, [JAN, FEB], (), (), None),
                  "on_register")
    assert got == {(0, 10): 2, (1, 10): 1, (0, 11): 0, (1, 11): 1,
                   (0, None): 0, (1, None): 1, (0, 12): 1, (1, 12): 0}
    # Another region's narrowing: nothing of the unit.
    assert P.on_register(held(register), UNIT, [JAN], (), (), "KZ-11").empty


def test_offences_and_closures_per_officer_with_any():
    offences = rows(unit=[UNIT, UNIT, UNIT, OTHER_UNIT], officer=[10, 10, P.NOBODY, 10],
                    day=[d(1, 31), d(2, 1), d(2, 28), d(1, 5)])
    got = as_dict(P.new_offences(held(offences=offences), UNIT, [JAN, FEB], (), (), None),
                  "repeat_offences")
    assert got == {(0, 10): 1, (1, 10): 1, (1, None): 1}
    # Completed, revoked, another reason and none: "closed" counts all four.
    closures = rows(unit=[UNIT] * 4, officer=[10, 10, 10, 11],
                    day=[d(1, 3), d(1, 9), d(1, 30), d(2, 2)],
                    reason=[0, 1, P.OTHER, P.NONE])
    frame = P.closures(held(closures=closures), UNIT, [JAN, FEB], (), (), None)
    assert [(r.idx, key(r.key), *r[2:]) for r in frame.itertuples(index=False)] == [
        (0, 10, 1, 1, 1, 3), (1, 11, 0, 0, 0, 1)]
