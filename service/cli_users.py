"""User and audit commands of `probation-dashboard` (service.cli adds COMMANDS to its group).

    create-user --username U --role R [--region KZ-71 | --unit ID] --password-stdin
    set-password --username U --password-stdin
    disable-user --username U
    list-users
    audit [--since YYYY-MM-DD] [--user U] [--event E]
    demo-users            (only with PROBATION_DEMO=1)
"""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from dashboard import audit as audit_log
from dashboard import auth, migrate
from dashboard.config import Settings
from dashboard.schema import regions, units
from dashboard.scope import ROLES
from service.cli_common import UserError, engine_for


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        raise UserError("give the password on standard input with --password-stdin")
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UserError("no password on standard input")
    return password


def _ready_engine(ctx: click.Context):
    engine = engine_for(ctx.obj["database_url"])
    migrate.upgrade(engine)
    return engine


def _rejected(exc: auth.UserRejected) -> UserError:
    return UserError(str(exc))


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--region", "region_code", default=None, help="For region_head: e.g. KZ-71.")
@click.option("--unit", "unit_id", type=int, default=None, help="For unit_head: the unit id.")
@click.option("--language", default="kk", show_default=True, type=click.Choice(("kk", "ru", "en")))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def create_user(ctx: click.Context, username: str, role: str, region_code: str | None,
                unit_id: int | None, language: str, password_stdin: bool) -> None:
    """Create a user account."""
    password = _read_password(password_stdin)
    engine = _ready_engine(ctx)
    try:
        account = auth.create_user(engine, username.strip().lower(), role, password,
                                   region_code=region_code, unit_id=unit_id,
                                   language=language,
                                   demo_mode=Settings.from_env().demo_mode)
    except auth.UserRejected as exc:
        raise _rejected(exc) from exc
    click.echo(f"created {account.username} ({_describe(account)})")


@click.command("set-password")
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def set_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Set a new password (unlocks the account and ends its sessions)."""
    password = _read_password(password_stdin)
    engine = _ready_engine(ctx)
    try:
        auth.set_password(engine, username.strip().lower(), password,
                          demo_mode=Settings.from_env().demo_mode)
    except auth.UserRejected as exc:
        raise _rejected(exc) from exc
    click.echo(f"password set for {username}")


@click.command("disable-user")
@click.option("--username", required=True)
@click.pass_context
def disable_user(ctx: click.Context, username: str) -> None:
    """Disable an account (it can no longer sign in; open sessions end)."""
    engine = _ready_engine(ctx)
    try:
        auth.disable_user(engine, username.strip().lower())
    except auth.UserRejected as exc:
        raise _rejected(exc) from exc
    click.echo(f"disabled {username}")


def _describe(account: auth.Account) -> str:
    if account.role == "region_head":
        return f"region_head of {account.region_code}"
    if account.role == "unit_head":
        return f"unit_head of unit {account.unit_id}"
    return account.role


@click.command("list-users")
@click.pass_context
def list_users(ctx: click.Context) -> None:
    """List the accounts (never their passwords)."""
    engine = _ready_engine(ctx)
    accounts = auth.list_accounts(engine)
    if not accounts:
        click.echo("no users")
        return
    width = max(len(a.username) for a in accounts)
    for a in accounts:
        state = "active" if a.active else "disabled"
        if a.locked_until and a.locked_until > audit_log.utcnow():
            state = f"locked until {a.locked_until:%Y-%m-%d %H:%M} UTC"
        last = f"{a.last_sign_in:%Y-%m-%d %H:%M}" if a.last_sign_in else "never"
        click.echo(f"{a.username.ljust(width)}  {_describe(a):<28}  {a.language}  "
                   f"{state:<10}  last sign-in {last}")


@click.command("audit")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]), default=None,
              help="From this date (UTC).")
@click.option("--user", "username", default=None)
@click.option("--event", default=None, type=click.Choice(audit_log.EVENTS))
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 100000))
@click.pass_context
def audit(ctx: click.Context, since, username: str | None, event: str | None,
          limit: int) -> None:
    """Show the audit log, oldest first."""
    engine = _ready_engine(ctx)
    rows = audit_log.entries(engine, since=since, username=username, event=event, limit=limit)
    if not rows:
        click.echo("no entries")
        return
    for e in rows:
        click.echo("  ".join([f"{e.at:%Y-%m-%d %H:%M:%S}", (e.username or "-").ljust(16),
                              e.event.ljust(14), e.target or "-", e.ip or "-",
                              e.detail or ""]).rstrip())


@click.command("demo-users")
@click.pass_context
def demo_users(ctx: click.Context) -> None:
    """Create the demo accounts (PROBATION_DEMO=1 only) and print how to sign in."""
    if not Settings.from_env().demo_mode:
        raise UserError("demo users exist only in demo mode: set PROBATION_DEMO=1")
    engine = _ready_engine(ctx)
    with engine.connect() as conn:
        codes = list(conn.execute(select(regions.c.code).order_by(regions.c.code)).scalars())
        first_unit = conn.execute(
            select(units.c.id, units.c.region_code).order_by(units.c.id).limit(1)).first()
    if not codes:
        raise UserError("no regions in the database: run `probation-dashboard generate` first")
    wanted = [("ministry", "ministry", None, None), ("admin", "admin", None, None)]
    wanted += [(f"head-{code.lower()}", "region_head", code, None) for code in codes]
    if first_unit is not None:
        wanted.append((f"unit-{first_unit.id}", "unit_head", None, first_unit.id))
    for username, role, region_code, unit_id in wanted:
        if auth.find_account(engine, username) is None:
            auth.create_user(engine, username, role, auth.DEMO_PASSWORD,
                             region_code=region_code, unit_id=unit_id, demo_mode=True)
    click.echo(f"demo sign-in (password for every demo user: {auth.DEMO_PASSWORD})")
    click.echo("  ministry       the whole country")
    click.echo(f"  head-kz-71     one region (also head-{codes[0].lower()} ... "
               f"head-{codes[-1].lower()})")
    if first_unit is not None:
        click.echo(f"  unit-{first_unit.id:<9} one unit ({first_unit.region_code})")
    click.echo("  admin          users and audit log, no case data")


COMMANDS = (create_user, set_password, disable_user, list_users, audit, demo_users)
