"""`make test` runs the suite on pytest-xdist workers: each has its own test database (pytest-django's
``_gwN`` suffix) and its own Redis database (config/settings.py ``_xdist_redis_url``)."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from config.settings import _xdist_redis_url
from review.models import TierRule


@pytest.fixture
def environment(monkeypatch):
    """os.environ as the settings module sees it, restored afterwards (the function writes to it)."""
    for name in ("REDIS_URL", "PYTEST_XDIST_REDIS_URL", "PYTEST_XDIST_WORKER"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return monkeypatch


def test_worker_n_uses_the_redis_database_n_places_further(environment):
    environment.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert _xdist_redis_url("redis://127.0.0.1:6379/13") == "redis://127.0.0.1:6379/14"
    environment.delenv("PYTEST_XDIST_REDIS_URL")
    environment.setenv("PYTEST_XDIST_WORKER", "gw3")
    assert (
        _xdist_redis_url("redis://:pw@127.0.0.1:6379/15?protocol=3")
        == "redis://:pw@127.0.0.1:6379/2?protocol=3"
    )
    environment.delenv("PYTEST_XDIST_REDIS_URL")
    assert _xdist_redis_url("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/3"


def test_the_processes_a_worker_starts_inherit_its_database_and_do_not_move_it_again(environment):
    environment.setenv("PYTEST_XDIST_WORKER", "gw1")
    shifted = _xdist_redis_url("redis://127.0.0.1:6379/5")
    assert shifted == "redis://127.0.0.1:6379/6"
    assert os.environ["REDIS_URL"] == shifted  # what a Celery worker started by a test inherits
    assert _xdist_redis_url(os.environ["REDIS_URL"]) == shifted


def test_outside_xdist_and_without_redis_nothing_changes(environment):
    assert _xdist_redis_url("redis://127.0.0.1:6379/13") == "redis://127.0.0.1:6379/13"
    environment.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert _xdist_redis_url("") == ""
    assert "REDIS_URL" not in os.environ


@pytest.mark.django_db
def test_this_worker_has_its_own_test_database_and_redis_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("not running under pytest-xdist")
    assert connection.settings_dict["NAME"].endswith(f"_{worker}")
    if settings.REDIS_URL:
        assert os.environ["PYTEST_XDIST_REDIS_URL"] == settings.REDIS_URL == os.environ["REDIS_URL"]


@pytest.mark.django_db(transaction=True)
def test_a_transactional_tests_flush_keeps_the_data_migrations_tier_rules():
    """pytest-django runs transactional tests last, but a worker gets whole files in turn: the tests
    that follow a flush still find the rules (tests/conftest.py ``_tier_rules_after_flush``)."""
    rules = list(TierRule.objects.values_list("effective_from", flat=True))
    assert rules
    call_command("flush", interactive=False, verbosity=0)  # what a transactional test's teardown runs
    assert list(TierRule.objects.values_list("effective_from", flat=True)) == rules
