from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api.views import HealthView, NoteViewSet, not_found

app_name = "api"

router = DefaultRouter()
router.register("notes", NoteViewSet, basename="note")

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("", include(router.urls)),
    # Anything else under /api/ answers like the API does, in JSON, rather
    # than with the site's HTML error page. Paths without the final slash
    # still get CommonMiddleware's redirect first.
    re_path(r"^.*/$", not_found),
]
