"""WSGI entry point inside the package: ``gunicorn myapp.wsgi:app``.

It works from an installed wheel; in the checkout, ``wsgi.py`` beside the
package re-exports it as ``wsgi:app``.

Served by gunicorn or another WSGI server, the app runs the production
configuration unless ``APP_ENV`` names another, and it refuses to start
without ``SECRET_KEY`` whatever ``APP_ENV`` says: a server must never run on a
key that is not its own. The ``flask`` command (which sets
``FLASK_RUN_FROM_CLI``) keeps its development default.
"""

from __future__ import annotations

import os

from flask import Flask

from . import create_app
from .config import environment


def make_app() -> Flask:
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        return create_app()
    env = environment()
    if not env.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. A WSGI server runs this app only with a key "
            'of its own: export SECRET_KEY, e.g. the output of python -c "import '
            'secrets; print(secrets.token_hex(32))".'
        )
    return create_app(env.get("APP_ENV") or "production")


app = make_app()
