"""Login throttling: django-axes counts failures in the database."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db.models import F

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def fail_logins(client, url, username, times, address="203.0.113.5"):
    for _ in range(times):
        response = client.post(
            url, {"username": username, "password": "wrong"}, REMOTE_ADDR=address
        )
        assert response.status_code == 200


def test_limit_then_429_with_retry_after_even_for_the_right_password(
    client, user, password
):
    fail_logins(client, "/accounts/login/", user.username, LIMIT - 1)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) == int(
        settings.AXES_COOLOFF_TIME.total_seconds()
    )
    assert b"Too many attempts" in response.content

    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_one_address_is_limited_across_accounts(client, make_user, password):
    fail_logins(client, "/accounts/login/", "nobody", LIMIT - 1)
    carol = make_user("carol")
    response = client.post(
        "/accounts/login/",
        {"username": carol.username, "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    response = client.post(
        "/accounts/login/",
        {"username": carol.username, "password": password},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429


def test_failures_below_the_limit_are_forgotten_after_success(client, user, password):
    fail_logins(client, "/accounts/login/", user.username, LIMIT - 1)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_lockout_ends_with_the_cool_off(client, user, password):
    fail_logins(client, "/accounts/login/", user.username, LIMIT - 1)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    fail_logins(client, "/accounts/login/", user.username, LIMIT - 1)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    # Age the recorded failures past the cool-off, as time would.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME
    )
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": password},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302


def test_admin_login_is_throttled_too(client, make_user, password):
    admin = make_user("root", is_staff=True, is_superuser=True)
    fail_logins(client, "/admin/login/", admin.username, LIMIT - 1)
    response = client.post(
        "/admin/login/",
        {"username": admin.username, "password": password},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302
    client.post("/admin/logout/")
    fail_logins(client, "/admin/login/", admin.username, LIMIT - 1)
    response = client.post(
        "/admin/login/",
        {"username": admin.username, "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    response = client.post(
        "/admin/login/",
        {"username": admin.username, "password": password},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("cool_off", "locked_for"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(seconds=61), "2 minutes"),
        (timedelta(seconds=30), "1 minute"),
    ],
)
def test_the_lockout_page_says_how_long(client, user, settings, cool_off, locked_for):
    settings.AXES_COOLOFF_TIME = cool_off
    fail_logins(client, "/accounts/login/", user.username, LIMIT - 1)
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(cool_off.total_seconds()))
    text = " ".join(response.content.decode().split())
    assert (
        f"After {LIMIT} failed logins this account or this address is locked "
        f"for {locked_for}." in text
    )
