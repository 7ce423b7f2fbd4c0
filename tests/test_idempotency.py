"""``Idempotency-Key``: one effect per key and user, replays of the stored answer, 409 while in flight."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from config.idempotency import REPLAY_HEADER, RETENTION, idempotency_purge
from studio.models import IdempotencyRecord, Membership, Production
from tests.concurrency import run_together
from tests.conftest import require_postgresql
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, token_for

VALID = {
    "title": "重生之我在横店当群演",
    "genre": "revenge",
    "episode_count": 90,
    "minutes_per_episode": "1.5",
    "total_investment": "600000.00",
}


def client_for(user, organization=None, key=None):
    client = APIClient()
    client.raise_request_exception = False
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    if organization is not None:
        client.defaults["HTTP_X_ORGANIZATION"] = str(organization.pk)
    if key is not None:
        client.defaults["HTTP_IDEMPOTENCY_KEY"] = key
    return client


@pytest.fixture
def coordinator(db):
    return MembershipFactory(organization=CompanyFactory(), role=Membership.Role.COORDINATOR)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_with_one_key_make_one_production():
    require_postgresql()
    membership = MembershipFactory(organization=CompanyFactory(), role=Membership.Role.COORDINATOR)
    token = token_for(membership.user)
    threads_count = 20

    def post():
        client = APIClient()  # one per thread: a test client is not shared between threads
        client.raise_request_exception = False
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY="create-once-2026")
        return lambda: client.post("/api/v1/productions/", VALID, format="json")

    responses, errors = run_together([post() for _ in range(threads_count)])
    assert errors == [None] * threads_count, [error for error in errors if error][:3]
    results = [(r.status_code, r.json(), r.get(REPLAY_HEADER)) for r in responses]
    statuses = [status for status, _body, _replayed in results]
    assert set(statuses) <= {201, 409}, results
    assert Production.objects.count() == 1
    created = [(body, replayed) for status, body, replayed in results if status == 201]
    originals = [body for body, replayed in created if replayed != "true"]
    assert len(originals) == 1, created
    assert all(body == originals[0] for body, _replayed in created)
    assert originals[0]["id"] == Production.objects.get().pk
    conflicts = [body for status, body, _replayed in results if status == 409]
    assert all(body["code"] == "idempotency_in_progress" for body in conflicts), conflicts
    assert IdempotencyRecord.objects.get().state == IdempotencyRecord.State.COMPLETED


def test_sequential_repeat_replays_the_stored_response(coordinator):
    client = client_for(coordinator.user, key="abc-1")
    first = client.post("/api/v1/productions/", VALID, format="json")
    assert first.status_code == 201
    assert first.get(REPLAY_HEADER) is None
    second = client.post("/api/v1/productions/", VALID, format="json")
    assert second.status_code == 201
    assert second[REPLAY_HEADER] == "true"
    assert second.json() == first.json()
    assert Production.objects.count() == 1


def test_same_key_with_a_different_body_is_422(coordinator):
    client = client_for(coordinator.user, key="abc-2")
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201
    response = client.post("/api/v1/productions/", {**VALID, "title": "另一部"}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Production.objects.count() == 1


def test_same_key_on_another_path_is_422(coordinator):
    client = client_for(coordinator.user, key="abc-3")
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201
    response = client.post("/api/v1/productions/?x=1", VALID, format="json")
    assert response.status_code == 422


def test_explicit_or_implicit_acting_organisation_is_the_same_request(coordinator):
    implicit = client_for(coordinator.user, key="abc-4")
    explicit = client_for(coordinator.user, coordinator.organization, key="abc-4")
    assert implicit.post("/api/v1/productions/", VALID, format="json").status_code == 201
    response = explicit.post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 201
    assert response[REPLAY_HEADER] == "true"


def test_a_4xx_is_replayed_too(coordinator):
    client = client_for(coordinator.user, key="abc-5")
    bad = {**VALID, "episode_count": 0}
    first = client.post("/api/v1/productions/", bad, format="json")
    assert first.status_code == 400
    second = client.post("/api/v1/productions/", bad, format="json")
    assert second.status_code == 400
    assert second[REPLAY_HEADER] == "true"
    assert second.json() == first.json()


def test_a_key_belongs_to_one_user(coordinator):
    other = MembershipFactory(organization=CompanyFactory(), role=Membership.Role.COORDINATOR)
    first = client_for(coordinator.user, key="shared-key").post("/api/v1/productions/", VALID, format="json")
    second = client_for(other.user, key="shared-key").post("/api/v1/productions/", VALID, format="json")
    assert first.status_code == second.status_code == 201
    assert second.get(REPLAY_HEADER) is None
    assert first.json()["id"] != second.json()["id"]
    assert Production.objects.count() == 2


def test_a_crash_releases_the_key_so_a_retry_runs(coordinator):
    client = client_for(coordinator.user, key="abc-6")
    with mock.patch("studio.api.views.production_create", side_effect=RuntimeError("boom")):
        assert client.post("/api/v1/productions/", VALID, format="json").status_code == 500
    assert not IdempotencyRecord.objects.exists()
    response = client.post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 201
    assert response.get(REPLAY_HEADER) is None


def test_a_conflict_releases_the_key(coordinator):
    from config.exceptions import ConflictError

    client = client_for(coordinator.user, key="abc-7")
    with mock.patch("studio.api.views.production_create", side_effect=ConflictError("busy")):
        assert client.post("/api/v1/productions/", VALID, format="json").status_code == 409
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201


def test_abandoned_claim_is_taken_over(coordinator):
    from config.exceptions import ConflictError

    client = client_for(coordinator.user, key="abc-8")
    # A worker that dies mid-request never completes its claim.
    with (
        mock.patch("config.idempotency.idempotency_complete"),
        mock.patch("studio.api.views.production_create", side_effect=ConflictError("died")),
    ):
        client.post("/api/v1/productions/", VALID, format="json")
    record = IdempotencyRecord.objects.get(key="abc-8")
    assert record.state == IdempotencyRecord.State.IN_PROGRESS
    response = client.post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201


def test_expired_record_no_longer_replays(coordinator):
    client = client_for(coordinator.user, key="abc-9")
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - RETENTION - timedelta(minutes=1))
    response = client.post("/api/v1/productions/", VALID, format="json")
    assert response.get(REPLAY_HEADER) is None
    assert response.status_code == 400  # a real second attempt: the title is taken


def test_multipart_bodies_are_fingerprinted(coordinator):
    client = client_for(coordinator.user, key="abc-10")
    first = client.post(
        "/api/v1/productions/",
        {**VALID, "attachment": SimpleUploadedFile("a.txt", b"one")},
        format="multipart",
    )
    assert first.status_code == 400  # unknown field, but stored under the key
    same = client.post(
        "/api/v1/productions/",
        {**VALID, "attachment": SimpleUploadedFile("a.txt", b"one")},
        format="multipart",
    )
    assert same[REPLAY_HEADER] == "true"
    different_file = client.post(
        "/api/v1/productions/",
        {**VALID, "attachment": SimpleUploadedFile("a.txt", b"two")},
        format="multipart",
    )
    assert different_file.status_code == 422
    different_field = client.post(
        "/api/v1/productions/",
        {**VALID, "title": "别的", "attachment": SimpleUploadedFile("a.txt", b"one")},
        format="multipart",
    )
    assert different_field.status_code == 422


def test_without_a_key_every_post_counts(coordinator):
    client = client_for(coordinator.user)
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 201
    assert client.post("/api/v1/productions/", VALID, format="json").status_code == 400
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_purge_deletes_only_expired_records():
    user = UserFactory()
    old = IdempotencyRecord.objects.create(user=user, key="old", fingerprint="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - RETENTION - timedelta(hours=1)
    )
    IdempotencyRecord.objects.create(user=user, key="new", fingerprint="x")
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_purge_is_scheduled_periodically():
    from studio.tasks import idempotency_purge_task, schedule_periodic_tasks

    schedule_periodic_tasks(celery_app)
    entry = celery_app.conf.beat_schedule["studio.idempotency_purge"]
    assert entry["task"] == idempotency_purge_task.name


@pytest.mark.parametrize("garbage", ["\\u0000", "\\ud83d", "a\\udfffb"], ids=["nul", "lone-high", "lone-low"])
def test_a_response_the_database_cannot_store_is_not_a_500(coordinator, garbage):
    client = client_for(coordinator.user, key=f"garbage-{len(garbage)}-{garbage[-1]}")
    raw = json.dumps(VALID)[:-1] + f', "{garbage}": 1}}'
    response = client.post("/api/v1/productions/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]
