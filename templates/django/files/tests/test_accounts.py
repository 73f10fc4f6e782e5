import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import IntegrityError
from django.test import Client

from users.forms import SignupForm
from users.models import User

pytestmark = pytest.mark.django_db


def test_home_page_offers_signup_and_login(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/accounts/signup/" in response.content
    assert b"/accounts/login/" in response.content


def test_signup_creates_user_and_sends_to_login(client, password):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dave",
            "email": "Dave@Example.com",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    user = User.objects.get(username="dave")
    assert user.email == "Dave@example.com"
    assert user.check_password(password)
    assert SESSION_KEY not in client.session
    [message] = mail.outbox
    assert message.to == ["Dave@example.com"]
    assert message.subject == "Welcome"
    assert "http://testserver/accounts/login/" in message.body


def signup(email, username, password):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": password,
            "password2": password,
        },
        follow=True,
    )
    assert response.status_code == 200
    # The CSRF token is masked afresh on every page; it is not a difference.
    page = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"',
        "CSRF",
        response.content.decode(),
    )
    return response.redirect_chain, page


def test_signup_with_a_taken_address_looks_like_a_new_one(user, password):
    new = signup("erin@example.com", "erin", password)
    taken = signup(user.email.upper(), "erin2", "another long passphrase 3")
    assert new == taken
    assert not User.objects.filter(username="erin2").exists()
    user.refresh_from_db()
    assert user.check_password(password)
    sent = {m.to[0].lower(): m.subject for m in mail.outbox}
    assert sent == {
        "erin@example.com": "Welcome",
        user.email: "Someone tried to sign up with your address",
    }


def test_a_taken_username_is_still_an_error(user, password):
    chain, page = signup("new@example.com", user.username, password)
    assert chain == []
    assert "A user with that username already exists." in page


def test_signup_rejects_mismatched_passwords(client, password):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "erin",
            "email": "erin@example.com",
            "password1": password,
            "password2": password + "x",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="erin").exists()


def test_login_and_post_logout(client, user, password):
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert b"logged out" in response.content
    assert SESSION_KEY not in client.session


def test_logout_by_get_is_refused(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_rejects_wrong_password(client, user):
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_refuses_non_staff(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_opens_for_superuser(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_signup_sends_a_logged_in_user_home(client, user):
    client.force_login(user)
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_mail_server_failure_is_logged_not_shown(user, password, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("users.views.send_mail", refuse)
    chain, page = signup("frank@example.com", "frank", password)
    assert chain == [("/accounts/login/", 302)]
    assert "Thank you" in page
    [record] = [r for r in caplog.records if r.name == "users.views"]
    assert record.getMessage() == "Could not send e-mail to frank@example.com"


def test_the_owner_of_a_taken_address_is_told_how_to_get_in(user, password):
    signup(user.email, "erin", password)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password_reset/" in message.body


def test_a_taken_address_still_costs_a_password_hash(user, password, monkeypatch):
    # The same work as a new sign-up, so the time taken tells nothing.
    hashed: list[str] = []
    monkeypatch.setattr("users.views.make_password", hashed.append)
    signup(user.email, "erin", password)
    assert hashed == [password]


def test_an_address_taken_meanwhile_is_answered_as_taken(user, password, monkeypatch):
    # Another sign-up took the address between the check and the insert.
    def taken_meanwhile(self, commit=True):
        raise IntegrityError("UNIQUE constraint failed: users_user.email")

    monkeypatch.setattr(SignupForm, "save", taken_meanwhile)
    chain, page = signup("new@example.com", "erin", password)
    assert chain == [("/accounts/login/", 302)]
    assert "Thank you" in page
    [message] = mail.outbox
    assert message.subject == "Someone tried to sign up with your address"


def test_pages_carry_the_project_name(client, settings):
    name = settings.PROJECT["name"]
    page = client.get("/").content.decode()
    assert f"<title>{name}</title>" in page
