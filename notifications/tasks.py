"""Thin Celery tasks over the outbox services; the relay runs periodically from beat.

Each task has a soft and a hard time limit. A send cut short by the soft limit is a failed attempt like
any other (``delivery_attempt`` counts it and schedules a retry, or ends the row ``dead`` at the cap); a
batch stops at its budget or its soft limit and queues the deliveries it did not reach; whatever a
killed process left behind is still an open row, which the relay re-queues.
"""

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded

from config.celery import app
from notifications import conf, services

logger = logging.getLogger(__name__)

#: one send: an HTTP request bounded per socket operation by NOTIFICATIONS_HTTP_TIMEOUT_SECONDS, or an
#: email; a receiver that trickles its answer is cut off here
DELIVERY_SOFT_TIME_LIMIT = 60
DELIVERY_TIME_LIMIT = 90
#: a batch of NOTIFICATIONS_TASK_BATCH sends; no new send starts after BATCH_BUDGET_SECONDS
BATCH_SOFT_TIME_LIMIT = 240
BATCH_TIME_LIMIT = 300
BATCH_BUDGET_SECONDS = 120
RELAY_SOFT_TIME_LIMIT = 60
RELAY_TIME_LIMIT = 90


def _requeue(delivery_ids: list[int], why: str) -> None:
    logger.warning("%s: %d deliveries queued again", why, len(delivery_ids))
    services.deliveries_enqueue(list(delivery_ids))


def _sending_task(name: str, *, soft_time_limit: int, time_limit: int):
    """A task that sends: acknowledged once done (a worker lost mid-send leaves it queued), no result kept."""
    return app.task(
        name=name, ignore_result=True, acks_late=True, soft_time_limit=soft_time_limit, time_limit=time_limit
    )


@_sending_task(
    "notifications.delivery_attempt", soft_time_limit=DELIVERY_SOFT_TIME_LIMIT, time_limit=DELIVERY_TIME_LIMIT
)
def delivery_attempt(delivery_id: int) -> str | None:
    try:
        return services.delivery_attempt(delivery_id=delivery_id)
    except SoftTimeLimitExceeded:
        # struck outside the send itself (which records it as a failed attempt): the row is still open
        _requeue([delivery_id], "delivery task reached its soft time limit")
        return None


@_sending_task(
    "notifications.deliveries_attempt", soft_time_limit=BATCH_SOFT_TIME_LIMIT, time_limit=BATCH_TIME_LIMIT
)
def deliveries_attempt(delivery_ids: list[int]) -> int:
    """Several deliveries in one task, each in its own transaction; returns how many were handled."""
    started = time.monotonic()
    handled = 0
    for index, delivery_id in enumerate(delivery_ids):
        if index and time.monotonic() - started >= BATCH_BUDGET_SECONDS:
            # slow receivers used the batch's time (a send the soft limit cut short counted as failed)
            _requeue(delivery_ids[index:], "delivery batch used its time budget")
            break
        try:
            handled += services.delivery_attempt(delivery_id=delivery_id) is not None
        except SoftTimeLimitExceeded:
            _requeue(delivery_ids[index:], "delivery batch reached its soft time limit")
            break
    return handled


@app.task(
    name="notifications.deliveries_relay",
    ignore_result=True,
    soft_time_limit=RELAY_SOFT_TIME_LIMIT,
    time_limit=RELAY_TIME_LIMIT,
)
def deliveries_relay() -> int:
    return services.deliveries_relay()


@app.on_after_finalize.connect
def schedule_relay(sender, **kwargs) -> None:
    sender.add_periodic_task(
        conf.relay_interval_seconds(),
        deliveries_relay.s(),
        name="notifications: re-queue overdue deliveries",
        expires=conf.relay_interval_seconds(),
    )
