"""Request throttles: DRF's scopes and rates, counted in fixed windows by one atomic Redis increment.

DRF's ``SimpleRateThrottle`` keeps the time of every request of the window in one cache entry and
rewrites it whole on each request: two round trips carrying up to ``rate`` timestamps, and two
concurrent requests can both pass on the same stale list. Here each window is a counter: ``INCR`` and
``EXPIRE`` go in one pipelined round trip, and concurrent requests can never be under-counted. As with
any fixed window, a burst straddling two windows may reach twice the rate across the boundary.

Without Redis (the embedded default) DRF's own counting is used, in the local-memory cache.
"""

import logging
from functools import cache

import redis
from django.conf import settings
from rest_framework import throttling

logger = logging.getLogger(__name__)


@cache
def _redis() -> redis.Redis | None:
    return redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None


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
            logger.warning("throttle counter unavailable; request let through", exc_info=True)
            return True
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
