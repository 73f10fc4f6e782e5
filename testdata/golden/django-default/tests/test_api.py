import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.test import APIClient, APIRequestFactory

from api.models import Note
from api.views import NoteViewSet

pytestmark = pytest.mark.django_db

NOTES = "/api/notes/"


@pytest.mark.parametrize("path", ["/api/health/", "/healthz/"])
def test_health_is_public_json(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/api/health/", "/healthz/"])
def test_health_reports_pending_migrations(api_client, path, monkeypatch):
    monkeypatch.setattr(
        "config.health.expected_migrations",
        lambda: frozenset({("api", "9999_not_applied")}),
    )
    response = api_client.get(path)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "migrations pending"}


@pytest.mark.parametrize("path", ["/api/health/", "/healthz/"])
def test_health_reports_an_unreachable_database(api_client, path, monkeypatch):
    def broken(self):
        raise DatabaseError("no database")

    monkeypatch.setattr(MigrationRecorder, "applied_migrations", broken)
    response = api_client.get(path)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_notes_require_login(api_client):
    assert api_client.get(NOTES).status_code == 403
    assert api_client.post(NOTES, {"title": "x"}, format="json").status_code == 403


def test_create_sets_owner_to_requesting_user(user_client, user, other_user):
    response = user_client.post(
        NOTES, {"title": "First", "body": "Hello", "owner": "bob"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["owner"] == user.username
    note = Note.objects.get()
    assert note.owner == user
    assert (note.title, note.body) == ("First", "Hello")


def test_list_shows_only_own_notes_paginated(user_client, user, other_user):
    Note.objects.bulk_create(Note(owner=user, title=f"n{i}") for i in range(25))
    Note.objects.create(owner=other_user, title="not yours")

    page = user_client.get(NOTES).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 25
    assert page["previous"] is None
    assert page["next"].endswith("?page=2")
    assert len(page["results"]) == 20
    assert all(n["owner"] == user.username for n in page["results"])

    second = user_client.get(page["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None


def test_other_users_note_is_not_found(user_client, other_user):
    note = Note.objects.create(owner=other_user, title="private")
    url = f"{NOTES}{note.pk}/"
    assert user_client.get(url).status_code == 404
    assert user_client.patch(url, {"title": "mine"}, format="json").status_code == 404
    assert user_client.delete(url).status_code == 404
    note.refresh_from_db()
    assert note.title == "private"


def test_owner_can_update_and_delete(user_client, user):
    note = Note.objects.create(owner=user, title="draft")
    url = f"{NOTES}{note.pk}/"
    response = user_client.patch(url, {"title": "final"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "final"
    assert user_client.delete(url).status_code == 204
    assert not Note.objects.exists()


def test_session_writes_need_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(NOTES, {"title": "no token"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]

    # The browsable API page hands out the token a browser would send back.
    assert client.get(NOTES, HTTP_ACCEPT="text/html").status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(
        NOTES, {"title": "with token"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_browsable_api_offers_a_form(user_client):
    response = user_client.get(NOTES, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b'name="title"' in response.content


def test_title_must_be_a_string(user_client):
    # DRF would turn 5 into "5"; the schema says a title is a string.
    response = user_client.post("/api/notes/", {"title": 5}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_title_must_not_be_blank(user_client):
    response = user_client.post("/api/notes/", {"title": "   "}, format="json")
    assert response.status_code == 400


def test_unknown_api_path_is_a_json_404(user_client):
    response = user_client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_anonymous_queryset_is_empty(user):
    # The schema generator and the browsable API may ask without a login.
    Note.objects.create(owner=user, title="secret")
    view = NoteViewSet(action_map={"get": "list"})
    view.request = view.initialize_request(APIRequestFactory().get("/api/notes/"))
    view.request.user = AnonymousUser()
    assert list(view.get_queryset()) == []


def test_note_reads_as_its_title(user):
    assert str(Note(owner=user, title="Groceries")) == "Groceries"
