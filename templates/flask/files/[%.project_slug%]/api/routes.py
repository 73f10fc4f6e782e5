from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..main.routes import health_response
from .openapi import build_spec

bp = Blueprint("api", __name__, url_prefix="/api")


def api_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``login_required``, but answers 401 instead of redirecting to a form."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401, description="Log in to use this endpoint.")
        return view(*args, **kwargs)

    return wrapper


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC with its offset, as OpenAPI's date-time demands.

    The app stores UTC; SQLite hands times back without their zone.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> HTTPException | Response:
    # Registered app-wide because a request for an unknown /api/... URL never
    # reaches this blueprint; pages outside /api keep Flask's own responses.
    if request.path != "/api" and not request.path.startswith("/api/"):
        return error
    # Start from the exception's own response to keep headers such as Allow.
    response = error.get_response()
    body = {"error": {"code": error.code, "message": error.description}}
    response.set_data(current_app.json.dumps(body))
    response.mimetype = "application/json"
    return response


@bp.get("/health")
def health() -> tuple[Response, int]:
    return health_response()


@bp.get("/me")
@api_login_required
def me() -> Response:
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        created_at=rfc3339(current_user.created_at),
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's OpenAPI document (public, like the API's own health check)."""
    return jsonify(build_spec())
