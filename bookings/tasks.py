"""Periodic booking work: thin tasks calling the sweeps in ``bookings.services.sweeps``.

A sweep handles at most a batch of rows of each kind, each in its own short transaction; a run cut
short by its time limit leaves the rest to the next run (every ``BOOKINGS_SWEEP_EVERY_SECONDS``).
"""

from bookings import conf
from bookings.services import bookings_remind_due, bookings_sweep
from config.celery import app

SWEEP_SOFT_TIME_LIMIT = 240
SWEEP_TIME_LIMIT = 300


@app.task(name="bookings.sweep", soft_time_limit=SWEEP_SOFT_TIME_LIMIT, time_limit=SWEEP_TIME_LIMIT)
def bookings_sweep_task() -> dict:
    """Expire lapsed holds, lapse unanswered waitlist offers, mark no-shows."""
    return bookings_sweep()


@app.task(name="bookings.remind", soft_time_limit=SWEEP_SOFT_TIME_LIMIT, time_limit=SWEEP_TIME_LIMIT)
def bookings_remind_task() -> int:
    """Remind companies of tomorrow's bookings, once each."""
    return bookings_remind_due()


@app.on_after_finalize.connect
def schedule_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(conf.sweep_every_seconds(), bookings_sweep_task.s(), name="bookings.sweep")
    sender.add_periodic_task(conf.reminder_every_seconds(), bookings_remind_task.s(), name="bookings.remind")
