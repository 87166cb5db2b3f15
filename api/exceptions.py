"""JSON errors for every failure of the API: `{"detail": ..., "code": ..., "errors": {field: [...]}}`.

The services raise Django's exceptions (`NotPermitted`, `Task.DoesNotExist`, `ValidationError`) and
their own (`VersionConflict`, `DocumentImportError`); this handler turns each into the status the pages
answer with (403, 404, 400, 412, 400) and a body with the service's message. A Django ValidationError
names its field through the error's code and the view's `service_error_fields` ({code: field}).
Django's refusals of a multipart body while it is parsed are the client's errors too: over
DATA_UPLOAD_MAX_MEMORY_SIZE is 413, too many fields or files (or a broken body) 400.
A ValidationError whose codes are all in the view's `state_error_codes` is about the object's state, not
the input: 409 `invalid_state` with the service's message. A refused report upload (`FillErrors`) is 400
with `errors` as the list of its problems by row and column.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

logger = logging.getLogger(__name__)

__all__ = [
    "InvalidState",
    "PreconditionRequired",
    "RequestTooLarge",
    "api_exception_handler",
    "etag_for",
    "responds_to",
]

# A feature's own exceptions and how they read in the API: registered by the feature's api module
# (`@responds_to(VersionConflict)`), so that this plumbing imports no feature. A responder returns the
# whole Response, or an APIException that the handler then words as any other.
Responder = Callable[[Any, Any], "Response | exceptions.APIException"]
_responders: dict[type[BaseException], Responder] = {}


def responds_to(exc_type: type[BaseException]) -> Callable[[Responder], Responder]:
    def register(responder: Responder) -> Responder:
        _responders[exc_type] = responder
        return responder

    return register


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        "Send the task's version in an If-Match header (the ETag of the task as you loaded it)."
    )
    default_code = "precondition_required"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request is too large.")
    default_code = "request_too_large"


class InvalidState(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object is not in a state that allows this.")
    default_code = "invalid_state"


def _from_suspicious_request(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's refusal of a request body as it is parsed (a multipart upload), not a server error;
    logged where Django logs it (django.security.<name>), as a warning."""
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return exceptions.ParseError(_("The request has too many fields or files."))
    return exceptions.ParseError()


def etag_for(version: int) -> str:
    return f'"{version}"'


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"field": [...], "deadlines.0.due_on": [...]}."""
    if isinstance(data, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(data, list):
        if all(not isinstance(item, (Mapping, list)) for item in data):
            return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in data]}
        flat = {}
        for index, item in enumerate(data):
            for field, messages in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(data)]}


def _from_django_validation(exc: DjangoValidationError, view: Any) -> exceptions.ValidationError:
    """A service's ValidationError, each message under the field its code names (else non-field)."""
    fields: Mapping[str, str] = getattr(view, "service_error_fields", {})
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for field, items in exc.error_dict.items():
            errors.setdefault(fields.get(field, field), []).extend(str(m) for e in items for m in e.messages)
    else:
        for error in exc.error_list:
            field = fields.get(error.code or "", api_settings.NON_FIELD_ERRORS_KEY)
            errors.setdefault(field, []).extend(str(message) for message in error.messages)
    return exceptions.ValidationError(errors)


def _codes(exc: DjangoValidationError) -> set[str | None]:
    if hasattr(exc, "error_dict"):
        return {error.code for items in exc.error_dict.values() for error in items}
    return {error.code for error in exc.error_list}


def _validation_body(data: Any) -> dict[str, Any]:
    errors = _flatten(data)
    fields = [name for name in errors if name != api_settings.NON_FIELD_ERRORS_KEY]
    if fields:
        detail = _("Invalid input in: %(fields)s.") % {"fields": ", ".join(fields)}
    else:
        detail = " ".join(errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])) or _("Invalid input.")
    return {"detail": detail, "code": "invalid", "errors": errors}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    view = context.get("view")
    for exc_type, responder in _responders.items():
        if isinstance(exc, exc_type):
            answer = responder(exc, view)
            if isinstance(answer, Response):
                return answer
            exc = answer
            break
    state_codes = getattr(view, "state_error_codes", ())
    if isinstance(exc, DjangoValidationError) and state_codes and _codes(exc) <= set(state_codes):
        exc = InvalidState(" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc, view)
    elif isinstance(exc, PermissionDenied):
        # NotPermitted carries the service's message; DRF would replace it with its own.
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, (ObjectDoesNotExist, Http404)):
        exc = exceptions.NotFound()
    elif isinstance(exc, SuspiciousOperation):
        exc = _from_suspicious_request(exc)

    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # the debug page, with the traceback
        logger.exception("Unhandled error in the API", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": _("Server error. The error was logged; please try again later."), "code": "error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(response.data)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, Mapping) else response.data
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"detail": str(detail), "code": codes if isinstance(codes, str) else "error"}
        if response.status_code == status.HTTP_400_BAD_REQUEST:
            # Every 400 has the same shape (a malformed body, say): the message as a non-field error.
            response.data["errors"] = {api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}
    return response
