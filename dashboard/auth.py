"""Users, password hashing, sign-in and the Scope of the signed-in user.

For page and callback code (the only functions you need):

    current_scope(require_cases=True) -> Scope
        The Scope of the signed-in user, built from the `users` row on this request.
        Raises NotPermitted when nobody is signed in, or (require_cases=True) when the
        role sees no case data (admin). Never build a Scope from an Input, State or URL.
    audit_refusal(what, target)
        Log a refused out-of-scope request ("region", "KZ-75"). Call it when you *render*
        a "not permitted" message yourself. If you *raise* NotPermitted instead, the
        security layer logs it and answers 403 {"error": "not permitted"}: do not do both.
    audit_case_view(case_id), audit_export(what)
        Log every view of a case page and every export.
    current_language() -> "kk" | "ru" | "en"
        The signed-in user's remembered language (else ?lang=, Accept-Language, default).
    set_language(lang) -> str
        Remember the language for the signed-in user (the shell's language switch).
    csrf_token() -> str
        Token for a POST form, field csrf_token: the shell's sign-out (POST /logout) and
        language buttons (POST /language/<lang>). Nothing changes state on a GET.

Passwords are hashed with scrypt (werkzeug.security). Failed sign-ins are throttled per
client address and per address and account, with back-off (dashboard/throttle.py), never
by locking the account for everyone; an unknown user, a wrong password and a disabled
account all get the same message.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    has_request_context,
    redirect,
    render_template_string,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import audit, cache, i18n, idle
from dashboard.config import Settings
from dashboard.schema import regions, units, users
from dashboard.scope import ROLES, NotPermitted, Scope

LANDING = {"region_head": "/attention", "unit_head": "/attention"}
"""Where a user lands after signing in when no page was asked for: a region or unit head
on the officers who need attention (the needs-attention list), everyone else on "/"."""
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
PASSWORD_METHOD = "scrypt"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

# Passwords printed by `demo-users`: refused everywhere unless PROBATION_DEMO=1.
DEMO_PASSWORD = "probation-demo-2026"
DEMO_PASSWORDS = frozenset({DEMO_PASSWORD})

# Verified against when the username is unknown, so both paths cost one scrypt.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


class UserRejected(ValueError):
    """An account change that breaks a rule (bad name, weak password, unknown region...)."""


# --- passwords ---------------------------------------------------------------------------

def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, TypeError):
        return False


def check_password_policy(password: str, *, demo_mode: bool) -> None:
    """Raise UserRejected if `password` may not be set."""
    if password in DEMO_PASSWORDS:
        if demo_mode:
            return
        raise UserRejected("demo passwords are refused unless PROBATION_DEMO=1")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserRejected(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserRejected(f"password must have at most {MAX_PASSWORD_LENGTH} characters")


# --- accounts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    """One row of `users`, without the password hash."""

    id: int
    username: str
    role: str
    region_code: str | None
    unit_id: int | None
    language: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    last_sign_in: datetime | None


_ACCOUNT_COLUMNS = [users.c[name] for name in Account.__dataclass_fields__]


def _check_place(engine: Engine, role: str, region_code: str | None,
                 unit_id: int | None) -> tuple[str | None, int | None]:
    if role not in ROLES:
        raise UserRejected(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == "region_head":
        if not region_code or unit_id is not None:
            raise UserRejected("a region_head needs --region (and no --unit)")
        with engine.connect() as conn:
            found = conn.execute(select(regions.c.code).where(regions.c.code == region_code))
            if found.first() is None:
                raise UserRejected(f"no region {region_code!r} in the database")
        return region_code, None
    if role == "unit_head":
        if unit_id is None or region_code:
            raise UserRejected("a unit_head needs --unit (and no --region)")
        with engine.connect() as conn:
            found = conn.execute(select(units.c.id).where(units.c.id == unit_id))
            if found.first() is None:
                raise UserRejected(f"no unit {unit_id} in the database")
        return None, unit_id
    if region_code or unit_id is not None:
        raise UserRejected(f"a {role} user has no --region or --unit")
    return None, None


def create_user(engine: Engine, username: str, role: str, password: str, *,
                region_code: str | None = None, unit_id: int | None = None,
                language: str = i18n.DEFAULT_LANGUAGE, demo_mode: bool = False) -> Account:
    if not USERNAME.match(username or ""):
        raise UserRejected("username: 2-64 characters, lower-case letters, digits, . _ -")
    if language not in i18n.LANGUAGES:
        raise UserRejected(f"language must be one of {', '.join(i18n.LANGUAGES)}")
    check_password_policy(password, demo_mode=demo_mode)
    region_code, unit_id = _check_place(engine, role, region_code, unit_id)
    if find_account(engine, username) is not None:
        raise UserRejected(f"user {username!r} already exists")
    with engine.begin() as conn:
        conn.execute(insert(users).values(
            username=username, password_hash=hash_password(password), role=role,
            region_code=region_code, unit_id=unit_id, language=language, active=True,
            failed_attempts=0, session_epoch=0, created_at=audit.utcnow(),
        ))
    audit.record(engine, "user_created", username=username,
                 detail=f"role={role} region={region_code or ''} unit={unit_id or ''}")
    return find_account(engine, username)


def find_account(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(*_ACCOUNT_COLUMNS).where(users.c.username == username)).first()
    return Account(*row) if row else None


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        rows = conn.execute(select(*_ACCOUNT_COLUMNS).order_by(users.c.username)).all()
    return [Account(*row) for row in rows]


def _require(engine: Engine, username: str) -> Account:
    account = find_account(engine, username)
    if account is None:
        raise UserRejected(f"no user {username!r}")
    return account


def set_password(engine: Engine, username: str, password: str, *,
                 demo_mode: bool = False) -> None:
    """New password; unlocks the account and ends its open sessions."""
    _require(engine, username)
    check_password_policy(password, demo_mode=demo_mode)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(
            password_hash=hash_password(password), failed_attempts=0, locked_until=None,
            session_epoch=users.c.session_epoch + 1))
    audit.record(engine, "password_set", username=username)


def disable_user(engine: Engine, username: str) -> None:
    """The account can no longer sign in; its open sessions end on their next request."""
    _require(engine, username)
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == username).values(
            active=False, session_epoch=users.c.session_epoch + 1))
    audit.record(engine, "user_disabled", username=username)


# --- sign-in -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `user` is set only on success."""

    user: User | None
    message_key: str | None = None


