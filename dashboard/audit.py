"""The audit log: append-only (database triggers refuse UPDATE and DELETE).

Events written by the app (the `event` column):

    sign_in, sign_in_failed, locked_out, sign_out, idle_timeout, csrf_refused,
    locked_out     an account's failed sign-ins from one address paused it there
    throttled      an address's failed sign-ins (any account) paused it
    refused        a request outside the user's scope (target says what was asked for)
    case_view      a case page was shown
    export         data left the app as a file
    user_created, password_set, user_disabled   (account changes)

`record` never raises on a database problem: the request goes on, a line goes to the
server log. A missing audit row is bad; a page that crashes because of it is worse.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.schema import audit_log

log = logging.getLogger(__name__)

EVENTS = (
    "sign_in", "sign_in_failed", "locked_out", "throttled", "sign_out", "idle_timeout",
    "csrf_refused", "refused", "case_view", "export",
    "user_created", "password_set", "user_disabled",
)


def utcnow() -> datetime:
    """Now in UTC, naive (the database columns hold UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _clip(value, size: int) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= size else text[: size - 1] + "…"


def record(engine: Engine, event: str, *, username: str | None = None,
           target: str | None = None, ip: str | None = None,
           detail: str | None = None) -> None:
    """Append one event. Values are clipped to the column sizes."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    row = {
        "at": utcnow(),
        "username": _clip(username, 64),
        "event": event,
        "target": _clip(target, 200),
        "ip": _clip(ip, 45),
        "detail": _clip(detail, 2000),
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(audit_log).values(**row))
    except SQLAlchemyError as exc:
        log.error("audit write failed (%s): %s", exc.__class__.__name__, row)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str | None
    event: str
    target: str | None
    ip: str | None
    detail: str | None


def entries(engine: Engine, *, since: datetime | None = None, username: str | None = None,
            event: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """Entries in time order (oldest first), optionally from `since`, for one user or event."""
    query = select(audit_log.c.at, audit_log.c.username, audit_log.c.event,
                   audit_log.c.target, audit_log.c.ip, audit_log.c.detail)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if username is not None:
        query = query.where(audit_log.c.username == username)
    if event is not None:
        query = query.where(audit_log.c.event == event)
    query = query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [AuditEntry(*row) for row in reversed(rows)]
