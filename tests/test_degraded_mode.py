"""Degraded mode, chosen on purpose: throttles with Redis down, and lockouts a stranger cannot impose."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from config import throttling
from config.security import client_ip
from tests.factories import PASSWORD, CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

#: nothing listens on port 1: every Redis command fails at once with a ConnectionError
REDIS_DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(monkeypatch):
    throttling._redis.cache_clear()
    throttling.local_counter.clear()
    monkeypatch.setitem(throttling._last_warning, "at", float("-inf"))
    # one fixed window for the whole test, whatever the wall clock does
    monkeypatch.setattr(throttling.FixedWindowRateThrottle, "timer", staticmethod(lambda: 6000.0))
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_DOWN}}
    try:
        with override_settings(REDIS_URL=REDIS_DOWN, CACHES=caches):
            yield
    finally:
        throttling._redis.cache_clear()
        throttling.local_counter.clear()


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _token(client, username, password="wrong"):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


# Throttles ------------------------------------------------------------------------------------------


def test_token_endpoint_counts_in_process_while_redis_is_down(redis_down, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "auth_token", "10/min")
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    # a different account each time, so that the lockout plays no part: only the rate limits them
    codes = [_token(client, f"guess{n}").status_code for n in range(15)]
    assert codes == [401] * 10 + [429] * 5
    assert _token(APIClient(REMOTE_ADDR="198.51.100.8"), "guess99").status_code == 401  # counted per client


def test_other_scopes_stay_open_while_redis_is_down_with_one_warning(
    redis_down, monkeypatch, member, api, caplog
):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "2/min")
    company = CompanyFactory()
    client = api(member(company), company)
    with caplog.at_level(logging.WARNING, logger="config.throttling"):
        codes = [client.get("/api/v1/productions/").status_code for _ in range(5)]
    assert codes == [200] * 5
    warnings = [record for record in caplog.records if record.name == "config.throttling"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_forwarded_for_cannot_buy_a_fresh_token_allowance(monkeypatch):
    """Without trusted proxies the header is the client's own words: the throttle counts the peer."""
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "auth_token", "2/min")
    client = APIClient(REMOTE_ADDR="198.51.100.9")
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"spoof{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert codes == [401, 401, 429]


def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "198.51.100.1"  # what our proxy saw; the client wrote the rest
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


# Lockout by username and address -------------------------------------------------------------------


def test_a_stranger_cannot_lock_a_user_out_of_the_api_from_elsewhere(settings):
    user = UserFactory()
    stranger = APIClient(REMOTE_ADDR="203.0.113.66")
    codes = [_token(stranger, user.username).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    # the stranger's address is locked out for this account, even with the right password
    locked = _token(stranger, user.username, PASSWORD)
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    # the user, elsewhere, signs in
    signed_in = _token(APIClient(REMOTE_ADDR="198.51.100.20"), user.username, PASSWORD)
    assert signed_in.status_code == 200 and signed_in.json()["token"]


def test_forwarded_for_does_not_move_a_locked_out_address(settings):
    user = UserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        APIClient(REMOTE_ADDR="203.0.113.67", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json"
        )
    assert _token(APIClient(REMOTE_ADDR="203.0.113.67"), user.username, PASSWORD).status_code == 429


def _admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_a_stranger_cannot_lock_a_user_out_of_the_admin_from_elsewhere(settings):
    user = UserFactory(is_staff=True)
    stranger = Client(REMOTE_ADDR="203.0.113.68")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(stranger, user.username, "wrong")
    assert _admin_login(stranger, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in stranger.session
    colleague = Client(REMOTE_ADDR="198.51.100.21")
    assert _admin_login(colleague, user.username, PASSWORD).status_code == 302
    assert colleague.session["_auth_user_id"] == str(user.pk)


def test_admin_login_still_locks_out_while_redis_is_down(redis_down, settings):
    """The admin login's guard is the lockout, kept in the database: it holds without Redis."""
    user = UserFactory(is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.69")
    codes = [
        _admin_login(client, user.username, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert _admin_login(client, user.username, PASSWORD).status_code == 429
    assert _admin_login(Client(REMOTE_ADDR="198.51.100.22"), user.username, PASSWORD).status_code == 302
