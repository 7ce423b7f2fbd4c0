"""Base classes for every API view: authentication, the acting organisation, roles, idempotency.

Subclasses declare ``scope`` (see ``studio.tenancy.Scope``) and ``policy`` (see ``studio.policy``: who
may do each action), and take their queryset from a selector scoped to ``self.request.organization``
in ``get_queryset``.
"""

from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from config.idempotency import IdempotentMixin
from config.renderers import JSONRenderer
from studio.policy import Policy, PolicyPermission
from studio.tenancy import ActingOrganization


class ScopedViewMixin(IdempotentMixin):
    permission_classes = [IsAuthenticated, ActingOrganization, PolicyPermission]
    scope = None  # each concrete view must declare a studio.tenancy.Scope
    policy: Policy | None = None  # each concrete view must declare its studio.policy.Policy

    @property
    def organization(self):
        return self.request.organization

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["organization"] = getattr(self.request, "organization", None)
        return context

    def validated(self, serializer_class, data, **kwargs) -> dict:
        """Validate ``data`` with an input serializer in this view's context (400 on error).

        A PATCH is partial: only the fields it sends are validated and returned (``{}`` changes nothing).
        """
        request = getattr(self, "request", None)
        if request is not None and request.method == "PATCH":
            kwargs.setdefault("partial", True)
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # An action that renders iCalendar, CSV or HTML still reports its errors in the JSON envelope,
        # as documented, rather than as an error body labelled text/calendar.
        renderer = getattr(response, "accepted_renderer", None)
        if getattr(response, "exception", False) and renderer and renderer.media_type != "application/json":
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class ScopedAPIView(ScopedViewMixin, APIView):
    """A plain API view acting for an organisation."""


class ScopedGenericViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """A viewset acting for an organisation; mix in the operations it offers."""


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """List and retrieve only."""


class EditableMixin(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin
):
    """List, retrieve, create and update: mix in before the viewset (add ``DestroyModelMixin`` for delete)."""


def public_action(**kwargs):
    """A viewset ``@action`` anyone may call without signing in: the private link's token is the key."""
    return action(permission_classes=[AllowAny], authentication_classes=[], **kwargs)
