"""End to end with a real ``celery -A config worker`` (2 prefork processes + embedded beat, the session's
``worker`` of tests/celery_worker.py) on Redis and PostgreSQL, posting to a webhook receiver on 127.0.0.1
and writing emails to files."""

import email
import email.policy

import pytest
from django.db import transaction

from notifications.models import Delivery
from notifications.services import event_record
from notifications.webhooks import signature_verify
from studio.models import Membership
from tests import celery_worker
from tests.celery_worker import (  # noqa: F401 - _wait_for_runs: tests/review imports it from here
    MAX_ATTEMPTS,
    _redis,
    _wait_for,
    _wait_for_relay_cycle,
    _wait_for_runs,
)
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    WebhookEndpointFactory,
)

#: The fixture (tests/conftest.py provides it everywhere), still importable from here as before.
worker = celery_worker.worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _operator_with_endpoint(url: str, *, email_address: str | None = None):
    operator = OperatorFactory(name="平原影视基地一号", short_name="平原一号")
    if email_address:
        MembershipFactory(
            organization=operator, role=Membership.Role.OWNER, user=UserFactory(email=email_address)
        )
    return operator, WebhookEndpointFactory(organization=operator, url=url)


def _record(operator, count: int = 1):
    company = CompanyFactory()
    with transaction.atomic():
        return [
            event_record(
                type="booking.requested", organization=company, payload={"n": n}, audience=[operator]
            )
            for n in range(count)
        ]


def _statuses(**filters) -> list[str]:
    return list(Delivery.objects.filter(**filters).values_list("status", flat=True))


def test_email_is_written_and_a_signed_webhook_reaches_the_receiver(worker, receiver):
    hook = receiver()
    operator, endpoint = _operator_with_endpoint(hook.url, email_address="boss@pingyuan.example")
    (event,) = _record(operator)
    _wait_for(
        lambda: _statuses(event=event) == ["sent", "sent"],
        timeout=20,
        worker=worker,
        what="both deliveries sent",
    )
    webhook = Delivery.objects.get(event=event, channel="webhook")
    (request,) = hook.requests
    assert request["headers"]["webhook-id"] == str(webhook.message_id)
    assert signature_verify(secret=endpoint.secret, headers=request["headers"], body=request["body"])

    files = list((worker.var_dir / "mail").glob("*.log"))
    messages = [
        email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
        for path in files
        for chunk in path.read_bytes().split(b"-" * 79)
        if chunk.strip()
    ]
    mine = [message for message in messages if message["To"] == "boss@pingyuan.example"]
    assert len(mine) == 1
    assert "【拍摄圈】" in mine[0]["Subject"] and "[Shooting Circle]" in mine[0]["Subject"]
    text = mine[0].get_body(preferencelist=("plain",)).get_content()
    assert text.index("预订申请") < text.index("Booking request")


def test_receiver_failing_three_times_gets_the_message_on_the_fourth_attempt_with_growing_gaps(
    worker, receiver
):
    hook = receiver(lambda n, headers, body: (500, b"busy", {}) if n <= 3 else (200, b"{}", {}))
    operator, _endpoint = _operator_with_endpoint(hook.url)
    (event,) = _record(operator)
    _wait_for(lambda: _statuses(event=event) == ["sent"], timeout=20, worker=worker, what="the 4th attempt")
    delivery = Delivery.objects.get(event=event)
    assert delivery.attempts == 4
    assert len(hook.requests) == 4
    assert {request["headers"]["webhook-id"] for request in hook.requests} == {str(delivery.message_id)}
    arrivals = [request["at"] for request in hook.requests]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert gaps[0] < gaps[1] < gaps[2], gaps


def test_always_failing_receiver_ends_dead_after_the_cap(worker, receiver):
    hook = receiver(lambda n, headers, body: (500, b"down", {}))
    operator, _endpoint = _operator_with_endpoint(hook.url)
    (event,) = _record(operator)
    _wait_for(
        lambda: _statuses(event=event) == ["dead"], timeout=20, worker=worker, what="the delivery to die"
    )
    delivery = Delivery.objects.get(event=event)
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error.startswith("WebhookFailed: HTTP 500")
    _wait_for_relay_cycle(worker)  # a dead row is never sent again
    assert len(hook.requests) == MAX_ATTEMPTS


def test_flushing_the_broker_loses_nothing_and_each_row_is_sent_once(worker, receiver, settings):
    # small batches: 15 task messages for 30 deliveries, more than the worker prefetches
    settings.NOTIFICATIONS_TASK_BATCH = 2
    hook = receiver()
    hook.gate.clear()  # the receiver holds the first requests, so the rest stay queued in Redis
    operator, _endpoint = _operator_with_endpoint(hook.url)
    count = 30
    _record(operator, count=count)
    redis = _redis()
    _wait_for(lambda: hook.arrived >= 2, timeout=20, worker=worker, what="both worker processes to be busy")
    queued_before_flush = redis.llen("celery")
    assert queued_before_flush > 0
    redis.flushdb()
    hook.gate.set()

    _wait_for(
        lambda: _statuses(status="sent").__len__() == count, timeout=30, worker=worker, what="every row sent"
    )
    deliveries = list(Delivery.objects.all())
    assert all(delivery.status == "sent" and delivery.attempts == 1 for delivery in deliveries)
    ids = [request["headers"]["webhook-id"] for request in hook.requests]
    duplicates = len(ids) - len(set(ids))
    print(
        f"flush: {queued_before_flush} queued messages flushed, {len(ids)} requests received, "
        f"{duplicates} duplicate webhook-ids"
    )
    assert set(ids) == {str(delivery.message_id) for delivery in deliveries}
    assert duplicates == 0
