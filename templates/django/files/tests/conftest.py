import pytest
from rest_framework.test import APIClient

from users.models import User

PASSWORD = "a-long-test-passphrase-7"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(username, **extra):
        extra.setdefault("email", f"{username}@example.com")
        return User.objects.create_user(username=username, password=PASSWORD, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice")


@pytest.fixture
def other_user(make_user):
    return make_user("bob")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    """An API client logged in through the session, as a browser would be."""
    client = APIClient()
    client.force_login(user)
    return client
