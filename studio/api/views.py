from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.idempotency import IdempotentMixin
from config.throttling import ScopedRateThrottle
from config.viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet, ServiceWritesMixin
from studio import policies
from studio.api.filters import ProductionFilterSet
from studio.api.serializers import (
    MeOut,
    OrganizationOut,
    ProductionIn,
    ProductionOut,
    ProductionStatusIn,
    TokenIn,
    TokenOut,
)
from studio.selectors import memberships_for_user, organizations_visible_to, productions_visible_to
from studio.services import production_change_status, production_create, production_update
from studio.tenancy import Scope


class TokenView(IdempotentMixin, APIView):
    """Exchange a username and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"
    scope = Scope.USER

    def get_authenticate_header(self, request):
        return "Token"

    @extend_schema(request=TokenIn, responses={200: TokenOut}, auth=[])
    def post(self, request):
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Unable to log in with the given username and password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class MeView(IdempotentMixin, APIView):
    """The signed-in user with their memberships and roles."""

    permission_classes = [IsAuthenticated]
    scope = Scope.USER

    @extend_schema(responses=MeOut)
    def get(self, request):
        memberships = list(memberships_for_user(user=request.user))
        return Response(MeOut(request.user, context={"memberships": memberships}).data)


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """The organisation the request acts for."""

    scope = Scope.ORGANIZATION
    policy = policies.ORGANIZATION
    serializer_class = OrganizationOut
    filterset_fields = ["kind"]
    ordering_fields = ["name", "id"]
    selector = organizations_visible_to


class ProductionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceWritesMixin, ScopedGenericViewSet
):
    """A production company's productions."""

    scope = Scope.ORGANIZATION
    policy = policies.PRODUCTION
    serializer_class = ProductionOut
    create_serializer = update_serializer = ProductionIn
    filterset_class = ProductionFilterSet
    ordering_fields = ["title", "created_at", "planned_start", "total_investment", "id"]
    ordering = ["-created_at", "-id"]
    search_fields = ["title"]
    selector = productions_visible_to

    def add(self, **data):
        return production_create(company=self.organization, **data)

    def change(self, production, **data):
        return production_update(production=production, **data)

    @extend_schema(request=ProductionStatusIn, responses=ProductionOut)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the production to another status (409 when the lifecycle does not allow it)."""
        production = self.get_object()
        data = ProductionStatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        production = production_change_status(
            production=production,
            to=data.validated_data["status"],
            by=request.user,
            comment=data.validated_data["comment"],
        )
        return Response(ProductionOut(production).data)
