"""One attempt at a delivery, as a worker makes it, and the relay's pick of rows whose message was lost.

``delivery_send_attempt`` counts the attempt and leases the row before sending it, so that duplicate task
messages are harmless and a worker killed mid-send still counts its attempt; the outcome is written by one
conditional UPDATE. Nothing here queues a task: ``notifications.tasks`` queues the retry an attempt
schedules and the rows ``deliveries_overdue`` finds.
"""

import logging
import random
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from config.redaction import redact_text, url_secrets
from notifications import conf
from notifications.models import Delivery
from notifications.sending import DeliveryAbandoned, delivery_send
from notifications.webhooks import UNRESOLVABLE, UnsafeWebhookUrl

logger = logging.getLogger(__name__)

#: a message may come back from the broker's timer a hair before the row's next_attempt_at
DUE_TOLERANCE = timedelta(milliseconds=500)
ERROR_MAX_LENGTH = 2000
#: the error a delivery keeps when an attempt never reported back (its worker was killed while sending)
INTERRUPTED = "Attempt %(attempt)d did not finish: the worker stopped while sending."


class Attempt(NamedTuple):
    """What an attempt left: the row's status (None: nothing done) and when it is to be tried again (None:
    no retry scheduled by this attempt)."""

    status: str | None
    retry_at: datetime | None = None


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


def delivery_send_attempt(*, delivery_id: int) -> Attempt:
    """Send one delivery if it is due and nobody else holds it.

    The attempt is counted and the row leased in a transaction of its own before the send, so that a
    worker killed while sending still leaves the attempt counted and the cap true (the relay picks the
    row up once the lease has run out). The outcome is written by one conditional UPDATE: a row ends
    ``sent`` once; a failure schedules the next attempt (``retry_at``), or ends ``dead`` at the cap.
    """
    delivery = _claim(delivery_id)
    if delivery is None or delivery.status == Delivery.Status.DEAD:
        return Attempt(None if delivery is None else delivery.status)
    retry_at = None
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
            retry_at = next_attempt_at
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
        return Attempt(Delivery.objects.filter(pk=delivery.pk).values_list("status", flat=True).first())
    return Attempt(status, retry_at)


def deliveries_overdue(*, now: datetime | None = None) -> list[int]:
    """Open deliveries overdue by more than the grace period (their message was lost), oldest first, at
    most ``conf.relay_batch()``."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.relay_grace_seconds())
    return list(
        Delivery.objects.filter(status__in=Delivery.OPEN_STATUSES, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: conf.relay_batch()]
    )
