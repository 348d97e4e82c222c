"""Where a callback gets what is not in its inputs: the database, the settings, and the
signed-in user's scope and language (from dashboard.auth; never from the browser)."""

from __future__ import annotations

from dataclasses import dataclass

import flask
from sqlalchemy.engine import Engine

from dashboard import i18n
from dashboard.config import Settings
from dashboard.scope import Scope


@dataclass(frozen=True)
class Context:
    """Everything a view function needs besides the URL; tests build one by hand."""

    engine: Engine
    scope: Scope
    lang: str
    settings: Settings


def current_scope() -> Scope:
    from dashboard import auth

    return auth.current_scope()


def signed_in_user():
    """The signed-in user, or None (anonymous, or outside a request)."""
    from dashboard import auth

    return auth.current_user_or_none()


def sees_cases() -> bool:
    user = signed_in_user()
    return user is not None and user.scope.sees_cases


def current_language() -> str:
    from dashboard import auth

    try:
        return i18n.language(auth.current_language())
    except Exception:  # noqa: BLE001 - nobody signed in: the configured default
        return flask.current_app.config["SETTINGS"].default_language


def audit_refusal(what: str, target: str) -> None:
    from dashboard import auth

    auth.audit_refusal(what, target)


def audit_case_view(case_id: int) -> None:
    from dashboard import auth

    auth.audit_case_view(case_id)


def audit_export(what: str) -> None:
    from dashboard import auth

    auth.audit_export(what)


def csrf_token() -> str:
    from dashboard import auth

    return auth.csrf_token()


def current() -> Context:
    """The context of the request being served."""
    config = flask.current_app.config
    engine = config.get("READ_ENGINE") or config["ENGINE"]
    return Context(engine=engine, scope=current_scope(), lang=current_language(),
                   settings=config["SETTINGS"])
