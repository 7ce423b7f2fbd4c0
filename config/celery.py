"""The Celery application: tasks are discovered in every installed app's ``tasks`` module."""

import logging
import os
import time
from collections.abc import Mapping

from celery import Celery, signals
from celery.app import trace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shooting_circle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


#: Tasks that run all the time: a notification's delivery (seeding the demo queues a hundred emails) and the
#: relay every few seconds. Under ``make run`` (scripts/devserver.py sets CELERY_ROUTINE_TASKS_AT_DEBUG=1)
#: their "received" and "succeeded" lines, and beat's "Sending due task", are DEBUG rather than INFO (shown
#: with --loglevel=DEBUG); their retries and failures are logged as ever. Elsewhere (a deployment's worker,
#: the test suite's, which waits for those lines) every task logs at INFO as Celery does.
ROUTINE_TASKS = frozenset(
    {"notifications.deliveries_attempt", "notifications.delivery_attempt", "notifications.deliveries_relay"}
)
_ROUTINE_MESSAGES = (trace.LOG_RECEIVED, trace.LOG_SUCCESS, "Scheduler: Sending due task %s (%s)")


class RoutineTasksAtDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or record.msg not in _ROUTINE_MESSAGES:
            return True
        args = record.args
        names = {args.get("name")} if isinstance(args, Mapping) else set(args or ())
        if not names & ROUTINE_TASKS:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_ROUTINE_FILTER = RoutineTasksAtDebug()
ROUTINE_LOGGERS = ("celery.worker.strategy", "celery.app.trace", "celery.beat")


def quiet_routine_tasks(*, on: bool = True) -> None:
    """Log the routine tasks' lines at DEBUG (``on``), or as Celery does."""
    for name in ROUTINE_LOGGERS:
        logger = logging.getLogger(name)
        if on:
            logger.addFilter(_ROUTINE_FILTER)  # the same instance: installing twice adds nothing
        else:
            logger.removeFilter(_ROUTINE_FILTER)


if os.environ.get("CELERY_ROUTINE_TASKS_AT_DEBUG") == "1":
    quiet_routine_tasks()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def redact_worker_logs(logger=None, **kwargs) -> None:
    """A worker replaces the root logger's handlers with its own (and the task logger has its own):
    they get the secrets filter that settings.LOGGING puts on the console handler."""
    from config.redaction import RedactSecretsFilter

    for handler in getattr(logger, "handlers", ()):
        if not any(isinstance(existing, RedactSecretsFilter) for existing in handler.filters):
            handler.addFilter(RedactSecretsFilter())


@signals.task_postrun.connect
def close_unusable_db_connections(task=None, **kwargs) -> None:
    """Workers reuse their connection (``CELERY_DB_REUSE_MAX``): drop it once broken or past CONN_MAX_AGE.

    Only a connection that saw an error, left autocommit or outlived CONN_MAX_AGE is looked at, so a
    healthy one costs no health-check query per task.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return  # an eager task runs inside the caller's connection and transaction
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        obsolete = conn.close_at is not None and time.monotonic() >= conn.close_at
        if conn.errors_occurred or obsolete or not conn.get_autocommit():
            conn.close_if_unusable_or_obsolete()
