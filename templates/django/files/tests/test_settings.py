"""The settings modules, imported for real under chosen environments.

Django loaded config.settings.test for this run; these tests import the
other modules afresh, as a server would, without touching the active
settings.
"""

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler

SETTINGS_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_ENV_FILE",
    "DJANGO_BASE_DIR",
    "DATABASE_URL",
)

LoadSettings = Callable[..., ModuleType]


@pytest.fixture
def load_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[LoadSettings]:
    """Import config.settings.<name> with only the given variables set.

    django-environ writes what it reads from .env into its ENVIRON mapping;
    a copy keeps that out of the real environment.
    """
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(environ.Env, "ENVIRON", dict(os.environ))
    monkeypatch.setenv("DJANGO_ENV_FILE", str(tmp_path / "no.env"))
    monkeypatch.chdir(tmp_path)

    def load(name: str, **env: str) -> ModuleType:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
            environ.Env.ENVIRON[key] = value
        importlib.reload(importlib.import_module("config.settings.base"))
        return importlib.reload(importlib.import_module(f"config.settings.{name}"))

    yield load
    monkeypatch.undo()
    # Later imports of the base module see the environment of the run again.
    importlib.reload(importlib.import_module("config.settings.base"))


def test_development_defaults(load_settings: LoadSettings) -> None:
    dev = load_settings("dev")
    assert dev.DEBUG is True
    assert dev.SECRET_KEY.startswith("django-insecure-")
    assert dev.ALLOWED_HOSTS == ["localhost", "127.0.0.1", "[::1]"]
    assert dev.CSRF_TRUSTED_ORIGINS == []
    assert dev.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    # Development runs over plain http: its cookies must not be Secure.
    assert not getattr(dev, "SESSION_COOKIE_SECURE", False)
    assert not getattr(dev, "CSRF_COOKIE_SECURE", False)
    assert dev.SESSION_COOKIE_HTTPONLY is True
    assert dev.CSRF_COOKIE_HTTPONLY is True


def test_development_reads_its_variables(load_settings: LoadSettings) -> None:
    dev = load_settings(
        "dev",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="$not-a-reference",
        DJANGO_ALLOWED_HOSTS="a.example,b.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://a.example",
    )
    assert dev.DEBUG is False
    assert dev.SECRET_KEY == "$not-a-reference"
    assert dev.ALLOWED_HOSTS == ["a.example", "b.example"]
    assert dev.CSRF_TRUSTED_ORIGINS == ["https://a.example"]


def test_production_settings_are_hardened(load_settings: LoadSettings) -> None:
    prod = load_settings(
        "prod",
        DJANGO_SECRET_KEY="a-production-secret",
        DJANGO_ALLOWED_HOSTS=" example.com , www.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://example.com ",
    )
    assert prod.DEBUG is False
    assert prod.SECRET_KEY == "a-production-secret"
    assert prod.ALLOWED_HOSTS == ["example.com", "www.example.com"]
    assert prod.CSRF_TRUSTED_ORIGINS == ["https://example.com"]
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.SESSION_COOKIE_HTTPONLY is True
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert prod.SECURE_HSTS_SECONDS == 31_536_000
    assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert prod.SECURE_HSTS_PRELOAD is True
    assert prod.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert prod.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_production_switches_are_read(load_settings: LoadSettings) -> None:
    prod = load_settings(
        "prod",
        DJANGO_SECRET_KEY="a-production-secret",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="60",
    )
    assert prod.SECURE_SSL_REDIRECT is False
    assert prod.SECURE_HSTS_SECONDS == 60
    assert prod.ALLOWED_HOSTS == []


@pytest.mark.parametrize("key", [None, ""])
def test_production_refuses_to_load_without_a_key(
    load_settings: LoadSettings, key: str | None
) -> None:
    env = {} if key is None else {"DJANGO_SECRET_KEY": key}
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load_settings("prod", **env)


def test_env_file_is_read_and_the_environment_wins(
    load_settings: LoadSettings, tmp_path: Path
) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text(
        "DJANGO_ALLOWED_HOSTS=from-file.example\n"
        "DJANGO_CSRF_TRUSTED_ORIGINS=https://from-file.example\n"
    )
    dev = load_settings(
        "dev",
        DJANGO_ENV_FILE=str(env_file),
        DJANGO_CSRF_TRUSTED_ORIGINS="https://from-env.example",
    )
    assert dev.ALLOWED_HOSTS == ["from-file.example"]
    assert dev.CSRF_TRUSTED_ORIGINS == ["https://from-env.example"]


def test_env_file_in_the_working_directory_is_the_default(
    load_settings: LoadSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("DJANGO_ALLOWED_HOSTS=cwd.example\n")
    monkeypatch.delenv("DJANGO_ENV_FILE")
    dev = load_settings("dev")
    assert dev.ALLOWED_HOSTS == ["cwd.example"]


def test_data_paths_follow_the_working_directory(
    load_settings: LoadSettings, tmp_path: Path
) -> None:
    base = load_settings("base")
    here = tmp_path.resolve()
    assert here == base.BASE_DIR
    assert str(here / "db.sqlite3") == base.DATABASES["default"]["NAME"]
    assert here / "staticfiles" == base.STATIC_ROOT
    # Code-side folders stay beside the package, wherever it is installed.
    assert (base.PACKAGE_DIR / "templates" / "base.html").is_file()
    assert base.TEMPLATES[0]["DIRS"] == [base.PACKAGE_DIR / "templates"]


def test_data_paths_can_be_set(load_settings: LoadSettings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    base = load_settings("base", DJANGO_BASE_DIR=str(data))
    assert data.resolve() == base.BASE_DIR


@pytest.mark.parametrize(
    ("module", "handler"), [("config.wsgi", WSGIHandler), ("config.asgi", ASGIHandler)]
)
def test_server_entry_points(
    monkeypatch: pytest.MonkeyPatch, module: str, handler: type
) -> None:
    entry = importlib.reload(importlib.import_module(module))
    assert isinstance(entry.application, handler)
    # Unset, the entry points choose production, never the development key.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    importlib.reload(entry)
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
