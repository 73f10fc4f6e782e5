"""Response headers that Django and django-csp do not send."""

from collections.abc import Callable
from wsgiref.headers import Headers

from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
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


# DRF's browsable API (its pinned jQuery and Bootstrap) sets one style
# attribute from script. 'unsafe-hashes' with that one value's hash lets it
# through on those pages only; no other inline style, and no inline script,
# is allowed anywhere.
BROWSABLE_API_STYLE = "'sha256-1kn+agGaGZdaFPNbx228buXQB9KXcy9RVE6NMUiW4SQ='"


class BrowserPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith("/api/") and response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            # Read by django-csp's middleware, which runs after this one.
            response._csp_update = {  # type: ignore[attr-defined]
                "style-src": ["'unsafe-hashes'", BROWSABLE_API_STYLE]
            }
        if request.user.is_authenticated:
            # Pages for a logged-in user must not stay in shared or
            # back-button caches after logout.
            add_never_cache_headers(response)
        return response


def static_file_headers(headers: Headers, path: str, url: str) -> None:
    """The same policy on static files, which WhiteNoise answers before the
    middleware further down ever runs (WHITENOISE_ADD_HEADERS_FUNCTION)."""
    headers["Content-Security-Policy"] = build_policy()
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
