"""Throttles per user, per anonymous address and on the token endpoint; 429 is an envelope + Retry-After."""

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


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
