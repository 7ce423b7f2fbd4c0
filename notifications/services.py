"""Writes for the event log and the outbox.

``event_record`` runs inside the caller's transaction: the event, its audience and one ``Delivery`` per
recipient and channel are written together, and the delivery tasks are queued only after commit. A
rolled-back transaction leaves nothing behind and sends nothing. ``delivery_attempt`` counts the
attempt and leases the row before sending it, so that duplicate task messages are harmless and a worker
killed mid-send still counts its attempt; ``deliveries_relay`` re-queues rows whose message was lost
(broker flushed, worker killed).
"""

import logging
import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ConflictError, DomainError
from config.locking import lock, locked_transaction
from config.redaction import redact_text, redact_url, url_secrets
from config.services import model_update
from notifications import conf
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
from notifications.sending import DeliveryAbandoned, delivery_send
from notifications.webhooks import UNRESOLVABLE, UnsafeWebhookUrl, secret_generate, webhook_url_check
from notifications.workflow import DELIVERIES
from studio.models import Organization

logger = logging.getLogger(__name__)

EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")
MAX_SUBSCRIBED_TYPES = 50
#: a message may come back from the broker's timer a hair before the row's next_attempt_at
DUE_TOLERANCE = timedelta(milliseconds=500)
ERROR_MAX_LENGTH = 2000
#: the error a delivery keeps when an attempt never reported back (its worker was killed while sending)
INTERRUPTED = "Attempt %(attempt)d did not finish: the worker stopped while sending."


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


def deliveries_enqueue(delivery_ids: list[int], *, eta: datetime | None = None) -> None:
    """Queue the deliveries' tasks, ``conf.task_batch()`` ids a task, so that a transaction that made
    hundreds of deliveries costs tens of task messages, not hundreds. Never raises: a row whose message
    is not queued is sent by the relay."""
    if not delivery_ids:
        return
    from config.celery import app
    from notifications.tasks import deliveries_attempt, delivery_attempt

    size = conf.task_batch()
    try:
        with app.producer_or_acquire() as producer:
            for start in range(0, len(delivery_ids), size):
                chunk = list(delivery_ids[start : start + size])
                if len(chunk) == 1:
                    delivery_attempt.apply_async((chunk[0],), eta=eta, producer=producer)
                else:
                    deliveries_attempt.apply_async((chunk,), eta=eta, producer=producer)
    except Exception:
        logger.warning(
            "could not queue %d deliveries; the relay will send them", len(delivery_ids), exc_info=True
        )


class _EnqueueOnCommit:
    """The delivery ids one transaction created, queued together once it commits.

    Ids added from inside a savepoint that later rolls back stay in the list; their task finds no row
    and does nothing, which is cheaper than tracking savepoints here.
    """

    def __init__(self):
        self.ids: list[int] = []
        self.done = False

    def __call__(self):
        self.done = True
        deliveries_enqueue(self.ids)


def _enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, _EnqueueOnCommit) and not callback.done:
                callback.ids.extend(ids)
                return
    pending = _EnqueueOnCommit()
    pending.ids.extend(ids)
    transaction.on_commit(pending)


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
    _enqueue_after_commit(delivery_ids)
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


def retry_delay_seconds(attempts: int, *, rng: random.Random | None = None) -> float:
    """Wait after the ``attempts``-th failure: exponential, capped, stretched by up to ``JITTER``."""
    base = conf.retry_base_seconds() * conf.retry_factor() ** max(attempts - 1, 0)
    delay = min(base, conf.retry_max_seconds())
    return delay * (1 + conf.retry_jitter() * (rng or random).random())


def _failure_text(exc: BaseException, delivery: Delivery) -> str:
    """The error as stored and shown to every member: no URL's query or user-info, no robot key."""
    endpoint = delivery.endpoint if delivery.endpoint_id else None
    known = url_secrets(endpoint.url) if endpoint is not None else []
    return redact_text(f"{type(exc).__name__}: {exc}", also=known)[:ERROR_MAX_LENGTH]


