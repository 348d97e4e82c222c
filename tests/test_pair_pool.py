"""The repeat pairs counted in memory (queries/readmodel/pair_pool.py), on both backends: numbers
worked out by hand on the outcomes fixture with two more people, the same counts as the
statement it replaces for random periods, filters, scopes and splits on generated data,
and no statement at all when nobody has three or more cases."""

import random
from datetime import date

import numpy as np
import pytest
from sqlalchemy import event, func, select, union_all

from dashboard.metrics import Period
from dashboard.scope import Scope
from queries.readmodel import assistance_pool, officer_pool, outlier_pool, pair_pool
from queries.readmodel import outcome_stocks as OS
from tests.readmodel_helpers import SPLITS, random_narrowing, random_period

YEARS = [Period(date(y, 1, 1), date(y, 12, 31)) for y in (2014, 2015, 2016)]


def _statement(conn, flt, periods, by) -> dict:
    """What the statement (queries.readmodel.outcome_stocks._extra_of_pairs) counts."""
    q = OS._extra_of_pairs(flt, periods, by).subquery("pairs")
    keys = [q.c.key] if by else []
    rows = conn.execute(select(*keys, *[func.sum(q.c[f"n{i}"]) for i in range(len(periods))])
                        .group_by(*keys)).all()
    out = {}
    for row in rows:
        for i, value in enumerate(row[1:] if by else row):
            if value:
                out[(i, row[0] if by else None)] = int(value)
    return out


def test_hand_counted_pairs(several_db):
    """p4 (c4 Dec 2014 - Mar 2015, c5 Mar - Sep 2015; unit 2, sentence, restriction) and
    p7 (c10 unit 1 sentence Feb - May 2016, c11 unit 2 post-penitentiary from Jul 2016) are
    the pairs; p6's three cases are counted by person. On the register together during
    2015: p4; 2016: p7 (both cases touch the year); 2014: p4 (c4 from 31 Dec, c5 not yet:
    no). Split by region or type, p7's cases differ: only p4 counts."""
    with several_db.connect() as conn:
        pairs = pair_pool.held(conn)
        assert len(pairs.registered) == 2 and pairs.many == 3
        nation = OS.Filter(Scope.nation())
        assert pair_pool.extra(pairs, nation, YEARS, None) == {(1, None): 1, (2, None): 1}
        assert pair_pool.extra(pairs, nation, YEARS, "region") == {(1, "KZ-75"): 1}
        assert pair_pool.extra(pairs, nation, YEARS, "unit") == {(1, 2): 1}
        assert pair_pool.extra(pairs, nation, YEARS, "probation_type") == {(1, "sentence"): 1}
        # Both cases must be in the filter: p7's second case is not a sentence.
        sentence = OS.Filter(Scope.nation(), types=("sentence",))
        assert pair_pool.extra(pairs, sentence, YEARS, None) == {(1, None): 1}
        assert pair_pool.extra(pairs, OS.Filter(Scope("region_head", region_code="KZ-71")),
                               YEARS, None) == {}
        assert pair_pool.extra(pairs, OS.Filter(Scope("unit_head", unit_id=2)),
                               YEARS, None) == {(1, None): 1}
        assert pair_pool.extra(pairs, OS.Filter(Scope.nation(), region="KZ-99"),
                               YEARS, None) == {}
        for flt in (nation, sentence):
            for by in SPLITS:
                assert pair_pool.extra(pairs, flt, YEARS, by) == _statement(conn, flt, YEARS,
                                                                            by)


@pytest.mark.slow
def test_the_same_counts_as_the_statement_on_generated_data(generated):
    engine = generated(0.02, 5)
    rng = random.Random(3)
    with engine.connect() as conn:
        pairs = pair_pool.held(conn)
        assert len(pairs.registered) > 20
        first, last = date(2015, 1, 1), date(2026, 11, 24)
        regions = list(pairs.labels["region"])
        units = sorted(set(pairs.first_unit.tolist()))
        scopes = [Scope.nation(), Scope("region_head", region_code=regions[0]),
                  Scope("unit_head", unit_id=units[0]), Scope("admin", username="a")]
        compared = 0
        for _ in range(40):
            periods = [random_period(rng, first, last) for _ in range(rng.randint(1, 6))]
            n = random_narrowing(rng, regions[:3], ["sentence", "pre_trial", "penitentiary"],
                                 ["conditionally_sentenced", "parole"])
            flt = OS.Filter(rng.choice(scopes), n.types, n.categories, n.region)
            by = rng.choice(SPLITS)
            found = pair_pool.extra(pairs, flt, periods, by)
            assert found == _statement(conn, flt, periods, by), (flt, periods, by)
            compared += sum(found.values())
        assert compared > 0  # not only empty answers


