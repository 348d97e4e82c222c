"""What every command of the command line shares: the one-line error and the engine."""

from __future__ import annotations

import click

from dashboard.config import Settings
from dashboard.db import check, make_engine


class UserError(click.ClickException):
    """A mistake in what was asked: reported in one line, nothing changed."""


def engine_for(database_url: str | None):
    """An engine for the URL given (or DATABASE_URL, or the embedded default), checked."""
    url = database_url or Settings.from_env().database_url
    engine = make_engine(url)
    check(engine)
    return engine


def positive_scale(_ctx, _param, value: float) -> float:
    if not value > 0:
        raise click.BadParameter("must be greater than 0")
    if value > 100:
        raise click.BadParameter("must be at most 100")
    return value
