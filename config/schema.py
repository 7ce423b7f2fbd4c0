"""OpenAPI generation: the headers every API view understands and the error envelope it can answer with.

``AutoSchema`` documents ``X-Organization`` on views that act for an organisation and
``Idempotency-Key`` on their POSTs; ``document_error_responses`` (a drf-spectacular postprocessing
hook) adds the ``Error`` envelope to every operation for each status the shared machinery can
produce, unless the view documented that status itself. ``describe_truthfully`` (another hook) makes
the document say what the server does: tags by resource, page bounds, times of day as ``HH:MM[:SS]``
and no default a validator would refuse. ``config.schema_view.SchemaView`` serves the
document built once per process for each language and version.
"""

import copy
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from config.idempotency import HEADER as IDEMPOTENCY_HEADER
from config.idempotency import KEY_MAX_LENGTH, KEY_PATTERN, IdempotentMixin
from config.serializers import StrictSerializerMixin
from studio.models import Membership, Organization
from studio.tenancy import ORGANIZATION_HEADER

ERROR_COMPONENT = "Error"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a stable machine code, a translated message, per-field messages.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. `invalid`."},
        "detail": {"type": "string", "description": "Human-readable message in the request's language."},
        "fields": {
            "type": "object",
            "description": "Field, query parameter or header name → list of messages (nested for nested "
            "input).",
            "additionalProperties": {},
        },
    },
    "required": ["code", "detail", "fields"],
}

ALWAYS = {
    "400": "Invalid input, query parameter or header.",
    "401": "Not signed in, or bad credentials.",
    "403": "The member's role or organisation kind does not allow this.",
    "404": "No such object for the acting organisation (or no such organisation).",
    "429": "Throttled or locked out; see `Retry-After`.",
}
WITH_BODY = {
    "409": "Conflicts with the current state, or the same Idempotency-Key is in progress.",
    "413": "The request body is too large.",
    "415": "Unsupported content type.",
}
POST_ONLY = {"422": "The Idempotency-Key was already used for a different request."}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        # Schema generation has no acting organisation; lend the view a placeholder that owns nothing,
        # so that get_queryset() (and with it the model and path parameter types) can be inspected.
        request = getattr(self.view, "request", None)
        if request is not None and getattr(request, "organization", None) is None:
            organization = Organization(pk=0, kind=Organization.Kind.PRODUCTION_COMPANY, name="")
            request.organization = organization
            request.membership = Membership(organization=organization, role=Membership.Role.OWNER)
        return super().get_operation(*args, **kwargs)

    def get_request_serializer(self):
        # A PATCH the view did not document itself takes the input of its PUT (``update``), every
        # field optional (COMPONENT_SPLIT_PATCH names it Patched…), not the output serializer.
        if self.method == "PATCH":
            schema_class = getattr(getattr(self.view, "update", None), "kwargs", {}).get("schema")
            if schema_class is not None and not isinstance(self, schema_class):
                put = copy.copy(self)
                put.__class__ = schema_class
                put.method = "PUT"
                return put.get_request_serializer()
        return super().get_request_serializer()

    def get_filter_backends(self):
        # Filters narrow a list; an action on one object takes none of them.
        if getattr(self.view, "detail", None):
            return []
        return super().get_filter_backends()

    def _get_paginator(self):
        # Only lists paginate: an action on one object (``/shoot-days/{id}/conflicts/``) answers a list.
        if getattr(self.view, "detail", None):
            return None
        return super()._get_paginator()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # A read-only choice of a blank-allowed model field (``tier``, ``set_kind``) is sent as "": DRF
        # drops allow_blank from read-only fields, so lend it back for the schema (adds the blank choice).
        if direction == "response" and isinstance(field, serializers.ChoiceField) and not field.allow_blank:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            try:
                model_field = model._meta.get_field(field.source) if model and field.source else None
            except FieldDoesNotExist:
                model_field = None
            if isinstance(model_field, models.CharField | models.TextField) and model_field.blank:
                field = copy.copy(field)
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        # Input serializers refuse fields they do not know (a 400 "Unknown field."): say so.
        strict = isinstance(serializer, StrictSerializerMixin)
        if direction == "request" and strict and "properties" in schema:
            schema["additionalProperties"] = False
        return schema

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        from config.viewsets import ScopedViewMixin

        if isinstance(self.view, ScopedViewMixin):
            parameters.append(
                OpenApiParameter(
                    ORGANIZATION_HEADER,
                    OpenApiTypes.INT,
                    OpenApiParameter.HEADER,
                    description="The organisation to act for; needed when the user belongs to several.",
                )
            )
        if isinstance(self.view, IdempotentMixin) and self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": KEY_MAX_LENGTH,
                        "pattern": f"^{KEY_PATTERN.pattern}$",
                    },
                    OpenApiParameter.HEADER,
                    description="Repeating a POST with the same key replays the first response.",
                )
            )
        return parameters


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            statuses = dict(ALWAYS)
            if method in {"post", "put", "patch", "delete"}:
                statuses.update(WITH_BODY)
            if method == "post":
                statuses.update(POST_ONLY)
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result


