"""Time the outcomes page view (the function the page router calls) against a database:
p50 and p95 over a mix of filters and scopes, each view rendered to JSON as Dash would.

    DATABASE_URL=postgresql+psycopg2://postgres@127.0.0.1:5432/prob1 \\
        .venv/bin/python scripts/time_outcomes.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import plotly

from callbacks import outcomes
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.scope import Scope

URLS = ("", "?period=year&to=2015-12-31", "?period=quarter&to=2025-06-30&region=KZ-71",
        "?period=month&to=2025-06-30&type=sentence", "?period=year&to=2025-12-31&region=KZ-75",
        "?period=custom&from=2024-03-01&to=2025-02-28&category=parole")
SCOPES = (Scope.nation("minister"), Scope("region_head", region_code="KZ-75", username="h75"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env()
    engine = make_engine(os.environ["DATABASE_URL"])
    times = []
    for _ in range(args.repeat):
        for scope in SCOPES:
            for url in URLS:
                ctx = Context(engine=engine, scope=scope, lang="kk", settings=settings)
                start = time.perf_counter()
                page = outcomes.outcomes(ctx, url)
                json.dumps(page.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
                times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{len(times)} views: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
          f"max {times[-1]:.2f} s")


if __name__ == "__main__":
    main()
