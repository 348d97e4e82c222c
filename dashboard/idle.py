"""The session's idle clock: when a signed-in user was last seen (the idle timeout counts
from there). Sign-in (dashboard.auth) starts it, every request (dashboard.security)
moves it on."""

from __future__ import annotations

import time

from flask import session


def now() -> float:
    """Seconds since the epoch (a function so tests can move the clock)."""
    return time.time()


def touch_session() -> None:
    """Mark the session as active now."""
    session["last_seen"] = int(now())
