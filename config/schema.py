"""OpenAPI generation: the headers every API view understands and the error envelope it can answer with.

``AutoSchema`` documents ``X-Organization`` on views that act for an organisation and
``Idempotency-Key`` on their POSTs; ``document_error_responses`` (a drf-spectacular postprocessing
hook) adds the ``Error`` envelope to every operation for each status the shared machinery can
produce, unless the view documented that status itself.
"""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from config.idempotency import HEADER as IDEMPOTENCY_HEADER
from config.idempotency import KEY_MAX_LENGTH, IdempotentMixin
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
                    {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": "^[!-~]+$"},
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
