"""Login throttling: failures are counted in the database."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from myapp import throttle
from myapp.extensions import db
from myapp.models import LoginFailure, User

from .helpers import login

ATTACKER = {"REMOTE_ADDR": "203.0.113.5"}
OWNER = {"REMOTE_ADDR": "198.51.100.9"}


def fail(client: FlaskClient, email: str, times: int, **environ: str) -> None:
    for _ in range(times):
        response = login(
            client, email, "wrong password", environ_base=environ or ATTACKER
        )
        assert response.status_code == 200
        assert b"Invalid email or password" in response.data


def test_the_limit_then_429_with_retry_after_even_for_the_right_password(
    app: Flask, client: FlaskClient, user: User
) -> None:
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    fail(client, user.email, limit - 1)
    response = login(client, user.email, "wrong password", environ_base=ATTACKER)
    assert response.status_code == 429
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= app.config["LOGIN_LOCKOUT_SECONDS"]
    assert b"Too many attempts" in response.data

    # The owner, from another address, with the right password: still locked.
    response = login(client, user.email, environ_base=OWNER)
    assert response.status_code == 429
    assert client.get("/dashboard").status_code == 302


def test_one_address_is_limited_across_accounts(
    app: Flask, client: FlaskClient, user: User
) -> None:
    fail(client, "nobody@example.com", app.config["LOGIN_FAILURE_LIMIT"] - 1)
    response = login(client, "another@example.com", "x", environ_base=ATTACKER)
    assert response.status_code == 429
    response = login(client, user.email, environ_base=ATTACKER)
    assert response.status_code == 429
    assert login(client, user.email, environ_base=OWNER).status_code == 302


def test_a_success_below_the_limit_clears_the_account(
    app: Flask, client: FlaskClient, user: User
) -> None:
    fail(client, user.email, app.config["LOGIN_FAILURE_LIMIT"] - 1, **OWNER)
    assert login(client, user.email, environ_base=OWNER).status_code == 302
    with app.app_context():
        left = db.session.scalar(
            select(func.count()).where(LoginFailure.key == f"account:{user.email}")
        )
    assert left == 0


def test_the_lock_lifts_when_the_window_has_passed(
    app: Flask, client: FlaskClient, user: User
) -> None:
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    fail(client, user.email, limit - 1)
    assert login(client, user.email, "x", environ_base=ATTACKER).status_code == 429
    with app.app_context():
        db.session.execute(
            update(LoginFailure).values(
                failed_at=LoginFailure.failed_at - app.config["LOGIN_LOCKOUT_SECONDS"]
            )
        )
        db.session.commit()
    assert login(client, user.email, environ_base=ATTACKER).status_code == 302


def test_retry_after_counts_from_the_limit_th_newest_failure(app: Flask) -> None:
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    window = app.config["LOGIN_LOCKOUT_SECONDS"]
    now = time.time()
    with app.app_context():
        counters = ["account:x@example.com"]
        for i in range(limit):
            throttle.record_failure(counters, now=now - 100 + i)
        assert throttle.retry_after(counters, now=now) == window - 100
        assert throttle.retry_after(counters, now=now + window - 100) == 0
        assert throttle.retry_after(["account:other@example.com"], now=now) == 0


@pytest.mark.parametrize("value", ["five", "-1"])
def test_limits_must_be_whole_numbers(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from myapp import create_app

    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", value)
    with pytest.raises(RuntimeError, match="LOGIN_FAILURE_LIMIT"):
        create_app("testing")


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from myapp import create_app

    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "3")
    monkeypatch.setenv("LOGIN_LOCKOUT_SECONDS", "60")
    app = create_app("testing")
    assert app.config["LOGIN_FAILURE_LIMIT"] == 3
    assert app.config["LOGIN_LOCKOUT_SECONDS"] == 60


def test_logins_resets_and_sign_ups_are_counted_apart(app: Flask) -> None:
    kinds = ["login", "reset", "register"]
    counters = [throttle.keys("ada@example.com", "203.0.113.5", kind) for kind in kinds]
    # Six counters, none shared: one kind's limit never locks another.
    assert len({key for keys in counters for key in keys}) == 2 * len(kinds)


@pytest.mark.parametrize(
    ("wait", "text"),
    [(900, "15 more minutes"), (61, "2 more minutes"), (30, "1 more minute.")],
)
def test_the_lockout_page_says_how_long(
    app: Flask, client: FlaskClient, user: User, wait: int, text: str
) -> None:
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    fail(client, user.email, limit - 1)
    locked = login(client, user.email, "wrong password", environ_base=ATTACKER)
    assert locked.status_code == 429
    now = time.time()
    # Age the failures so that the lock has ``wait`` seconds left.
    window = app.config["LOGIN_LOCKOUT_SECONDS"]
    with app.app_context():
        db.session.execute(update(LoginFailure).values(failed_at=now - window + wait))
        db.session.commit()
    response = login(client, user.email, environ_base=ATTACKER)
    assert response.status_code == 429
    page = " ".join(response.get_data(as_text=True).split())
    assert f"After {limit} failed logins this account or this address is locked" in page
    assert f"for {text}" in page


def test_failures_that_left_the_window_are_deleted(app: Flask) -> None:
    window = app.config["LOGIN_LOCKOUT_SECONDS"]
    now = time.time()
    with app.app_context():
        throttle.record_failure(["account:old@example.com"], now=now - window - 1)
        throttle.record_failure(["account:new@example.com"], now=now)
        keys = db.session.scalars(select(LoginFailure.key)).all()
    assert keys == ["account:new@example.com"]


def test_a_limit_of_one_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    from myapp import create_app

    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "1")
    assert create_app("testing").config["LOGIN_FAILURE_LIMIT"] == 1
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "0")
    with pytest.raises(
        RuntimeError, match=r"^LOGIN_FAILURE_LIMIT must be at least 1\.$"
    ):
        create_app("testing")
