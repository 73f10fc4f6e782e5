import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_public_and_lists_notes(api_client):
    response = api_client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    assert "/api/notes/" in schema["paths"]
    assert "/api/health/" in schema["paths"]


def test_swagger_ui_is_served_from_here_without_inline_code(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn." not in page
    assert "<script>" not in page
    assert "<style" not in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    script = api_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any view drf-spectacular cannot describe into an
    # error, so an undocumented endpoint fails here rather than in the docs.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )


@pytest.fixture
def schema(api_client):
    response = api_client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    return response.json()


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/health/", "get", {"200", "503"}),
        ("/api/notes/", "get", {"200", "403", "404", "429"}),
        ("/api/notes/", "post", {"201", "400", "403", "429"}),
        ("/api/notes/{id}/", "get", {"200", "403", "404", "429"}),
        ("/api/notes/{id}/", "put", {"200", "400", "403", "404", "429"}),
        ("/api/notes/{id}/", "patch", {"200", "400", "403", "404", "429"}),
        ("/api/notes/{id}/", "delete", {"204", "403", "404", "429"}),
    ],
)
def test_schema_documents_each_operations_errors(schema, path, method, codes):
    assert set(schema["paths"][path][method]["responses"]) == codes


def test_schema_states_the_input_constraints(schema):
    note = schema["components"]["schemas"]["NoteRequest"]
    assert note["required"] == ["title"]
    assert note["properties"]["title"]["minLength"] == 1
    assert note["properties"]["title"]["maxLength"] == 200
    # JSON is the contract; the form parsers serve the browsable API only.
    body = schema["paths"]["/api/notes/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json"}


def test_schema_describes_the_error_bodies(schema):
    responses = schema["paths"]["/api/notes/{id}/"]["put"]["responses"]
    for code in ("400", "403", "404", "429"):
        assert "application/json" in responses[code]["content"], code
    for code in ("403", "404", "429"):
        body = responses[code]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}, code
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
