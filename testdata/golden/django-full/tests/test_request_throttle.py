"""Password-reset requests and sign-ups are throttled per account and per
client address, counted in the database (users/throttle.py)."""

from datetime import timedelta
from io import StringIO
from itertools import count

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db.models import F

from users.models import Attempt, User

pytestmark = pytest.mark.django_db

names = count()


def reset_form(email):
    return {"email": email}


def signup_form(email):
    # A new username each time: a taken one would be refused by the form,
    # and the throttle must count every sign-up, accepted or not.
    password = "a-long-test-passphrase-7"
    return {
        "username": f"user{next(names)}",
        "email": email,
        "password1": password,
        "password2": password,
    }


FORMS = {
    "password_reset": ("/accounts/password_reset/", reset_form),
    "signup": ("/accounts/signup/", signup_form),
}


@pytest.fixture(params=sorted(FORMS))
def action(request):
    return request.param


def post(client, action, email, address="203.0.113.5", **extra):
    url, form = FORMS[action]
    return client.post(url, form(email), REMOTE_ADDR=address, **extra)


def limit_of(action):
    return settings.FORM_THROTTLES[action][0]


def window_of(action):
    return int(settings.FORM_THROTTLES[action][1].total_seconds())


def use_up(client, action, emails, addresses):
    for email, address in zip(emails, addresses, strict=True):
        response = post(client, action, email, address)
        assert response.status_code == 302, response.content


def test_the_limit_then_429_with_retry_after(client, action, user):
    # An account's address: each request that gets through mails it.
    limit = limit_of(action)
    use_up(client, action, [user.email] * limit, ["203.0.113.5"] * limit)
    sent = len(mail.outbox)
    assert sent == limit

    response = post(client, action, user.email)
    assert response.status_code == 429
    assert window_of(action) - 60 < int(response["Retry-After"]) <= window_of(action)
    assert b"Too many requests" in response.content
    # The view did not run: no e-mail, no account.
    assert len(mail.outbox) == sent
    if action == "signup":
        assert User.objects.count() == 1


def test_one_account_is_limited_from_every_address(client, action):
    limit = limit_of(action)
    addresses = [f"198.51.100.{i}" for i in range(limit)]
    use_up(client, action, ["Ann@Example.com "] * limit, addresses)
    # Another spelling of the same address, from a new client address.
    assert post(client, action, "ann@example.COM", "192.0.2.1").status_code == 429
    assert post(client, action, "bob@example.com", "192.0.2.1").status_code == 302


def test_one_address_is_limited_for_every_account(client, action):
    limit = limit_of(action)
    emails = [f"person{i}@example.com" for i in range(limit)]
    use_up(client, action, emails, ["203.0.113.5"] * limit)
    assert post(client, action, "new@example.com", "203.0.113.5").status_code == 429
    assert post(client, action, "new@example.com", "192.0.2.1").status_code == 302


