"""Accounts: hashing, password rules, lockout, demo passwords and the user commands."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dashboard import auth
from dashboard.schema import users
from service.cli import main
from tests.fixture_auth import PASSWORD


@pytest.fixture
def db(auth_db):
    """tests/fixture_auth.py's database and users."""
    return auth_db


def test_passwords_are_stored_as_salted_scrypt_hashes(db):
    with db.connect() as conn:
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert all(h.startswith("scrypt:") for h in hashes)
    assert len(set(hashes)) == len(hashes)  # same password, different salts
    assert not any(PASSWORD in h for h in hashes)
    assert auth.verify_password(hashes[0], PASSWORD)
    assert not auth.verify_password(hashes[0], PASSWORD + "!")
    assert not auth.verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("password", ["short", "", "x" * 257])
def test_weak_or_absurd_passwords_are_refused(password):
    with pytest.raises(auth.UserRejected):
        auth.check_password_policy(password, demo_mode=False)


def test_demo_password_is_refused_outside_demo_mode(db):
    with pytest.raises(auth.UserRejected, match="PROBATION_DEMO"):
        auth.set_password(db, "min", auth.DEMO_PASSWORD, demo_mode=False)
    auth.set_password(db, "min", auth.DEMO_PASSWORD, demo_mode=True)
    refused = auth.authenticate(db, "min", auth.DEMO_PASSWORD, demo_mode=False)
    assert refused.user is None and refused.message_key == "auth.demo_disabled"
    assert auth.authenticate(db, "min", auth.DEMO_PASSWORD, demo_mode=True).user is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(db):
    unknown = auth.authenticate(db, "nobody", PASSWORD, demo_mode=False)
    wrong = auth.authenticate(db, "min", "wrong password!", demo_mode=False)
    assert unknown == wrong == auth.SignIn(None, "auth.bad_credentials")


def test_failures_never_lock_the_account_for_everyone(db):
    """Throttling is per address and account (dashboard/throttle.py): authenticate itself
    only counts failures, so nobody can lock a named user out by guessing wrong."""
    for _ in range(12):
        assert auth.authenticate(db, "head71", "wrong password!", demo_mode=False).user is None
    assert auth.find_account(db, "head71").failed_attempts == 12
    assert auth.authenticate(db, "head71", PASSWORD, demo_mode=False).user.username == "head71"
    account = auth.find_account(db, "head71")
    assert account.failed_attempts == 0 and account.locked_until is None


def test_disabled_user_cannot_sign_in(db):
    auth.disable_user(db, "min")
    assert auth.authenticate(db, "min", PASSWORD, demo_mode=False).user is None


@pytest.mark.parametrize("role, place, message", [
    ("region_head", {}, "needs --region"),
    ("region_head", {"region_code": "KZ-99"}, "no region"),
    ("unit_head", {"unit_id": 424242}, "no unit"),
    ("ministry", {"region_code": "KZ-71"}, "no --region"),
    ("superuser", {}, "unknown role"),
])
def test_create_user_checks_role_and_place(db, role, place, message):
    with pytest.raises(auth.UserRejected, match=message):
        auth.create_user(db, "newuser", role, PASSWORD, **place)


# --- the command line --------------------------------------------------------------------

def run(monkeypatch, database_url, *args, stdin="", env=None):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    return main(["--database-url", database_url, *args])


@pytest.fixture
def url(db):
    return db.url.render_as_string(hide_password=False)


def test_cli_create_user_reads_the_password_from_stdin(monkeypatch, url, db, capsys):
    code = run(monkeypatch, url, "create-user", "--username", "Aigerim", "--role",
               "region_head", "--region", "KZ-75", "--password-stdin",
               stdin="a long enough password\n")
    assert code == 0
    assert "created aigerim (region_head of KZ-75)" in capsys.readouterr().out
    assert auth.authenticate(db, "aigerim", "a long enough password",
                             demo_mode=False).user.region_code == "KZ-75"


def test_cli_refuses_without_password_stdin_and_on_bad_region(monkeypatch, url, capsys):
    assert run(monkeypatch, url, "create-user", "--username", "a1", "--role", "ministry") == 2
    assert run(monkeypatch, url, "create-user", "--username", "a1", "--role", "region_head",
               "--region", "KZ-99", "--password-stdin", stdin="a long enough password\n") == 2
    err = capsys.readouterr().err
    assert "--password-stdin" in err and "no region 'KZ-99'" in err
    assert "Traceback" not in err


def test_cli_set_password_disable_list_and_audit(monkeypatch, url, db, capsys):
    assert run(monkeypatch, url, "set-password", "--username", "min", "--password-stdin",
               stdin="another long password\n") == 0
    assert run(monkeypatch, url, "disable-user", "--username", "unit711") == 0
    assert run(monkeypatch, url, "list-users") == 0
    listing = capsys.readouterr().out
    assert "unit711" in listing and "disabled" in listing and "scrypt" not in listing
    assert run(monkeypatch, url, "audit", "--user", "min") == 0
    out = capsys.readouterr().out
    assert "password_set" in out and "unit711" not in out


def test_cli_demo_users_only_in_demo_mode(monkeypatch, url, db, capsys):
    monkeypatch.delenv("PROBATION_DEMO", raising=False)
    assert run(monkeypatch, url, "demo-users") == 2
    assert "PROBATION_DEMO=1" in capsys.readouterr().err
    assert run(monkeypatch, url, "demo-users", env={"PROBATION_DEMO": "1"}) == 0
    out = capsys.readouterr().out
    assert auth.DEMO_PASSWORD in out and "head-kz-71" in out
    names = {a.username for a in auth.list_accounts(db)}
    assert {"ministry", "admin", "head-kz-71", "head-kz-75", "head-kz-79", "unit-711"} <= names
    assert run(monkeypatch, url, "demo-users", env={"PROBATION_DEMO": "1"}) == 0  # idempotent
