"""Response headers that Django and django-csp do not send."""

from collections.abc import Callable
from wsgiref.headers import Headers

from csp.utils import build_policy
from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Browser features the app does not use, turned off for it and its frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class BrowserPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            # Pages for a logged-in user must not stay in shared or
            # back-button caches after logout.
            add_never_cache_headers(response)
        return response


class PrivateStaticFilesMiddleware:
    """``Cache-Control: no-store`` on static files for a browser that holds a
    session cookie; it sits just outside WhiteNoise's middleware.

    WhiteNoise answers static files before the session is read, and reading
    it for every file would cost a database query. The cookie stands for a
    logged-in user instead: nothing in the project writes to the session
    but a login, and logout deletes the cookie. A stale cookie only costs
    its holder the cache. Everyone else keeps WhiteNoise's caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            isinstance(response, FileResponse)
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            # WhiteNoise's "public, max-age=…" would outlive the session.
            del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


def static_file_headers(headers: Headers, path: str, url: str) -> None:
    """The same policy on static files, which WhiteNoise answers before the
    middleware further down ever runs (WHITENOISE_ADD_HEADERS_FUNCTION).
    Cross-Origin-Opener-Policy comes from SecurityMiddleware, above it."""
    headers["Content-Security-Policy"] = build_policy()
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
