"""The password rules match Django's validators."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from myapp.extensions import db
from myapp.models import User
from myapp.passwords import problems


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 8 characters"),
        ("12345678", "entirely numeric"),
        ("94837261504", "entirely numeric"),
        ("password", "too common"),
        ("Password", "too common"),
        ("iloveyou", "too common"),
        ("grace.hopper@example.com", "too similar to the email"),
        ("gracehopper", "too similar to the email"),
    ],
)
def test_weak_passwords_are_refused_at_registration(
    app: Flask, client: FlaskClient, password: str, message: str
) -> None:
    response = client.post(
        "/auth/register",
        data={
            "email": "grace.hopper@example.com",
            "password": password,
            "confirm": password,
        },
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_strong_password_has_no_problems() -> None:
    assert problems("correct horse battery", "grace@example.com") == []


def test_every_problem_is_reported() -> None:
    assert len(problems("1234567", "1234567@example.com")) == 4


def test_similarity_is_only_checked_against_an_address() -> None:
    assert problems("gracehopper1") == []
    assert problems("gracehopper1", "") == []


def test_the_messages_name_each_problem() -> None:
    assert problems("9173", "ada@example.com") == [
        "The password must have at least 8 characters.",
        "The password cannot be entirely numeric.",
    ]
    assert problems("ada@example.com", "ada@example.com") == [
        "The password is too similar to the email address."
    ]
    assert problems("password", "ada@example.com") == ["This password is too common."]


def test_eight_characters_are_enough() -> None:
    assert problems("zq7#wplx", "ada@example.com") == []
