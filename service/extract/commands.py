"""`probation-dashboard import DIR` and `probation-dashboard export-extract DIR`."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.config import Settings
from dashboard.db import check, make_engine


def _engine(ctx: click.Context):
    url = (ctx.obj or {}).get("database_url") or Settings.from_env().database_url
    engine = make_engine(url)
    check(engine)
    return engine


@click.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True,
              help="Write the valid lines and set the rejected ones aside "
                   "(default: any rejected line refuses the whole extract).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("import-report.csv"), show_default=True,
              help="CSV of rejected lines (file, line, reason); with --skip-invalid the "
                   "rejected lines themselves go beside it, in <report>-rejected.csv.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Progress bars on stderr.")
@click.pass_context
def import_extract(ctx: click.Context, directory: Path, skip_invalid: bool,
                   report_path: Path, progress: bool) -> None:
    """Load a case-system extract (docs/data-format.md): validated, all or nothing,
    upserted by the extract's ids."""
    from dashboard import migrate
    from service.extract.importer import (
        ExtractError,
        ExtractRefused,
        check_extract,
        run_import,
    )

    try:
        check_extract(directory)
    except ExtractError as exc:
        raise click.ClickException(str(exc)) from None
    engine = _engine(ctx)
    migrate.upgrade(engine)
    try:
        result = run_import(engine, directory, report_path, skip_invalid=skip_invalid,
                            show_progress=progress)
    except ExtractError as exc:
        raise click.ClickException(f"{exc}; nothing written") from None
    except ExtractRefused as refused:
        _show_problems(refused.result)
        raise click.ClickException(
            f"extract refused: {refused.result.rejected_lines:,} line(s) rejected, nothing "
            f"written; see {refused.result.report_path} (or use --skip-invalid)") from None
    for outcome in result.files.values():
        click.echo(f"{outcome.file:<22} read {outcome.read:>9,}  inserted {outcome.inserted:>9,}"
                   f"  updated {outcome.updated:>9,}  unchanged {outcome.unchanged:>9,}"
                   f"  rejected {outcome.rejected:>7,}")
    if result.rejected_lines:
        _show_problems(result)
        click.echo(f"{result.rejected_lines:,} line(s) rejected and not written: see "
                   f"{result.report_path} and {result.rejected_path}", err=True)
    click.echo("nothing changed" if not result.changed
               else f"imported: {result.changed:,} row(s) inserted or updated")


def _show_problems(result) -> None:
    for file, line, reason in result.problems:
        click.echo(f"{file}:{line}: {reason}", err=True)
    shown = len(result.problems)
    if result.rejected_lines > shown:
        click.echo(f"... and more in {result.report_path}", err=True)


@click.command("export-extract")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_extract(ctx: click.Context, directory: Path) -> None:
    """Write the database as an extract (the format `import` reads), with manifest.json
    (rows and SHA-256 of each file), which `import` requires."""
    from service.extract.exporter import write_extract

    engine = _engine(ctx)
    with engine.connect() as conn:
        counts = write_extract(conn, directory)
    click.echo("exported " + ", ".join(f"{name} {n:,}" for name, n in counts.items())
               + " and manifest.json")


