from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.views import HomeView, healthz

admin.site.site_header = settings.PROJECT["name"]
admin.site.site_title = settings.PROJECT["name"]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz/", healthz, name="healthz"),
    path("accounts/", include("users.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
