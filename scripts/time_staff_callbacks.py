"""Time the staff page's callbacks (page body, what-if, unit and officer drill) against a
database: p50 and p95 in milliseconds per role.

    DATABASE_URL=postgresql+psycopg2://postgres@127.0.0.1:5432/staff_s1 \\
        .venv/bin/python scripts/time_staff_callbacks.py --runs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sqlalchemy import select

from callbacks import staff
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.schema import officers, units
from dashboard.scope import Scope


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    engine = make_engine(url)
    with engine.connect() as conn:
        unit_id, region = conn.execute(select(units.c.id, units.c.region_code)
                                       .order_by(units.c.id).limit(1)).one()
        officer_id = conn.execute(select(officers.c.id).where(
            officers.c.unit_id == unit_id, officers.c.left_on.is_(None))
            .limit(1)).scalar_one()
    settings = Settings(database_url=url)
    scopes = {"ministry": Scope.nation(), "region_head": Scope("region_head", region_code=region),
              "unit_head": Scope("unit_head", unit_id=unit_id)}
    calls = {
        "page /staff": lambda ctx: staff.staff(ctx, ""),
        "what-if +20% pre-trial": lambda ctx: staff.redistribution(ctx, "", {"pre_trial": 20}),
        "unit drill": lambda ctx: staff.unit_workload(ctx, str(unit_id), "", lambda *a: None),
        "officer drill": lambda ctx: staff.officer_workload(ctx, str(officer_id), "",
                                                            lambda *a: None),
    }
    print(f"{engine.url.render_as_string()}  runs={args.runs}")
    print(f"{'callback':26} {'role':12} {'p50 ms':>8} {'p95 ms':>8}")
    for name, call in calls.items():
        for role, scope in scopes.items():
            ctx = Context(engine=engine, scope=scope, lang="kk", settings=settings)
            call(ctx)  # warm the pool and the caches
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                call(ctx)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:26} {role:12} {statistics.median(times):8.0f} "
                  f"{percentile(times, 0.95):8.0f}")


if __name__ == "__main__":
    main()
