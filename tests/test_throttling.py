"""Throttles per user, per anonymous address and on the token endpoint; 429 is an envelope + Retry-After."""

import time

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from config import throttling
from config.throttling import UserRateThrottle
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _mid_window_clock(monkeypatch):
    """The throttles count per fixed minute: requests that straddle a minute's end start a new count.

    Every request of a test reads one instant, the middle of the current real minute (so that Redis keys
    of earlier runs, which expire by the real clock, are not met again).
    """
    now = (time.time() // 60) * 60 + 30
    monkeypatch.setattr(throttling.FixedWindowRateThrottle, "timer", staticmethod(lambda: now))


def assert_throttled(response):
    assert response.status_code == 429, response.content[:300]
    assert set(response.json()) == {"code", "detail", "fields"}
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_user_throttle_answers_429_envelope_with_retry_after(monkeypatch, member, api):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "3/min")
    company = CompanyFactory()
    client = api(member(company), company)
    statuses = [client.get("/api/v1/productions/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert_throttled(client.get("/api/v1/productions/"))


def test_user_throttle_counts_per_user(monkeypatch, member, api):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "1/min")
    company = CompanyFactory()
    first, second = api(member(company), company), api(member(company), company)
    assert first.get("/api/v1/productions/").status_code == 200
    assert first.get("/api/v1/productions/").status_code == 429
    assert second.get("/api/v1/productions/").status_code == 200


def test_anonymous_throttle_answers_429_envelope(monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "2/min")
    client = APIClient(REMOTE_ADDR="10.1.2.3")
    for _ in range(2):
        assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    response = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_token_endpoint_throttle_answers_429_envelope(monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "auth_token", "1/min")
    client = APIClient(REMOTE_ADDR="10.1.2.4")
    client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json")
    assert_throttled(client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json"))


def test_concurrent_requests_are_never_under_counted(monkeypatch):
    """20 requests at once against a limit of 10: exactly 10 pass (DRF's rewritten list lets more by)."""
    from types import SimpleNamespace

    from tests.concurrency import run_together
    from tests.conftest import require_redis

    require_redis()
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "10/min")
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=424242), META={})

    def ask():
        throttle = UserRateThrottle()  # one per thread, as one per request

        def answer():
            allowed = throttle.allow_request(request, None)
            return allowed, None if allowed else throttle.wait()

        return answer

    answers, errors = run_together([ask() for _ in range(20)])
    assert errors == [None] * 20
    assert sum(allowed for allowed, _wait in answers) == 10
    # the refused are told to come back when the minute's window ends, never later
    assert all(0 < wait <= 60 for allowed, wait in answers if not allowed)


def test_a_new_window_lets_requests_through_again(monkeypatch):
    from tests.conftest import require_redis

    require_redis()
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "2/min")
    from types import SimpleNamespace

    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=434343), META={})
    clock = [600.0]  # the start of a minute's window
    monkeypatch.setattr(UserRateThrottle, "timer", staticmethod(lambda: clock[0]))
    assert [UserRateThrottle().allow_request(request, None) for _ in range(3)] == [True, True, False]
    clock[0] = 659.0
    refused = UserRateThrottle()
    assert refused.allow_request(request, None) is False
    assert refused.wait() == 1  # one second to the next window
    clock[0] = 660.0
    assert UserRateThrottle().allow_request(request, None) is True