def _claim(delivery_id: int) -> Delivery | None:
    """Count the attempt and lease the row, committed before anything is sent (None: not due or held).

    A row whose previous attempt never reported back (``sending_since`` still set: its worker was killed
    mid-send) has already had that attempt counted; at the cap it ends ``dead`` here without another send.
    """
    now = timezone.now()
    with transaction.atomic():
        # emails and robot messages are worded for the recipient organisation (webhooks do not need it)
        found = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint", "organization")
            .filter(
                pk=delivery_id, status__in=Delivery.OPEN_STATUSES, next_attempt_at__lte=now + DUE_TOLERANCE
            )
            .order_by()[:1]
        )
        if not found:
            return None
        (delivery,) = found
        if delivery.sending_since is not None:
            delivery.last_error = INTERRUPTED % {"attempt": delivery.attempts}
            logger.info("delivery %s attempt %s did not finish", delivery.pk, delivery.attempts)
            if delivery.attempts >= conf.max_attempts():
                delivery.status = Delivery.Status.DEAD
                delivery.sending_since = None
                delivery.save(update_fields=["status", "last_error", "sending_since"])
                return delivery
        delivery.attempts += 1
        delivery.sending_since = now
        # the lease: neither a duplicate message nor the relay picks the row up while it is being sent
        delivery.next_attempt_at = now + timedelta(seconds=conf.send_lease_seconds())
        delivery.save(update_fields=["attempts", "sending_since", "next_attempt_at", "last_error"])
    return delivery


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Send one delivery if it is due and nobody else holds it; return its new status (None: nothing done).

    The attempt is counted and the row leased in a transaction of its own before the send, so that a
    worker killed while sending still leaves the attempt counted and the cap true (the relay picks the
    row up once the lease has run out). The outcome is written by one conditional UPDATE: a row ends
    ``sent`` once; a failure schedules the next attempt, or ends ``dead`` at the cap.
    """
    delivery = _claim(delivery_id)
    if delivery is None or delivery.status == Delivery.Status.DEAD:
        return None if delivery is None else delivery.status
    try:
        delivery_send(delivery)
    except Exception as exc:  # noqa: BLE001 - whatever the transport raised, the row records it
        last_error = _failure_text(exc, delivery)
        permanent = isinstance(exc, DeliveryAbandoned) or (
            isinstance(exc, UnsafeWebhookUrl) and exc.code != UNRESOLVABLE
        )
        if permanent or delivery.attempts >= conf.max_attempts():
            status, next_attempt_at = Delivery.Status.DEAD, delivery.next_attempt_at
        else:
            status = Delivery.Status.RETRYING
            next_attempt_at = timezone.now() + timedelta(seconds=retry_delay_seconds(delivery.attempts))
        # only the attempt that still holds the row reports (not one whose row was retried or closed since)
        written = Delivery.objects.filter(
            pk=delivery.pk, status__in=Delivery.OPEN_STATUSES, attempts=delivery.attempts
        ).update(status=status, next_attempt_at=next_attempt_at, last_error=last_error, sending_since=None)
        if written and status == Delivery.Status.RETRYING:
            transaction.on_commit(partial(deliveries_enqueue, [delivery.pk], eta=next_attempt_at))
        logger.info(
            "delivery %s attempt %s failed (%s): %s", delivery.pk, delivery.attempts, status, last_error
        )
    else:
        # sent is sent, whatever happened to the row meanwhile (a retry asked for, the endpoint deleted)
        status = Delivery.Status.SENT
        written = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=Delivery.Status.SENT)
            .update(status=status, sent_at=timezone.now(), last_error="", sending_since=None)
        )
    if not written:
        return Delivery.objects.filter(pk=delivery.pk).values_list("status", flat=True).first()
    return status


def deliveries_relay(*, now: datetime | None = None) -> int:
    """Re-queue open deliveries overdue by more than the grace period: their message was lost."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.relay_grace_seconds())
    ids = list(
        Delivery.objects.filter(status__in=Delivery.OPEN_STATUSES, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: conf.relay_batch()]
    )
    if ids:
        logger.info("relay: re-queueing %d overdue deliveries", len(ids))
        deliveries_enqueue(ids)
    return len(ids)


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
        raise DomainError(_("The endpoint is switched off."), code="endpoint_inactive")
    event = event_record(
        type="webhook.ping",
        organization=endpoint.organization,
        actor=by,
        subject=endpoint,
        payload={"endpoint": endpoint.pk, "name": endpoint.name},
    )
    delivery = endpoint_delivery(event=event, endpoint=endpoint)
    delivery.save()
    _enqueue_after_commit([delivery.pk])
    return delivery
