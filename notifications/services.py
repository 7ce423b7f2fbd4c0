"""Writes for the event log and the outbox.

``event_record`` runs inside the caller's transaction: the event, its audience and one ``Delivery`` per
recipient and channel are written together, and the delivery tasks are queued only after commit. A
rolled-back transaction leaves nothing behind and sends nothing. The way out is the workers':
``notifications.tasks`` queues deliveries and runs their attempts (``notifications.attempts``), and its
relay re-queues rows whose message was lost (broker flushed, worker killed).
"""

import re
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ConflictError, DomainError
from config.locking import lock, locked_transaction
from config.redaction import redact_url
from config.services import model_update
from notifications.fanout import (  # noqa: F401 - email_delivery and valid_email are imported from here
    EMAIL_ROLES,
    email_delivery,
    endpoint_delivery,
    explicit_emails,
    fanout_orm,
    fanout_sql,
    valid_email,
)
from notifications.models import Delivery, Event, WebhookEndpoint
from notifications.tasks import deliveries_enqueue_on_commit
from notifications.webhooks import secret_generate, webhook_url_check
from notifications.workflow import DELIVERIES
from studio.models import Organization

EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")
MAX_SUBSCRIBED_TYPES = 50


def _subject_reference(subject) -> dict:
    if subject is None:
        return {"subject_type": None, "subject_id": ""}
    if subject.pk is None:
        raise ValueError("An event's subject must be saved first.")
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": str(subject.pk)}


def acting_user(actor):
    """The user an event names as its actor: None for nobody, an anonymous user or an unsaved one."""
    if actor is not None and (not getattr(actor, "is_authenticated", False) or actor.pk is None):
        return None
    return actor


def _unique_organizations(organizations: Iterable[Organization]) -> list[Organization]:
    return list({organization.pk: organization for organization in organizations}.values())


def event_record(
    *,
    type: str,  # noqa: A002 - the fixed interface every app calls
    organization: Organization,
    payload: dict,
    actor=None,
    subject=None,
    audience: Iterable[Organization] = (),
    emails: Iterable[str] = (),
) -> Event:
    """Record an event of ``organization``; queue its emails and webhooks to ``audience`` after commit."""
    if not type:
        raise ValueError("An event needs a type.")
    actor = acting_user(actor)
    audience = _unique_organizations(audience)
    event = Event(
        type=type, organization=organization, actor=actor, payload=payload, **_subject_reference(subject)
    )
    if connection.vendor == "postgresql":
        # one statement for the event, its audience and its deliveries (notifications.fanout)
        event.pk, delivery_ids = fanout_sql(
            event=event,
            audience_ids=[member.pk for member in audience],
            emails=explicit_emails(emails),
            roles=EMAIL_ROLES,
            type_=type,
        )
        event._state.adding = False
        event._state.db = connection.alias
    else:
        delivery_ids = fanout_orm(event=event, audience=audience, emails=emails)
    deliveries_enqueue_on_commit(delivery_ids)
    return event


def event_record_update(*, type: str, subject, organization: Organization, actor, changed) -> Event:  # noqa: A002
    """Record ``type`` for a changed ``subject``: its id under its model's name and what ``changed``."""
    return event_record(
        type=type,
        organization=organization,
        actor=actor,
        subject=subject,
        payload={subject._meta.model_name: subject.pk, "changed": changed},
    )


def delivery_retry_now(*, delivery: Delivery, by=None) -> Delivery:
    """Make an unsent delivery due now; a dead one gets one more attempt."""
    now = timezone.now()

    def apply(delivery: Delivery) -> None:
        if delivery.sending_since is not None and delivery.next_attempt_at > timezone.now():
            raise ConflictError(
                _("This delivery is being sent right now; try again in a minute."), code="delivery_in_flight"
            )
        delivery.next_attempt_at = timezone.now()

    return DELIVERIES.run("retry", delivery, by=by, now=now, apply=apply, fields=["next_attempt_at"])


