from __future__ import annotations

from flask.testing import FlaskClient

from myapp.models import User

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
