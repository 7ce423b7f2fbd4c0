"""Settings of the notifications app: ``NOTIFICATIONS_<NAME>`` in Django settings, else the environment
(``config.appconf``), so that a worker subprocess may be tuned from its environment alone.
"""

from django.conf import settings

from config.appconf import app_settings

_get = app_settings("NOTIFICATIONS")


def retry_base_seconds() -> float:
    """First retry after about this long; each further retry waits ``retry_factor`` times longer."""
    return float(_get("RETRY_BASE_SECONDS", 30.0))


def retry_factor() -> float:
    return float(_get("RETRY_FACTOR", 2.0))


def retry_max_seconds() -> float:
    return float(_get("RETRY_MAX_SECONDS", 6 * 3600.0))


def retry_jitter() -> float:
    """Each wait is stretched by a random 0..jitter fraction, so retries of many rows spread out."""
    return float(_get("RETRY_JITTER", 0.2))


def max_attempts() -> int:
    """Attempts in total (the first one included) before a delivery is dead."""
    return int(_get("MAX_ATTEMPTS", 8))


def http_timeout_seconds() -> float:
    return float(_get("HTTP_TIMEOUT_SECONDS", 10.0))


def send_lease_seconds() -> float:
    """A row being sent is not picked up again for this long: above the hard time limit of the tasks
    that send (``notifications.tasks``); if the worker died, the relay re-queues the row a grace after."""
    return float(_get("SEND_LEASE_SECONDS", 300.0))


def relay_interval_seconds() -> float:
    """How often the relay re-queues the rows due for longer than ``relay_grace_seconds`` (lost messages)."""
    return float(_get("RELAY_INTERVAL_SECONDS", 10.0))


def relay_grace_seconds() -> float:
    return float(_get("RELAY_GRACE_SECONDS", 60.0))


def relay_batch() -> int:
    return int(_get("RELAY_BATCH", 1000))


def task_batch() -> int:
    """Deliveries queued together (one transaction's, or the relay's) travel in tasks of at most this many."""
    return max(1, int(_get("TASK_BATCH", 20)))


def allow_private_webhooks() -> bool:
    """Loopback and private webhook targets (tests, local receivers); DEBUG allows them too."""
    return bool(settings.DEBUG or _get("ALLOW_PRIVATE_WEBHOOKS", False))