def clean_event_types(event_types) -> list[str]:
    if not isinstance(event_types, list | tuple) or len(event_types) > MAX_SUBSCRIBED_TYPES:
        raise DomainError(
            _("Give at most %(max)d event types as a list.") % {"max": MAX_SUBSCRIBED_TYPES},
            code="invalid_event_types",
            fields={"event_types": [_("A list of at most %(max)d types.") % {"max": MAX_SUBSCRIBED_TYPES}]},
        )
    cleaned = []
    for value in event_types:
        if not isinstance(value, str) or len(value) > 100 or not EVENT_TYPE_PATTERN.match(value):
            raise DomainError(
                _("Not an event type: %(value)s") % {"value": value},
                code="invalid_event_types",
                fields={"event_types": [_('Use types like "booking.confirmed" or "booking.*".')]},
            )
        cleaned.append(value)
    return list(dict.fromkeys(cleaned))


def _check_endpoint(endpoint: WebhookEndpoint) -> None:
    webhook_url_check(endpoint.url)
    duplicate = WebhookEndpoint.objects.filter(organization_id=endpoint.organization_id, name=endpoint.name)
    if duplicate.exclude(pk=endpoint.pk).exists():
        raise DomainError(
            _("Your organisation already has a webhook endpoint with this name."),
            code="duplicate_name",
            fields={"name": [_("Already used by another endpoint.")]},
        )


def _endpoint_event(endpoint: WebhookEndpoint, event_type: str, by, **payload) -> None:
    event_record(
        type=event_type,
        organization=endpoint.organization,
        actor=by,
        subject=endpoint,
        payload={"endpoint": endpoint.pk, "name": endpoint.name, **payload},
    )


ENDPOINT_FIELDS = ("name", "url", "kind", "event_types", "is_active")


@transaction.atomic
def webhook_endpoint_create(
    *,
    organization: Organization,
    name: str,
    url: str,
    kind: str = WebhookEndpoint.Kind.STANDARD,
    event_types: list[str] | tuple = (),
    is_active: bool = True,
    by=None,
) -> WebhookEndpoint:
    """Register an endpoint; its signing secret is made here and shown once."""
    endpoint = WebhookEndpoint(
        organization=organization,
        name=name,
        url=url,
        kind=kind,
        event_types=clean_event_types(list(event_types)),
        is_active=is_active,
        secret=secret_generate(),
    )
    _check_endpoint(endpoint)
    endpoint.save()
    # every member reads the event log; the full URL (a robot's key, a token) is for owners and managers
    _endpoint_event(endpoint, "webhook_endpoint.created", by, url=redact_url(endpoint.url))
    return endpoint


@locked_transaction()
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, by=None, **data) -> WebhookEndpoint:
    if "event_types" in data:
        data["event_types"] = clean_event_types(data["event_types"])
    endpoint, changed = model_update(
        instance=lock(WebhookEndpoint, endpoint.pk), fields=ENDPOINT_FIELDS, data=data, check=_check_endpoint
    )
    if not changed:
        return endpoint
    _endpoint_event(endpoint, "webhook_endpoint.updated", by, changed=sorted(changed))
    return endpoint


@locked_transaction()
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by=None) -> WebhookEndpoint:
    """A new secret signs every message sent from now on, retries of older ones included."""
    endpoint = lock(WebhookEndpoint, endpoint.pk)
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret", "updated_at"])
    _endpoint_event(endpoint, "webhook_endpoint.secret_rotated", by)
    return endpoint


@locked_transaction()
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by=None) -> None:
    """Delete an endpoint; its unsent deliveries end dead, its sent ones stay in the log."""
    endpoint = lock(WebhookEndpoint, endpoint.pk)
    Delivery.objects.filter(endpoint=endpoint, status__in=Delivery.OPEN_STATUSES).update(
        status=Delivery.Status.DEAD, last_error="The webhook endpoint was deleted."
    )
    _endpoint_event(endpoint, "webhook_endpoint.deleted", by)
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_ping(*, endpoint: WebhookEndpoint, by=None) -> Delivery:
    """Send a ``webhook.ping`` event to this endpoint only, through the outbox like any other."""
    if not endpoint.is_active:
        raise ConflictError(_("The endpoint is switched off."), code="endpoint_inactive")
    event = event_record(
        type="webhook.ping",
        organization=endpoint.organization,
        actor=by,
        subject=endpoint,
        payload={"endpoint": endpoint.pk, "name": endpoint.name},
    )
    delivery = endpoint_delivery(event=event, endpoint=endpoint)
    delivery.save()
    deliveries_enqueue_on_commit([delivery.pk])
    return delivery
