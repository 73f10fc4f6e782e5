"""Login throttling, counted in the database.

Each failed login is stored twice: once under its account, once under its
client address. A key with ``LOGIN_FAILURE_LIMIT`` failures inside the last
``LOGIN_LOCKOUT_SECONDS`` is locked: logins that involve it are refused,
right password or not, until the oldest of those failures leaves the window.
The count lives in the database, so every gunicorn worker and every restart
see it, and it needs no extra service.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import delete, select

from .extensions import db
from .models import LoginFailure


def keys(email: str, address: str | None, kind: str = "login") -> list[str]:
    """The counters an attempt of ``kind`` for ``email`` from ``address`` is
    charged to; each kind (login, reset, register) is counted on its own."""
    prefix = "" if kind == "login" else f"{kind}-"
    return [f"{prefix}account:{email}", f"{prefix}address:{address or 'unknown'}"]


def _limits() -> tuple[int, float]:
    config = current_app.config
    return int(config["LOGIN_FAILURE_LIMIT"]), float(config["LOGIN_LOCKOUT_SECONDS"])


def retry_after(counters: Iterable[str], now: float | None = None) -> int:
    """Seconds until none of ``counters`` is locked; 0 when none is."""
    limit, window = _limits()
    now = time.time() if now is None else now
    wait = 0.0
    for key in counters:
        # The limit-th newest failure in the window: the lock lifts when it
        # leaves the window.
        nth = db.session.scalar(
            select(LoginFailure.failed_at)
            .where(LoginFailure.key == key, LoginFailure.failed_at > now - window)
            .order_by(LoginFailure.failed_at.desc())
            .offset(limit - 1)
            .limit(1)
        )
        if nth is not None:
            wait = max(wait, nth + window - now)
    return math.ceil(wait)


def record_failure(counters: Iterable[str], now: float | None = None) -> None:
    now = time.time() if now is None else now
    _, window = _limits()
    # Forget what has left the window, so the table stays small.
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.failed_at <= now - window)
    )
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in counters)
    db.session.commit()


def clear(key: str) -> None:
    """Forget ``key``'s failures, after a successful login."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    db.session.commit()
