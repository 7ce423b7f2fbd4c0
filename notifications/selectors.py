"""Reads of the event log and the outbox, scoped to the acting organisation."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from config.scoping import scope
from notifications.models import Delivery, Event, EventAudience, WebhookEndpoint
from studio.models import Organization


@scope(Event)
def events_visible_to(*, organization: Organization) -> QuerySet[Event]:
    """Events the organisation owns or is in the audience of."""
    in_audience = EventAudience.objects.filter(event=OuterRef("pk"), organization=organization)
    return Event.objects.filter(Q(organization=organization) | Exists(in_audience)).select_related(
        "subject_type"
    )


@scope(Delivery)
def deliveries_visible_to(*, organization: Organization) -> QuerySet[Delivery]:
    """Deliveries addressed to the organisation (its members, its endpoints, its explicit addresses)."""
    return Delivery.objects.filter(organization=organization).select_related("event")


@scope(WebhookEndpoint)
def webhook_endpoints_of(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization)
