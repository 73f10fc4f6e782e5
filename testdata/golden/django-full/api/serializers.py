from rest_framework import serializers

from api.models import Note


class NoteSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:note-detail")
    # The owner is always the requesting user; a client cannot set it.
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Note
        fields = ["id", "url", "title", "body", "owner", "created"]


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
