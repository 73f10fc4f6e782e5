"""Configuration for each environment, chosen by ``APP_ENV``.

The classes hold the settings that are fixed per environment; ``configure``
adds the ones that come from the environment (``SECRET_KEY``,
``DATABASE_URL``) at the moment an app is created. The environment is the
process environment over the variables of a ``.env`` file in the working
directory (or the file that ``ENV_FILE`` names), so gunicorn and the
``flask`` command see the same settings.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from dotenv import dotenv_values
from flask import Flask

from .mail import check_url as check_email_url

DEFAULT_ENV = "development"
SQLITE_FILE = "myapp.sqlite"

Env = Mapping[str, str]


class Config:
    """Settings shared by every environment."""

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # Stale connections are common behind poolers and after database restarts.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}
    PROXY_FIX_HOPS = 0
    # Redirect plain HTTP to HTTPS and send HSTS (production).
    FORCE_HTTPS = False
    # Login throttling (see throttle.py): this many failures per account, or
    # per client address, within the window lock it for the rest of the window.
    LOGIN_FAILURE_LIMIT = 5
    LOGIN_LOCKOUT_SECONDS = 900
    # How long a password-reset link stays valid.
    PASSWORD_RESET_SECONDS = 3600
    # Where e-mail goes (see mail.py): the console outside production.
    EMAIL_URL = "consolemail://"
    MAIL_FROM = "webmaster@localhost"

    @classmethod
    def secret_key(cls, app: Flask, env: Env) -> str:
        raise NotImplementedError

    @classmethod
    def database_url(cls, env: Env) -> str | None:
        """The database URL from the environment; None means the SQLite default."""
        return env.get("DATABASE_URL") or None


class DevelopmentConfig(Config):
    @classmethod
    def secret_key(cls, app: Flask, env: Env) -> str:
        return env.get("SECRET_KEY") or dev_secret_key(Path(app.instance_path))


class TestingConfig(Config):
    TESTING = True
    EMAIL_URL = "memory://"
    # Tests that exercise CSRF switch it back on; the rest post forms directly.
    WTF_CSRF_ENABLED = False

    @classmethod
    def secret_key(cls, app: Flask, env: Env) -> str:
        return secrets.token_hex(32)

    @classmethod
    def database_url(cls, env: Env) -> str | None:
        # Never DATABASE_URL: a test run must not touch a real database by
        # accident. CI points TEST_DATABASE_URL at a throwaway server instead.
        return env.get("TEST_DATABASE_URL") or "sqlite://"


class ProductionConfig(Config):
    # Django's default too: a mail server on this machine.
    EMAIL_URL = "smtp://localhost:25"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_FIX_HOPS = 1
    FORCE_HTTPS = True

    @classmethod
    def secret_key(cls, app: Flask, env: Env) -> str:
        key = env.get("SECRET_KEY")
        if not key:
            raise RuntimeError(
                "SECRET_KEY is not set. The production configuration has no "
                "default: export SECRET_KEY with a long random value, e.g. the "
                'output of python -c "import secrets; print(secrets.token_hex(32))".'
            )
        return key


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def environment() -> dict[str, str]:
    """The process environment over the variables of the ``.env`` file.

    Real environment variables win, as they do for the ``flask`` command. The
    file is looked up in the working directory, never beside the installed
    package.
    """
    path = Path(os.environ.get("ENV_FILE") or ".env")
    from_file: dict[str, str] = {}
    if path.is_file():
        from_file = {
            key: value
            for key, value in dotenv_values(path).items()
            if value is not None
        }
    return {**from_file, **os.environ}


def instance_path(env: Env) -> str:
    """``$INSTANCE_PATH``, or ``instance/`` in the working directory."""
    return str(Path(env.get("INSTANCE_PATH") or "instance").resolve())


def configure(
    app: Flask, config_name: str | None = None, env: Env | None = None
) -> None:
    """Load the configuration named ``config_name`` (default: ``$APP_ENV``)."""
    if env is None:
        env = environment()
    name = config_name or env.get("APP_ENV") or DEFAULT_ENV
    try:
        config_class = CONFIGS[name]
    except KeyError:
        choices = ", ".join(CONFIGS)
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {choices}.") from None

    app.config.from_object(config_class)
    app.config["APP_ENV"] = name
    app.config["SECRET_KEY"] = config_class.secret_key(app, env)
    url = config_class.database_url(env)
    if url is None:
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{instance / SQLITE_FILE}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    for key in ("EMAIL_URL", "MAIL_FROM"):
        if env.get(key):
            app.config[key] = env[key]
    check_email_url(app.config["EMAIL_URL"])
    for key in (
        "PROXY_FIX_HOPS",
        "LOGIN_FAILURE_LIMIT",
        "LOGIN_LOCKOUT_SECONDS",
        "PASSWORD_RESET_SECONDS",
    ):
        value = env.get(key)
        if value:
            if not value.isdigit():
                raise RuntimeError(f"{key} must be a whole number, not {value!r}.")
            app.config[key] = int(value)
    if app.config["LOGIN_FAILURE_LIMIT"] < 1:
        raise RuntimeError("LOGIN_FAILURE_LIMIT must be at least 1.")


def normalize_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver.

    Hosting platforms hand out ``postgres://`` URLs, which SQLAlchemy rejects,
    and ``postgresql://`` would select psycopg2, which is not installed.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def dev_secret_key(instance_path: Path) -> str:
    """A key kept in the instance folder, so development sessions survive restarts.

    It is created on first use and never committed (``instance/`` is ignored),
    which keeps every checkout's key its own.
    """
    path = instance_path / "dev-secret-key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process, such as the reloader's child, wrote it first
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()
