from typing import Any

from django.db import models
from rest_framework import serializers

from api.models import Note


class StrictCharField(serializers.CharField):
    """A CharField that takes strings only.

    DRF's own turns 5 into "5", accepting what the API's schema (type:
    string) tells clients is invalid.
    """

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NoteSerializer(serializers.ModelSerializer[Note]):
    # DRF looks the field classes up in this class attribute.
    serializer_field_mapping = {  # noqa: RUF012
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }

    url = serializers.HyperlinkedIdentityField(view_name="api:note-detail")
    # The owner is always the requesting user; a client cannot set it.
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Note
        fields = ("id", "url", "title", "body", "owner", "created")


class HealthSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.CharField(read_only=True)


class HealthProblemSerializer(HealthSerializer):
    """The 503 answer: status "error", and what is wrong with the database."""

    database = serializers.CharField(read_only=True)
