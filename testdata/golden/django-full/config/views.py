import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from config.health import database_problem

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Health check for load balancers: 503 when the database cannot be
    reached or lacks migrations that the code ships (migrate has not run).
    It reads no session, so it works before anyone logs in."""
    problem = database_problem()
    if problem:
        logger.error("Health check: database %s", problem)
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok"})
