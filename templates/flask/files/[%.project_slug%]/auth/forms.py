from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    ValidationError,
)

from .. import passwords
from ..models import normalize_email


def _normalize(value: str | None) -> str | None:
    return normalize_email(value) if value else value


class RegistrationForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_normalize],
        validators=[DataRequired(), Email(), Length(max=255)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The passwords do not match."),
        ],
    )
    submit = SubmitField("Create account")

    def validate_password(self, field: PasswordField) -> None:
        found = passwords.problems(field.data or "", self.email.data)
        if found:
            raise ValidationError(" ".join(found))


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[_normalize], validators=[DataRequired(), Email()]
    )
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me")
    submit = SubmitField("Log in")


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_normalize],
        validators=[DataRequired(), Email(), Length(max=255)],
    )
    submit = SubmitField("Send me a link")


class NewPasswordForm(FlaskForm):
    """The new password for ``email``, who is checked for similarity."""

    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=passwords.MAX_LENGTH)],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The passwords do not match."),
        ],
    )
    submit = SubmitField("Set password")

    def __init__(self, email: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.account_email = email

    def validate_password(self, field: PasswordField) -> None:
        found = passwords.problems(field.data or "", self.account_email)
        if found:
            raise ValidationError(" ".join(found))
