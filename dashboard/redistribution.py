"""A recommended allocation of the current posts, in proportion to weighted workload, and
what it changes: the moves and the spread of capacity before and after. Pure functions.

The total number of posts is fixed (the law added work, not headcount). A post is worth
the nominal target of a full-time officer, so a place's capacity here is
points / (posts x nominal target): how loaded its posts would be if all were filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.apportion import Move, largest_remainder, moves
from dashboard.workload import CapacityParams


@dataclass(frozen=True)
class Redistribution:
    places: pd.DataFrame
    """One row per place: place, points, posts, recommended, change, capacity_before,
    capacity_after (percent)."""
    moves: list[Move]

    @property
    def posts_moved(self) -> int:
        return sum(m.posts for m in self.moves)

    def spread(self) -> pd.DataFrame:
        """Spread of capacity across places: rows before/after; min, quartiles, max."""
        rows = {}
        for when in ("before", "after"):
            c = self.places[f"capacity_{when}"].dropna()
            rows[when] = {"min": c.min(), "p25": c.quantile(0.25), "median": c.median(),
                          "p75": c.quantile(0.75), "max": c.max()}
        return pd.DataFrame.from_dict(rows, orient="index")


def redistribute(points: Mapping, posts: Mapping[object, int], params: CapacityParams,
                 minimum: int | Mapping = 0) -> Redistribution:
    """Share sum(posts) among the places of `posts` in proportion to `points` (a place
    missing from `points` has none), each keeping at least its `minimum`."""
    places = sorted(posts, key=str)
    load = {p: float(points.get(p, 0.0)) for p in places}
    current = {p: int(posts[p]) for p in places}
    target = largest_remainder(load, sum(current.values()), minimum)
    per_post = params.nominal_target

    def capacity(place, n):
        return load[place] / (n * per_post) * 100 if n else float("nan")

    frame = pd.DataFrame({
        "place": places,
        "points": [load[p] for p in places],
        "posts": [current[p] for p in places],
        "recommended": [target[p] for p in places],
    })
    frame["change"] = frame["recommended"] - frame["posts"]
    frame["capacity_before"] = [capacity(p, current[p]) for p in places]
    frame["capacity_after"] = [capacity(p, target[p]) for p in places]
    return Redistribution(frame, moves(current, target))