def authenticate(engine: Engine, username: str, password: str, *, demo_mode: bool,
                 ip: str | None = None) -> SignIn:
    """Check a username and password, applying lockout; writes the audit entries."""
    now = audit.utcnow()
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(engine, "sign_in_failed", username=username, ip=ip, detail="unknown user")
        return SignIn(None, "auth.bad_credentials")
    password_ok = verify_password(row.password_hash, password)
    if not row.active:
        audit.record(engine, "sign_in_failed", username=username, ip=ip, detail="disabled")
        return SignIn(None, "auth.bad_credentials")
    if not password_ok:
        # Counted for the account list only: throttling is per address and per address and
        # account (dashboard/throttle.py), so no one can lock a named user out for everyone.
        with engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == row.id).values(
                failed_attempts=users.c.failed_attempts + 1))
        audit.record(engine, "sign_in_failed", username=username, ip=ip,
                     detail="wrong password")
        return SignIn(None, "auth.bad_credentials")
    if password in DEMO_PASSWORDS and not demo_mode:
        audit.record(engine, "sign_in_failed", username=username, ip=ip,
                     detail="demo password outside demo mode")
        return SignIn(None, "auth.demo_disabled")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == row.id).values(
            failed_attempts=0, locked_until=None, last_sign_in=now))
    audit.record(engine, "sign_in", username=username, ip=ip)
    return SignIn(User.from_row(row))


# --- flask-login -------------------------------------------------------------------------

class User(UserMixin):
    """The signed-in user, loaded from the database on every request."""

    def __init__(self, id: int, username: str, role: str, region_code: str | None,
                 unit_id: int | None, language: str, session_epoch: int) -> None:
        self.id = id
        self.username = username
        self.role = role
        self.region_code = region_code
        self.unit_id = unit_id
        self.language = language
        self.session_epoch = session_epoch

    @classmethod
    def from_row(cls, row) -> User:
        return cls(row.id, row.username, row.role, row.region_code, row.unit_id,
                   row.language, row.session_epoch)

    def get_id(self) -> str:
        # The epoch makes a session cookie die with sign-out, password change or disable.
        return f"{self.id}:{self.session_epoch}"

    @property
    def scope(self) -> Scope:
        return Scope(self.role, region_code=self.region_code, unit_id=self.unit_id,
                     username=self.username)


