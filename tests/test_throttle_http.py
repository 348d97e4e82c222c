"""Sign-in throttling over HTTP (issue 29, item 4): per client address and per address and
account, with back-off, never a lock of the account for everyone; /login is no-store.

Through Flask's test client, which sets the client address (REMOTE_ADDR) per request."""

from __future__ import annotations

import uuid

import pytest

from dashboard import audit, auth, migrate, throttle
from dashboard.config import Settings
from dashboard.db import make_engine
from service.factory import create_app
from tests.fixture_auth import PASSWORD, build_fixture
from tests.helpers import REDIS_URL, csrf_from, redis_or_skip


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('throttle') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_fixture(engine)
    engine.dispose()
    return url


def make_app(database_url, **settings):
    return create_app(Settings(database_url=database_url, secret_key="test-secret-key",
                               **settings))


@pytest.fixture
def app(database_url):
    return make_app(database_url)


def attempt(app, address: str, username: str, password: str):
    client = app.server.test_client()
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/login?lang=en", environ_base=environ).text)
    return client.post("/login?lang=en", environ_base=environ, data={
        "csrf_token": token, "username": username, "password": password})


def test_five_failures_pause_that_account_at_that_address_only(app, database_url):
    engine = app.server.config["ENGINE"]
    name = f"u{uuid.uuid4().hex[:8]}"
    auth.create_user(engine, name, "ministry", PASSWORD)
    for _ in range(5):
        assert attempt(app, "10.0.0.1", name, "wrong password").status_code == 401
    refused = attempt(app, "10.0.0.1", name, PASSWORD)  # the right password, too late
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60 + 1
    assert "Too many failed attempts" in refused.text and "Traceback" not in refused.text
    assert refused.headers["Cache-Control"] == "no-store"
    assert [e.event for e in audit.entries(engine, username=name)][-2:] == [
        "sign_in_failed", "locked_out"]
    # The same user at another address is not locked out; nor is another user here.
    assert attempt(app, "10.0.0.2", name, PASSWORD).status_code == 302
    assert attempt(app, "10.0.0.1", "min", PASSWORD).status_code == 302


def test_one_address_cannot_try_many_accounts(database_url):
    app = make_app(database_url)
    app.server.config["LOGIN_ADDRESS_LIMITS"] = "8 per 10 minutes"
    for i in range(8):
        assert attempt(app, "10.0.1.1", f"nobody{i}", "wrong password").status_code == 401
    assert attempt(app, "10.0.1.1", "nobody99", "wrong password").status_code == 429
    assert attempt(app, "10.0.1.1", "min", PASSWORD).status_code == 429
    assert attempt(app, "10.0.1.2", "min", PASSWORD).status_code == 302
    engine = app.server.config["ENGINE"]
    assert audit.entries(engine, event="throttled")[-1].ip == "10.0.1.1"


def test_successful_sign_ins_do_not_count(database_url):
    app = make_app(database_url)
    app.server.config["LOGIN_ADDRESS_LIMITS"] = "3 per 10 minutes"
    for _ in range(6):
        assert attempt(app, "10.0.2.1", "min", PASSWORD).status_code == 302


def test_the_back_off_grows(database_url):
    """Stepped windows: after the quarter hour's allowance, the hour's and the day's."""
    assert throttle.ACCOUNT_LIMITS == "5 per 15 minutes; 10 per hour; 20 per day"
    app = make_app(database_url)
    app.server.config["LOGIN_ACCOUNT_LIMITS"] = "2 per 15 minutes; 3 per hour"
    for _ in range(2):
        assert attempt(app, "10.0.3.1", "min", "wrong password").status_code == 401
    assert attempt(app, "10.0.3.1", "min", "wrong password").status_code == 429


def test_an_account_is_never_locked_for_everyone(database_url):
    """The database lock is gone: however many failures, the right password from another
    address works at once."""
    app = make_app(database_url)
    engine = app.server.config["ENGINE"]
    for n in range(12):
        attempt(app, f"10.0.4.{n}", "head71", "wrong password")
    assert attempt(app, "10.0.4.200", "head71", PASSWORD).status_code == 302
    assert auth.find_account(engine, "head71").locked_until is None


def test_login_is_never_cached(app):
    client = app.server.test_client()
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    failed = attempt(app, "10.0.5.1", "nobody", "wrong password")
    assert failed.headers["Cache-Control"] == "no-store"


def test_limits_are_shared_through_redis_when_configured(database_url):
    """Two app servers on the same REDIS_URL count together (the same as the cache)."""
    redis_or_skip()
    one = make_app(database_url, redis_url=REDIS_URL)
    two = make_app(database_url, redis_url=REDIS_URL)
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    name = f"n{uuid.uuid4().hex[:8]}"
    for app in (one, two, one, two, one):
        assert attempt(app, address, name, "wrong password").status_code == 401
    assert attempt(two, address, name, "wrong password").status_code == 429


def test_sign_in_works_and_is_still_throttled_when_redis_is_down(database_url):
    app = make_app(database_url, redis_url="redis://127.0.0.1:1/0")
    assert attempt(app, "10.0.6.1", "min", PASSWORD).status_code == 302
    for _ in range(5):
        assert attempt(app, "10.0.6.1", "head71", "wrong password").status_code == 401
    assert attempt(app, "10.0.6.1", "head71", PASSWORD).status_code == 429


@pytest.mark.parametrize("username", ["min\x00", "\x00", "m" * 5000, "min\x1b",
                                      "мин\x7f"])
def test_a_hostile_username_is_a_wrong_one_on_each_backend(auth_db, username):
    """NUL, control characters, overlong names: the same answer as an unknown user (401),
    never a 500 (PostgreSQL refuses NUL in text)."""
    engine = auth_db
    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False),
                              secret_key="hostile-name"))
    try:
        response = attempt(app, "10.0.7.1", username, PASSWORD)
        assert response.status_code == 401, response.text[:300]
        assert "Wrong username or password." in response.text
    finally:
        app.server.config["ENGINE"].dispose()


@pytest.mark.parametrize("proxies, throttled", [(1, False), (0, True)])
def test_behind_a_trusted_proxy_each_user_counts_at_their_own_address(database_url, proxies,
                                                                     throttled):
    """Behind one reverse proxy (PROBATION_TRUSTED_PROXIES=1) every request comes from the
    proxy's address: the limit per address counts the X-Forwarded-For the proxy sets, so
    five users failing once each at five addresses do not pause a sixth. Without the
    setting the header is not believed (a client could forge it) and they all share the
    proxy's address."""
    app = make_app(database_url, trusted_proxies=proxies)
    app.server.config["LOGIN_ADDRESS_LIMITS"] = "5 per 10 minutes"
    engine = app.server.config["ENGINE"]
    names = [f"u{uuid.uuid4().hex[:8]}" for _ in range(6)]
    for name in names:
        auth.create_user(engine, name, "ministry", PASSWORD)

    def through_proxy(user_address: str, username: str, password: str):
        client = app.server.test_client()
        environ = {"REMOTE_ADDR": "10.9.9.9"}
        headers = {"X-Forwarded-For": user_address}
        token = csrf_from(client.get("/login?lang=en", environ_base=environ,
                                     headers=headers).text)
        return client.post("/login?lang=en", environ_base=environ, headers=headers, data={
            "csrf_token": token, "username": username, "password": password})

    for i, name in enumerate(names[:5]):
        assert through_proxy(f"192.0.2.{i + 1}", name, "wrong password").status_code == 401
    last = through_proxy("192.0.2.99", names[5], PASSWORD)
    assert (last.status_code == 429) is throttled
