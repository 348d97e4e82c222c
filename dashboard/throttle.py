"""Sign-in throttling: Flask-Limiter on POST /login, on the same Redis as the cache when
REDIS_URL is set (every worker and app server counts together), else in process memory.

Two limits, both counting failed sign-ins (answers 401) only:
  * per client address, whatever the account (ADDRESS_LIMITS): one address cannot try
    passwords on many accounts;
  * per client address *and* account (ACCOUNT_LIMITS), stepped windows that make the
    back-off: after 5 failures that address waits out the quarter hour, after 10 the hour,
    after 20 the day.
No account is ever locked for everyone: the same user at another address signs in as
usual, so nobody can lock a named user out by guessing wrong. Over a limit the sign-in
page answers 429 with Retry-After, before any password is checked; the first refusal of
a window is audited (`locked_out` for an account at an address, `throttled` for an
address). The limits are read from the Flask config (LOGIN_ADDRESS_LIMITS,
LOGIN_ACCOUNT_LIMITS) on every request, so a test or a deployment can change them.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from dashboard import audit, auth
from dashboard.config import Settings

ADDRESS_LIMITS = "30 per 10 minutes; 100 per day"
ACCOUNT_LIMITS = "5 per 15 minutes; 10 per hour; 20 per day"
ADDRESS_SCOPE = "login-address"
ACCOUNT_SCOPE = "login-account"


def client_address() -> str:
    return request.remote_addr or "unknown"


def sign_in_name() -> str:
    """The account a sign-in form names, as login_view reads it."""
    return (request.form.get("username") or "").strip().lower()[:64]


def _address_and_account() -> str:
    return f"{client_address()}|{sign_in_name()}"


def _failed(response) -> bool:
    return response.status_code == 401


def _limits(name: str, default: str):
    return lambda: current_app.config.get(name, default)


def storage_uri(settings: Settings) -> str:
    return settings.redis_url or "memory://"


def init_app(server: Flask, settings: Settings) -> Limiter:
    """Throttle POST /login (call after auth.init_app, which adds the route)."""
    limiter = Limiter(client_address, app=server, storage_uri=storage_uri(settings),
                      strategy="fixed-window", key_prefix="probation-login",
                      headers_enabled=False,
                      # Redis unreachable: count in this process meanwhile, never a 500.
                      in_memory_fallback_enabled=bool(settings.redis_url),
                      swallow_errors=True)
    view = server.view_functions["login"]
    view = limiter.limit(_limits("LOGIN_ADDRESS_LIMITS", ADDRESS_LIMITS),
                         key_func=client_address, methods=["POST"], deduct_when=_failed,
                         scope=ADDRESS_SCOPE)(view)
    view = limiter.limit(_limits("LOGIN_ACCOUNT_LIMITS", ACCOUNT_LIMITS),
                         key_func=_address_and_account, methods=["POST"],
                         deduct_when=_failed, scope=ACCOUNT_SCOPE)(view)
    server.view_functions["login"] = view

    @server.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded):
        limit = getattr(exc, "limit", None)
        scope = getattr(limit, "scope", "") or ""
        event = "locked_out" if ACCOUNT_SCOPE in scope else "throttled"
        name = sign_in_name() or None
        audit.record(server.config["ENGINE"], event, username=name,
                     ip=auth.client_ip(), detail=str(getattr(limit, "limit", ""))[:200])
        html, _status, headers = auth.render_login(
            auth.request_language(), message_key="auth.too_many_attempts",
            username=name or "", next_path=auth.safe_next(request.values.get("next")),
            status=429)
        response = server.make_response((html, 429, headers))
        current = limiter.current_limit
        reset_at = getattr(current, "reset_at", None) or time.time() + 60
        response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
        return response

    return limiter
