"""Staying up when the database does not: every request that meets an outage answers
with the banner (never a 5xx for a callback), and the page reloads itself once the
database answers again."""

from __future__ import annotations

import logging

import dash
import flask
from dash import ClientsideFunction, Input, Output, no_update
from markupsafe import escape
from plotly.io.json import to_json_plotly

from dashboard.db import OUTAGE_ERRORS, DatabaseError, check
from dashboard.i18n import DEFAULT_LANGUAGE, t
from layouts import outage

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
# Opens the banner and starts the retry timer, whichever page sent the callback.
SIDE_UPDATE = {"db-banner": {"is_open": True}, "db-retry": {"disabled": False}}
RETRY_AFTER_SECONDS = 5

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{seconds}"><title>{title}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body><main class="container py-5"><div class="alert alert-warning" role="status">{text}</div>
</main></body></html>"""


def _language() -> str:
    # The user's language lives in the database that is not answering.
    return flask.session.get("lang") or DEFAULT_LANGUAGE


def database_unavailable(exc: Exception):
    log.warning("database unavailable on %s %s: %s", flask.request.method, flask.request.path,
                str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)
    lang = _language()
    if flask.request.path == CALLBACK_PATH:
        return flask.jsonify({"multi": True, "response": {}, "sideUpdate": SIDE_UPDATE})
    if flask.request.path == LAYOUT_PATH:
        return flask.Response(to_json_plotly(outage.frame(lang)), mimetype="application/json")
    html = PAGE.format(lang=lang, seconds=RETRY_AFTER_SECONDS,
                       title=escape(t("outage.title", lang)), text=escape(t("outage.banner", lang)))
    return html, 503, {"Content-Type": "text/html; charset=utf-8",
                       "Retry-After": str(RETRY_AFTER_SECONDS)}


def bind(app: dash.Dash) -> None:
    for error in OUTAGE_ERRORS:
        app.server.register_error_handler(error, database_unavailable)

    @app.callback(Output("db-banner", "is_open"), Output("db-retry", "disabled"),
                  Output("db-reload", "data"), Input("db-retry", "n_intervals"),
                  prevent_initial_call=True)
    def retry(attempt):
        try:
            check(flask.current_app.config["ENGINE"])
        except DatabaseError:
            return no_update, no_update, no_update
        return False, True, attempt if isinstance(attempt, int) else 1

    # A full reload rebuilds the frame (filters, names) that the outage left out.
    app.clientside_callback(ClientsideFunction("probation", "reload"),
                            Input("db-reload", "data"), prevent_initial_call=True)
