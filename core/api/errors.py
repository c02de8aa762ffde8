"""One JSON error shape for every API failure.

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": {"name": ["..."]}}}

Django `ValidationError`s raised by model validation or services become 400s with the
same per-field messages the admin and the dashboards show; a service's `ConflictError`, and a
delete the database refuses because other rows refer to the record, become 409s.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import ConflictError, conflict_from_protected

NON_FIELD = "non_field_errors"


class Conflict(exceptions.APIException):
    """The request is valid but clashes with the record's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


def django_validation_error_to_dict(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: [str(message) for message in error.messages]}


def custodia_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_error_to_dict(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, ConflictError):
        exc = Conflict(exc.message)
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(conflict_from_protected(exc).message)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": _error_body(exc, response)}
    return response


def _error_body(exc: exceptions.APIException, response: Response) -> dict:
    body = {"status": response.status_code, "code": _code(exc)}
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {NON_FIELD: detail}
        body["message"] = "The request has invalid fields."
        body["fields"] = _flatten(fields)
    else:
        body["message"] = str(detail)
    return body


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors become dotted field names: `metrics.auc`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and detail and isinstance(detail[0], dict | list):
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, list):
        flat[prefix or NON_FIELD] = [str(item) for item in detail]
    else:
        flat[prefix or NON_FIELD] = [str(detail)]
    return flat
