"""Periodic booking work: thin tasks calling the sweeps in ``bookings.services.sweeps``."""

from celery import shared_task

from bookings import conf
from bookings.services import bookings_remind_due, bookings_sweep
from config.celery import app


@shared_task(name="bookings.sweep")
def bookings_sweep_task() -> dict:
    """Expire lapsed holds, lapse unanswered waitlist offers, mark no-shows."""
    return bookings_sweep()


@shared_task(name="bookings.remind")
def bookings_remind_task() -> int:
    """Remind companies of tomorrow's bookings, once each."""
    return bookings_remind_due()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(conf.sweep_every_seconds(), bookings_sweep_task.s(), name="bookings.sweep")
    sender.add_periodic_task(conf.reminder_every_seconds(), bookings_remind_task.s(), name="bookings.remind")
