"""Domain errors and the one place where every API error becomes the same JSON envelope.

``{"code": "...", "detail": "...", "fields": {...}}``: validation 400, auth 401, role 403,
scope 404, conflict 409, body too large 413, unsupported media type 415, idempotency key reused 422,
throttled 429 (with ``Retry-After``). ``fields`` maps a field name (or a header such as
``X-Organization`` / ``Idempotency-Key``, or a query parameter) to its messages.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler, set_rollback


class DomainError(Exception):
    """A business rule refused the request (400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "rule_violation"

    def __init__(self, detail=None, *, code: str | None = None, fields: dict | None = None):
        self.detail = detail if detail is not None else _("The request breaks a business rule.")
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.detail))


class ConflictError(DomainError):
    """The request conflicts with the current state of the resource (409)."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class ForbiddenError(DomainError):
    """The acting member's role does not allow the action (403)."""

    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


def _flatten(errors):
    """Turn DRF's nested error structure into plain strings, keeping the nesting of fields."""
    if isinstance(errors, dict):
        return {str(key): _flatten(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in errors):
            return [str(item) for item in errors]
        return [_flatten(item) for item in errors]
    return [str(errors)]


def _first_error(errors, path: tuple = ()) -> tuple[tuple, str] | None:
    """The first message in a (nested) ``fields`` structure and where it is: field names and list indexes."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            step = int(key) if isinstance(key, str) and key.isdigit() else key
            found = _first_error(value, path if key == "non_field_errors" else (*path, step))
            if found:
                return found
        return None
    if isinstance(errors, list | tuple):
        if errors and all(isinstance(item, str) for item in errors):
            return path, errors[0]
        for position, value in enumerate(errors):
            found = _first_error(value, (*path, position))
            if found:
                return found
        return None
    return (path, str(errors)) if errors else None


def item_label(index: int):
    """A list position as people count it: index 2 is "第 3 项" / "item 3"."""
    return _("item %(n)d") % {"n": index + 1}


def field_path_text(path) -> str:
    """``("items", 2, "starts_at")`` as ``items › 第 3 项 › starts_at`` (items counted from 1)."""
    return " › ".join(str(item_label(step)) if isinstance(step, int) else str(step) for step in path)


def envelope(*, code: str, detail, fields: dict | None = None, status_code: int, headers=None) -> Response:
    return Response(
        {"code": code, "detail": str(detail), "fields": fields or {}}, status=status_code, headers=headers
    )


def api_exception_handler(exc, context):
    """DRF exception handler: every error leaves in the envelope."""
    if isinstance(exc, DomainError):
        return envelope(
            code=exc.code,
            detail=exc.detail,
            fields=_flatten(exc.fields) if exc.fields else {},
            status_code=exc.status_code,
        )
    if isinstance(exc, RequestDataTooBig):
        return envelope(code="request_too_large", detail=_("The request body is too large."), status_code=413)
    if isinstance(exc, TooManyFieldsSent):
        return envelope(code="too_many_fields", detail=_("The request has too many fields."), status_code=400)
    if isinstance(exc, SuspiciousOperation):
        return envelope(code="bad_request", detail=_("The request could not be understood."), status_code=400)
    if isinstance(exc, DataError | OverflowError):
        # The database (or SQLite's driver, as OverflowError) refused a value the input carried: an
        # out-of-range number, an impossible time zone offset... the request's fault, not the server's.
        set_rollback()
        return envelope(
            code="invalid_value", detail=_("A value in the request is out of range."), status_code=400
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            non_field = data.get("non_field_errors")
            fields = _flatten({k: v for k, v in data.items() if k != "non_field_errors"})
            detail = " ".join(str(m) for m in non_field) if non_field else _("Invalid input.")
            found = _first_error(fields) if fields and not non_field else None
            if found:
                # The first message itself, wherever it is nested (items › 第 3 项 › starts_at: …).
                path, first = found
                if path:
                    detail = _("Invalid input: %(field)s: %(message)s") % {
                        "field": field_path_text(path),
                        "message": first,
                    }
                else:
                    detail = _("Invalid input: %(message)s") % {"message": first}
        else:
            fields = {}
            detail = " ".join(_flatten(data)) if data else _("Invalid input.")
        code = "invalid"
    else:
        detail = exc.detail if hasattr(exc, "detail") else str(exc)
        if isinstance(detail, dict | list):
            detail = " ".join(str(m) for m in _flatten(detail))
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        code = codes if isinstance(codes, str) else "error"
        fields = {}

    response.data = {"code": code, "detail": str(detail), "fields": fields}
    return response
