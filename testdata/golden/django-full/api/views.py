from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import Note
from api.serializers import (
    HealthProblemSerializer,
    HealthSerializer,
    NoteSerializer,
)
from config.health import database_problem


class HealthView(APIView):
    """Public health check: no login, no session, no throttling."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    serializer_class = HealthSerializer

    @extend_schema(responses={200: HealthSerializer, 503: HealthProblemSerializer})
    def get(self, request: Request) -> Response:
        # 503 when the database is unreachable or lacks migrations.
        problem = database_problem()
        if problem:
            return Response(
                HealthProblemSerializer({"status": "error", "database": problem}).data,
                status=503,
            )
        return Response(HealthSerializer({"status": "ok"}).data)


class NoteViewSet(viewsets.ModelViewSet[Note]):
    """Your notes: list and create them here, and read, change or delete one
    at its own URL. Other users' notes are never shown (they answer 404)."""

    queryset = Note.objects.select_related("owner")
    serializer_class = NoteSerializer

    def get_queryset(self) -> QuerySet[Note]:
        queryset = super().get_queryset()
        user = self.request.user
        if not user.is_authenticated:
            # Schema generation and the browsable API may ask anonymously.
            return queryset.none()
        return queryset.filter(owner=user)

    def perform_create(self, serializer: serializers.BaseSerializer[Note]) -> None:
        serializer.save(owner=self.request.user)


def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)
