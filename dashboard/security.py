"""The one gate in front of every request, security headers, cookies and clean errors.

The gate (a single `before_request`):
  * public, with no session: exactly /login, /logout (POST), /healthz, /_favicon.ico and
    /favicon.ico, and the prefixes /assets/ and /_dash-component-suites/ (static files only);
  * everything else needs a signed-in user. Without one, any path under /_ (all of
    Dash's /_dash-* endpoints, /_reload-hash, ...) and any non-GET request answers
    401 {"error": "sign-in required"}; a page (GET) redirects to /login?next=...;
  * a signed-in user idle for longer than Settings.idle_timeout_minutes is signed out
    (audited as idle_timeout) and treated as anonymous;
  * POST /_dash-update-component must be a well-formed callback body naming a
    registered callback, else 400 (so forged bodies never reach Dash's dispatcher):
    at most MAX_REQUEST_BYTES and MAX_JSON_DEPTH deep (checked on the bytes, before
    parsing), and every text in it (values and keys) checked once, here, before any query
    sees it: no lone surrogate, no control character, at most MAX_TEXT_LENGTH characters;
    a POST whose Origin header names another host is refused with 403.

Errors: NotPermitted escaping a callback or page becomes 403 {"error": "not permitted"}
and an audit entry; a probe of the static routes (a file or package Dash does not serve)
404 without a traceback; any other exception becomes a one-line message (JSON for /_*,
HTML for pages) with a reference to the server log, never a stack trace. The log line
holds the exception's type and where it was raised, not its message (which may quote a
callback's output: case-level rows).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import traceback
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from flask import Flask, jsonify, redirect, request, session
from flask_login import current_user, logout_user
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from dashboard import audit, auth, i18n, idle, throttle
from dashboard.config import Settings, instance_dir
from dashboard.db import DatabaseError, check
from dashboard.scope import NotPermitted

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/login", "/logout", "/healthz", "/_favicon.ico", "/favicon.ico"})
# /logout: POST only; with a user it needs the CSRF token, without one it just clears the
# cookie (an expired session's sign-out button still lands on the sign-in page).
NO_STORE_PUBLIC = frozenset({"/login", "/logout"})
"""Public, yet never kept by a browser or proxy: the sign-in page carries a CSRF token."""
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
CALLBACK_PATH = "/_dash-update-component"
PAGES_LOCATION = "_pages_location"  # Dash's own router: it assumes text, the browser sends it
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_TEXT_LENGTH = 4096
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""Control characters (tab, line feed and carriage return aside) and lone surrogates."""
TOUCH_EVERY_SECONDS = 30

# Dash needs inline styles (React style attributes, plotly's injected <style>) and
# plotly.js needs eval for some traces; inline *scripts* are allowed only by hash.
CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _settings() -> Settings:
    from flask import current_app

    return current_app.config["SETTINGS"]


def _engine():
    from flask import current_app

    return current_app.config["ENGINE"]


def _wants_json(path: str) -> bool:
    return path.startswith("/_") or request.method != "GET"


def _json_error(message: str, status: int):
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _refuse_anonymous(path: str, *, expired: bool = False):
    if _wants_json(path):
        return _json_error("sign-in required", 401)
    target = "/login?next=" + quote(path if not request.query_string
                                    else f"{path}?{request.query_string.decode('latin-1')}",
                                    safe="/")
    if expired:
        target += "&notice=expired"
    return redirect(target)


def _idle_expired(settings: Settings) -> bool:
    last_seen = session.get("last_seen")
    if not isinstance(last_seen, int):
        return True
    return idle.now() - last_seen > settings.idle_timeout_minutes * 60


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host


# --- callback bodies ---------------------------------------------------------------------

def _is_dependency(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and isinstance(item.get("id"), str | dict))


def _is_dependency_or_list(item) -> bool:
    if isinstance(item, list):
        return all(_is_dependency(x) for x in item)
    return _is_dependency(item)


