"""Throttling of logins, password-reset requests and sign-ups.

django-axes counts failed logins in the database (shared by every gunicorn
worker and kept across restarts) and calls ``lockout_response`` instead of
the view while the limit holds, even when the password is right.

Password-reset requests and sign-ups are counted here, in the ``Attempt``
table, the same way: per account (the e-mail address the form names) and
per client address, with the limits of ``FORM_THROTTLES`` in the settings.
"""

import hashlib
import math
from collections.abc import Iterable
from typing import Any, ClassVar

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from users.models import Attempt


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


def client_address(request: HttpRequest) -> str:
    """The address django-axes counts logins under: REMOTE_ADDR, or what
    AXES_CLIENT_IP_CALLABLE reads behind a proxy. X-Forwarded-For is never
    taken on trust, as any client can send it."""
    return get_client_ip_address(request) or "unknown"


def _digest(action: str, key: str) -> str:
    return hashlib.sha256(f"{action}:{key}".encode()).hexdigest()


def attempt(action: str, keys: Iterable[str]) -> int:
    """Counts one attempt at ``action`` under each of ``keys`` and returns 0.

    When one of the keys already has its limit of attempts inside the
    window, the attempt is refused and not counted (so the wait does not
    grow while a client keeps trying): the answer is then the seconds until
    the oldest of those attempts leaves the window.
    """
    limit, window = settings.FORM_THROTTLES[action]
    now = timezone.now()
    since = now - window
    digests = [_digest(action, key) for key in keys]
    # Forget what has left every window, so the table stays small; the
    # rows of an action with a longer window than this one are still live.
    longest = max(w for _, w in settings.FORM_THROTTLES.values())
    Attempt.objects.filter(at__lte=now - longest).delete()
    # Written first and counted after: of two workers racing at the limit,
    # each sees the other's row, so a burst cannot slip past the limit.
    rows = Attempt.objects.bulk_create([Attempt(key=d, at=now) for d in digests])
    wait = 0.0
    for digest in digests:
        newest = list(
            Attempt.objects.filter(key=digest, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[: limit + 1]
        )
        if len(newest) > limit:
            # This attempt is among the newest; the key is free again once
            # the limit-th of the others has left the window.
            wait = max(wait, (newest[limit] + window - now).total_seconds())
    if not wait:
        return 0
    Attempt.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return max(1, math.ceil(wait))


def too_many_requests(request: HttpRequest, action: str, wait: int) -> HttpResponse:
    limit, window = settings.FORM_THROTTLES[action]
    response = render(
        request,
        "registration/too_many_requests.html",
        {
            "limit": limit,
            "window_minutes": int(window.total_seconds() // 60),
            "minutes": max(1, -(-wait // 60)),
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class ThrottleMixin(View):
    """Counts every POST to the view (``throttle_action`` in FORM_THROTTLES)
    under the e-mail address it names and under the client address; past
    either limit the view does not run and the client gets 429."""

    throttle_action: ClassVar[str]

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if request.method == "POST":
            keys = [f"address:{client_address(request)}"]
            # Case and spaces do not make another account: both forms look
            # addresses up ignoring case.
            email = request.POST.get("email", "").strip().casefold()
            if email:
                keys.append(f"account:{email}")
            if wait := attempt(self.throttle_action, keys):
                return too_many_requests(request, self.throttle_action, wait)
        return super().dispatch(request, *args, **kwargs)
