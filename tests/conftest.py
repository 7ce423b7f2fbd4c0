import os

import pytest
from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from studio.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, token_for

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionstart(session):
    """Under CI the real services are required: their absence fails the run instead of skipping."""
    if not IN_CI:
        return
    problems = []
    if not settings.IS_POSTGRESQL:
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except Exception as exc:  # noqa: BLE001
            problems.append(f"Redis at REDIS_URL does not answer: {exc}")
    if problems:
        raise pytest.UsageError("CI=true but the required services are missing: " + "; ".join(problems))


def require_postgresql():
    """Skip locally (never under CI) when a test needs PostgreSQL-only behaviour."""
    if not settings.IS_POSTGRESQL:
        if IN_CI:
            pytest.fail("PostgreSQL is required under CI")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def require_redis():
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("Redis is required under CI")
        pytest.skip("needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _generous_throttles(monkeypatch):
    """Throttle counters outlive a test; keep them out of the way unless a test lowers them."""
    for scope in list(api_settings.DEFAULT_THROTTLE_RATES):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, "100000/min")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs half a second per test user; tests need no brute-force cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def member():
    """``member(org=None, role=..., kind=...)`` → a user with a membership."""

    def make(organization=None, role=Membership.Role.COORDINATOR, kind=None):
        if organization is None:
            organization = OrganizationFactory(**({"kind": kind} if kind else {}))
        return MembershipFactory(organization=organization, role=role).user

    return make


@pytest.fixture
def api():
    """``api(user=None, organization=None)`` → an APIClient with the user's token and acting organisation."""

    def make(user=None, organization=None):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        if organization is not None:
            client.defaults["HTTP_X_ORGANIZATION"] = str(organization.pk)
        return client

    return make