def _dependency_problem(item, declared: dict) -> str | None:
    """A sent input or state must be the declared one (the renderer never sends another);
    pattern-matching ids (declared as JSON text) are only checked for shape."""
    wanted_id = declared.get("id")
    if not isinstance(wanted_id, str) or wanted_id.startswith("{"):
        return None
    if not isinstance(item, dict) or item.get("id") != wanted_id \
            or item.get("property") != declared.get("property"):
        return f"expected {wanted_id}.{declared.get('property')}"
    if wanted_id == PAGES_LOCATION:
        value = item.get("value")
        if item["property"] == "pathname":
            if not (isinstance(value, str) and value.startswith("/")):
                return f"{PAGES_LOCATION}.pathname must be a path"
        elif not (value is None or isinstance(value, str)):
            return f"{PAGES_LOCATION}.{item['property']} must be text"
    return None


def callback_body_problem(body, callback_map) -> str | None:
    """Why `body` is not a well-formed call of a registered callback (None if it is)."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback"
    spec = callback_map[output]
    for key, declared in (("inputs", spec.get("inputs", [])), ("state", spec.get("state", []))):
        sent = body.get(key, [])
        if not isinstance(sent, list) or not all(_is_dependency_or_list(x) for x in sent):
            return f"{key} must be a list of dependencies"
        if len(sent) != len(declared):
            return f"{key}: expected {len(declared)}, got {len(sent)}"
        for item, wanted in zip(sent, declared, strict=True):
            problem = _dependency_problem(item, wanted)
            if problem:
                return f"{key}: {problem}"
    outputs = body.get("outputs")
    if not spec.get("no_output"):
        declared = spec.get("output")
        multi = isinstance(declared, list | tuple) or output.startswith("..")
        if multi:
            if not isinstance(outputs, list) or not all(
                    _is_dependency_or_list(x) for x in outputs):
                return "outputs must be a list of dependencies"
            if isinstance(declared, list | tuple) and len(outputs) != len(declared):
                return f"outputs: expected {len(declared)}, got {len(outputs)}"
        elif not _is_dependency(outputs):
            return "outputs must be a dependency"
        elif f"{outputs.get('id')}.{outputs.get('property')}" != output:
            return f"outputs: expected {output}"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(x, str) for x in changed):
        return "changedPropIds must be a list of strings"
    return None


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text `raw` nests arrays and objects deeper than `limit` (read on
    the bytes, strings skipped: a parser would recurse before we could ask)."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def text_problem(value) -> str | None:
    """Why a text somewhere in the parsed body `value` is refused (None if none is)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > MAX_TEXT_LENGTH:
                return f"text longer than {MAX_TEXT_LENGTH} characters"
            if _BAD_TEXT.search(item):
                return "control character or lone surrogate in text"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def read_callback_body():
    """(body, None) for a callback POST that may go on, or (None, why it may not)."""
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413
    if json_too_deep(raw):
        return None, f"JSON nested deeper than {MAX_JSON_DEPTH}"
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None, "body must be JSON"
    problem = text_problem(body)
    return (None, problem) if problem else (body, None)


# --- the gate ----------------------------------------------------------------------------

def make_gate(dash_app):
    def gate():
        path = request.path
        if is_public(path):
            return None
        settings = _settings()
        if current_user.is_authenticated:
            if _idle_expired(settings):
                audit.record(_engine(), "idle_timeout", username=current_user.username,
                             ip=auth.client_ip())
                logout_user()
                session.clear()
                return _refuse_anonymous(path, expired=True)
            if idle.now() - session.get("last_seen", 0) >= TOUCH_EVERY_SECONDS:
                idle.touch_session()
            if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin():
                return _json_error("cross-origin request refused", 403)
            if path == CALLBACK_PATH and request.method == "POST":
                body, problem = read_callback_body()
                if problem is None:
                    problem = callback_body_problem(body, dash_app.callback_map)
                if problem:
                    return _json_error(f"bad callback request: {problem}", 400)
            return None
        return _refuse_anonymous(path)

    return gate


# --- headers -----------------------------------------------------------------------------

