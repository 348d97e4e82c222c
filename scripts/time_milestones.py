"""Time the Milestones callbacks on a loaded database: p50/p95 of each view and the
worklist's first block.

    DATABASE_URL=postgresql+psycopg2://... python scripts/time_milestones.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time

from callbacks import milestones as views
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.scope import Scope


def main(runs: int) -> None:
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    nation = Context(engine, Scope.nation(), "kk", settings)
    region = Context(engine, Scope("region_head", region_code="KZ-75"), "kk", settings)
    first_block = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    cases = {
        "page (ministry, regions)": lambda: views.page(nation, ""),
        "page (region head, units)": lambda: views.page(region, ""),
        "unit page (officers)": lambda: views.unit_page(region, "189", "", lambda *_: None),
        "worklist first block (ministry)": lambda: views.worklist_block(
            nation, "/milestones", "", first_block),
        "worklist first block (region head)": lambda: views.worklist_block(
            region, "/milestones", "", first_block),
        "worklist rows 1100-1199 (ministry, by officer)": lambda: views.worklist_block(
            nation, "/milestones", "", {"startRow": 1100, "endRow": 1200,
                                        "sortModel": [{"colId": "officer", "sort": "asc"}]}),
    }
    for name, call in cases.items():
        call()  # warm: connection pool, plan cache, catalogs
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:42s} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
