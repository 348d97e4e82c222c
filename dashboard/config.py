"""Settings read from the environment, in one place, each with a documented default."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("kk", "ru", "en")


def instance_dir() -> Path:
    """Folder for the embedded database and other local state (PROBATION_INSTANCE)."""
    return Path(os.environ.get("PROBATION_INSTANCE", Path.cwd() / "instance")).resolve()


def default_database_url() -> str:
    return f"sqlite:///{instance_dir() / 'probation.db'}"


def overrides_from_env(cls, prefix: str, parse: Callable[[str], object],
                       expected: str) -> dict[str, object]:
    """Fields of the dataclass `cls` set in the environment as <prefix><FIELD NAME>."""
    values = {}
    for f in dataclasses.fields(cls):
        name = f"{prefix}{f.name.upper()}"
        raw = os.environ.get(name)
        if raw is None:
            continue
        try:
            values[f.name] = parse(raw)
        except ValueError as exc:
            raise ValueError(f"{name} must be {expected}") from exc
    return values


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _optional(name: str, default, cast):
    """The variable `name` as `cast` makes it; unset: `default`; empty: None."""
    value = os.environ.get(name)
    if value is None:
        return default
    return cast(value) if value.strip() else None


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    default_language: str = "kk"
    demo_mode: bool = False
    secret_key: str | None = None
    secure_cookies: bool = False
    idle_timeout_minutes: int = 30
    small_sample_min: int = 30
    outlier_min_caseload: float = 10
    """PROBATION_OUTLIER_MIN_CASELOAD: the average daily caseload under which a unit or
    officer gets no outlier rate (design.md's 10)."""
    outlier_min_events: int = 5
    """PROBATION_OUTLIER_MIN_EVENTS: the events (repeat offences, revocations) a unit or
    officer needs in a window to be flagged NEAR or FAR at all."""
    read_database_url: str | None = None
    """DATABASE_READ_URL: a read replica that page queries use; writes stay on the main."""
    redis_url: str | None = None
    """REDIS_URL: the shared cache of every worker and app server (else in-process)."""
    cache_seconds: int = 300
    """PROBATION_CACHE_SECONDS: how long a cached result lives; 0 turns caching off."""
    page_parallel_workers: int | None = 0
    """PROBATION_PAGE_PARALLEL_WORKERS: PostgreSQL's max_parallel_workers_per_gather for
    the pages' queries (empty: the server's setting). A page's queries are small: starting
    workers costs more than they save, and with many users the cores are busy anyway.
    Loads and refreshes keep the server's setting."""
    page_random_page_cost: float | None = 1.1
    """PROBATION_PAGE_RANDOM_PAGE_COST: PostgreSQL's random_page_cost for the pages'
    queries (empty: the server's setting). The server's default, 4, prices disks that
    seek; on memory and SSD it makes the planner hash a national table rather than look
    up one unit's cases by key (make bench at scale 10: the unit and overview pages)."""
    trusted_proxies: int = 0
    """PROBATION_TRUSTED_PROXIES: how many reverse proxies stand before the app. Their
    X-Forwarded-For and -Proto are then believed (werkzeug's ProxyFix), so that the
    sign-in limit per address and the audit log see the user's address, not the proxy's;
    0 (the default) believes no header."""

    @classmethod
    def from_env(cls) -> Settings:
        language = os.environ.get("PROBATION_DEFAULT_LANGUAGE", "kk")
        if language not in LANGUAGES:
            language = "kk"
        return cls(
            database_url=os.environ.get("DATABASE_URL") or default_database_url(),
            default_language=language,
            demo_mode=_flag("PROBATION_DEMO"),
            secret_key=os.environ.get("SECRET_KEY"),
            secure_cookies=_flag("PROBATION_SECURE_COOKIES"),
            idle_timeout_minutes=int(os.environ.get("PROBATION_IDLE_TIMEOUT_MINUTES", "30")),
            small_sample_min=int(os.environ.get("PROBATION_SMALL_SAMPLE_MIN", "30")),
            outlier_min_caseload=float(os.environ.get("PROBATION_OUTLIER_MIN_CASELOAD", "10")),
            outlier_min_events=int(os.environ.get("PROBATION_OUTLIER_MIN_EVENTS", "5")),
            read_database_url=os.environ.get("DATABASE_READ_URL") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            cache_seconds=int(os.environ.get("PROBATION_CACHE_SECONDS", "300")),
            page_parallel_workers=_optional("PROBATION_PAGE_PARALLEL_WORKERS", 0, int),
            page_random_page_cost=_optional("PROBATION_PAGE_RANDOM_PAGE_COST", 1.1, float),
            trusted_proxies=int(os.environ.get("PROBATION_TRUSTED_PROXIES", "0")),
        )
