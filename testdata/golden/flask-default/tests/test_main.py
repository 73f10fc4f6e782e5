from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from myapp import create_app
from myapp.extensions import db


def test_index_is_public(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<a class="brand" href="/">' in html
    assert 'href="/auth/register"' in html
    assert 'href="/static/style.css"' in html


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_stylesheet_is_served(client: FlaskClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    response.close()


def test_healthz_reports_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no-such-dir" / "app.sqlite"
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{missing}")
    client = create_app("testing").test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    # Operators learn why from the log, with the traceback.
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [
        "Health check: database unavailable"
    ]


def test_healthz_reports_pending_migrations(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Tables made without the migrations: `flask db upgrade` never ran.
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    app = create_app("testing")
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "migrations pending"}
    with app.app_context():
        db.engine.dispose()


def test_unknown_page_is_a_plain_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
