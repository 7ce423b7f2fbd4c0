from notifications.api.views import DeliveryViewSet, EventViewSet, WebhookEndpointViewSet


def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
    router.register("events", EventViewSet, basename="event")
    router.register("deliveries", DeliveryViewSet, basename="delivery")
    router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
