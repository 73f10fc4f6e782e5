"""How drf-spectacular describes the API: with the errors it can answer.

drf-spectacular documents the success response of each operation only. The
clients of an API need the failures as much: this AutoSchema adds, to every
operation they can happen on, the validation error (400), the refusal of an
anonymous client or of a write without its CSRF token (403), the missing
object or page (404) and the throttle (429).
"""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """DRF's body for an error that concerns no field."""

    detail = serializers.CharField()


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

VALIDATION_ERROR = OpenApiResponse(
    # Field errors ({"title": ["..."]}) or, for an unreadable body, "detail".
    response=OpenApiTypes.OBJECT,
    description="The request is invalid: each field names its errors.",
)
FORBIDDEN = OpenApiResponse(
    response=ErrorSerializer,
    description="Not logged in, or a write without its CSRF token.",
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description="No such object among yours, or no such page.",
)
THROTTLED = OpenApiResponse(
    response=ErrorSerializer,
    description="Too many requests; Retry-After says when to try again.",
)


class AutoSchema(openapi.AutoSchema):
    """An operation with @extend_schema(responses=...) lists its codes itself."""

    def get_response_serializers(self) -> Any:
        success = super().get_response_serializers()
        responses: dict[int, Any]
        if self.method == "DELETE":
            responses = {204: None}
        elif self._is_create_operation():
            responses = {201: success}
        else:
            responses = {200: success}
        responses.update(self.error_responses(success))
        return responses

    def error_responses(self, success: Any) -> dict[int, OpenApiResponse]:
        errors: dict[int, OpenApiResponse] = {}
        if self.method in WRITE_METHODS:
            errors[400] = VALIDATION_ERROR
        permissions = self.view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions):
            errors[403] = FORBIDDEN
        paginator = getattr(self.view, "paginator", None)
        paginated = self._is_list_view(success) and paginator is not None
        if "{" in self.path or paginated:
            errors[404] = NOT_FOUND
        if self.view.get_throttles():
            errors[429] = THROTTLED
        return errors
