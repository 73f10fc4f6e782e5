from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db

# The package's migrations folder (create_app hands the same to Flask-Migrate).
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    return render_template("main/dashboard.html", user=current_user)


@cache
def migration_heads() -> frozenset[str]:
    """The newest revisions that ship with the code."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def health_response() -> tuple[Response, int]:
    """Status of the app and its database, for load balancers and monitors.

    503 when the database cannot be reached, and when it lacks migrations
    that the code expects (``flask db upgrade`` has not run).
    """
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        applied = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        current_app.logger.exception("Health check: database unavailable")
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    if applied != migration_heads():
        current_app.logger.error(
            "Health check: the database is at %s, the code expects %s",
            sorted(applied),
            sorted(migration_heads()),
        )
        return jsonify(status="error", database="migrations pending"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    return health_response()
