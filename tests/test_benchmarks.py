"""The benchmark (benchmarks/, outside the product): its command and its arithmetic."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PROBATION_DEBUG", None)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "benchmarks.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_product_command_has_no_bench():
    result = subprocess.run([sys.executable, "-m", "service.cli", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "bench" not in result.stdout


@pytest.mark.slow
def test_bench_takes_the_database_url_and_writes_the_agreed_json(tmp_path):
    """`python -m benchmarks.cli --database-url URL --scale S --json PATH`, as `make
    bench` runs it: a tiny dataset on SQLite, two views, one run each."""
    out = tmp_path / "bench.json"
    result = run("--database-url", f"sqlite:///{tmp_path / 'b.db'}", "--scale", "0.01",
                 "--runs", "2", "--warmup", "1", "--naive-runs", "1", "--views", "officer,case",
                 "--json",
                 str(out), database_url="not a url")  # the option wins over DATABASE_URL
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["scale"] == 0.01 and report["backend"] == "sqlite"
    assert report["warmup_per_view"] == 1
    assert [v["view"] for v in report["views"]] == ["officer", "case"]
    for view in report["views"]:
        assert view["runs"] == 2 and view["errors"] == 0
        assert 0 < view["raw_sql_ms"] and 0 < view["p50_ms"] <= view["p95_ms"]
        assert view["naive_ms"] > 0
        # The least overhead of a request (the filter bar's, less its SQL) is a part of
        # every page's request: the least ratio lies between 1 and the measured one.
        assert 0 < view["least_overhead_ms"] < view["p50_ms"]
        assert 1 < view["least_callback_over_raw_sql"] <= view["callback_over_raw_sql"]
    assert "officer" in result.stdout and "case" in result.stdout  # the printed table


def test_the_least_ratio_is_the_sql_and_the_least_overhead_over_the_sql():
    """A page whose SQL takes 2 ms, on an app whose emptiest request costs 1.5 ms besides
    its SQL, cannot come below (2 + 1.5) / 2 = 1.75 x its SQL, whatever its p50."""
    from benchmarks import bench as b

    result = b.ViewResult(view="v", runs=1, p50_ms=9.0, p95_ms=9.0, cached_p50_ms=1.0,
                          cached_p95_ms=1.0, raw_sql_ms=2.0, statements=3, naive_ms=90.0,
                          naive_compute_ms=1.0, naive_runs=1, response_kb=1.0, errors=0,
                          least_overhead_ms=1.5)
    out = result.as_dict()
    assert out["callback_over_raw_sql"] == 4.5 and out["least_callback_over_raw_sql"] == 1.75
    assert " 4.50  1.75 " in b.table_row(result)


def test_warming_up_leaves_the_timed_samples_as_they_were():
    """The untimed requests draw their own filters: a run with --warmup times the same
    requests as one without."""
    import random
    from datetime import date

    import pandas as pd

    from benchmarks import bench as b
    from benchmarks import views  # noqa: F401 - registers the views

    def world():
        return b.World(regions=["KZ-71", "KZ-75", "KZ-79"],
                       units=pd.DataFrame({"id": [1, 2, 3], "region_code": ["KZ-71"] * 3}),
                       officers=pd.DataFrame(columns=["id", "unit_id", "region_code"]),
                       cases=pd.DataFrame(columns=["id", "unit_id", "region_code"]),
                       data_until=date(2026, 11, 24), rng=random.Random(7))

    class Quiet:
        """Clients that answer without a server (only the samples matter here)."""

        class app:  # noqa: N801 - stands for the Dash app
            class server:  # noqa: N801
                @staticmethod
                def app_context():
                    import contextlib
                    return contextlib.nullcontext()

        def for_scope(self, scope):
            return None

        def page_body(self, pathname, search):
            return {}

    view = b.REGISTRY["overview"]
    plain, warmed = world(), world()
    drawn = []
    original = b.post
    try:
        b.post = lambda client, body: drawn.append(body) or (0.0, 200, 0)
        b.warm_up(view, Quiet(), warmed, 5)
    finally:
        b.post = original
    assert len(drawn) == 5
    assert [s.search for s in view.samples(warmed, 10)] == \
        [s.search for s in view.samples(plain, 10)]


def test_lighthouse_drills_down_from_the_region_to_an_open_case(small_versioned):
    # fixture_small: Almaty (KZ-75) has unit 3 alone; its open cases are 9, 11 and 12, all
    # officer 4's (case 10 is closed).
    from benchmarks.lighthouse import drill_pages

    url = small_versioned.url.render_as_string(hide_password=False)
    assert drill_pages(url) == ["/region/KZ-75", "/unit/3", "/officer/4", "/case/9"]
    assert drill_pages(url, "KZ-71") == ["/region/KZ-71", "/unit/1", "/officer/1", "/case/1"]
