"""`python -m benchmarks.cli` (`make bench`): build or reuse a dataset, then time every
registered view (benchmarks/bench.py, docs/performance.md). Not part of the product."""

from __future__ import annotations

import dataclasses
import os
import platform
import secrets
from datetime import date

import click
from sqlalchemy import select

from dashboard.config import Settings
from dashboard.schema import dataset_info
from service.cli import main as run_command
from service.cli_common import UserError, engine_for, positive_scale


def _dataset_matches(engine, scale: float, seed: int) -> bool | None:
    """True: the same synthetic dataset is loaded; False: other data; None: empty."""
    with engine.connect() as conn:
        info = dict(conn.execute(select(dataset_info.c.key, dataset_info.c.value)).all())
    if not info:
        return None
    return (info.get("source") == "synthetic demo" and info.get("seed") == str(seed)
            and float(info.get("scale", "nan")) == scale)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--scale", type=float, default=1.0, show_default=True, callback=positive_scale)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--runs", type=int, default=30, show_default=True,
              help="Requests per view (varied filters and scopes).")
@click.option("--warmup", type=int, default=0, show_default=True,
              help="Untimed requests per view first, with other filters (a process that "
                   "has served a while: statements compiled, figure validators built).")
@click.option("--naive-runs", type=int, default=3, show_default=True,
              help="Runs of the naive pandas baseline per view (it is slow).")
@click.option("--views", default="", help="Comma-separated view names (default: all).")
@click.option("--without", default="",
              help="Comma-separated read models to switch off (queries.readmodel.MODELS, "
                   "or repeat_pairs / repeat_assistance): what the views cost without them.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the results here as JSON.")
@click.option("--replace", is_flag=True,
              help="Replace data that is not the synthetic dataset of this scale and seed.")
@click.option("--slowest", type=int, default=0,
              help="Also time each statement alone and print the N slowest per view.")
@click.option("--database-url", "bench_url", default=None,
              envvar="DATABASE_URL",
              help="Database to fill and time (default: DATABASE_URL).")
def bench(scale: float, seed: int, runs: int, warmup: int,
          naive_runs: int, views: str, without: str,
          json_path: str | None, replace: bool, slowest: int, bench_url: str | None) -> None:
    """Time every view: server-side callback (uncached and cached), raw SQL, naive pandas."""
    from benchmarks import bench as b
    from benchmarks import views as _views  # noqa: F401 - the views register themselves
    from benchmarks import views_pages as _pages  # noqa: F401
    from dashboard import collector, migrate
    from queries import readmodel
    from queries.common import data_period
    from queries.readmodel import outlier_pool, readers
    from service import demo, load
    from service.factory import create_app

    engine = engine_for(bench_url)
    migrate.upgrade(engine)
    matches = _dataset_matches(engine, scale, seed)
    if matches:
        click.echo(f"reusing the synthetic dataset (scale {scale}, seed {seed})")
        with engine.connect() as conn:
            stale = not all(fresh(conn) for fresh in readmodel.MODELS.values())
        if stale:  # a database loaded before the rollup existed
            click.echo("refreshing the rollups ...")
            load.refresh_rollups(engine)
    else:
        if matches is False and not replace:
            raise UserError("the database holds other data; use --replace to overwrite it")
        click.echo(f"generating the synthetic dataset (scale {scale}, seed {seed}) ...")
        load.replace_all(engine, demo.generate(scale=scale, seed=seed, until=date(2026, 11, 24)))
    switched_off = {m.strip() for m in without.split(",") if m.strip()}
    known = {*readmodel.MODELS, "repeat_pairs", "repeat_assistance"}
    if switched_off - known:
        raise UserError(f"unknown read model(s) {', '.join(sorted(switched_off - known))}: "
                        f"one of {', '.join(sorted(known))}")
    readmodel.DISABLED.update(switched_off)
    chosen = [v.strip() for v in views.split(",") if v.strip()] or list(b.REGISTRY)
    unknown = [v for v in chosen if v not in b.REGISTRY]
    if unknown:
        raise UserError(f"unknown view(s) {', '.join(unknown)}: one of {', '.join(b.REGISTRY)}")
    settings = dataclasses.replace(Settings.from_env(),
                                   database_url=engine.url.render_as_string(False),
                                   secret_key=secrets.token_hex(16))
    app = create_app(settings)
    engines = [app.server.config["ENGINE"], app.server.config.get("READ_ENGINE")
               or app.server.config["ENGINE"]]
    log = b.StatementLog(engines)
    clients = b.Clients(app, engine)
    with engine.connect() as conn:
        _, until = data_period(conn)
    world = b.build_world(engine, until)
    # As gunicorn's workers run (gunicorn.conf.py): the outlier pool read ahead, the
    # collector settled.
    read = readers.warm(engines[-1])
    if read is not None:
        click.echo(f"outlier pool read ahead in {read:.1f} s "
                   f"({outlier_pool.held_bytes() / 1e6:.0f} MB)")
    collector.settle()
    results = []
    click.echo(b.HEADER)
    for name in chosen:
        result = b.measure_view(b.REGISTRY[name], clients, log, engines[-1], world, runs,
                                naive_runs, slowest, warmup)
        results.append(result)
        click.echo(b.table_row(result))
        for note in result.notes:
            click.echo(f"  first error: {note}")
        for total, median, count, sql in result.slowest:
            click.echo(f"  {total:8.0f} ms total, {median:7.1f} ms median, x{count}: {sql[:300]}")
    meta = {"without": sorted(switched_off), "runs_per_view": runs, "warmup_per_view": warmup,
            "naive_runs": naive_runs,
            "cache": "redis" if getattr(settings, "redis_url", None) else "simple",
            "measured": "POST /_dash-update-component via Flask test client, signed in",
            "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                       f"load {os.getloadavg()[0]:.2f}"}
    payload = b.report(scale, engine.dialect.name, results, meta)
    if json_path:
        b.write_json(json_path, payload)
        click.echo(f"wrote {json_path}")


if __name__ == "__main__":
    # The product's command runner: one line on stderr and exit 2 for a mistake.
    import sys

    sys.exit(run_command(sys.argv[1:], command=bench, prog_name="python -m benchmarks.cli"))
