"""The OpenAPI document of the JSON API, served at ``/api/openapi.json``.

apispec assembles it from the operations below. They sit here, beside the
routes rather than in their docstrings, so that the type checker reads them;
a test compares the documented paths with the app's URL map, so a route
cannot go undocumented.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec

OPENAPI_VERSION = "3.0.3"
TITLE = [% .project_name | pyString %]
VERSION = "0.1.0"

ERROR_RESPONSE = {"$ref": "#/components/responses/Error"}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Health": {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["ok", "error"]},
            "database": {"type": "string", "enum": ["ok", "unavailable"]},
        },
        "required": ["status", "database"],
        "additionalProperties": False,
    },
    "User": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "format": "email"},
            "created_at": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "email", "created_at"],
        "additionalProperties": False,
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string"},
                },
                "required": ["code", "message"],
            },
        },
        "required": ["error"],
    },
}

HEALTH = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
}

# path -> method -> operation
OPERATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "/api/health": {
        "get": {
            "summary": "Health of the app and its database",
            "operationId": "health",
            "security": [],
            "responses": {
                "200": {"description": "The app and its database work.", **HEALTH},
                "503": {"description": "The database cannot be reached.", **HEALTH},
            },
        },
    },
    "/api/me": {
        "get": {
            "summary": "The logged-in user",
            "operationId": "me",
            "responses": {
                "200": {
                    "description": "The user of the session.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/User"}
                        }
                    },
                },
                "401": {**ERROR_RESPONSE, "description": "Not logged in."},
            },
        },
    },
}


def build_spec() -> dict[str, Any]:
    spec = APISpec(title=TITLE, version=VERSION, openapi_version=OPENAPI_VERSION)
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    spec.components.response(
        "Error",
        {
            "description": "An error, in the API's JSON form.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            },
        },
    )
    # The API shares the browser's session: log in at /auth/login.
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    spec.options["security"] = [{"session": []}]
    for path, operations in OPERATIONS.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
