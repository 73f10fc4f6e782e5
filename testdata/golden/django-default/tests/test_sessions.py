"""Sessions end: logout and a new password invalidate the user's sessions."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def logged_in(user, password):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": password}
    )
    assert response.status_code == 302
    return client


def replay(client):
    """A new browser holding a copy of client's session cookie."""
    copy = Client()
    copy.cookies["sessionid"] = client.cookies["sessionid"].value
    return copy


def test_a_session_cookie_saved_before_logout_is_refused_after_it(user, password):
    client = logged_in(user, password)
    copy = replay(client)
    assert copy.get("/api/notes/").status_code == 200

    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert copy.get("/api/notes/").status_code == 403


def test_a_new_password_ends_the_other_sessions(user, password):
    client = logged_in(user, password)
    user.set_password("another long passphrase 9")
    user.save()
    assert client.get("/api/notes/").status_code == 403
