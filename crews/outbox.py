"""Many per-person events in a fixed number of queries, written to the same outbox tables.

``notifications.services.event_record`` writes one event per call (two queries each); a call sheet
notifies every person on it with their own line and link, so publishing would cost queries per person.
``person_events_record`` writes the same ``Event`` and ``Delivery`` rows in bulk (one email delivery per
valid address, no audience: people on a sheet may have no login) and queues them after commit exactly
like the service does, so the relay and the workers treat them the same.
"""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery, Event
from notifications.services import acting_user, email_delivery, valid_email
from notifications.tasks import deliveries_enqueue
from studio.models import Organization


def person_events_record(*, organization: Organization, actor, subject, items: list[dict]) -> list[Event]:
    """``items``: ``{"type", "payload", "email"}`` each; one event per item, one email per valid address."""
    if not items:
        return []
    actor = acting_user(actor)
    subject_type = ContentType.objects.get_for_model(subject)
    now = timezone.now()
    events = Event.objects.bulk_create(
        [
            Event(
                type=item["type"],
                organization=organization,
                actor=actor,
                subject_type=subject_type,
                subject_id=str(subject.pk),
                payload=item["payload"],
                created_at=now,
            )
            for item in items
        ]
    )
    deliveries = [
        email_delivery(event, organization.pk, address)
        for event, item in zip(events, items, strict=True)
        if (address := valid_email(item.get("email")))
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        transaction.on_commit(partial(deliveries_enqueue, [delivery.pk for delivery in deliveries]))
    return events
