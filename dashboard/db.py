"""Engines and connections for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout


class DatabaseError(RuntimeError):
    """A database problem worth a one-line message to the user (no stack trace)."""


SUPPORTED = {"sqlite", "postgresql"}

# What a database that went away (or refuses connections) raises: pages show the outage
# banner for these and recover by themselves; anything else is a bug.
OUTAGE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGE_ERRORS) or (
        isinstance(exc, DatabaseError) and "unreachable" in str(exc))


QUERY_CACHE_SIZE = 2000
"""Compiled statements kept per engine (SQLAlchemy's default is 500): the pages' period
counts, narrowings and scopes make more statement shapes than that, and an evicted one is
compiled again."""


def make_engine(url: str, parallel_workers: int | None = None,
                random_page_cost: float | None = None) -> Engine:
    """An engine for `url`; raises DatabaseError for a malformed or unsupported URL.
    `parallel_workers`, `random_page_cost`: PostgreSQL's max_parallel_workers_per_gather
    and random_page_cost for its sessions (None: the server's)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"malformed DATABASE_URL: {url!r}") from exc
    if parsed.get_backend_name() not in SUPPORTED:
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql"
        )
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30},
                               query_cache_size=QUERY_CACHE_SIZE)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        connect_args: dict = {"connect_timeout": 5}
        options = []
        if parallel_workers is not None:
            options.append(f"-c max_parallel_workers_per_gather={int(parallel_workers)}")
        if random_page_cost is not None:
            options.append(f"-c random_page_cost={float(random_page_cost)}")
        if options:
            connect_args["options"] = " ".join(options)
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args,
                             query_cache_size=QUERY_CACHE_SIZE)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use DATABASE_URL {url!r}: {exc}") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def check(engine: Engine) -> None:
    """Raise DatabaseError with one readable line if the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string()
        raise DatabaseError(f"database unreachable ({where}): {reason}") from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database error: {exc.__class__.__name__}") from exc


def is_postgres(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"
