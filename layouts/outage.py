"""What a page shows while the database does not answer: a banner and a quiet retry."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import t

RETRY_MS = 1000  # recovery must show within 5 s of the database coming back


def banner(lang: str | None, is_open: bool = False) -> html.Div:
    """Closed on every page; opened by any callback that meets a database outage."""
    return html.Div([
        dbc.Alert(t("outage.banner", lang), id="db-banner", color="warning", is_open=is_open,
                  className="mb-3"),
        dcc.Interval(id="db-retry", interval=RETRY_MS, disabled=not is_open),
        dcc.Store(id="db-reload"),
    ], **{"aria-live": "polite"})


def frame(lang: str | None) -> html.Div:
    """The whole layout when even the frame cannot be built (no user, no regions)."""
    return html.Div([dcc.Location(id="url"), html.Main(dbc.Container(banner(lang, True),
                                                                     className="py-4"))])
