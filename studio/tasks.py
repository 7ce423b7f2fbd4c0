"""Periodic housekeeping for the studio app."""

from config.celery import app
from config.idempotency import idempotency_purge

IDEMPOTENCY_PURGE_EVERY_SECONDS = 60 * 60
#: one DELETE of the expired rows: a run cut short deletes nothing, and the next hour's run tries again
PURGE_SOFT_TIME_LIMIT = 240
PURGE_TIME_LIMIT = 300


@app.task(name="studio.idempotency_purge", soft_time_limit=PURGE_SOFT_TIME_LIMIT, time_limit=PURGE_TIME_LIMIT)
def idempotency_purge_task() -> int:
    """Delete expired ``Idempotency-Key`` records."""
    return idempotency_purge()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        IDEMPOTENCY_PURGE_EVERY_SECONDS, idempotency_purge_task.s(), name="studio.idempotency_purge"
    )
