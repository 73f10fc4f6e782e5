from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views import HealthView, NoteViewSet, not_found

app_name = "api"

router = DefaultRouter()
router.register("notes", NoteViewSet, basename="note")

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from a URL of its own, so the page
    # needs no inline script under the Content-Security-Policy. (ReDoc is not
    # offered: it injects inline styles, which the policy refuses.)
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("", include(router.urls)),
    # Anything else under /api/ answers like the API does, in JSON, rather
    # than with the site's HTML error page. Paths without the final slash
    # still get CommonMiddleware's redirect first.
    re_path(r"^.*/$", not_found),
]
