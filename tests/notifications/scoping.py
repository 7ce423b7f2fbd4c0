"""Objects owned by a given organisation, for the router-walking scoping test.

Events are ``Scope.PARTICIPANTS``: visible to their owner and to their audience organisations only.
"""

from tests.factories import DeliveryFactory, EventFactory, WebhookEndpointFactory

SCOPING = {
    "event": lambda owner: EventFactory(organization=owner),
    "delivery": lambda owner: DeliveryFactory(organization=owner, event=EventFactory(organization=owner)),
    "webhook-endpoint": lambda owner: WebhookEndpointFactory(organization=owner),
}
