"""Database models (SQLAlchemy 2.0 typed declarative style)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import cache
from hmac import compare_digest

from flask_login import UserMixin
from sqlalchemy import DateTime, Float, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import Base, db, login_manager


# Mapped on Base, the class given to SQLAlchemy(model_class=...): it shares
# db.Model's metadata and registry, and type checkers can see it, which they
# cannot do through the db.Model attribute.
class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-case (see normalize_email) so that uniqueness is
    # case-insensitive on every database without a functional index.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )
    # Part of every session and remember-me cookie of this user (see get_id)
    # and checked on every request: replacing it ends them all, copies of a
    # cookie saved elsewhere included. Empty only for rows older than the
    # column, which then match no cookie.
    session_token: Mapped[str] = mapped_column(
        String(64), default=lambda: new_token(), server_default=""
    )
    # Which login this object was loaded for: random per login, so the
    # remember-me cookie changes at every login. Not stored.
    login_nonce = ""

    def get_id(self) -> str:
        """Flask-Login's "alternative token": what the cookies carry."""
        return f"{self.id}:{self.session_token}:{self.login_nonce}"

    def start_login(self) -> None:
        """Prepare for ``login_user``: a fresh remember-me value."""
        if not self.session_token:
            self.session_token = new_token()
        self.login_nonce = new_token()

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this user."""
        self.session_token = new_token()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        # Whoever knew the old password may hold a session: end them all.
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginFailure(Base):
    """One failed login, counted against its account and its client address.

    Kept in the database rather than in memory so that every gunicorn worker
    and every restart see the same count (see throttle.py).
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The counter's name: the account's e-mail or the client's address,
    # each with its prefix (see throttle.keys).
    key: Mapped[str] = mapped_column(String(300), index=True)
    # Unix time: plain arithmetic, and no time-zone handling that differs
    # between SQLite and PostgreSQL.
    failed_at: Mapped[float] = mapped_column(Float, index=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def normalize_email(email: str) -> str:
    return email.strip().lower()


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None.

    An unknown address still costs one hash check, so response times do not
    reveal which addresses have accounts.
    """
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names, if it is still valid."""
    number, _, rest = user_id.partition(":")
    token, _, nonce = rest.partition(":")
    if not number.isdigit() or not token:
        return None
    user = db.session.get(User, int(number))
    if user is None or not compare_digest(token, user.session_token):
        return None
    user.login_nonce = nonce
    return user
