"""What a client sees once django-axes has locked it out.

django-axes counts failed logins in the database (shared by every gunicorn
worker and kept across restarts) and calls ``lockout_response`` instead of
the view while the limit holds, even when the password is right.
"""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": max(1, -(-seconds // 60)), "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    # The whole cool-off: a failure inside it does not extend it (see
    # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so this is an upper bound.
    response["Retry-After"] = str(seconds)
    return response
