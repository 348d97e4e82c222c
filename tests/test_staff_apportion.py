"""Largest-remainder apportionment and the moves it implies (pure: no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.apportion import Move, largest_remainder, moves


def test_whole_quotas_are_kept():
    assert largest_remainder({"A": 2, "B": 1, "C": 1}, 8) == {"A": 4, "B": 2, "C": 2}


def test_the_largest_remainders_get_the_posts_left_over():
    # quotas 3.5, 2.1, 1.4 -> 3, 2, 1 and one left for A (remainder .5 beats .4 and .1)
    assert largest_remainder({"A": 5, "B": 3, "C": 2}, 7) == {"A": 4, "B": 2, "C": 1}


def test_a_tie_goes_to_the_larger_weight_then_the_smaller_key():
    # quotas 1.5 and 1.5: B and A tie on remainder and weight -> the smaller key, A
    assert largest_remainder({"B": 1, "A": 1}, 3) == {"A": 2, "B": 1}
    # a key of weight 0 gets nothing, and does not disturb the tie between A and B
    assert largest_remainder({"X": 0, "B": 2, "A": 2}, 3) == {"A": 2, "B": 1, "X": 0}


def test_the_answer_does_not_depend_on_the_order_of_the_input():
    a = largest_remainder({"A": 1, "B": 1, "C": 1}, 4)
    b = largest_remainder({"C": 1, "B": 1, "A": 1}, 4)
    assert a == b == {"A": 2, "B": 1, "C": 1}


def test_minimums_are_kept_and_the_rest_shared_again():
    # proportional: A 6, B 0; B keeps its minimum of 1, A gets the other 5
    assert largest_remainder({"A": 52, "B": 0}, 6, minimum={"A": 2, "B": 1}) == {"A": 5, "B": 1}


def test_all_zero_weights_share_equally():
    assert largest_remainder({"A": 0, "B": 0}, 4) == {"A": 2, "B": 2}


def test_impossible_requests_are_refused():
    with pytest.raises(ValueError):
        largest_remainder({"A": 1, "B": 1}, 1, minimum=1)
    with pytest.raises(ValueError):
        largest_remainder({"A": -1}, 1)
    with pytest.raises(ValueError):
        largest_remainder({"A": 1}, -1)


def test_moves_pair_the_largest_surplus_with_the_largest_need():
    current = {"A": 5, "B": 1, "C": 4, "D": 2}
    target = {"A": 2, "B": 4, "C": 3, "D": 3}
    assert moves(current, target) == [Move("A", "B", 3), Move("C", "D", 1)]


def test_no_change_no_moves():
    assert moves({"A": 2, "B": 3}, {"A": 2, "B": 3}) == []


weights = st.dictionaries(st.sampled_from("ABCDEFGH"),
                          st.floats(min_value=0, max_value=1e6, allow_nan=False),
                          min_size=1)


@given(weights, st.integers(min_value=0, max_value=5000))
def test_shares_sum_to_the_total_and_are_never_negative(w, total):
    shares = largest_remainder(w, total)
    assert sum(shares.values()) == total
    assert all(n >= 0 for n in shares.values())
    assert set(shares) == set(w)


@given(weights, st.integers(min_value=0, max_value=500), st.randoms())
def test_shares_are_stable_under_reordering(w, total, rnd):
    items = list(w.items())
    rnd.shuffle(items)
    assert largest_remainder(dict(items), total) == largest_remainder(w, total)


@given(weights, st.integers(min_value=0, max_value=500))
def test_each_share_is_its_quota_rounded_down_or_up(w, total):
    shares = largest_remainder(w, total)
    s = sum(w.values())
    for k, n in shares.items():
        quota = total * w[k] / s if s else total / len(w)
        assert quota - 1 < n < quota + 1


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=8),
       st.randoms())
def test_moves_turn_current_into_target(counts, rnd):
    keys = "ABCDEFGH"[: len(counts)]
    current = dict(zip(keys, counts, strict=True))
    shuffled = counts[:]
    rnd.shuffle(shuffled)
    target = dict(zip(keys, shuffled, strict=True))
    result = dict(current)
    for m in moves(current, target):
        assert m.posts > 0 and m.source != m.target
        result[m.source] -= m.posts
        result[m.target] += m.posts
    assert result == target
    moved = sum(m.posts for m in moves(current, target))
    assert moved == sum(max(0, current[k] - target[k]) for k in keys)
    givers = {m.source for m in moves(current, target)}
    assert not givers & {m.target for m in moves(current, target)}
