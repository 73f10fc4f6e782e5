from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api.views import HealthView, NoteViewSet

app_name = "api"

router = DefaultRouter()
router.register("notes", NoteViewSet, basename="note")

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("", include(router.urls)),
]
