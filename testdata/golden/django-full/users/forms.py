from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    UserChangeForm,
    UserCreationForm,
)

from users.models import User


class UniqueEmailMixin:
    """Rejects an e-mail address that another account already uses, ignoring
    case; the database constraint alone would let Ann@x.org and ann@x.org
    both in."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        others = User.objects.exclude(pk=self.instance.pk)
        if others.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                User._meta.get_field("email").error_messages["unique"],
                code="unique",
            )
        return email


class SignupForm(UniqueEmailMixin, UserCreationForm):
    """Fields: username, email, password1, password2."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserAdminCreationForm(UniqueEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserAdminChangeForm(UniqueEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
