import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.db import IntegrityError, transaction

from users.forms import SignupForm, UserAdminChangeForm
from users.models import DUPLICATE_EMAIL, User

pytestmark = pytest.mark.django_db


def test_custom_user_model_is_in_force(settings):
    assert settings.AUTH_USER_MODEL == "users.User"
    assert get_user_model() is User


def test_login_field_and_required_fields_match_createsuperuser():
    assert User.USERNAME_FIELD == "username"
    assert User.REQUIRED_FIELDS == ["email"]


def test_password_is_stored_hashed(user, password):
    assert user.password != password
    assert identify_hasher(user.password)
    assert user.check_password(password)


def test_email_is_unique_in_the_database(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="alice2", email=user.email)


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_signup_form_leaves_a_taken_address_to_the_view(user, password, case):
    # SignupView answers a taken address like a new one; the form must not
    # show it as an error.
    form = SignupForm(
        data={
            "username": "alice2",
            "email": case(user.email),
            "password1": password,
            "password2": password,
        }
    )
    assert form.is_valid(), form.errors


def test_createsuperuser_noinput_uses_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passphrase-9")
    call_command("createsuperuser", "--noinput", verbosity=0)

    admin = User.objects.get(username="root")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.email == "root@example.com"
    assert admin.check_password("a-long-admin-passphrase-9")


def test_admin_can_add_user_with_email(admin_client):
    response = admin_client.post(
        "/admin/users/user/add/",
        {
            "username": "carol",
            "email": "carol@example.com",
            "usable_password": "true",
            "password1": "a-long-test-passphrase-8",
            "password2": "a-long-test-passphrase-8",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="carol").email == "carol@example.com"


def test_admin_user_pages_render(admin_client, user):
    assert admin_client.get("/admin/users/user/").status_code == 200
    assert admin_client.get(f"/admin/users/user/{user.pk}/change/").status_code == 200


def test_signup_form_accepts_a_new_email_while_others_exist(user, other_user, password):
    form = SignupForm(
        data={
            "username": "carol",
            "email": "carol@example.com",
            "password1": password,
            "password2": password,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "carol@example.com"


def test_admin_edit_keeps_the_users_own_email(user, other_user):
    # The uniqueness check must not count the user being edited.
    form = UserAdminChangeForm(
        instance=user,
        data={"username": user.username, "email": user.email.upper()},
    )
    assert form.is_valid(), form.errors


def test_admin_edit_refuses_another_users_email(user, other_user):
    form = UserAdminChangeForm(
        instance=user,
        data={"username": user.username, "email": other_user.email.upper()},
    )
    assert not form.is_valid()
    assert form.errors["email"] == [DUPLICATE_EMAIL]
    # The code lets callers tell this error from a malformed address.
    assert [e.code for e in form.errors.as_data()["email"]] == ["unique"]


def test_admin_change_page_saves_an_unchanged_email(admin_client, user):
    response = admin_client.post(
        f"/admin/users/user/{user.pk}/change/",
        {
            "username": user.username,
            "email": user.email,
            "first_name": "Alice",
            "last_name": "",
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.first_name == "Alice"
