from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet, ServiceWritesMixin
from notifications import policies
from notifications.api.filters import DeliveryFilterSet, EventFilterSet
from notifications.api.serializers import (
    DeliveryOut,
    EventOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointWithSecretOut,
)
from notifications.selectors import deliveries_visible_to, events_visible_to, webhook_endpoints_of
from notifications.services import (
    delivery_retry_now,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_ping,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)
from studio.tenancy import Scope


class EventViewSet(ScopedReadOnlyViewSet):
    """The event log: events of the acting organisation and events addressed to it."""

    scope = Scope.PARTICIPANTS
    policy = policies.EVENT
    serializer_class = EventOut
    filterset_class = EventFilterSet
    ordering_fields = ["created_at", "id", "type"]
    ordering = ["-created_at", "-id"]
    selector = events_visible_to


class DeliveryViewSet(ScopedReadOnlyViewSet):
    """The outbox rows addressed to the acting organisation: emails to its members, posts to its endpoints."""

    scope = Scope.ORGANIZATION
    policy = policies.DELIVERY
    serializer_class = DeliveryOut
    filterset_class = DeliveryFilterSet
    ordering_fields = ["created_at", "id", "next_attempt_at", "sent_at"]
    ordering = ["-created_at", "-id"]
    selector = deliveries_visible_to

    @extend_schema(request=None, responses=DeliveryOut)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send an unsent delivery now; a dead one gets one more attempt."""
        delivery = delivery_retry_now(delivery=self.get_object(), by=request.user)
        return Response(DeliveryOut(self.get_queryset().get(pk=delivery.pk)).data)


class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ServiceWritesMixin,
    ScopedGenericViewSet,
):
    """The acting organisation's webhook endpoints, for owners and managers (URLs may carry credentials)."""

    scope = Scope.ORGANIZATION
    policy = policies.WEBHOOK_ENDPOINT
    serializer_class = WebhookEndpointOut
    create_serializer = update_serializer = WebhookEndpointIn
    created_serializer = WebhookEndpointWithSecretOut  # the signing secret, shown once
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]
    filterset_fields = ["kind", "is_active"]
    selector = webhook_endpoints_of

    def add(self, **data):
        return webhook_endpoint_create(organization=self.organization, **data)

    def change(self, endpoint, **data):
        return webhook_endpoint_update(endpoint=endpoint, **data)

    def destroy(self, request, *args, **kwargs):
        webhook_endpoint_delete(endpoint=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookEndpointWithSecretOut)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """Replace the signing secret; the new one is shown once, in this answer."""
        endpoint = webhook_endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return Response(WebhookEndpointWithSecretOut(endpoint).data)

    @extend_schema(request=None, responses={202: DeliveryOut})
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        """Send a ``webhook.ping`` event to this endpoint through the outbox; follow it in deliveries."""
        delivery = webhook_endpoint_ping(endpoint=self.get_object(), by=request.user)
        return Response(DeliveryOut(delivery).data, status=status.HTTP_202_ACCEPTED)
