"""The browser policy: CSP, COOP, Permissions-Policy, caching, HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from myapp import create_app
from myapp.extensions import db

from .helpers import login

PAGES = ["/", "/auth/login", "/auth/register", "/static/style.css", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policy(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/dashboard", "/", "/static/style.css"])
def test_a_logged_in_user_gets_nothing_cached(
    client: FlaskClient, user, path: str
) -> None:
    login(client, user.email)
    with client.get(path) as response:
        assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_pages_may_be_cached(client: FlaskClient) -> None:
    assert client.get("/").headers.get("Cache-Control") != "no-store"


def test_the_templates_hold_no_inline_script_or_style(client: FlaskClient) -> None:
    for path in ["/", "/auth/login", "/auth/register", "/auth/reset"]:
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert "<style" not in page
        assert " style=" not in page


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_redirects_plain_http_to_https(production: Flask) -> None:
    response = production.test_client().get(
        "/auth/login?next=/dashboard", base_url="http://localhost"
    )
    assert response.status_code == 301
    assert (
        response.headers["Location"] == "https://localhost/auth/login?next=/dashboard"
    )


def test_production_sends_hsts_over_https(production: Flask) -> None:
    response = production.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_the_health_check_answers_over_plain_http(production: Flask) -> None:
    response = production.test_client().get("/healthz", base_url="http://localhost")
    assert response.status_code in (200, 503)
    assert "Strict-Transport-Security" not in response.headers


def test_development_neither_redirects_nor_sends_hsts(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_only_the_scheme_is_changed_by_the_redirect(production: Flask) -> None:
    response = production.test_client().get(
        "/auth/login?next=/x&ref=http://localhost/y", base_url="http://localhost"
    )
    assert response.status_code == 301
    assert response.headers["Location"] == (
        "https://localhost/auth/login?next=/x&ref=http://localhost/y"
    )
