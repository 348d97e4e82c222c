"""Time "on the register" and "overdue" on as-of days that are not stock days: the nearest
month-end stock plus the change (queries/stock_delta.py) against the direct count, on the
same random days and scopes, alternately. The bench's samples end on period ends (stock
days), so it does not see this path.

    DATABASE_URL=postgresql+psycopg2://... python scripts/time_asof.py [days] [seed]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta

from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.filters import Filters
from dashboard.scope import Scope
from queries import caseload, kpis, stock_delta, stocks
from queries.common import cases_where, cases_with_units


def _ms(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main(n: int, seed: int) -> None:
    engine = make_engine(Settings.from_env().database_url)
    rng = random.Random(seed)
    scopes = {"ministry, by region": (Scope.nation(), "region"),
              "region head, by unit": (Scope("region_head", region_code="KZ-75"), "unit"),
              "unit head": (None, None)}
    with engine.connect() as conn:
        first, until = stocks.fresh(conn)
        held = set(stocks.stock_days(first, until))
        unit_id = int(conn.exec_driver_sql(
            "SELECT id FROM units ORDER BY id LIMIT 1").scalar_one())
        scopes["unit head"] = (Scope("unit_head", unit_id=unit_id), None)
        days = []
        while len(days) < n:
            day = date(2015, 1, 1) + timedelta(days=rng.randrange((until - date(2015, 1, 1)).days))
            if day not in held:
                days.append(day)
        real = stock_delta.base_day
        for name, (scope, level) in scopes.items():
            times = {"kpis, stock+change": [], "kpis, direct": [],
                     "caseload, stock+change": [], "caseload, direct": []}
            for day in days:
                narrow = rng.choice([{}, {}, {"probation_type": "sentence"}])
                f = Filters(period="custom", start=date(day.year, 1, 1), end=day, as_of=day,
                            **narrow)
                where = cases_where(scope, f)

                def kpi(f=f, where=where, scope=scope, level=level):
                    return kpis._stock_or_count(conn, scope, f, level, cases_with_units(),
                                                where)

                def tables(f=f, scope=scope):
                    caseload.by_region_and_type.uncached(conn, scope, f, "kk")
                    caseload.by_category.uncached(conn, scope, f)

                for how in ("stock+change", "direct"):
                    stock_delta.base_day = real if how == "stock+change" else (
                        lambda *a, **k: None)
                    times[f"kpis, {how}"].append(_ms(kpi))
                    times[f"caseload, {how}"].append(_ms(tables))
                stock_delta.base_day = real
            for label, values in times.items():
                values.sort()
                p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
                print(f"{name:22s} {label:24s} p50 {statistics.median(values):7.1f} ms"
                      f"   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30,
         int(sys.argv[2]) if len(sys.argv) > 2 else 1)