def _repeat_statements(engine) -> list[str]:
    """The statements that read the repeat tables, from now on (the others, such as the
    data version's, are not this test's business)."""
    seen = []
    event.listen(engine, "before_cursor_execute",
                 lambda *a: seen.append(a[2]) if "repeat_" in a[2] else None)
    return seen


def test_no_statement_when_nobody_has_three_cases(outcomes_db):
    """The outcomes fixture's only repeat is p4's pair (together on the register in 2015;
    on 1-15 March 2015 c4, closed on the 1st, is not): the extra cases need no statement,
    and equal the statement's count."""
    periods = YEARS + [Period(date(2015, 3, 1), date(2015, 3, 15))]
    flt = OS.Filter(Scope.nation())
    with outcomes_db.connect() as conn:
        assert pair_pool.held(conn).many == 0
        seen = _repeat_statements(outcomes_db)
        extra = OS._extra_cases(conn, flt, periods, None)
        assert seen == [] and extra == {(1, None): 1}
        both = union_all(OS._extra_of_pairs(flt, periods, None),
                         OS._extra_of_many(flt, periods, None)).subquery()
        assert [int(v or 0) for v in conn.execute(
            select(*[func.sum(both.c[f"n{i}"]) for i in range(4)])).one()] == [0, 1, 0, 0]


@pytest.mark.parametrize("by", [None, "region"])
def test_three_cases_still_counted_by_statement(several_db, monkeypatch, by):
    """With p6's three cases: one statement for them, the pairs from memory, the two
    added. Without the arrays (not read yet) one statement counts both, the same.
    Nation: 2014 p6 (c7, c8) 1; 2015 p4's pair and p6 (c8, c9) 2; 2016 p7's pair 1. By
    region p6's cases of one year are in two regions: only p4's pair, in KZ-75."""
    flt = OS.Filter(Scope.nation())
    with several_db.connect() as conn:
        pair_pool.held(conn)
        seen = _repeat_statements(several_db)
        from_memory = OS._extra_cases(conn, flt, YEARS, by)
        assert len(seen) == 1 and "repeat_cases" in seen[0] and "repeat_pairs" not in seen[0]
        monkeypatch.setattr(pair_pool, "held", lambda _conn: None)
        assert OS._extra_cases(conn, flt, YEARS, by) == from_memory
        assert len(seen) == 2 and "repeat_pairs" in seen[1]
    assert from_memory == ({(0, None): 1, (1, None): 2, (2, None): 1} if by is None
                           else {(1, "KZ-75"): 1})


def test_warmed_with_the_outlier_pool(several_db):
    outlier_pool._held.clear()
    outlier_pool.warm(several_db)
    url = str(several_db.url)
    assert {key[2] for key in outlier_pool._held if key[0] == url} == {
        "unit", "officer", pair_pool.LEVEL, assistance_pool.LEVEL, officer_pool.LEVEL}


def test_a_pair_of_open_cases_meets_every_period_from_the_later_registration():
    """Both cases open (closed_on None, held as OPEN): on the register together in every
    period that ends on or after the later registration."""
    one = {"dtype": np.int32}
    pairs = pair_pool.Pairs(
        first_unit=np.array([1], **one), other_unit=np.array([1], **one),
        first_region=np.zeros(1, np.int16), other_region=np.zeros(1, np.int16),
        first_type=np.zeros(1, np.int16), other_type=np.zeros(1, np.int16),
        first_category=np.zeros(1, np.int16), other_category=np.zeros(1, np.int16),
        registered=np.array([outlier_pool.day_number(date(2020, 3, 1))], **one),
        closed=np.array([outlier_pool.OPEN], **one),
        labels={"region": ("KZ-71",), "probation_type": ("sentence",),
                "legal_category": ("parole",)}, many=0)
    periods = [Period(date(y, 1, 1), date(y, 12, 31)) for y in (2019, 2020, 2040)]
    periods.append(Period(date(2020, 2, 1), date(2020, 2, 29)))
    assert pair_pool.extra(pairs, OS.Filter(Scope.nation()), periods, "legal_category") == {
        (1, "parole"): 1, (2, "parole"): 1}
    assert pair_pool.extra(pairs, OS.Filter(Scope("unit_head", unit_id=1)), periods,
                           "unit") == {(1, 1): 1, (2, 1): 1}
    assert pair_pool.extra(pairs, OS.Filter(Scope.nation()), periods, "officer") is None
