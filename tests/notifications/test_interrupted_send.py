"""A worker killed while sending: its attempt still counts, and the dead-letter cap still holds."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from config.exceptions import ConflictError
from notifications import tasks
from notifications.models import Delivery
from notifications.services import delivery_retry_now
from notifications.tasks import deliveries_relay, delivery_attempt
from tests.factories import DeliveryFactory, WebhookEndpointFactory

LEASE, GRACE = 120, 60


@pytest.fixture
def lease(settings):
    settings.NOTIFICATIONS_SEND_LEASE_SECONDS = LEASE
    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = GRACE
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_JITTER = 0


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now`` pinned for the services and the attempts; ``clock[0] += ...`` moves it."""
    now = [timezone.now().replace(microsecond=0)]
    monkeypatch.setattr("django.utils.timezone.now", lambda: now[0])
    return now


def _webhook(now):
    endpoint = WebhookEndpointFactory(url="https://hooks.example.com/a")
    return DeliveryFactory(endpoint=endpoint, channel=Delivery.Channel.WEBHOOK, next_attempt_at=now)


def _read_elsewhere(pk: int) -> tuple[int, str]:
    """The row as another database connection sees it (what survives this worker's death)."""
    seen = []

    def read():
        try:
            row = Delivery.objects.get(pk=pk)
            seen.append((row.attempts, row.status))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen[0]


class WorkerKilled(BaseException):
    """What the send sees of SIGKILL or a hard time limit: nothing after this line runs."""


@pytest.mark.django_db(transaction=True)
def test_attempt_is_committed_before_the_send_and_survives_a_killed_worker(lease, clock, queued, monkeypatch):
    delivery = _webhook(clock[0])
    during_send = []

    def killed(**kwargs):
        during_send.append(_read_elsewhere(delivery.pk))
        raise WorkerKilled

    monkeypatch.setattr("notifications.sending.http_post", killed)
    with pytest.raises(WorkerKilled):
        delivery_attempt(delivery_id=delivery.pk)
    # another connection saw the attempt counted while the send was under way
    assert during_send == [(1, Delivery.Status.PENDING)]
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.sending_since == clock[0]
    # leased: a duplicate message does nothing, and the relay leaves it alone until the lease has run out
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert deliveries_relay(now=clock[0] + timedelta(seconds=LEASE + GRACE - 1)) == 0
    assert deliveries_relay(now=clock[0] + timedelta(seconds=LEASE + GRACE)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_send_that_kills_every_worker_ends_dead_at_the_cap(lease, clock, queued, monkeypatch):
    delivery = _webhook(clock[0])
    sends = []

    def killed(**kwargs):
        sends.append(clock[0])
        raise WorkerKilled

    monkeypatch.setattr("notifications.sending.http_post", killed)
    for _attempt in range(3):
        with pytest.raises(WorkerKilled):
            delivery_attempt(delivery_id=delivery.pk)
        clock[0] += timedelta(seconds=LEASE + GRACE)  # the relay re-queues it after the lease
    assert _read_elsewhere(delivery.pk) == (3, Delivery.Status.PENDING)
    # the third attempt was the last one allowed: the row ends dead without a fourth send
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.DEAD
    assert len(sends) == 3
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.sending_since is None
    assert delivery.last_error == "Attempt 3 did not finish: the worker stopped while sending."
    assert delivery_attempt(delivery_id=delivery.pk) is None


@pytest.mark.django_db
def test_after_an_interrupted_attempt_the_next_one_counts_on_and_may_succeed(
    lease, clock, queued, monkeypatch
):
    delivery = _webhook(clock[0])
    answers = iter([WorkerKilled, None])

    def send(**kwargs):
        answer = next(answers)
        if answer is not None:
            raise answer
        return b""

    monkeypatch.setattr("notifications.sending.http_post", send)
    with pytest.raises(WorkerKilled):
        delivery_attempt(delivery_id=delivery.pk)
    clock[0] += timedelta(seconds=LEASE + GRACE)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.SENT
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.sending_since, delivery.last_error) == (2, None, "")
    assert delivery.sent_at == clock[0]


@pytest.mark.django_db
def test_an_ordinary_failure_clears_the_lease_and_schedules_the_retry(lease, clock, queued, monkeypatch):
    delivery = _webhook(clock[0])

    def refused(**kwargs):
        raise ConnectionError("refused")

    monkeypatch.setattr("notifications.sending.http_post", refused)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.sending_since is None
    assert delivery.next_attempt_at == clock[0] + timedelta(seconds=10)
    assert delivery.last_error == "ConnectionError: refused"


@pytest.mark.django_db
def test_retry_now_refuses_a_delivery_being_sent(lease, clock, queued, monkeypatch):
    delivery = _webhook(clock[0])
    refused = []

    def send(**kwargs):
        with pytest.raises(ConflictError) as caught:
            delivery_retry_now(delivery=Delivery.objects.get(pk=delivery.pk))
        refused.append(caught.value.code)
        assert tasks.delivery_attempt(delivery_id=delivery.pk) is None  # the duplicate message
        return b""

    monkeypatch.setattr("notifications.sending.http_post", send)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert refused == ["delivery_in_flight"]
