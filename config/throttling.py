"""Request throttles: DRF's scopes and rates, counted in fixed windows by one atomic Redis increment.

DRF's ``SimpleRateThrottle`` keeps the time of every request of the window in one cache entry and
rewrites it whole on each request: two round trips carrying up to ``rate`` timestamps, and two
concurrent requests can both pass on the same stale list. Here each window is a counter: ``INCR`` and
``EXPIRE`` go in one pipelined round trip, and concurrent requests can never be under-counted. As with
any fixed window, a burst straddling two windows may reach twice the rate across the boundary.

Without Redis (the embedded default) DRF's own counting is used, in the local-memory cache.

When Redis is configured but does not answer, the choice is per scope. The credential scopes
(``CREDENTIAL_SCOPES``: the token endpoint) keep counting in this process (``_LocalCounter``), so
password guessing is still limited, to the rate times the number of server processes; every other
scope lets requests through, with one warning per ``DEGRADED_WARNING_SECONDS`` rather than one per
request. The admin login has no rate throttle: its guesses are limited by django-axes' lockout, which
is kept in the database and does not depend on Redis.
"""

import logging
import threading
import time
from functools import cache

import redis
from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)

#: scopes that guard a password: without Redis they are counted in-process instead of let through
CREDENTIAL_SCOPES = frozenset({"auth_token"})
DEGRADED_WARNING_SECONDS = 60.0
#: a throttle must not hold a request for long when Redis is unreachable rather than refusing
REDIS_TIMEOUT_SECONDS = 0.5


@cache
def _redis() -> redis.Redis | None:
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


class _LocalCounter:
    """Fixed-window counts in this process, for the credential scopes while Redis is unreachable."""

    MAX_KEYS = 100_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def incr(self, key: str, *, expires_at: float, now: float) -> int:
        with self._lock:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            ends, count = self._counts.get(key, (expires_at, 0))
            if ends <= now:
                ends, count = expires_at, 0
            self._counts[key] = (ends, count + 1)
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_counter = _LocalCounter()
_last_warning = {"at": float("-inf")}


def _warn_degraded(scope: str) -> None:
    """One warning per interval: a Redis outage must not also flood the log."""
    now = time.monotonic()
    if now - _last_warning["at"] < DEGRADED_WARNING_SECONDS:
        return
    _last_warning["at"] = now
    logger.warning(
        "throttle counter (Redis) unavailable: credential scopes %s count in-process, "
        "the others (%s first) let requests through",
        sorted(CREDENTIAL_SCOPES),
        scope,
        exc_info=True,
    )


class FixedWindowRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle, counting in Redis (see the module); DRF's scoped classes are put before it."""

    retry_at: float | None = None

    def allow_request(self, request, view):
        client = _redis()
        if client is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = f"{self.key}:{window}"
        try:
            pipe = client.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, self.duration + 1)
            count, _expiry_set = pipe.execute()
        except redis.RedisError:
            scope = getattr(self, "scope", None) or "-"
            _warn_degraded(scope)
            if scope not in CREDENTIAL_SCOPES:
                return True
            count = local_counter.incr(key, expires_at=(window + 1) * self.duration, now=self.now)
        self.retry_at = (window + 1) * self.duration
        return count <= self.num_requests

    def wait(self):
        if self.retry_at is None:
            return super().wait()
        return max(self.retry_at - self.now, 1)


# DRF's classes first: they say whom to count (and the scoped one picks the rate) before counting.
class AnonRateThrottle(throttling.AnonRateThrottle, FixedWindowRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, FixedWindowRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, FixedWindowRateThrottle):
    pass
