"""The application factory: one Dash app over one Flask server, built per call."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from callbacks.register import register
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.security import init_app as init_security

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=[],
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Probation",
    )
    server = app.server
    server.config["SETTINGS"] = settings
    server.config["ENGINE"] = make_engine(settings.database_url)
    register(app)
    init_security(server, settings, dash_app=app)
    return app
