"""The repeated assistance counted in memory (queries/assistance_pool.py): by hand on a
few provisions, and the same counts as the statement it replaces (outcome_stocks.
extra_assistance_counted) for random periods, filters and scopes on generated data, on
both backends."""

import random
from datetime import date

import numpy as np
import pytest

from dashboard.metrics import Period
from dashboard.scope import Scope
from queries.readmodel import assistance_pool
from queries.readmodel import outcome_stocks as OS
from queries.readmodel.outlier_pool import day_number
from tests.readmodel_helpers import random_narrowing, random_period


def _provided() -> assistance_pool.Provided:
    """Person 1 (unit 1, Astana, sentence, conditionally sentenced): employment on 10,
    12 and 30 January 2020, education (pre-trial) on the 20th; person 2 (unit 2, Almaty,
    sentence, parole): employment on the 15th and 20th."""
    rows = [(10, 1, 1, 1, 0, 1, 0), (12, 1, 1, 1, 0, 1, 0), (15, 2, 2, 1, 1, 1, 1),
            (20, 2, 2, 1, 1, 1, 1), (20, 1, 1, 0, 0, 0, 0), (30, 1, 1, 1, 0, 1, 0)]
    day, person, unit, kind, region, ptype, category = (np.array(c)
                                                        for c in zip(*rows, strict=True))
    return assistance_pool.Provided(
        day=np.array([day_number(date(2020, 1, d)) for d in day], dtype=np.int32),
        person=person.astype(np.int32), unit=unit.astype(np.int32),
        kind=kind.astype(np.int16), region=region.astype(np.int16),
        probation_type=ptype.astype(np.int16), legal_category=category.astype(np.int16),
        labels={"kind": ("education", "employment"), "region": ("KZ-71", "KZ-75"),
                "probation_type": ("pre_trial", "sentence"),
                "legal_category": ("conditionally_sentenced", "parole")})


def _days(first: int, last: int) -> Period:
    return Period(date(2020, 1, first), date(2020, 1, last))


def test_extra_provisions_by_hand():
    """10-20 January: employment 4 provisions to 2 people (2 beyond the first), education
    1 to 1 (0); from the 11th: 3 to 2 (1); Almaty's head: person 2's 2 (1); unit 1's head:
    person 1's 3 employments (2); pre-trial: the education (0); a month with none: none."""
    p, nation = _provided(), OS.Filter(Scope.nation())
    assert assistance_pool.extra(p, nation, _days(10, 20)) == {"employment": 2, "education": 0}
    assert assistance_pool.extra(p, nation, _days(11, 20)) == {"employment": 1, "education": 0}
    almaty = OS.Filter(Scope("region_head", region_code="KZ-75"))
    assert assistance_pool.extra(p, almaty, _days(10, 31)) == {"employment": 1}
    unit = OS.Filter(Scope("unit_head", unit_id=1))
    assert assistance_pool.extra(p, unit, _days(10, 31)) == {"employment": 2, "education": 0}
    pre_trial = OS.Filter(Scope.nation(), types=("pre_trial",))
    assert assistance_pool.extra(p, pre_trial, _days(1, 31)) == {"education": 0}
    assert assistance_pool.extra(p, OS.Filter(Scope.nation(), region="KZ-75"),
                                 _days(16, 31)) == {"employment": 0}
    assert assistance_pool.extra(p, OS.Filter(Scope("admin", username="a")),
                                 _days(1, 31)) == {}
    assert assistance_pool.extra(p, nation, Period(date(2020, 2, 1), date(2020, 2, 29))) == {}


@pytest.mark.slow
def test_the_same_counts_as_the_statement_on_generated_data(generated):
    engine = generated(0.02, 5)
    rng = random.Random(11)
    with engine.connect() as conn:
        provided = assistance_pool.held(conn)
        assert len(provided.day) > 50 and np.all(np.diff(provided.day) >= 0)
        regions = list(provided.labels["region"])
        scopes = [Scope.nation(), Scope("region_head", region_code=regions[0]),
                  Scope("unit_head", unit_id=int(provided.unit[0])),
                  Scope("admin", username="a")]
        compared = 0
        for _ in range(40):
            period = random_period(rng, date(2015, 1, 1), date(2026, 11, 24))
            n = random_narrowing(rng, regions[:3], ["sentence", "pre_trial", "penitentiary"],
                                 ["conditionally_sentenced", "parole"])
            flt = OS.Filter(rng.choice(scopes), n.types, n.categories, n.region)
            found = assistance_pool.extra(provided, flt, period)
            assert found == OS.extra_assistance_counted(conn, flt, period), (flt, period)
            compared += sum(found.values())
        assert compared > 0  # not only empty answers
