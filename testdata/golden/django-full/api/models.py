from django.conf import settings
from django.db import models


class Note(models.Model):
    """A small record owned by one user; the API shows each user only theirs."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notes",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Pagination needs a stable order; the id breaks ties between notes
        # created in the same instant.
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return self.title
