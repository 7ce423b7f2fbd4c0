"""Periodic housekeeping for the studio app."""

from celery import shared_task

from config.celery import app
from config.idempotency import idempotency_purge

IDEMPOTENCY_PURGE_EVERY_SECONDS = 60 * 60


@shared_task(name="studio.idempotency_purge")
def idempotency_purge_task() -> int:
    """Delete expired ``Idempotency-Key`` records."""
    return idempotency_purge()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(
        IDEMPOTENCY_PURGE_EVERY_SECONDS, idempotency_purge_task.s(), name="studio.idempotency_purge"
    )
