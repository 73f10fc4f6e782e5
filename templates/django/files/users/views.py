from typing import Any

from django.contrib import messages
from django.contrib.auth import login
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