# OpenAPI has no local time of day ("format: time" is RFC 3339's, with an offset): the server reads and
# writes "06:00" or "06:00:00", Asia/Shanghai wall-clock time.
TIME_OF_DAY = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$",
    "description": "Local time of day (Asia/Shanghai), HH:MM or HH:MM:SS, no offset.",
}
PAGE_BOUNDS = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": 200}}
PAGE_DESCRIPTIONS = {
    "page": "Page number, from 1.",
    "page_size": "Items per page, 1–200 (default 50).",
}
# Formats a default of "" cannot satisfy (a blank email is allowed as input by a separate oneOf branch).
# What a query parameter means, for those whose filter or serializer field carries no help text. A
# description given in the view (help_text, OpenApiParameter) wins; a choice's values are listed with
# their labels after it.
PARAMETER_DESCRIPTIONS = {
    "available_from": "Only sets free for the whole window from this moment (ISO 8601 with offset) to "
    "available_to; the two go together, at most the configured number of days apart.",
    "available_to": "End of the availability window (exclusive); see available_from.",
    "base": "Only those at this base (id).",
    "batch": "Only bookings of this booking batch (id).",
    "centre": "Only submissions to this review centre (id).",
    "created_after": "Created at or after this moment (ISO 8601 with offset).",
    "created_before": "Created before this moment (ISO 8601 with offset).",
    "crew": "Only those of this crew (id).",
    "crew__production": "Only shoot days of this production's crews (production id).",
    "date": "The day (YYYY-MM-DD, Asia/Shanghai).",
    "days": "How many days from date (default 1, at most the configured maximum).",
    "due_before": "Only submissions due on or before this date (YYYY-MM-DD).",
    "endpoint": "Only deliveries to this webhook endpoint (id).",
    "episode": "Only scenes of this episode number.",
    "event": "Only deliveries of this event (id).",
    "event_type": "Only deliveries of events of exactly this type, e.g. booking.confirmed.",
    "format": "json (default) or csv.",
    "is_active": "true: only active ones; false: only inactive ones.",
    "kind": "Only these kinds (repeat the parameter or separate with commas).",
    "max_day_rate": "Day rate at most this (CNY, up to 2 decimals).",
    "max_hourly_rate": "Hourly rate at most this (CNY, up to 2 decimals).",
    "min_area": "Floor area at least this (square metres).",
    "min_capacity": "Room for at least this many crew.",
    "near_lat": "Latitude of the origin (WGS 84, -90..90, up to 6 decimals); with near_lon.",
    "near_lon": "Longitude of the origin (WGS 84, -180..180, up to 6 decimals); with near_lat.",
    "near_place": "Origin for travel times: a place (hotel, canteen, ...) by id. Results carry "
    "travel_minutes from it and are limited to within_minutes.",
    "near_set": "Origin for travel times: a set by id (see near_place).",
    "person": "Only those of this person (id).",
    "planned_start_after": "Planned start on or after this date (YYYY-MM-DD).",
    "planned_start_before": "Planned start on or before this date (YYYY-MM-DD).",
    "production": "Only those of this production (id).",
    "set": "Only those of this set (id).",
    "shoot_day": "Only those of this shoot day (id).",
    "special_subject": "true: only productions on a special subject (extra review); false: the others.",
    "starts_after": "Starting at or after this moment (ISO 8601 with offset).",
    "starts_before": "Starting before this moment (ISO 8601 with offset).",
    "tag": "Only sets carrying every one of these tags (repeat the parameter or separate with commas).",
    "title": "Title contains this text (case-insensitive).",
    "token": "The feed's private token (from the feed-url action); no sign-in needed.",
    "type": "Only events of exactly this type, e.g. booking.confirmed.",
    "type_prefix": "Only events whose type starts with this, e.g. booking.",
    "version": "Only this call-sheet version number.",
    "within_minutes": "With an origin (near_place, near_set or near_lat/near_lon): only sets at most "
    "this many minutes' travel away (0-600); default the zone's circle (e.g. 15 minutes).",
    "zone": "Only those in this zone (id).",
}
_BLANK_INVALID_FORMATS = {"email", "uri", "uuid", "date", "date-time", "ipv4", "ipv6"}
_RESOURCE = re.compile(r"^/api/v\d+/([^/{]+)/")


def _walk(node):
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            node.pop("format")
            for key, value in TIME_OF_DAY.items():
                node.setdefault(key, value)
        if node.get("default") == "" and node.get("format") in _BLANK_INVALID_FORMATS:
            del node["default"]
        # A blank-allowed email is "an email, or empty": a validator that skips formats finds "" valid
        # under both branches, which oneOf forbids.
        if any(branch.get("maxLength") == 0 for branch in node.get("oneOf", []) if isinstance(branch, dict)):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def _describe(parameter):
    """Give a query parameter a description, and list its values with their labels if it is a choice."""
    if parameter.get("in") != "query":
        return
    schema = parameter.get("schema", {})
    labels = schema.get("description") or schema.get("items", {}).get("description") or ""
    description = parameter.get("description") or ""
    if not description or description == labels:
        description = PARAMETER_DESCRIPTIONS.get(parameter["name"], "")
    if labels and labels not in description:
        description = f"{description}\n\n{labels}" if description else labels
    if description:
        parameter["description"] = description


def describe_truthfully(result, generator, request, public):
    """Postprocessing hook: the schema says what the server does and passes openapi-spec-validator."""
    _walk(result)
    tags = set()
    for path, operations in result.get("paths", {}).items():
        match = _RESOURCE.match(path)
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if match:
                operation["tags"] = [match.group(1)]
                tags.add(match.group(1))
            for parameter in operation.get("parameters", []):
                _describe(parameter)
                if parameter.get("in") == "query" and parameter.get("name") in PAGE_BOUNDS:
                    parameter.setdefault("schema", {}).update(PAGE_BOUNDS[parameter["name"]])
                    parameter["description"] = PAGE_DESCRIPTIONS[parameter["name"]]
    result["tags"] = [{"name": tag} for tag in sorted(tags)]
    return result


def api_paths_only(endpoints):
    """Preprocessing hook: only the operations under /api/ (a page reusing an API view is not one)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
