from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from users.views import LogoutView, PasswordResetView, SignupView

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
    # Django's password reset: the request page answers the same whatever the
    # address, and the link works once and expires (PASSWORD_RESET_TIMEOUT).
    # The request is throttled (users/throttle.py).
    path(
        "password_reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        ),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
