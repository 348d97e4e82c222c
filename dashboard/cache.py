"""Server-side cache of query results (Flask-Caching), shared by every query function that
asks for it with `@cached("name")`.

Backend: Redis when REDIS_URL is set (shared by every worker and every app server), else
an in-process SimpleCache. A key is

    probation:<namespace>:<name>:sha1(data version | scope key | normalized filters | args)

(the namespace: a hash of the database URL, so databases sharing one Redis never mix)
so that a result computed for one scope never serves another (Scope.key()), a language
is part of the key (query functions take `lang` as an argument), and a new load makes
every older entry unreachable: `generate` and `import` write a fresh `data_version` into
dataset_info, and the key holds it. Old entries simply expire (PROBATION_CACHE_SECONDS).

Normalized filters: the fields that select data (start, end, as_of, type, category,
region, unit, officer); `period` and the map `metric` only shape the display, and
`notices` say nothing about the data, so two URLs that ask for the same numbers share one
entry.

Outside a Flask app (tests of the query layer, the CLI) the functions run uncached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from typing import TypeVar

import flask
from flask_caching import Cache
from plotly.io.json import to_json_plotly
from sqlalchemy import select
from sqlalchemy.engine import Connection, make_url

from dashboard.filters import Filters
from dashboard.scope import Scope

log = logging.getLogger(__name__)

cache = Cache()
KEY_PREFIX = "probation:"
F = TypeVar("F", bound=Callable)


def init_app(server: flask.Flask, settings) -> None:
    """Redis when settings.redis_url, else SimpleCache; nothing when cache_seconds is 0."""
    if settings.cache_seconds <= 0:
        config = {"CACHE_TYPE": "NullCache"}
    elif settings.redis_url:
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url,
                  "CACHE_KEY_PREFIX": KEY_PREFIX}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000,
                  "CACHE_KEY_PREFIX": KEY_PREFIX}
    config["CACHE_DEFAULT_TIMEOUT"] = max(settings.cache_seconds, 0)
    cache.init_app(server, config=config)
    server.config["CACHE_ENABLED"] = settings.cache_seconds > 0
    # Several databases may share one Redis (staging and production, test runs): entries
    # of one never answer for another. App servers of one database share entries.
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    server.config["CACHE_NAMESPACE"] = hashlib.sha1(database.encode()).hexdigest()[:10]


def enabled() -> bool:
    return flask.has_app_context() and flask.current_app.config.get("CACHE_ENABLED", False)


def clear() -> None:
    """Forget every entry of this app's backend (the benchmark's "uncached" runs)."""
    if flask.has_app_context() and cache in flask.current_app.extensions.get("cache", {}):
        cache.clear()


# The stamps of the stocks ride along too: a page asks whether they are fresh several times.
DATASET_KEYS = ("data_version", "data_from", "data_until", "stocks", "outcome_stocks_2",
                "rollups", "stocks_release_months", "forecast")


def dataset_columns() -> list:
    """The data version and the days the data cover as scalar subqueries, for a statement
    that is made anyway (the signed-in user's row) to bring along: every page asks for
    them, and that saves a connection and two round trips per request."""
    from dashboard.schema import dataset_info

    return [select(dataset_info.c.value).where(dataset_info.c.key == key)
            .scalar_subquery().label(key) for key in DATASET_KEYS]


def remember_dataset(row) -> None:
    """Keep what dataset_columns brought for the rest of the request (flask.g)."""
    if flask.has_request_context():
        flask.g.data_version = row.data_version or "none"
        info = {k: getattr(row, k) for k in DATASET_KEYS if getattr(row, k) is not None}
        flask.g.dataset_info = info
        flask.g.dataset_days = {k: info[k] for k in ("data_from", "data_until") if k in info}


def dataset_info() -> dict | None:
    """The dataset_info rows of DATASET_KEYS, if brought along with the user already."""
    if flask.has_request_context():
        return flask.g.get("dataset_info")
    return None


def dataset_days() -> dict | None:
    """data_from and data_until as dataset_info holds them, if brought along already."""
    if flask.has_request_context():
        return flask.g.get("dataset_days")
    return None


def data_version(conn: Connection) -> str:
    """The stamp written by the last generate or import (dataset_info.data_version), read
    once per request."""
    if flask.has_request_context() and "data_version" in flask.g:
        return flask.g.data_version
    from dashboard.schema import dataset_info

    version = conn.execute(select(dataset_info.c.value).where(
        dataset_info.c.key == "data_version")).scalar() or "none"
    if flask.has_request_context():
        flask.g.data_version = version
    return version


def filters_key(f: Filters) -> str:
    return "|".join(str(v) for v in (f.start, f.end, f.as_of, f.probation_type,
                                     f.legal_category, f.region, f.unit_id, f.officer_id))


def _part(value) -> str:
    return filters_key(value) if isinstance(value, Filters) else repr(value)


def make_key(name: str, version: str, scope: Scope, args, kwargs, namespace: str = "") -> str:
    parts = [version, scope.key(), *(_part(a) for a in args),
             *(f"{k}={_part(v)}" for k, v in sorted(kwargs.items()))]
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()
    return f"{namespace}:{name}:{digest}"


class Prebuilt:
    """A page body already in JSON. Dash's encoder asks objects for `to_plotly_json`: in a
    request this one answers with a marker, and `splice` puts the text in its place once
    Dash has written the response, rather than parsing the text only for Dash to write it
    again (the cached floor, docs/performance.md)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.marker = f"prebuilt-page-{secrets.token_hex(16)}"

    def to_plotly_json(self):
        if not flask.has_request_context():
            return json.loads(self.text)
        flask.g.setdefault("prebuilt_pages", {})[self.marker] = self.text
        return self.marker


def splice(response: flask.Response) -> flask.Response:
    """After request: each Prebuilt's marker in the callback's JSON replaced by its text
    (registered after flask-compress, so it runs before the body is compressed)."""
    pending = flask.g.pop("prebuilt_pages", None)
    if not pending or response.direct_passthrough:
        return response
    body = response.get_data(as_text=True)
    for marker, text in pending.items():
        quoted = f'"{marker}"'
        if quoted not in body:
            # Never seen: a marker Dash did not write as a plain string. The page would
            # show the marker, so say so loudly rather than send it silently.
            log.error("prebuilt page marker missing from the response")
            continue
        body = body.replace(quoted, text, 1)
    response.set_data(body)
    return response


def page(name: str, ctx, url: tuple, build: Callable[[], object],
         keep: Callable[[], bool]):
    """A whole page body (the page router's output, or the what-if's) for this scope,
    language and `url` (the pathname and query, and whatever else the body depends on
    that the data version does not cover): from the cache, or built and kept when
    `keep()` says so after building (not a refusal, which must be audited every time).
    Kept as the JSON Dash would send (a component tree does not come back from pickle
    byte for byte), compressed: a page is 10-150 KB of JSON, a tenth of that compressed."""
    if not enabled():
        return build()
    if flask.has_request_context() and "data_version" in flask.g:
        version = flask.g.data_version  # brought along with the signed-in user
    else:
        with ctx.engine.connect() as conn:
            version = data_version(conn)
    key = make_key(f"page.{name}", version, ctx.scope, (*url, ctx.lang), {},
                   flask.current_app.config.get("CACHE_NAMESPACE", ""))
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: build from the database
        log.warning("cache get failed for page %s", name, exc_info=True)
        hit = None
    if hit is not None:
        return Prebuilt(zlib.decompress(hit).decode())
    body = build()
    if not keep():
        return body
    text = to_json_plotly(body)
    try:
        cache.set(key, zlib.compress(text.encode(), 1))
    except Exception:  # noqa: BLE001
        log.warning("cache set failed for page %s", name, exc_info=True)
    # Dash would write the tree again: hand it the text just written instead.
    return Prebuilt(text)


def cached(name: str) -> Callable[[F], F]:
    """Cache a query function `fn(conn, scope, *args, **kwargs)` (Filters among the
    arguments are keyed by their normalized form, anything else by repr); its result must
    be picklable (frames, dataclasses). A broken cache backend never breaks a page: the
    function runs uncached and the failure is logged."""
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(conn, scope: Scope, *args, **kwargs):
            if not enabled():
                return fn(conn, scope, *args, **kwargs)
            key = make_key(name, data_version(conn), scope, args, kwargs,
                           flask.current_app.config.get("CACHE_NAMESPACE", ""))
            try:
                hit = cache.get(key)
            except Exception:  # noqa: BLE001 - Redis down: serve from the database
                log.warning("cache get failed for %s", name, exc_info=True)
                return fn(conn, scope, *args, **kwargs)
            if hit is not None:
                return hit
            value = fn(conn, scope, *args, **kwargs)
            try:
                cache.set(key, value)
            except Exception:  # noqa: BLE001
                log.warning("cache set failed for %s", name, exc_info=True)
            return value
        wrapper.uncached = fn
        return wrapper
    return decorate
