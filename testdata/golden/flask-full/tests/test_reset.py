"""Password reset by e-mail."""

from __future__ import annotations

import re
import smtplib
import time
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from myapp import mail
from myapp.auth import reset
from myapp.models import User

from .helpers import PASSWORD, login

NEW_PASSWORD = "a brand new passphrase"


def outbox(app: Flask) -> list[EmailMessage]:
    return app.extensions.setdefault("outbox", [])


def request_reset(client: FlaskClient, email: str) -> str:
    response = client.post("/auth/reset", data={"email": email})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def link_in(message: EmailMessage) -> str:
    body = message.get_content()
    found = re.search(r"http://localhost(/auth/reset/\S+)", body)
    assert found, body
    return found.group(1)


def test_the_whole_flow(app: Flask, client: FlaskClient, user: User) -> None:
    page = request_reset(client, "Ada@Example.com")
    assert "If an account uses that address" in page
    [message] = outbox(app)
    assert message["To"] == user.email
    path = link_in(message)

    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert login(client, user.email, PASSWORD).status_code == 200
    assert login(client, user.email, NEW_PASSWORD).status_code == 302


def test_an_unknown_address_gets_the_same_page_and_no_mail(
    app: Flask, client: FlaskClient, user: User
) -> None:
    known = request_reset(client, user.email)
    unknown = request_reset(app.test_client(), "nobody@example.com")
    assert known == unknown
    assert len(outbox(app)) == 1


def test_a_link_works_once(app: Flask, client: FlaskClient, user: User) -> None:
    request_reset(client, user.email)
    path = link_in(outbox(app)[0])
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 302
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/reset"


def test_a_link_expires(
    app: Flask, client: FlaskClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_reset(client, user.email)
    path = link_in(outbox(app)[0])
    later = time.time() + app.config["PASSWORD_RESET_SECONDS"] + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(path).status_code == 302


@pytest.mark.parametrize("token", ["garbage", "eyJ1c2VyIjoxfQ.x.y"])
def test_forged_links_are_refused(client: FlaskClient, user: User, token: str) -> None:
    assert client.get(f"/auth/reset/{token}").status_code == 302


def test_a_reset_ends_every_session(
    app: Flask, client: FlaskClient, user: User
) -> None:
    login(client, user.email)
    request_reset(app.test_client(), user.email)
    path = link_in(outbox(app)[0])
    other = app.test_client()
    other.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/dashboard").status_code == 302


def test_the_new_password_follows_the_rules(
    app: Flask, client: FlaskClient, user: User
) -> None:
    request_reset(client, user.email)
    path = link_in(outbox(app)[0])
    response = client.post(path, data={"password": "12345678", "confirm": "12345678"})
    assert response.status_code == 200
    assert "entirely numeric" in response.get_data(as_text=True)


def test_requests_are_throttled(app: Flask, client: FlaskClient, user: User) -> None:
    for _ in range(app.config["LOGIN_FAILURE_LIMIT"]):
        client.post("/auth/reset", data={"email": user.email})
    response = client.post("/auth/reset", data={"email": user.email})
    assert response.status_code == 429
    assert len(outbox(app)) == app.config["LOGIN_FAILURE_LIMIT"]


def test_the_console_backend_prints_the_message(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    app.config["EMAIL_URL"] = "consolemail://"
    with app.app_context():
        mail.send("ada@example.com", "Hello", "https://example.com/a-long-link")
    out = capsys.readouterr().out
    assert "To: ada@example.com" in out
    assert "https://example.com/a-long-link" in out


def test_smtp_urls_are_used(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            calls.append((host, port))

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def starttls(self) -> None:
            calls.append("starttls")

        def login(self, user: str, password: str) -> None:
            calls.append((user, password))

        def send_message(self, message: EmailMessage) -> None:
            calls.append(message["To"])

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config["EMAIL_URL"] = "smtp+tls://me%40x.org:p%2Fw@mail.example.com:587"
    with app.app_context():
        mail.send("ada@example.com", "Hello", "body")
    assert calls == [
        ("mail.example.com", 587),
        "starttls",
        ("me@x.org", "p/w"),
        "ada@example.com",
    ]


def test_unknown_email_schemes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from myapp import create_app

    monkeypatch.setenv("EMAIL_URL", "carrier-pigeon://coop")
    with pytest.raises(RuntimeError, match="carrier-pigeon"):
        create_app("testing")


def test_a_mail_server_failure_is_logged_not_shown(
    app: Flask,
    client: FlaskClient,
    user: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    app.config["EMAIL_URL"] = "smtp://localhost:25"
    page = request_reset(client, user.email)
    assert "If an account uses that address" in page
    assert "Could not send e-mail to ada@example.com" in caplog.text


def test_the_new_password_may_not_be_the_address(
    app: Flask, client: FlaskClient, user: User
) -> None:
    request_reset(client, user.email)
    path = link_in(outbox(app)[0])
    response = client.post(path, data={"password": user.email, "confirm": user.email})
    assert response.status_code == 200
    assert "too similar to the email" in response.get_data(as_text=True)


@pytest.mark.parametrize("salt", [None, "cookie-session"])
def test_a_token_signed_for_something_else_is_refused(
    app: Flask, client: FlaskClient, user: User, salt: str | None
) -> None:
    # Same key, another purpose: itsdangerous's default salt, which any use
    # of the key without one shares, or the session cookie's.
    key = app.config["SECRET_KEY"]
    with app.app_context():
        other = (
            URLSafeTimedSerializer(key, salt=salt)
            if salt
            else URLSafeTimedSerializer(key)
        )
        token = other.dumps({"user": user.id, "hash": reset._digest(user)})
    assert client.get(f"/auth/reset/{token}").status_code == 302


@pytest.mark.parametrize("payload", [["user", 1], "user", {"user": "1"}])
def test_a_signed_token_of_another_shape_is_refused(
    app: Flask, client: FlaskClient, user: User, payload: object
) -> None:
    with app.app_context():
        token = reset._serializer().dumps(payload)
    assert client.get(f"/auth/reset/{token}").status_code == 302


def test_the_message_comes_from_mail_from_and_states_the_lifetime(
    app: Flask, client: FlaskClient, user: User
) -> None:
    app.config["MAIL_FROM"] = "accounts@example.org"
    app.config["PASSWORD_RESET_SECONDS"] = 5400
    request_reset(client, user.email)
    [message] = outbox(app)
    assert message["From"] == "accounts@example.org"
    assert message["Subject"]
    assert "90 minutes" in message.get_content()


def test_mail_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from myapp import create_app

    monkeypatch.setenv("MAIL_FROM", "accounts@example.org")
    monkeypatch.setenv("PASSWORD_RESET_SECONDS", "600")
    app = create_app("testing")
    assert app.config["MAIL_FROM"] == "accounts@example.org"
    assert app.config["PASSWORD_RESET_SECONDS"] == 600


def test_smtp_over_ssl_is_used(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class FakeSSL:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            calls.append((host, port, timeout))

        def __enter__(self) -> FakeSSL:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def login(self, user: str, password: str) -> None:
            calls.append((user, password))

        def send_message(self, message: EmailMessage) -> None:
            calls.append(message["To"])

    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSSL)
    app.config["EMAIL_URL"] = "smtp+ssl://mailer@mail.example.com"
    with app.app_context():
        mail.send("ada@example.com", "Hello", "body")
    assert calls == [("mail.example.com", 0, 10), ("mailer", ""), "ada@example.com"]
