"""The `probation-dashboard` command line. Every failure is one line on stderr and exit 2."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

import click
from sqlalchemy.exc import SQLAlchemyError

from dashboard.db import DatabaseError
from service import cli_users
from service.cli_common import UserError, engine_for, positive_scale
from service.extract.commands import export_extract, import_extract
from service.progress import Progress


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database-url", envvar="DATABASE_URL", default=None,
              help="Database to use (default: SQLite file in the instance folder).")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """Supervisory dashboard of the probation service of Kazakhstan."""
    ctx.obj = {"database_url": database_url}


@cli.command("init-db")
@click.pass_context
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    from dashboard import migrate

    engine = engine_for(ctx.obj["database_url"])
    migrate.upgrade(engine)
    click.echo(f"schema at revision {migrate.current_revision(engine)}")


@cli.command()
@click.option("--scale", type=float, default=1.0, show_default=True, callback=positive_scale,
              help="1.0 = the national register as published; 0.01 for tests.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--until", "until", type=click.DateTime(["%Y-%m-%d"]), default="2026-11-24",
              show_default=True, help="Last day of the generated history.")
@click.option("--replace", is_flag=True, help="Replace the data already in the database.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already holds data.")
@click.pass_context
def generate(ctx: click.Context, scale: float, seed: int, until, replace: bool,
             if_empty: bool) -> None:
    """Generate the synthetic national dataset and bulk-load it."""
    from dashboard import migrate
    from service import demo, load

    until_day: date = until.date()
    if until_day < date(2016, 1, 1):
        raise click.BadParameter("must be 2016-01-01 or later", param_hint="--until")
    engine = engine_for(ctx.obj["database_url"])
    migrate.upgrade(engine)
    if load.holds_data(engine) and if_empty and not replace:
        click.echo("the database already holds data; nothing generated")
        return
    if load.holds_data(engine) and not replace:
        raise UserError("the database already holds data; use --replace to overwrite it")
    started = time.perf_counter()
    progress = Progress()  # bars on a terminal, plain lines otherwise (stderr)
    dataset = demo.generate(scale=scale, seed=seed, until=until_day, progress=progress)
    counts = load.replace_all(engine, dataset, progress=progress)
    click.echo(
        "generated " + ", ".join(f"{name} {n:,}" for name, n in counts.items())
        + f" in {time.perf_counter() - started:.0f} s"
    )


@cli.command()
@click.option("--year", type=int, default=None, help="The year of the national figures.")
@click.option("--calibration", is_flag=True,
              help="The published figures beside the database's (see service/calibration.py).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for scripts.")
@click.pass_context
def summary(ctx: click.Context, year: int | None, calibration: bool, as_json: bool) -> None:
    """National figures for a year, or the calibration figures, straight from the database."""
    from queries import national

    if calibration:
        if year is not None:
            raise click.BadParameter("give either --year or --calibration", param_hint="--year")
        _calibration(ctx, as_json)
        return
    if year is None:
        raise click.BadParameter("give --year (or --calibration)", param_hint="--year")
    if not 2000 <= year <= 2100:
        raise click.BadParameter("must be a year between 2000 and 2100", param_hint="--year")
    engine = engine_for(ctx.obj["database_url"])
    with engine.connect() as conn:
        figures = national.year_summary(conn, year)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        shown = f"{value:,}" if isinstance(value, int) and key != "year" else str(value)
        click.echo(f"{key.ljust(width)}  {shown:>10}")


def _calibration(ctx: click.Context, as_json: bool) -> None:
    """Each published figure, the database's value, the tolerance and the source."""
    from service import calibration

    engine = engine_for(ctx.obj["database_url"])
    with engine.connect() as conn:
        rows = calibration.measure(conn)
        scale = calibration.dataset_scale(conn)
    if as_json:
        click.echo(json.dumps({"scale": scale, "figures": rows}, ensure_ascii=False))
        return
    if scale is not None and float(scale) != 1.0:
        click.echo(f"note: synthetic data at scale {scale}; the published figures are "
                   "the national register's (scale 1)")
    width = max(len(row["key"]) for row in rows)
    click.echo(f"{'figure'.ljust(width)}  {'as of':<12} {'measured':>9} {'published':>10} "
               f"{'tolerance':>9}  ok   source")
    for row in rows:
        tolerance = "at least" if row["at_least"] else f"±{row['tolerance']:.0%}"
        ok = "yes" if row["within"] else "NO"
        click.echo(f"{row['key'].ljust(width)}  {row['as_of']:<12} {row['measured']:>9,} "
                   f"{row['published']:>10,} {tolerance:>9}  {ok:<4} {row['source']}")


