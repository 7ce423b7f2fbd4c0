"""What the crews' viewsets share: the company scope, writes through the services, a share token's form."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from config.viewsets import EditableMixin, ScopedGenericViewSet
from studio.tenancy import Scope

TOKEN = r"(?P<token>[A-Za-z0-9_-]{16,64})"


class CompanyViewSet(ScopedGenericViewSet):
    scope = Scope.ORGANIZATION


class CompanyWritesViewSet(EditableMixin, CompanyViewSet):
    """List, retrieve, and create and update through the services.

    ``create`` validates ``create_serializer`` and calls ``add(by=, **data)``; ``update`` (PUT, or PATCH
    with only the fields sent) validates ``update_serializer`` and calls ``change(instance, by=, **data)``.
    Both answer with ``output_serializer`` (by default ``serializer_class``), and the schema says so.
    """

    create_serializer = update_serializer = output_serializer = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.create_serializer is not None:
            output = cls.output_serializer or cls.serializer_class
            extend_schema_view(
                create=extend_schema(request=cls.create_serializer, responses={201: output}),
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
        return self.answer(self.add(by=request.user, **data), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        instance = self.get_object()
        data = self.validated(self.update_serializer, request.data)
        return self.answer(self.change(instance, by=request.user, **data))
