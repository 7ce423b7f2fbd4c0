"""The Celery application: tasks are discovered in every installed app's ``tasks`` module."""

import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shooting_circle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