@cli.command("refresh-rollups")
@click.pass_context
def refresh_rollups(ctx: click.Context) -> None:
    """Recompute the rollups from the case tables (generate and import do it themselves;
    needed once after an upgrade that adds one)."""
    from dashboard import migrate
    from service import load

    engine = engine_for(ctx.obj["database_url"])
    migrate.upgrade(engine)
    started = time.perf_counter()
    load.refresh_rollups(engine)
    click.echo(f"rollups refreshed in {time.perf_counter() - started:.1f} s")


@cli.command()
@click.option("--backtest", is_flag=True,
              help="Score the model against the seasonal naive one over the last 24 months.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True),
              default=None, help="Also write the backtest as JSON to this file.")
@click.pass_context
def forecast(ctx: click.Context, backtest: bool, json_path: str | None) -> None:
    """Fit and store the 12-month caseload forecast again (generate and import do it
    themselves); with --backtest, print its rolling-origin accuracy per region and
    nationally instead (MAPE of the model and of the seasonal naive baseline, the share
    of actual values inside the 80 % interval)."""
    from threadpoolctl import threadpool_limits

    from dashboard import forecast as F
    from dashboard import migrate
    from service import load
    from service.readmodel import forecast as R

    engine = engine_for(ctx.obj["database_url"])
    migrate.upgrade(engine)
    started = time.perf_counter()
    if not backtest:
        if json_path:
            raise click.UsageError("--json goes with --backtest")
        with engine.begin() as conn:
            R.refresh(conn)
        click.echo(f"forecast fitted and stored in {time.perf_counter() - started:.1f} s")
        return
    with engine.connect() as conn:
        series = R.all_series(conn) if load.holds_data(engine) else {}
    if (None, None, None) not in series:
        raise UserError("the database holds no data to backtest")
    places = sorted(k[0] for k in series if k[0] and k[1] is None and k[2] is None)
    rows = []
    for code in [*places, None]:
        with threadpool_limits(1):
            bt = F.backtest(series[(code, None, None)], refit=False)
        rows.append({"place": code or "national", "mape": round(bt.mape, 2),
                     "naive_mape": round(bt.naive_mape, 2), "coverage": round(bt.coverage, 1),
                     "points": bt.points})
    click.echo(f"{'place':<10} {'ETS MAPE %':>10} {'naive MAPE %':>12} {'80% cover %':>11}")
    for r in rows:
        click.echo(f"{r['place']:<10} {r['mape']:>10.2f} {r['naive_mape']:>12.2f} "
                   f"{r['coverage']:>11.1f}")
    click.echo(f"({rows[-1]['points']} forecasts per place: 24 origins, up to 12 months "
               f"ahead; {time.perf_counter() - started:.1f} s)")
    if json_path:
        with open(json_path, "w", encoding="utf-8") as out:
            json.dump({"months": 24, "horizon": F.HORIZON, "level": F.LEVEL, "rows": rows},
                      out, ensure_ascii=False, indent=1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--debug", is_flag=True)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the dashboard (development server; use gunicorn app:server in production)."""
    from dashboard import collector
    from queries.readmodel import readers
    from service.factory import create_app

    app = create_app()
    readers.warm(app.server.config.get("READ_ENGINE") or app.server.config["ENGINE"])
    collector.settle()
    app.run(host=host, port=port, debug=debug)


cli.add_command(import_extract)
cli.add_command(export_extract)
for command in cli_users.COMMANDS:
    cli.add_command(command)


def main(argv: list[str] | None = None, command: click.Command | None = None,
         prog_name: str = "probation-dashboard") -> int:
    """Run `command` (default: the whole command line) with `argv`: a mistake is one line
    on stderr and exit 2, never a traceback."""
    try:
        (command or cli).main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"error: {_one_line(exc.format_message())}", err=True)
        return 2
    except DatabaseError as exc:
        click.echo(f"error: {_one_line(str(exc))}", err=True)
        return 2
    except SQLAlchemyError as exc:
        click.echo(f"error: database error: {_one_line(str(exc.orig or exc))[:300]}", err=True)
        return 2
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        if os.environ.get("PROBATION_DEBUG"):
            raise
        click.echo(f"error: {exc.__class__.__name__}: {_one_line(str(exc))[:300]} "
                   "(set PROBATION_DEBUG=1 for details)", err=True)
        return 1
    return 0


def _one_line(message: str) -> str:
    return " ".join(message.split())


if __name__ == "__main__":
    sys.exit(main())
