"""Settings of the notifications app: ``settings.NOTIFICATIONS_*``, else the environment, else a default.

Read through functions (not module constants) so that tests may override them with the ``settings`` fixture
and a worker subprocess may be tuned from its environment alone.
"""

import os

from django.conf import settings

DEFAULTS = {
    # first retry after about this long; each further retry waits RETRY_FACTOR times longer
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30.0,
    "NOTIFICATIONS_RETRY_FACTOR": 2.0,
    "NOTIFICATIONS_RETRY_MAX_SECONDS": 6 * 3600.0,
    # each wait is stretched by a random 0..JITTER fraction, so retries of many rows spread out
    "NOTIFICATIONS_RETRY_JITTER": 0.2,
    # attempts in total (the first one included) before a delivery is dead
    "NOTIFICATIONS_MAX_ATTEMPTS": 8,
    "NOTIFICATIONS_HTTP_TIMEOUT_SECONDS": 10.0,
    # a row being sent is not picked up again for this long: above the hard time limit of the tasks that
    # send (notifications.tasks); if the worker died, the relay re-queues the row GRACE after the lease
    "NOTIFICATIONS_SEND_LEASE_SECONDS": 300.0,
    # the relay re-enqueues rows due for longer than GRACE (their message was lost), every INTERVAL
    "NOTIFICATIONS_RELAY_INTERVAL_SECONDS": 10.0,
    "NOTIFICATIONS_RELAY_GRACE_SECONDS": 60.0,
    "NOTIFICATIONS_RELAY_BATCH": 1000,
    # deliveries queued together (one transaction's, or the relay's) travel in tasks of at most this many
    "NOTIFICATIONS_TASK_BATCH": 20,
    # loopback / private webhook targets (tests, local receivers); DEBUG allows them too
    "NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS": False,
}


def _value(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    default = DEFAULTS[name]
    if raw in (None, ""):
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return type(default)(raw)


def retry_base_seconds() -> float:
    return float(_value("NOTIFICATIONS_RETRY_BASE_SECONDS"))


def retry_factor() -> float:
    return float(_value("NOTIFICATIONS_RETRY_FACTOR"))


def retry_max_seconds() -> float:
    return float(_value("NOTIFICATIONS_RETRY_MAX_SECONDS"))


def retry_jitter() -> float:
    return float(_value("NOTIFICATIONS_RETRY_JITTER"))


def max_attempts() -> int:
    return int(_value("NOTIFICATIONS_MAX_ATTEMPTS"))


def http_timeout_seconds() -> float:
    return float(_value("NOTIFICATIONS_HTTP_TIMEOUT_SECONDS"))


def send_lease_seconds() -> float:
    return float(_value("NOTIFICATIONS_SEND_LEASE_SECONDS"))


def relay_interval_seconds() -> float:
    return float(_value("NOTIFICATIONS_RELAY_INTERVAL_SECONDS"))


def relay_grace_seconds() -> float:
    return float(_value("NOTIFICATIONS_RELAY_GRACE_SECONDS"))


def relay_batch() -> int:
    return int(_value("NOTIFICATIONS_RELAY_BATCH"))


def task_batch() -> int:
    return max(1, int(_value("NOTIFICATIONS_TASK_BATCH")))


def allow_private_webhooks() -> bool:
    return bool(settings.DEBUG or _value("NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS"))