def test_a_forwarded_for_header_does_not_change_the_address(client, action):
    # Without a proxy configured for django-axes, X-Forwarded-For is the
    # client's own claim.
    limit = limit_of(action)
    for i in range(limit):
        response = post(
            client,
            action,
            f"person{i}@example.com",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
        assert response.status_code == 302
    response = post(
        client, action, "new@example.com", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429


def test_refused_requests_are_not_counted(client, action):
    limit = limit_of(action)
    use_up(client, action, ["ann@example.com"] * limit, ["203.0.113.5"] * limit)
    counted = Attempt.objects.count()
    for _ in range(3):
        assert post(client, action, "ann@example.com").status_code == 429
    assert Attempt.objects.count() == counted


def test_the_window_passing_lifts_the_limit(client, action):
    limit = limit_of(action)
    use_up(client, action, ["ann@example.com"] * limit, ["203.0.113.5"] * limit)
    assert post(client, action, "ann@example.com").status_code == 429
    # Age the counted requests, as time would: just inside the window they
    # still count, just past it they do not.
    window = settings.FORM_THROTTLES[action][1]
    Attempt.objects.update(at=F("at") - window + timedelta(seconds=30))
    response = post(client, action, "ann@example.com")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 30
    Attempt.objects.update(at=F("at") - timedelta(seconds=31))
    assert post(client, action, "ann@example.com").status_code == 302


def test_the_actions_are_counted_apart(client):
    limit = limit_of("password_reset")
    use_up(
        client,
        "password_reset",
        ["ann@example.com"] * limit,
        ["203.0.113.5"] * limit,
    )
    assert post(client, "password_reset", "ann@example.com").status_code == 429
    assert post(client, "signup", "ann@example.com").status_code == 302


def test_a_shorter_window_does_not_forget_a_longer_ones_attempts(client, settings):
    # Each action's window is a setting of its own: counting a request under
    # a short window must not drop what a longer one still counts.
    limit = limit_of("signup")
    settings.FORM_THROTTLES = {
        "password_reset": (limit, timedelta(minutes=15)),
        "signup": (limit, timedelta(hours=2)),
    }
    use_up(client, "signup", ["ann@example.com"] * limit, ["203.0.113.5"] * limit)
    Attempt.objects.update(at=F("at") - timedelta(hours=1))
    reset = post(client, "password_reset", "bob@example.com", "192.0.2.1")
    assert reset.status_code == 302
    assert post(client, "signup", "ann@example.com", "192.0.2.2").status_code == 429


def test_throttle_reset_lifts_every_limit(client, action):
    limit = limit_of(action)
    use_up(client, action, ["ann@example.com"] * limit, ["203.0.113.5"] * limit)
    assert post(client, action, "ann@example.com").status_code == 429
    out = StringIO()
    call_command("throttle_reset", stdout=out)
    assert f"Forgot {limit * 2} counted attempts" in out.getvalue()
    assert post(client, action, "ann@example.com").status_code == 302


def test_the_page_forms_are_not_counted(client, action):
    url, _ = FORMS[action]
    for _ in range(limit_of(action) + 1):
        assert client.get(url).status_code == 200
    assert not Attempt.objects.exists()


def page_text(response):
    """The page's words, one space apart."""
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("left", "wait"),
    # Seconds still to wait, and how the page rounds them up to minutes.
    [(None, "15 minutes"), (61, "2 minutes"), (30, "1 minute")],
)
def test_the_429_page_says_how_long(client, action, settings, left, wait):
    limit = limit_of(action)
    use_up(client, action, ["ann@example.com"] * limit, ["203.0.113.5"] * limit)
    if left is not None:
        window = settings.FORM_THROTTLES[action][1]
        Attempt.objects.update(at=F("at") - window + timedelta(seconds=left))
    text = page_text(post(client, action, "ann@example.com"))
    assert f"has made {limit} requests within 15 minutes. Try again in {wait}." in text


def test_a_form_without_an_email_is_counted_by_address_only(client, action):
    url, _ = FORMS[action]
    for i in range(limit_of(action) + 1):
        response = client.post(url, {}, REMOTE_ADDR=f"198.51.100.{i}")
        # The form again, with its errors: never 429, never a crash.
        assert response.status_code == 200


def test_only_attempts_inside_the_window_count(client, settings):
    # The table keeps rows for the longest window; a shorter one must not
    # count what has left it.
    limit = limit_of("password_reset")
    settings.FORM_THROTTLES = {
        "password_reset": (limit, timedelta(minutes=15)),
        "signup": (limit, timedelta(hours=2)),
    }
    use_up(
        client,
        "password_reset",
        ["ann@example.com"] * limit,
        ["203.0.113.5"] * limit,
    )
    Attempt.objects.update(at=F("at") - timedelta(minutes=20))
    assert post(client, "password_reset", "ann@example.com").status_code == 302
