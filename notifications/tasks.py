"""The delivery tasks, and the one place that queues them.

``deliveries_enqueue`` sends the tasks' messages, ``conf.task_batch()`` ids a task;
``deliveries_enqueue_on_commit`` queues one transaction's deliveries together once it commits.
``delivery_attempt`` is one attempt (``notifications.attempts``) with the retry it schedules queued for its
time; ``deliveries_relay`` queues again the rows whose message was lost. The Celery tasks are thin: they
call these with ids. (The tasks and their queueing live together: each needs the other.)

Each task has a soft and a hard time limit. A send cut short by the soft limit is a failed attempt like
any other (the attempt counts it and schedules a retry, or ends the row ``dead`` at the cap); a
batch stops at its budget or its soft limit and queues the deliveries it did not reach; whatever a
killed process left behind is still an open row, which the relay re-queues.
"""

import logging
import time
from datetime import datetime
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

from config.celery import app
from notifications import conf
from notifications.attempts import deliveries_overdue, delivery_send_attempt

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


# --- queueing -------------------------------------------------------------------------------------------


def deliveries_enqueue(delivery_ids: list[int], *, eta: datetime | None = None) -> None:
    """Queue the deliveries' tasks, ``conf.task_batch()`` ids a task, so that a transaction that made
    hundreds of deliveries costs tens of task messages, not hundreds. Never raises: a row whose message
    is not queued is sent by the relay."""
    if not delivery_ids:
        return
    size = conf.task_batch()
    try:
        with app.producer_or_acquire() as producer:
            for start in range(0, len(delivery_ids), size):
                chunk = list(delivery_ids[start : start + size])
                if len(chunk) == 1:
                    delivery_attempt_task.apply_async((chunk[0],), eta=eta, producer=producer)
                else:
                    deliveries_attempt_task.apply_async((chunk,), eta=eta, producer=producer)
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


def deliveries_enqueue_on_commit(ids: list[int]) -> None:
    """Queue ``ids`` once the current transaction commits, with the others it created."""
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


# --- the tasks' work -------------------------------------------------------------------------------------


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Send one delivery if it is due and nobody else holds it (``delivery_send_attempt``); return its new
    status (None: nothing done). A failure's retry is queued for its time once the attempt commits."""
    attempt = delivery_send_attempt(delivery_id=delivery_id)
    if attempt.retry_at is not None:
        transaction.on_commit(partial(deliveries_enqueue, [delivery_id], eta=attempt.retry_at))
    return attempt.status


def deliveries_relay(*, now: datetime | None = None) -> int:
    """Re-queue open deliveries overdue by more than the grace period: their message was lost."""
    ids = deliveries_overdue(now=now)
    if ids:
        logger.info("relay: re-queueing %d overdue deliveries", len(ids))
        deliveries_enqueue(ids)
    return len(ids)


def _requeue(delivery_ids: list[int], why: str) -> None:
    logger.warning("%s: %d deliveries queued again", why, len(delivery_ids))
    deliveries_enqueue(list(delivery_ids))


# --- the tasks ------------------------------------------------------------------------------------------


def _sending_task(name: str, *, soft_time_limit: int, time_limit: int):
    """A task that sends: acknowledged once done (a worker lost mid-send leaves it queued), no result kept."""
    return app.task(
        name=name, ignore_result=True, acks_late=True, soft_time_limit=soft_time_limit, time_limit=time_limit
    )


@_sending_task(
    "notifications.delivery_attempt", soft_time_limit=DELIVERY_SOFT_TIME_LIMIT, time_limit=DELIVERY_TIME_LIMIT
)
def delivery_attempt_task(delivery_id: int) -> str | None:
    try:
        return delivery_attempt(delivery_id=delivery_id)
    except SoftTimeLimitExceeded:
        # struck outside the send itself (which records it as a failed attempt): the row is still open
        _requeue([delivery_id], "delivery task reached its soft time limit")
        return None


@_sending_task(
    "notifications.deliveries_attempt", soft_time_limit=BATCH_SOFT_TIME_LIMIT, time_limit=BATCH_TIME_LIMIT
)
def deliveries_attempt_task(delivery_ids: list[int]) -> int:
    """Several deliveries in one task, each in its own transaction; returns how many were handled."""
    started = time.monotonic()
    handled = 0
    for index, delivery_id in enumerate(delivery_ids):
        if index and time.monotonic() - started >= BATCH_BUDGET_SECONDS:
            # slow receivers used the batch's time (a send the soft limit cut short counted as failed)
            _requeue(delivery_ids[index:], "delivery batch used its time budget")
            break
        try:
            handled += delivery_attempt(delivery_id=delivery_id) is not None
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
def deliveries_relay_task() -> int:
    return deliveries_relay()


@app.on_after_finalize.connect
def schedule_relay(sender, **kwargs) -> None:
    sender.add_periodic_task(
        conf.relay_interval_seconds(),
        deliveries_relay_task.s(),
        name="notifications: re-queue overdue deliveries",
        expires=conf.relay_interval_seconds(),
    )
