"""The OpenAPI schema: drf-spectacular's AutoSchema, plus the error responses each operation can give.

The success responses come from the views' serializers. The errors are derived from how the request is
handled, so that the schema lists every status an endpoint answers with:
- 401 wherever a request is authenticated (no or a bad token; a bad token fails even on open views);
- 403 for writes (CSRF under the session, and the services' role checks) and for endpoints gated by
  a role (a permission class other than IsAuthenticated);
- 404 for paths naming an object (out of scope is not found) and for lists (a page past the end);
- 400 for request bodies and filtered or paginated lists; 415 for request bodies; 413 for multipart
  request bodies (over DATA_UPLOAD_MAX_MEMORY_SIZE outside the files);
- 429 wherever a throttle applies;
- 406 wherever DRF negotiates the response's type (an Accept header naming no type the view renders);
- 405 and 500 everywhere: a 405 is what the path answers to a method it does not list (with Allow; the
  body is documented on each operation, OpenAPI having no place for it per path), a 500 the handler's
  logged, uninformative JSON error;
- and whatever a view adds in `extra_error_statuses` ({method: [status, ...]}).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from api.errors import ErrorSerializer, ValidationErrorSerializer, VersionConflictSerializer

ERROR_SERIALIZERS = {400: ValidationErrorSerializer, 412: VersionConflictSerializer}
DESCRIPTIONS = {
    400: "Invalid input; `errors` names each field.",
    401: "Not authenticated, or the token is invalid or revoked.",
    403: "The user's role may not do this (or, with the session, the CSRF token is missing).",
    404: "No such object within the user's scope, or no such page.",
    412: "The If-Match version is not the current one; nothing was changed.",
    413: "The request body is too large.",
    405: "This path does not take that method; the Allow header lists those it takes.",
    406: "The Accept header names no media type this endpoint answers with (application/json).",
    415: "Unsupported media type.",
    428: "The If-Match header is missing.",
    429: "Too many requests; retry after the Retry-After header's seconds.",
    500: "Server error; it was logged, and the body says no more.",
}
ALLOW_HEADER = {"schema": {"type": "string"}, "description": "The methods this path takes."}


class BoundedFilterExtension(DjangoFilterExtension):
    """drf-spectacular's reading of the FilterSets, plus the bounds of integer filters: a filter with
    `schema_bounds` (tasks.filters: IdFilter, IntegerFilter; tasks.ledger.filter_choices: ListedModelChoiceFilter by id) is
    documented with its minimum and maximum, which it answers 400 outside."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bounds = getattr(filter_field, "schema_bounds", None)
        for parameter in parameters if bounds else ():
            schema = parameter["schema"]
            if schema.get("type") in ("integer", "number"):
                schema["type"] = "integer"
                for key, value in zip(("minimum", "maximum"), bounds, strict=True):
                    if value is not None:
                        schema[key] = value
        return parameters


class ApiAutoSchema(AutoSchema):
    def error_statuses(self) -> set[int]:
        view, method = self.view, self.method.upper()
        statuses: set[int] = set()
        authenticators = view.get_authenticators()
        permissions = view.get_permissions()
        if authenticators:
            statuses.add(401)
        gated = any(type(p) not in (AllowAny, IsAuthenticated) for p in permissions)
        if method not in SAFE_METHODS:
            if gated or any(isinstance(a, SessionAuthentication) for a in authenticators):
                statuses.add(403)
            if method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
                statuses.update((400, 415))
                if any(isinstance(parser, MultiPartParser) for parser in view.get_parsers()):
                    statuses.add(413)
        elif gated:
            statuses.add(403)
        if "{" in self.path:
            statuses.add(404)
        if self._is_list_view() and method == "GET":
            if getattr(view, "pagination_class", None) is not None:
                statuses.add(404)
            if getattr(view, "filterset_class", None) is not None or view.pagination_class is not None:
                statuses.add(400)
        if view.get_throttles():
            statuses.add(429)
        if type(view.get_content_negotiator()).select_renderer is DefaultContentNegotiation.select_renderer:
            statuses.add(406)  # a view that serves whatever is accepted (a file download) never refuses
        statuses.update((405, 500))
        extra = getattr(view, "extra_error_statuses", {})
        statuses.update(extra.get(method, ()))
        return statuses

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self.error_statuses()):
            if str(code) in responses:
                continue
            serializer = ERROR_SERIALIZERS.get(code, ErrorSerializer)
            response = self._get_response_for_code(serializer, str(code), direction=direction)
            response["description"] = DESCRIPTIONS.get(code, "")
            if code == 405:
                response["headers"] = {"Allow": ALLOW_HEADER}
            responses[str(code)] = response
        return responses
