from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..main.routes import health_response

bp = Blueprint("api", __name__, url_prefix="/api")


def api_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``login_required``, but answers 401 instead of redirecting to a form."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401, description="Log in to use this endpoint.")
        return view(*args, **kwargs)

    return wrapper


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
        created_at=current_user.created_at.isoformat(),
    )
