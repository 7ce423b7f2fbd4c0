"""Liveness and readiness probes."""

from unittest import mock

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_is_200_without_touching_anything():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_every_check_on_a_migrated_database():
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "broker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_readyz_is_503_when_the_broker_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_is_503_when_the_database_is_down():
    with mock.patch("config.health._check_database", return_value={"status": "error", "error": "down"}):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"status": "skipped"}


def test_readyz_is_503_with_unapplied_migrations():
    with mock.patch("config.health.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("studio", "9999_future")]
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["status"] == "error"


def test_probe_errors_do_not_leak_connection_details(settings):
    settings.DEBUG = False
    settings.REDIS_URL = "redis://:secret-password@127.0.0.1:1/0"
    body = Client().get("/readyz").json()
    assert "secret-password" not in str(body)
    assert "127.0.0.1" not in str(body)


def test_probes_refuse_other_methods():
    assert Client().post("/healthz").status_code == 405
