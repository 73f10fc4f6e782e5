"""The browser policy: CSP, COOP, Permissions-Policy, caching."""

import re

import pytest

PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/no-such-page/",
    "/static/css/site.css",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_policy(client, path):
    response = client.get(path)
    response.close()
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/notes/"])
def test_a_logged_in_user_gets_nothing_cached(client, user, path):
    client.force_login(user)
    assert "no-store" in client.get(path)["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_pages_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


STATIC = "/static/css/site.css"


def static_cache_control(client):
    response = client.get(STATIC)
    response.close()
    assert response.status_code == 200
    return response["Cache-Control"]


@pytest.mark.django_db
def test_a_logged_in_user_gets_static_files_not_cached(client, user):
    client.force_login(user)
    cache_control = static_cache_control(client)
    assert "no-store" in cache_control
    assert "public" not in cache_control


@pytest.mark.django_db
def test_a_session_cookie_alone_is_enough_for_no_store(client):
    # Static files are answered before the session is read: the cookie is
    # what marks a logged-in browser there.
    client.cookies["sessionid"] = "anything"
    assert "no-store" in static_cache_control(client)


@pytest.mark.django_db
def test_anonymous_static_files_keep_their_cache_lifetime(client):
    cache_control = static_cache_control(client)
    assert "public" in cache_control
    assert "no-store" not in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]
)
def test_the_templates_hold_no_inline_script_or_style(client, path):
    page = client.get(path).content.decode()
    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page


@pytest.mark.django_db
def test_the_browsable_api_needs_no_exception_to_the_policy(client, user):
    client.force_login(user)
    response = client.get("/api/notes/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    policy = client.get("/")["Content-Security-Policy"]
    assert response["Content-Security-Policy"] == policy
    page = response.content.decode()
    # DRF's own page holds a <style> element whenever Pygments is installed
    # (pytest installs it); config/templates/rest_framework/api.html drops it.
    assert "<style" not in page
    assert " style=" not in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    # The one script without src is data (the CSRF token), never run.
    for script in scripts:
        assert "src=" in script or 'type="application/json"' in script, script
