from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "home.html"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers; it touches neither the database nor
    the session, so it stays cheap and works before anyone logs in."""
    return JsonResponse({"status": "ok"})
