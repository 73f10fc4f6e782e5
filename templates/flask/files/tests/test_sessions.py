"""Sessions end: logout and a new password invalidate every cookie of the user."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from [% .project_slug %].extensions import db
from [% .project_slug %].models import User

from .helpers import PASSWORD, login


def remember_login(client: FlaskClient, user: User) -> str:
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
    )
    assert response.status_code == 302
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    return cookie.value


def fresh_client_with(app: Flask, name: str, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def test_a_session_cookie_saved_before_logout_is_refused_after_it(
    app: Flask, client: FlaskClient, user: User
) -> None:
    login(client, user.email)
    saved = client.get_cookie("session")
    assert saved is not None
    replay = fresh_client_with(app, "session", saved.value)
    assert replay.get("/dashboard").status_code == 200

    client.post("/auth/logout")
    assert replay.get("/dashboard").status_code == 302


def test_logout_ends_the_sessions_of_every_device(
    app: Flask, client: FlaskClient, user: User
) -> None:
    login(client, user.email)
    laptop = app.test_client()
    login(laptop, user.email)
    client.post("/auth/logout")
    assert laptop.get("/dashboard").status_code == 302


def test_remember_me_rotates_at_every_login(
    app: Flask, client: FlaskClient, user: User
) -> None:
    first = remember_login(client, user)
    second = remember_login(app.test_client(), user)
    assert first != second
    # Both are good until a logout; each opens the dashboard on its own.
    for value in (first, second):
        replay = fresh_client_with(app, "remember_token", value)
        assert replay.get("/dashboard").status_code == 200


def test_remember_me_dies_at_logout(
    app: Flask, client: FlaskClient, user: User
) -> None:
    value = remember_login(client, user)
    response = client.post("/auth/logout")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Clear-Site-Data"] == '"cookies", "storage"'
    replay = fresh_client_with(app, "remember_token", value)
    assert replay.get("/dashboard").status_code == 302


def test_a_new_password_ends_every_session(
    app: Flask, client: FlaskClient, user: User
) -> None:
    value = remember_login(client, user)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored is not None
        stored.set_password("another long passphrase")
        db.session.commit()
    assert client.get("/dashboard").status_code == 302
    replay = fresh_client_with(app, "remember_token", value)
    assert replay.get("/dashboard").status_code == 302
