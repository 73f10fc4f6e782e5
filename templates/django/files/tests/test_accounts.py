import pytest
from django.contrib.auth import SESSION_KEY

from users.models import User

pytestmark = pytest.mark.django_db


def test_home_page_offers_signup_and_login(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    # The name comes from settings through the context processor.
    assert response.context["project_name"] == settings.PROJECT["name"]
    assert f"<title>{settings.PROJECT['name']}".encode() in response.content
    assert b"/accounts/signup/" in response.content
    assert b"/accounts/login/" in response.content


def test_signup_creates_user_and_logs_in(client, password):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dave",
            "email": "dave@example.com",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="dave")
    assert user.email == "dave@example.com"
    assert user.check_password(password)
    assert client.session[SESSION_KEY] == str(user.pk)
    # The home page greets the new user once.
    home = client.get(response["Location"])
    assert [str(m) for m in home.context["messages"]] == [
        "Welcome! Your account has been created."
    ]
    assert b"Welcome! Your account has been created." in home.content


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
