from django.contrib.auth import views as auth_views
from django.urls import path

from users.views import LogoutView, SignupView

urlpatterns = [
    path("signup/", SignupView.as_view(), name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # Django 5's LogoutView accepts only POST: a link or an <img> on another
    # site cannot log people out.
    # It also deletes the session on the server, so a copy of the cookie is
    # refused afterwards.
    path("logout/", LogoutView.as_view(), name="logout"),
]
