from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from myapp.auth.routes import safe_next_url
from myapp.extensions import db
from myapp.models import User, load_user

from .helpers import PASSWORD, login


def register(client: FlaskClient, email: str, password: str = PASSWORD, confirm=None):
    return client.post(
        "/auth/register",
        data={"email": email, "password": password, "confirm": confirm or password},
    )


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_register_page_has_labelled_fields(client: FlaskClient) -> None:
    html = client.get("/auth/register").get_data(as_text=True)
    for field in ("email", "password", "confirm"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html


def test_register_stores_a_scrypt_hash_and_a_lower_case_email(
    app: Flask, client: FlaskClient
) -> None:
    response = register(client, "  Grace@Example.COM ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.email == "grace@example.com"
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD)
        assert not user.check_password("wrong password")


def test_sign_up_works_while_another_account_exists(
    app: Flask, client: FlaskClient, user: User
) -> None:
    response = register(client, "grace@example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert user_count(app) == 2


def test_an_existing_address_gets_the_answer_of_a_new_one(
    app: Flask, client: FlaskClient, user: User
) -> None:
    new = register(client, "grace@example.com")
    new_page = client.get(new.headers["Location"]).get_data(as_text=True)
    taken = register(client, "ADA@example.com", password="another passphrase")
    taken_page = client.get(taken.headers["Location"]).get_data(as_text=True)

    assert (new.status_code, new.headers["Location"]) == (
        taken.status_code,
        taken.headers["Location"],
    )
    assert new_page == taken_page
    assert user_count(app) == 2
    with app.app_context():
        ada = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        assert ada is not None
        assert ada.check_password(PASSWORD)
    # The owner of the address hears about it; the new user is welcomed.
    sent = {m["To"]: m["Subject"] for m in app.extensions["outbox"]}
    assert sent == {
        "grace@example.com": "Welcome",
        "ada@example.com": "Someone tried to sign up with your address",
    }


def test_registration_is_throttled_per_address(app: Flask, client: FlaskClient) -> None:
    for i in range(app.config["LOGIN_FAILURE_LIMIT"]):
        assert register(client, f"user{i}@example.com").status_code == 302
    assert register(client, "one-more@example.com").status_code == 429
    assert user_count(app) == app.config["LOGIN_FAILURE_LIMIT"]


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com", ""])
def test_invalid_email_is_refused(app: Flask, client: FlaskClient, email: str) -> None:
    response = register(client, email)
    assert response.status_code == 200
    assert 'class="errors" id="email-errors"' in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_mismatched_passwords_are_refused(app: Flask, client: FlaskClient) -> None:
    response = register(client, "bob@example.com", confirm="something else")
    assert "The passwords do not match." in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_short_password_is_refused(app: Flask, client: FlaskClient) -> None:
    response = register(client, "bob@example.com", password="short")
    assert 'id="password-errors"' in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_login_then_dashboard_then_logout(client: FlaskClient, user: User) -> None:
    response = login(client, "Ada@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"

    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "ada@example.com" in dashboard.get_data(as_text=True)

    response = client.post("/auth/logout")
    assert response.status_code == 200
    assert "You have been logged out" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_bad_credentials_are_refused(
    client: FlaskClient, user: User, email: str, password: str
) -> None:
    response = login(client, email, password)
    assert response.status_code == 200
    assert "Invalid email or password." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_logout_is_post_only(client: FlaskClient, user: User) -> None:
    login(client, user.email)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_dashboard_redirects_anonymous_users_to_login(client: FlaskClient) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fdashboard"


def test_login_follows_a_local_next(client: FlaskClient, user: User) -> None:
    response = login(client, user.email, query_string={"next": "/dashboard?tab=1"})
    assert response.headers["Location"] == "/dashboard?tab=1"


OFFSITE = [
    "https://evil.com",
    "http://evil.com/dashboard",
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    # Other control characters: none belongs in a URL a browser is sent to.
    "/\x00/evil.com",
    "/dash\x1fboard",
    "/dash\x7fboard",
    "https:evil.com",
    "javascript:alert(1)",
    "evil.com",
]


@pytest.mark.parametrize("target", OFFSITE)
def test_login_ignores_offsite_next(
    client: FlaskClient, user: User, target: str
) -> None:
    response = login(client, user.email, query_string={"next": target})
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", OFFSITE)
def test_safe_next_url_refuses_offsite_targets(target: str) -> None:
    assert safe_next_url(target) is None


def test_safe_next_url_keeps_local_paths() -> None:
    assert safe_next_url("/dashboard?x=1#top") == "/dashboard?x=1#top"
    # Printable characters, the space included, are not control characters.
    assert safe_next_url("/search?q=a b") == "/search?q=a b"
    assert safe_next_url("/caf\u00e9~") == "/caf\u00e9~"
    assert safe_next_url(None) is None


def test_remember_me_sets_a_remember_cookie(client: FlaskClient, user: User) -> None:
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
    )
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_logged_in_users_skip_the_forms(client: FlaskClient, user: User) -> None:
    login(client, user.email)
    assert client.get("/auth/login").headers["Location"] == "/dashboard"
    assert client.get("/auth/register").headers["Location"] == "/dashboard"


def test_user_loader_ignores_malformed_ids(app: Flask, user: User) -> None:
    token = user.session_token
    with app.app_context():
        assert load_user("not-a-number") is None
        assert load_user(str(user.id)) is None
        assert load_user(f"{user.id}:") is None
        assert load_user(f"{user.id + 1}:{token}:n") is None
        # A token differing in its last character (never the same one).
        other = "y" if token.endswith("x") else "x"
        assert load_user(f"{user.id}:{token[:-1]}{other}:n") is None
        loaded = load_user(f"{user.id}:{token}:n")
        assert loaded is not None
        assert loaded.email == user.email
        assert loaded.get_id() == f"{user.id}:{token}:n"
        assert repr(loaded) == f"<User {user.id} {user.email}>"
