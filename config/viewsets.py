"""Base classes for every API view: authentication, the acting organisation, roles, idempotency.

Subclasses declare ``scope`` (see ``studio.tenancy.Scope``) and ``policy`` (see ``studio.policy``: who
may do each action), and take their queryset from a selector scoped to ``self.request.organization``
as ``selector`` (or in ``get_queryset``).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.idempotency import IdempotentMixin
from config.renderers import JSONRenderer
from config.uploads import upload_limit
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

    # Where the rows come from: a selector, called as ``selector(organization=<the acting organisation>)``.
    # A viewset that narrows, orders or loads them further overrides ``get_queryset`` instead.
    selector = None

    def get_queryset(self):
        if self.selector is None:
            return super().get_queryset()
        return type(self).selector(organization=self.organization)


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """List and retrieve only."""


class EditableMixin(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin
):
    """List, retrieve, create and update: mix in before the viewset (add ``DestroyModelMixin`` for delete)."""


class ServiceWritesMixin:
    """Create and update through the app's services; mix in before the viewset.

    ``create`` validates ``create_serializer`` and calls ``add(by=, **data)``; ``update`` (PUT, or PATCH
    with only the fields sent) validates ``update_serializer`` and calls ``change(instance, by=, **data)``.
    Both answer with ``output_serializer`` (by default ``serializer_class``), a create with
    ``created_serializer`` where it shows more (a secret shown once), and the schema says so.
    """

    create_serializer = update_serializer = output_serializer = created_serializer = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.create_serializer is not None:
            output = cls.output_serializer or cls.serializer_class
            created = cls.created_serializer or output
            extend_schema_view(
                create=extend_schema(request=cls.create_serializer, responses={201: created}),
                update=extend_schema(request=cls.update_serializer, responses=output),
                partial_update=extend_schema(request=cls.update_serializer, responses=output),
            )(cls)

    def add(self, **data):
        raise NotImplementedError

    def change(self, instance, **data):
        raise NotImplementedError

    def answer(self, instance, status_code=status.HTTP_200_OK) -> Response:
        output = self.output_serializer or self.serializer_class
        return Response(output(instance).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = self.validated(self.create_serializer, request.data)
        instance = self.add(by=request.user, **data)
        if self.created_serializer is not None:
            return Response(self.created_serializer(instance).data, status=status.HTTP_201_CREATED)
        return self.answer(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        instance = self.get_object()
        # with the instance, a partial input can check what it sends against what is stored
        data = self.validated(self.update_serializer, request.data, instance=instance)
        return self.answer(self.change(instance, by=request.user, **data))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


def public_action(**kwargs):
    """A viewset ``@action`` anyone may call without signing in: the private link's token is the key."""
    return action(permission_classes=[AllowAny], authentication_classes=[], **kwargs)


def upload_action(*, request, responses, max_bytes, field: str, description=None, **kwargs):
    """A ``POST`` viewset ``@action`` taking a multipart form whose file ``field`` is ``max_bytes`` at
    most (``config.uploads``); ``request`` is the form's serializer, which the schema shows as multipart."""

    def decorate(func):
        func = action(methods=["post"], parser_classes=[MultiPartParser, FormParser], **kwargs)(func)
        func = upload_limit(max_bytes, field=field)(func)
        return extend_schema(
            request={"multipart/form-data": request}, responses=responses, description=description
        )(func)

    return decorate
