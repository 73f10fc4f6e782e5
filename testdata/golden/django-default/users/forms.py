from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    UserChangeForm,
    UserCreationForm,
    UsernameField,
)

from users.models import DUPLICATE_EMAIL, User


class UniqueEmailMixin(forms.ModelForm[User]):
    """Rejects an e-mail address that another account already uses, ignoring
    case; the database constraint alone would let Ann@x.org and ann@x.org
    both in."""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        others = User.objects.exclude(pk=self.instance.pk)
        if others.filter(email__iexact=email).exists():
            raise forms.ValidationError(DUPLICATE_EMAIL, code="unique")
        return email


# Each Meta repeats what Django's own form declares (model, fields and the
# username field's class) instead of inheriting it: django-stubs does not
# describe those Meta classes, so type checkers could not follow them.


class SignupForm(UserCreationForm[User]):
    """Fields: username, email, password1, password2.

    A taken e-mail address is not an error here: SignupView answers it like a
    new one, so the form does not tell who has an account. A taken username
    still is, as a sign-up cannot go on without a name of its own.
    """

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_unique(self) -> None:
        try:
            self.instance.validate_unique(exclude={"email"})
        except forms.ValidationError as error:
            self.add_error(None, error)

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}  # noqa: RUF012


class UserAdminCreationForm(UniqueEmailMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}  # noqa: RUF012


class UserAdminChangeForm(UniqueEmailMixin, UserChangeForm[User]):
    class Meta:
        model = User
        # The admin builds its form from UserAdmin.fieldsets; outside it the
        # form edits these.
        fields = ("username", "email", "first_name", "last_name")
        field_classes = {"username": UsernameField}  # noqa: RUF012
