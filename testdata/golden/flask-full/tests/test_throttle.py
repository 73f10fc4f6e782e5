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
