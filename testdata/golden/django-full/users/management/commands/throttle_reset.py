from typing import Any

from django.core.management.base import BaseCommand

from users.models import Attempt


class Command(BaseCommand):
    help = (
        "Forget every counted password-reset request and sign-up, lifting "
        "their throttles (axes_reset does the same for logins)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, _ = Attempt.objects.all().delete()
        self.stdout.write(f"Forgot {deleted} counted attempts.")