def make_headers(dash_app, settings: Settings):
    def add_headers(response):
        policy = dict(CSP)
        if response.mimetype == "text/html" and dash_app is not None:
            hashes = " ".join(dash_app.csp_hashes())
            policy["script-src"] = f"{policy['script-src']} {hashes}"
        response.headers["Content-Security-Policy"] = "; ".join(
            f"{key} {value}" for key, value in policy.items())
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if settings.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if not is_public(request.path) or request.path in NO_STORE_PUBLIC:
            response.headers["Cache-Control"] = "no-store"
        return response

    return add_headers


# --- errors ------------------------------------------------------------------------------

ERROR_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title><link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
</head><body><main class="container py-5"><h1 class="h4">{title}</h1><p>{text}</p>
<p><a href="/">{home}</a></p></main></body></html>"""


def _error_response(status: int, key: str, reference: str | None = None):
    lang = auth.current_language() if _has_language() else i18n.DEFAULT_LANGUAGE
    text = i18n.t(key, lang)
    if reference:
        text = f"{text} ({i18n.t('auth.error_reference', lang)}: {reference})"
    if _wants_json(request.path):
        return _json_error(text if status >= 500 else _JSON_MESSAGES.get(status, text), status)
    html = ERROR_PAGE.format(lang=lang, title=escape(i18n.t("auth.error_title", lang)),
                             text=escape(text), home=escape(i18n.t("auth.home", lang)))
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


_JSON_MESSAGES = {403: "not permitted", 404: "not found", 400: "bad request"}


def _has_language() -> bool:
    try:
        auth.current_language()
        return True
    except Exception:  # noqa: BLE001 - a broken database must not break the error page
        return False


def register_error_handlers(server: Flask) -> None:
    @server.errorhandler(NotPermitted)
    def not_permitted(exc: NotPermitted):
        user = auth.current_user_or_none()
        target = request.path
        if request.path == CALLBACK_PATH:
            body = request.get_json(silent=True)
            if isinstance(body, dict):
                target = f"callback:{body.get('output')}"
        audit.record(_engine(), "refused", username=user.username if user else None,
                     target=target, ip=auth.client_ip(), detail=str(exc)[:200])
        return _error_response(403, "auth.not_permitted")

    @server.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        key = {404: "auth.not_found", 403: "auth.not_permitted"}.get(exc.code,
                                                                      "auth.bad_request")
        if exc.code >= 500:
            key = "auth.server_error"
        return _error_response(exc.code, key)

    @server.errorhandler(Exception)
    def unexpected(exc: Exception):
        if request.path.startswith(PUBLIC_PREFIXES):
            # A static file or package that is not there (a probe such as
            # /_dash-component-suites/os/path.py): not found, one line in the log.
            log.info("static path refused: %s %s (%s)", request.method, request.path[:200],
                     type(exc).__name__)
            return _error_response(404, "auth.not_found")
        reference = secrets.token_hex(4)
        # Where, not what: the message may quote a callback's output (case-level rows).
        where = "".join(traceback.format_tb(exc.__traceback__, limit=-8))
        log.error("unhandled error %s on %s %s: %s (message withheld)\n%s", reference,
                  request.method, request.path, type(exc).__name__, where)
        return _error_response(500, "auth.server_error", reference)


# --- /healthz ----------------------------------------------------------------------------

def healthz():
    """Public, no data: 200 if the database answers, 503 if it does not."""
    try:
        check(_engine())
    except DatabaseError:
        response = jsonify({"status": "unavailable", "database": "unreachable"})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "database": "ok"})


# --- wiring ------------------------------------------------------------------------------

def secret_key(settings: Settings) -> str:
    """SECRET_KEY, else a random key kept in the instance folder (created on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = instance_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def init_app(server: Flask, settings: Settings, dash_app=None) -> None:
    """Everything in this module and in auth, wired into `server` (call once)."""
    server.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="probation_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        PROPAGATE_EXCEPTIONS=False,
    )
    auth.init_app(server)
    throttle.init_app(server, settings)
    server.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    server.before_request(make_gate(dash_app))
    server.after_request(make_headers(dash_app, settings))
    register_error_handlers(server)
