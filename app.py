"""Entry point: `gunicorn app:server` or `probation-dashboard serve`."""

from service.factory import create_app

app = create_app()
server = app.server