def _engine() -> Engine:
    return current_app.config["ENGINE"]


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


def load_user(user_id: str) -> User | None:
    try:
        raw_id, raw_epoch = user_id.split(":")
        uid, epoch = int(raw_id), int(raw_epoch)
    except (AttributeError, ValueError):
        return None
    # With one database the data version and days come along (every page needs them);
    # with a read replica they are the replica's, read with the page's own data.
    one_database = current_app.config.get("READ_ENGINE", _engine()) is _engine()
    with _engine().connect() as conn:
        row = conn.execute(_user_statement(one_database), {"uid": uid}).first()
    if row is None or not row.active or row.session_epoch != epoch:
        return None
    if one_database:
        cache.remember_dataset(row)
    return User.from_row(row)


@lru_cache(maxsize=2)
def _user_statement(with_dataset: bool):
    """The signed-in user's row (and the dataset's stamps), built once: every request
    runs it."""
    extra = cache.dataset_columns() if with_dataset else []
    return select(users, *extra).where(users.c.id == bindparam("uid"))


def end_all_sessions(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(
            session_epoch=users.c.session_epoch + 1))


# --- for pages and callbacks -------------------------------------------------------------

def current_user_or_none() -> User | None:
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


def current_scope(require_cases: bool = True) -> Scope:
    user = current_user_or_none()
    if user is None:
        raise NotPermitted("not signed in")
    scope = user.scope
    if require_cases and not scope.sees_cases:
        raise NotPermitted(f"role {scope.role} sees no case data")
    return scope


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _username() -> str | None:
    user = current_user_or_none()
    return user.username if user else None


def audit_refusal(what: str, target: str) -> None:
    audit.record(_engine(), "refused", username=_username(), target=f"{what}:{target}",
                 ip=client_ip(), detail=request.path if has_request_context() else None)


def audit_case_view(case_id) -> None:
    audit.record(_engine(), "case_view", username=_username(), target=f"case:{case_id}",
                 ip=client_ip())


def audit_export(what: str) -> None:
    audit.record(_engine(), "export", username=_username(), target=what, ip=client_ip())


def request_language() -> str:
    """The language asked for by an anonymous browser: ?lang=, then Accept-Language."""
    if not has_request_context():
        return i18n.DEFAULT_LANGUAGE
    asked = request.args.get("lang")
    if asked in i18n.LANGUAGES:
        return asked
    best = request.accept_languages.best_match(i18n.LANGUAGES)
    return best or _settings().default_language


def current_language() -> str:
    user = current_user_or_none()
    if user is not None:
        return i18n.language(user.language)
    return request_language()


def set_language(lang: str) -> str:
    """Remember `lang` for the signed-in user; returns the language now in force."""
    user = current_user_or_none()
    if user is None:
        raise NotPermitted("not signed in")
    if lang not in i18n.LANGUAGES:
        return i18n.language(user.language)
    with _engine().begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(language=lang))
    user.language = lang
    return lang


def csrf_token() -> str:
    """The session's CSRF token for POST forms (created on first use)."""
    token = session.get("csrf_token")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf_token"] = token
    return token


def csrf_valid(sent: str | None) -> bool:
    expected = session.get("csrf_token")
    return bool(expected and sent) and secrets.compare_digest(str(expected), str(sent))


def form_csrf_ok(target: str) -> bool:
    """True if this POST's form carries the session's CSRF token; else audits
    csrf_refused (for `target`) and returns False."""
    if csrf_valid(request.form.get("csrf_token")):
        return True
    audit.record(_engine(), "csrf_refused", username=_username(), ip=client_ip(),
                 target=target)
    return False


# --- the sign-in page --------------------------------------------------------------------

LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('auth.sign_in') }} · {{ t('app.title') }}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/shell.css">
</head>
<body class="bg-body-tertiary">
<main class="container py-5" style="max-width: 26rem">
  <h1 class="h3 mb-4">{{ t('app.title') }}</h1>
  <nav class="mb-3 small" aria-label="{{ t('auth.language') }}">
    {% for code in languages %}
      {% if code == lang %}<strong>{{ t('lang.' ~ code) }}</strong>
      {% else %}<a lang="{{ code }}"
         href="/login?lang={{ code }}{% if next %}&amp;next={{ next|urlencode }}{% endif %}"
         >{{ t('lang.' ~ code) }}</a>{% endif %}
      {% if not loop.last %} · {% endif %}
    {% endfor %}
  </nav>
  {% if message %}<div class="alert alert-{{ level }}" role="alert">{{ message }}</div>{% endif %}
  <form method="post" action="/login?lang={{ lang }}" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next }}">
    <label class="form-label" for="username">{{ t('auth.username') }}</label>
    <input class="form-control mb-3" id="username" name="username" autocomplete="username"
           autocapitalize="none" spellcheck="false" required maxlength="64"
           value="{{ username }}" {% if not username %}autofocus{% endif %}>
    <label class="form-label" for="password">{{ t('auth.password') }}</label>
    <input class="form-control mb-3" id="password" name="password" type="password"
           autocomplete="current-password" required maxlength="256"
           {% if username %}autofocus{% endif %}>
    <button class="btn btn-primary" type="submit">{{ t('auth.sign_in') }}</button>
  </form>
  <p class="text-body-secondary small mt-3">{{ t('auth.lockout_note') }}</p>
</main>
</body>
</html>
"""


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in; anything else (other hosts, //x) becomes '/'."""
    if not value or len(value) > 2000 or "\\" in value or any(ord(c) < 32 for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    if parts.path in ("/login", "/logout"):
        return "/"
    return value


def render_login(lang: str, *, message_key: str | None = None, level: str = "danger",
                 username: str = "", next_path: str = "/", status: int = 200):
    def t(key: str) -> str:
        return i18n.t(key, lang)

    html = render_template_string(
        LOGIN_PAGE, lang=lang, t=t, languages=i18n.LANGUAGES, csrf=csrf_token(),
        next=next_path if next_path != "/" else "", username=username,
        message=t(message_key) if message_key else None, level=level,
    )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def login_view():
    lang = request_language()
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_path)
        notice = {"expired": "auth.session_expired", "signed_out": "auth.signed_out"}.get(
            request.args.get("notice", ""))
        return render_login(lang, message_key=notice, level="info", next_path=next_path)
    engine = _engine()
    if not csrf_valid(request.form.get("csrf_token")):
        audit.record(engine, "csrf_refused", ip=client_ip(), target="/login")
        return render_login(lang, message_key="auth.form_expired", next_path=next_path,
                            status=400)
    username = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    if not username or not password or len(password) > MAX_PASSWORD_LENGTH:
        return render_login(lang, message_key="auth.bad_credentials", username=username,
                            next_path=next_path, status=401)
    if not USERNAME.fullmatch(username):
        # No account has such a name (NUL, control characters...): the same answer as an
        # unknown user, at the same cost, before any query sees it (PostgreSQL refuses NUL).
        verify_password(_DUMMY_HASH, password)
        audit.record(engine, "sign_in_failed", username=_printable(username), ip=client_ip(),
                     detail="not a username")
        return render_login(lang, message_key="auth.bad_credentials",
                            username=_printable(username), next_path=next_path, status=401)
    result = authenticate(engine, username, password, demo_mode=_settings().demo_mode,
                          ip=client_ip())
    if result.user is None:
        return render_login(lang, message_key=result.message_key, username=username,
                            next_path=next_path, status=401)
    session.clear()  # no fixation: a fresh session, a fresh CSRF token
    login_user(result.user)
    idle.touch_session()
    if not request.values.get("next"):
        next_path = LANDING.get(result.user.role, "/")
    return redirect(next_path)


def _printable(text: str) -> str:
    """`text` with control characters and lone surrogates as "?" (for the audit log and
    the form)."""
    return re.sub("[\x00-\x1f\x7f\ud800-\udfff]", "?", text)


def logout_view():
    """POST only, with the session's CSRF token: ends every session of the user."""
    user = current_user_or_none()
    if user is not None:
        if not form_csrf_ok("/logout"):
            return render_login(current_language(), message_key="auth.form_expired",
                                status=400)
        end_all_sessions(_engine(), user.id)
        audit.record(_engine(), "sign_out", username=user.username, ip=client_ip())
        logout_user()
    session.clear()
    return redirect("/login?notice=signed_out")


def init_app(server: Flask) -> LoginManager:
    """Wire flask-login and the /login and /logout routes into `server`."""
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.user_loader(load_user)
    manager.init_app(server)
    server.add_url_rule("/login", "login", login_view, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout_view, methods=["POST"])
    return manager


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()
