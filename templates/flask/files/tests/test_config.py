from __future__ import annotations

import importlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

import [% .project_slug %]
from [% .project_slug %] import create_app
from [% .project_slug %].config import (
    SQLITE_FILE,
    configure,
    dev_secret_key,
    normalize_database_url,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "APP_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "TEST_DATABASE_URL",
        "PROXY_FIX_HOPS",
        "ENV_FILE",
        "INSTANCE_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    # No .env of the checkout: each test writes the one it needs.
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")


def test_default_is_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app()
    assert app.config["APP_ENV"] == "development"
    assert not app.testing
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_app_env_is_read_when_the_app_is_created(
    monkeypatch: pytest.MonkeyPatch, production_env: None
) -> None:
    monkeypatch.setenv("APP_ENV", "testing")
    assert create_app().testing

    monkeypatch.setenv("APP_ENV", "production")
    app = create_app()
    assert app.config["APP_ENV"] == "production"
    assert not app.testing


def test_explicit_name_wins_over_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    assert create_app("testing").config["APP_ENV"] == "testing"


def test_unknown_app_env_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError) as error:
        create_app()
    assert str(error.value) == (
        "Unknown APP_ENV 'staging'; use one of development, testing, production."
    )


@pytest.mark.parametrize("value", [None, ""])
def test_production_refuses_to_start_without_secret_key(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    if value is not None:
        monkeypatch.setenv("SECRET_KEY", value)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_settings(production_env: None) -> None:
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "a-production-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert isinstance(app.wsgi_app, ProxyFix)


def test_proxy_fix_can_be_switched_off(
    monkeypatch: pytest.MonkeyPatch, production_env: None
) -> None:
    monkeypatch.setenv("PROXY_FIX_HOPS", "0")
    assert not isinstance(create_app("production").wsgi_app, ProxyFix)


def test_proxy_fix_hops_must_be_a_number(
    monkeypatch: pytest.MonkeyPatch, production_env: None
) -> None:
    monkeypatch.setenv("PROXY_FIX_HOPS", "all")
    with pytest.raises(RuntimeError, match="PROXY_FIX_HOPS"):
        create_app("production")


def test_testing_never_uses_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////must/not/be/used.sqlite")
    app = create_app("testing")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["WTF_CSRF_ENABLED"] is False


def test_database_url_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert create_app("development").config["SQLALCHEMY_DATABASE_URI"] == url


def test_sqlite_in_the_instance_folder_by_default(tmp_path: Path) -> None:
    app = Flask("probe", instance_path=str(tmp_path))
    configure(app, "development")
    expected = f"sqlite:///{tmp_path / SQLITE_FILE}"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u:p@db/app", "postgresql+psycopg://u:p@db/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("postgresql+psycopg2://u@db/app", "postgresql+psycopg2://u@db/app"),
        ("sqlite:////var/app.sqlite", "sqlite:////var/app.sqlite"),
    ],
)
def test_normalize_database_url(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


def test_development_key_is_kept_private_and_stable(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = dev_secret_key(instance)
    assert re.fullmatch("[0-9a-f]{64}", first)
    assert dev_secret_key(instance) == first
    mode = stat.S_IMODE((instance / "dev-secret-key").stat().st_mode)
    assert mode == 0o600


def test_development_key_is_used_without_secret_key(tmp_path: Path) -> None:
    app = Flask("probe", instance_path=str(tmp_path))
    configure(app, "development")
    assert app.config["SECRET_KEY"] == dev_secret_key(tmp_path)


@pytest.mark.parametrize(
    ("name", "secure", "hops"),
    [("development", False, 0), ("testing", False, 0), ("production", True, 1)],
)
def test_cookie_and_proxy_settings_per_environment(
    production_env: None, name: str, secure: bool, hops: int
) -> None:
    config = create_app(name).config
    assert config["SESSION_COOKIE_SECURE"] is secure
    assert config.get("REMEMBER_COOKIE_SECURE", False) is secure
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["PROXY_FIX_HOPS"] == hops
    assert config.get("PREFERRED_URL_SCHEME", "http") == ("https" if secure else "http")


def probe(app: Flask) -> dict[str, str]:
    """What the app believes about a request behind two proxies."""

    @app.get("/_probe")
    def _probe() -> dict[str, str]:
        return {
            "remote_addr": request.remote_addr or "",
            "scheme": request.scheme,
            "host": request.host,
            "root": request.script_root,
        }

    headers = {
        "X-Forwarded-For": "198.51.100.1, 203.0.113.2",
        "X-Forwarded-Proto": "http, https",
        "X-Forwarded-Host": "spoofed.example, app.example",
        "X-Forwarded-Prefix": "/spoofed, /app",
    }
    # Plain http from 10.0.0.1, the nearest proxy.
    response = app.test_client().get(
        "/_probe",
        base_url="http://localhost",
        headers=headers,
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    body: dict[str, str] = response.get_json()
    return body


def test_one_proxy_hop_is_trusted_in_production(production_env: None) -> None:
    seen = probe(create_app("production"))
    # Only the last proxy's entries count; the client's own are ignored.
    assert seen == {
        "remote_addr": "203.0.113.2",
        "scheme": "https",
        "host": "app.example",
        "root": "/app",
    }


def test_two_proxy_hops_when_configured(
    monkeypatch: pytest.MonkeyPatch, production_env: None
) -> None:
    monkeypatch.setenv("PROXY_FIX_HOPS", "2")
    app = create_app("production")
    # The scheme the app now believes is http, which production would
    # redirect; this test is about the hops, so it looks past the redirect.
    app.config["FORCE_HTTPS"] = False
    seen = probe(app)
    assert seen == {
        "remote_addr": "198.51.100.1",
        "scheme": "http",
        "host": "spoofed.example",
        "root": "/spoofed",
    }


def test_forwarded_headers_are_ignored_without_proxy(
    monkeypatch: pytest.MonkeyPatch, production_env: None
) -> None:
    monkeypatch.setenv("PROXY_FIX_HOPS", "0")
    app = create_app("production")
    app.config["FORCE_HTTPS"] = False  # as above: about the headers only
    seen = probe(app)
    assert seen == {
        "remote_addr": "10.0.0.1",
        "scheme": "http",
        "host": "localhost",
        "root": "",
    }


def test_env_file_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "APP_ENV=production\nSECRET_KEY=from-the-file\nDATABASE_URL=sqlite://\n"
    )
    app = create_app()
    assert app.config["APP_ENV"] == "production"
    assert app.config["SECRET_KEY"] == "from-the-file"


def test_the_environment_wins_over_the_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SECRET_KEY=from-the-file\nDATABASE_URL=sqlite://\n")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app("production").config["SECRET_KEY"] == "from-the-environment"


def test_env_file_can_be_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    named = tmp_path / "settings.env"
    named.write_text("SECRET_KEY=from-the-named-file\nDATABASE_URL=sqlite://\n")
    (tmp_path / ".env").write_text("SECRET_KEY=from-the-default-file\n")
    monkeypatch.setenv("ENV_FILE", str(named))
    assert create_app("production").config["SECRET_KEY"] == "from-the-named-file"


def test_env_file_without_a_value_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SECRET_KEY\nDATABASE_URL=sqlite://\n")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_instance_folder_follows_the_working_directory(tmp_path: Path) -> None:
    app = create_app("development")
    assert Path(app.instance_path) == tmp_path.resolve() / "instance"
    expected = f"sqlite:///{tmp_path.resolve() / 'instance' / SQLITE_FILE}"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected
    assert (tmp_path / "instance" / "dev-secret-key").is_file()


def test_instance_folder_can_be_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "data"))
    app = create_app("development")
    assert Path(app.instance_path) == tmp_path.resolve() / "data"


