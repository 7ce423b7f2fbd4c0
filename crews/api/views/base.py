"""What the crews' viewsets share: the company scope, writes through the services, a share token's form."""

from rest_framework import mixins

from config.viewsets import ScopedGenericViewSet, ServiceWritesMixin
from studio.tenancy import Scope

TOKEN = r"(?P<token>[A-Za-z0-9_-]{16,64})"


class CompanyViewSet(ScopedGenericViewSet):
    scope = Scope.ORGANIZATION


class CompanyWritesViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceWritesMixin, CompanyViewSet
):
    """List and retrieve; create and update through the services (``ServiceWritesMixin``)."""
