from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

DUPLICATE_EMAIL = "A user with that email address already exists."


class User(AbstractUser):
    """The project's own user model, in place from the first migration.

    Swapping the user model once tables exist is a painful migration, so the
    project starts with one even though it adds little yet. Users log in with
    their username; the e-mail address is required and unique so that it can
    identify an account (password resets, notifications).
    """

    email = models.EmailField(
        "email address",
        unique=True,
        error_messages={"unique": DUPLICATE_EMAIL},
    )

    # Asked for by createsuperuser (DJANGO_SUPERUSER_EMAIL with --noinput).
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]


class Attempt(models.Model):
    """One password-reset request or sign-up, as users/throttle.py counts it.

    ``key`` is a digest of the action and what it was counted under (the
    e-mail address it named, or the client address), so the table keeps no
    address of someone who has no account here.
    """

    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.key[:12]}… at {self.at:%Y-%m-%d %H:%M:%S}"