def test_wsgi_entry_builds_the_app_of_app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "testing")
    monkeypatch.setenv("SECRET_KEY", "a-server-secret")
    entry = importlib.reload(importlib.import_module("[% .project_slug %].wsgi"))
    assert entry.app.config["APP_ENV"] == "testing"
    # wsgi.py in the checkout serves the same app as wsgi:app.
    checkout = importlib.reload(importlib.import_module("wsgi"))
    assert checkout.app is entry.app


def test_production_without_a_key_says_how_to_make_one(
    production_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError) as error:
        create_app("production")
    assert str(error.value) == (
        "SECRET_KEY is not set. The production configuration has no default: "
        "export SECRET_KEY with a long random value, e.g. the output of "
        'python -c "import secrets; print(secrets.token_hex(32))".'
    )


def test_missing_folders_of_the_instance_path_are_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    nested = tmp_path / "var" / "lib" / "app"
    monkeypatch.setenv("INSTANCE_PATH", str(nested))
    create_app("development")
    assert (nested / SQLITE_FILE).parent.is_dir()
    assert (nested / "dev-secret-key").is_file()


def test_production_makes_the_instance_folder_for_sqlite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No development key here to make the folder first.
    nested = tmp_path / "srv" / "data"
    monkeypatch.setenv("INSTANCE_PATH", str(nested))
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    app = create_app("production")
    assert nested.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{nested / SQLITE_FILE}"


def test_development_key_folder_is_made_with_its_parents(tmp_path: Path) -> None:
    key = dev_secret_key(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b" / "dev-secret-key").read_text().strip() == key


def test_migrations_ship_with_the_package_and_match_the_models(
    tmp_path: Path,
) -> None:
    # The documented commands, in a fresh interpreter as a deployment runs
    # them, for the package that this test run imports.
    package_root = Path([% .project_slug %].__file__).resolve().parent.parent
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite'}",
        "PYTHONPATH": str(package_root),
    }
    for command in ("upgrade", "check"):
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "-m", "flask", "--app", "[% .project_slug %].wsgi", "db", command],
            cwd=package_root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected." in result.stdout


def test_wsgi_entry_runs_production_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-server-secret")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    entry = importlib.reload(importlib.import_module("[% .project_slug %].wsgi"))
    assert entry.app.config["APP_ENV"] == "production"


@pytest.mark.parametrize("app_env", ["development", "testing", ""])
def test_wsgi_entry_refuses_to_start_without_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_env: str
) -> None:
    monkeypatch.setenv("APP_ENV", app_env)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "none.env"))
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        importlib.reload(importlib.import_module("[% .project_slug %].wsgi"))


def test_the_flask_command_keeps_development(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "none.env"))
    entry = importlib.reload(importlib.import_module("[% .project_slug %].wsgi"))
    assert entry.app.config["APP_ENV"] == "development"
