"""CSRF protection and the production cookie flags, exercised over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from myapp import create_app
from myapp.extensions import db
from myapp.models import User

from .helpers import PASSWORD, csrf_tokens


@pytest.fixture
def csrf_client(app: Flask) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_post_without_csrf_token_is_rejected(
    csrf_client: FlaskClient, user: User
) -> None:
    csrf_client.get("/auth/login")
    response = csrf_client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert csrf_client.get("/dashboard").status_code == 302


def test_post_with_a_wrong_csrf_token_is_rejected(
    csrf_client: FlaskClient, user: User
) -> None:
    csrf_client.get("/auth/login")
    response = csrf_client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400


def test_register_login_and_logout_with_tokens_from_the_forms(
    csrf_client: FlaskClient,
) -> None:
    page = csrf_client.get("/auth/register").get_data(as_text=True)
    response = csrf_client.post(
        "/auth/register",
        data={
            "email": "lin@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_tokens(page)[0],
        },
    )
    assert response.status_code == 302

    page = csrf_client.get("/auth/login").get_data(as_text=True)
    response = csrf_client.post(
        "/auth/login",
        data={
            "email": "lin@example.com",
            "password": PASSWORD,
            "csrf_token": csrf_tokens(page)[0],
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"

    dashboard = csrf_client.get("/dashboard").get_data(as_text=True)
    assert csrf_client.post("/auth/logout").status_code == 400
    assert csrf_client.get("/dashboard").status_code == 200

    # The navigation's logout form carries its own token.
    token = csrf_tokens(dashboard)[0]
    response = csrf_client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 200
    assert csrf_client.get("/dashboard").status_code == 302


@pytest.fixture
def production_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    with app.app_context():
        db.create_all()
        user = User(email="ada@example.com")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cookie_header(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie set")


def assert_hardened(header: str) -> None:
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "secure" in attributes
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_production_cookies_are_secure(production_app: Flask) -> None:
    client = production_app.test_client()
    # The address the browser sees, as the proxy in front reports it.
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/auth/login", headers=https)
    assert_hardened(cookie_header(page, "session"))

    response = client.post(
        "/auth/login",
        headers={**https, "Referer": "https://localhost/auth/login"},
        data={
            "email": "ada@example.com",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_tokens(page.get_data(as_text=True))[0],
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert_hardened(cookie_header(response, "session"))
    assert_hardened(cookie_header(response, "remember_token"))


def test_production_checks_csrf(production_app: Flask) -> None:
    client = production_app.test_client()
    response = client.post(
        "/auth/login",
        headers={"X-Forwarded-Proto": "https"},
        data={"email": "ada@example.com", "password": PASSWORD},
    )
    assert response.status_code == 400
