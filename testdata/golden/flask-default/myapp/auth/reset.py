"""Password-reset tokens: signed, expiring, and single-use.

A token names the user and a digest of the password hash it was made for;
setting a new password changes the hash, so a used token (and every older
one) stops working. It expires after ``PASSWORD_RESET_SECONDS``.
"""

from __future__ import annotations

import hashlib
from hmac import compare_digest
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import User

SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "hash": _digest(user)})


def user_for(token: str) -> User | None:
    """The user ``token`` lets set a new password, or None."""
    try:
        data: Any = _serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_SECONDS"]
        )
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not compare_digest(str(data.get("hash")), _digest(user)):
        return None
    return user
