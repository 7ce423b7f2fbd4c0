"""What the crews' viewsets share: the company scope, the form of a share token."""

from config.viewsets import ScopedGenericViewSet
from studio.tenancy import Scope

TOKEN = r"(?P<token>[A-Za-z0-9_-]{16,64})"


class CompanyViewSet(ScopedGenericViewSet):
    scope = Scope.ORGANIZATION
