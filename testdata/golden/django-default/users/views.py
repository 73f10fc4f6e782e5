import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.views.generic import CreateView

from users.forms import SignupForm
from users.models import User
from users.throttle import ThrottleMixin

logger = logging.getLogger(__name__)

SIGNED_UP = (
    "Thank you. We have sent a message to that address: if it is new here, "
    "your account is ready and you can log in."
)


class SignupView(ThrottleMixin, CreateView[User, SignupForm]):
    # Each sign-up may send an e-mail: the throttle keeps anyone from
    # filling an inbox, or the user table, from one address.
    throttle_action = "signup"
    form_class = SignupForm
    template_name = "registration/signup.html"
    success_url = reverse_lazy("login")

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        # An address that has an account gets the same answer as a new one,
        # so the form does not tell anyone who has an account here; its owner
        # hears about the attempt instead, and the account is left as it is.
        # The password is hashed either way, which keeps the times alike.
        email = form.cleaned_data["email"]
        try:
            with transaction.atomic():
                taken = User.objects.filter(email__iexact=email).exists()
                if not taken:
                    form.save()
        except IntegrityError:  # a concurrent sign-up took the address
            taken = True
        context = {"login_url": self.request.build_absolute_uri(reverse("login"))}
        if taken:
            make_password(form.cleaned_data["password1"])
            context["reset_url"] = self.request.build_absolute_uri(
                reverse("password_reset")
            )
            subject, template = (
                "Someone tried to sign up with your address",
                "registration/signup_taken_email.txt",
            )
        else:
            subject, template = "Welcome", "registration/signup_welcome_email.txt"
        try:
            send_mail(subject, render_to_string(template, context), None, [email])
        except OSError:  # smtplib's errors too
            # The answer must not depend on the mail server; the log tells.
            logger.exception("Could not send e-mail to %s", email)
        messages.success(self.request, SIGNED_UP)
        return redirect("login")


class PasswordResetView(ThrottleMixin, auth_views.PasswordResetView):
    """Django's reset request, throttled: each request may send an e-mail."""

    throttle_action = "password_reset"


class LogoutView(auth_views.LogoutView):
    """Django's logout, which deletes the session on the server and is
    never cached (Cache-Control: no-store, ...), plus the header that tells
    the browser to drop what it kept."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cookies", "storage"'
        return response
