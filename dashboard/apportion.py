"""Fair shares of a fixed number of posts: largest-remainder (Hamilton) apportionment and
the moves that take the current allocation to the recommended one. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    source: Hashable
    target: Hashable
    posts: int


def largest_remainder(weights: Mapping[Hashable, float], total: int,
                      minimum: int | Mapping[Hashable, int] = 0) -> dict[Hashable, int]:
    """Whole numbers of posts in proportion to `weights`, summing to `total`, each at least
    its `minimum` (a number, or one per key).

    Keys whose proportional share falls below their minimum get the minimum, and the rest
    is shared again among the others. Remainders are compared largest first; a tie goes to
    the larger weight, then to the smaller key, so the answer never depends on the order
    of the input. With all weights zero, posts are shared equally.
    """
    keys = sorted(weights, key=_sort_key)
    if total < 0:
        raise ValueError("total must not be negative")
    floor = {k: int(minimum.get(k, 0) if isinstance(minimum, Mapping) else minimum)
             for k in keys}
    if any(v < 0 for v in floor.values()):
        raise ValueError("minimums must not be negative")
    if sum(floor.values()) > total:
        raise ValueError(f"minimums ({sum(floor.values())}) exceed the total ({total})")
    if any(weights[k] < 0 or math.isnan(weights[k]) for k in keys):
        raise ValueError("weights must be non-negative numbers")
    if not keys:
        if total:
            raise ValueError("nothing to share posts among")
        return {}
    w = {k: float(weights[k]) for k in keys}
    if sum(w.values()) == 0:
        w = dict.fromkeys(keys, 1.0)

    # Pin the keys held up by their minimum until every free key's quota clears its own.
    pinned: set = set()
    while True:
        free = [k for k in keys if k not in pinned]
        rest = total - sum(floor[k] for k in pinned)
        free_weight = sum(w[k] for k in free)
        quota = {k: (rest * w[k] / free_weight if free_weight else 0.0) for k in free}
        below = {k for k in free if quota[k] < floor[k]}
        if not below:
            break
        pinned |= below

    shares = {k: floor[k] for k in pinned}
    whole = {k: math.floor(quota[k]) for k in free}
    shares.update(whole)
    left = total - sum(shares.values())
    order = sorted(free, key=lambda k: (-(quota[k] - whole[k]), -w[k], _sort_key(k)))
    for k in order[:left]:
        shares[k] += 1
    return {k: shares[k] for k in keys}


def moves(current: Mapping[Hashable, int], target: Mapping[Hashable, int]) -> list[Move]:
    """Post transfers that turn `current` into `target` (same total): the largest surplus
    gives to the largest need first, so each place either gives or receives, never both,
    and the number of posts moved is the least possible (half the total difference)."""
    keys = sorted(set(current) | set(target), key=_sort_key)
    if sum(current.values()) != sum(target.values()):
        raise ValueError("current and target allocations must have the same total")
    surplus = {k: current.get(k, 0) - target.get(k, 0) for k in keys}
    givers = sorted((k for k in keys if surplus[k] > 0), key=lambda k: (-surplus[k],
                                                                         _sort_key(k)))
    takers = sorted((k for k in keys if surplus[k] < 0), key=lambda k: (surplus[k],
                                                                        _sort_key(k)))
    need = {k: -surplus[k] for k in takers}
    out: list[Move] = []
    for giver in givers:
        spare = surplus[giver]
        for taker in takers:
            if spare == 0:
                break
            n = min(spare, need[taker])
            if n:
                out.append(Move(giver, taker, n))
                spare -= n
                need[taker] -= n
    return out


def _sort_key(key) -> tuple:
    return (str(type(key)), key) if not isinstance(key, str) else ("", key)
