from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import CreateView

from users.forms import SignupForm
from users.models import User


class SignupView(CreateView[User, SignupForm]):
    form_class = SignupForm
    template_name = "registration/signup.html"
    success_url = reverse_lazy("home")

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        response = super().form_valid(form)
        # Signing up logs the new user in, saving a round trip to the login page.
        login(
            self.request,
            form.instance,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        messages.success(self.request, "Welcome! Your account has been created.")
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout, which deletes the session on the server and is
    never cached (Cache-Control: no-store, ...), plus the header that tells
    the browser to drop what it kept."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cookies", "storage"'
        return response
