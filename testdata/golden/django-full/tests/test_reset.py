"""Password reset by e-mail, with Django's own views."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 5"


def request_reset(client, email):
    response = client.post("/accounts/password_reset/", {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def link_in(message):
    found = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def set_password(client, path, password, confirm=None):
    # The link redirects once to a URL without the token, as Django does to
    # keep the token out of Referer headers.
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    return client.post(
        url,
        {"new_password1": password, "new_password2": confirm or password},
    )


def test_the_whole_flow(client, user, password):
    page = request_reset(client, user.email.upper())
    assert "If an account uses that address" in page
    [message] = mail.outbox
    assert message.to == [user.email]
    path = link_in(message)

    response = set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(password)


def test_an_unknown_address_gets_the_same_page_and_no_mail(user):
    known = request_reset(Client(), user.email)
    unknown = request_reset(Client(), "nobody@example.com")
    assert known == unknown
    assert len(mail.outbox) == 1


def test_a_link_works_once(client, user):
    request_reset(client, user.email)
    path = link_in(mail.outbox[0])
    assert set_password(client, path, NEW_PASSWORD).status_code == 302
    response = Client().get(path, follow=True)
    assert b"Invalid link" in response.content


def test_the_new_password_follows_the_rules(client, user):
    request_reset(client, user.email)
    path = link_in(mail.outbox[0])
    response = set_password(client, path, "12345678")
    assert response.status_code == 200
    assert b"entirely numeric" in response.content


def test_a_reset_ends_every_session(client, user, password):
    client.post("/accounts/login/", {"username": user.username, "password": password})
    assert SESSION_KEY in client.session
    request_reset(Client(), user.email)
    set_password(Client(), link_in(mail.outbox[0]), NEW_PASSWORD)
    assert client.get("/api/notes/").status_code == 403
