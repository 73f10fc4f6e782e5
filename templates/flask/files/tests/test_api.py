from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from [% .project_slug %].api import openapi
from [% .project_slug %].api.routes import rfc3339
from [% .project_slug %].models import User

from .helpers import login


def test_health(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_me_requires_login_and_answers_in_json(client: FlaskClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json() == {
        "error": {"code": 401, "message": "Log in to use this endpoint."}
    }
    assert "Location" not in response.headers


def test_me_returns_the_current_user(client: FlaskClient, user: User) -> None:
    login(client, user.email)
    response = client.get("/api/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == user.id
    assert body["email"] == "ada@example.com"
    # RFC 3339, with the zone, whatever the database returns.
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert "password_hash" not in body


def test_unknown_api_url_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == 404
    assert error["message"]


def test_wrong_method_is_a_json_405_with_allow(client: FlaskClient) -> None:
    response = client.post("/api/health")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert "GET" in response.headers["Allow"]


def test_openapi_document_lists_every_api_route(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json"
    }
    assert set(spec["paths"]) == routes


def test_openapi_document_states_the_errors(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    me = spec["paths"]["/api/me"]["get"]
    assert set(me["responses"]) == {"200", "401"}
    assert spec["security"] == [{"session": []}]
    health = spec["paths"]["/api/health"]["get"]
    assert health["security"] == []
    assert set(health["responses"]) == {"200", "503"}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 1, 2, 3, 4, 5), "2025-01-02T03:04:05+00:00"),
        (
            datetime(2025, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "2025-01-02T03:04:05+00:00",
        ),
    ],
)
def test_rfc3339_is_utc_with_offset(
    moment: datetime, expected: str, local_zone_not_utc: None
) -> None:
    # Under a local zone other than UTC, so that a conversion through local
    # time cannot pass for one through UTC.
    assert rfc3339(moment) == expected


@pytest.fixture
def local_zone_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def references(node: Any) -> Iterator[str]:
    """Every $ref in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_openapi_document_in_full(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == openapi.OPENAPI_VERSION
    assert spec["info"] == {"title": openapi.TITLE, "version": openapi.VERSION}
    assert spec["components"]["schemas"] == openapi.SCHEMAS
    assert spec["components"]["responses"] == {
        "Error": {
            "description": "An error, in the API's JSON form.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            },
        }
    }
    assert spec["components"]["securitySchemes"] == {
        "session": {"type": "apiKey", "in": "cookie", "name": "session"}
    }
    assert spec["paths"] == openapi.OPERATIONS
    # Every reference points at something the document defines.
    for ref in references(spec):
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
