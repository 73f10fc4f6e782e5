from typing import Any

from rest_framework import serializers

from api.models import Note


class NoteSerializer(serializers.ModelSerializer[Note]):
    url = serializers.HyperlinkedIdentityField(view_name="api:note-detail")
    # The owner is always the requesting user; a client cannot set it.
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Note
        fields = ("id", "url", "title", "body", "owner", "created")


class HealthSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.CharField(read_only=True)
