"""The application factory: one Dash app over one Flask server, built per call."""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from callbacks.register import register
from dashboard import cache
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.security import init_app as init_security
from queries.readmodel import readers  # noqa: F401 - the fast readers answer the pages

ROOT = Path(__file__).resolve().parent.parent
# Not in Dash's list of asset scripts: plotly.js is loaded by dcc.Graph when needed
# (assets/plotly-bundle.js), the regenerator runtime first of all and the AG Grid
# stand-in where the library would be (callbacks/register.py).
ASSETS_IGNORE = r"^((plotly-custom|regenerator-runtime)-.*\.js|ag-grid-after-load\.js)$"


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        assets_ignore=ASSETS_IGNORE,
        external_stylesheets=[],
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Probation",
    )
    server = app.server
    server.config["SETTINGS"] = settings
    if settings.trusted_proxies > 0:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n)
    server.config["ENGINE"] = make_engine(settings.database_url,
                                          settings.page_parallel_workers,
                                          settings.page_random_page_cost)
    # Page queries read from the replica when there is one; sign-in and audit write to
    # the main database.
    server.config["READ_ENGINE"] = (make_engine(settings.read_database_url,
                                                settings.page_parallel_workers,
                                                settings.page_random_page_cost)
                                    if settings.read_database_url else server.config["ENGINE"])
    cache.init_app(server, settings)
    _compress(server)
    # After flask-compress: Flask runs these hooks last-registered first.
    server.after_request(cache.splice)
    register(app)
    init_security(server, settings, dash_app=app)
    _set_up_dash_now(app)
    return app


def _set_up_dash_now(app: Dash) -> None:
    """Run Dash's own first-request setup now, once, in this process.

    Dash sets itself up in the first request of each process: it registers the component
    bundles it may serve (until then any /_dash-component-suites/ file is refused, "not
    a registered library", HTTP 500) and the page router callback. It marks the setup done
    before doing it, so under gunicorn's threads the requests that arrive meanwhile in a
    fresh (or recycled) worker get 500s for React and the bundles, or a 400 for the router:
    the page stays blank. Done here, before gunicorn forks its workers (preload), every
    worker starts set up. The request is for /healthz, which the gate lets through."""
    with app.server.test_request_context("/healthz"):
        app.server.preprocess_request()


STATIC_MAX_AGE = 7 * 24 * 3600


def _compress(server) -> None:
    """gzip (or brotli) for callback JSON, pages and assets above 500 bytes; static files
    (assets, Dash's component bundles) may be cached by the browser for a week: Dash
    fingerprints its bundles, and assets change only with a release."""
    server.config.update(COMPRESS_MIMETYPES=["text/html", "text/css", "application/json",
                                             "application/javascript", "text/javascript",
                                             "application/geo+json"],
                         COMPRESS_MIN_SIZE=500, COMPRESS_LEVEL=6, COMPRESS_BR_LEVEL=4,
                         SEND_FILE_MAX_AGE_DEFAULT=STATIC_MAX_AGE)
    Compress(server)
