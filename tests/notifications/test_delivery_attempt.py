import json
import random
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import tasks
from notifications.attempts import retry_delay_seconds
from notifications.models import Delivery, WebhookEndpoint
from notifications.services import delivery_retry_now, event_record
from notifications.tasks import deliveries_relay, delivery_attempt
from notifications.webhooks import signature_verify
from studio.models import Membership
from tests.conftest import require_postgresql
from tests.factories import (
    CompanyFactory,
    DeliveryFactory,
    EventFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_FACTOR = 2
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 35
    settings.NOTIFICATIONS_RETRY_JITTER = 0.2
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3


def _webhook(receiver_url, **kwargs):
    endpoint = WebhookEndpointFactory(url=receiver_url, **kwargs)
    return DeliveryFactory(
        endpoint=endpoint, channel=Delivery.Channel(endpoint.kind if endpoint.kind == "wecom" else "webhook")
    )


def _make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_webhook_is_signed_and_marked_sent_once(allow_private, receiver, queued):
    hook = receiver()
    delivery = _webhook(hook.url)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert delivery_attempt(delivery_id=delivery.pk) is None  # a duplicate message does nothing
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert len(hook.requests) == 1
    request = hook.requests[0]
    assert request["headers"]["webhook-id"] == str(delivery.message_id)
    assert signature_verify(secret=delivery.endpoint.secret, headers=request["headers"], body=request["body"])
    document = json.loads(request["body"])
    assert set(document) == {"type", "timestamp", "data"}
    assert document["type"] == delivery.event.type
    assert document["data"]["event_id"] == delivery.event.pk
    assert document["data"]["payload"] == delivery.event.payload


def test_failure_counts_an_attempt_and_schedules_a_later_one(allow_private, fast_retries, receiver, queued):
    hook = receiver(lambda n, headers, body: (500, b"boom", {}))
    delivery = _webhook(hook.url)
    before = timezone.now()
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert 10 <= wait <= 12 + 1
    assert queued == []  # queued only after commit, i.e. never inside the test's transaction
    assert delivery_attempt(delivery_id=delivery.pk) is None  # not due yet
    assert len(hook.requests) == 1


def test_retry_is_queued_after_commit_with_its_eta(
    allow_private, fast_retries, receiver, queued, django_capture_on_commit_callbacks
):
    hook = receiver(lambda n, headers, body: (503, b"", {}))
    delivery = _webhook(hook.url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert queued == [([delivery.pk], delivery.next_attempt_at)]


def test_redirect_is_a_failure(allow_private, fast_retries, receiver, queued):
    hook = receiver(lambda n, headers, body: (302, b"", {"Location": "http://127.0.0.1:1/elsewhere"}))
    delivery = _webhook(hook.url)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING
    delivery.refresh_from_db()
    assert "HTTP 302" in delivery.last_error
    assert len(hook.requests) == 1


def test_delivery_is_dead_after_the_last_attempt(allow_private, fast_retries, receiver, queued):
    hook = receiver(lambda n, headers, body: (500, b"", {}))
    delivery = _webhook(hook.url)
    statuses = []
    for _attempt in range(3):
        _make_due(delivery)
        statuses.append(delivery_attempt(delivery_id=delivery.pk))
    assert statuses == ["retrying", "retrying", "dead"]
    _make_due(delivery)
    assert delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert "HTTP 500" in delivery.last_error
    assert len(hook.requests) == 3
    ids = {request["headers"]["webhook-id"] for request in hook.requests}
    assert ids == {str(delivery.message_id)}  # the same id on every retry, so receivers can dedupe


def test_retry_delays_grow_exponentially_with_bounded_jitter_and_a_cap(fast_retries):
    rng = random.Random(7)
    for _sample in range(50):
        delays = [retry_delay_seconds(attempt, rng=rng) for attempt in (1, 2, 3, 4)]
        assert 10 <= delays[0] <= 12
        assert 20 <= delays[1] <= 24
        assert delays[0] < delays[1] < delays[2]
        assert 35 <= delays[3] <= 42  # capped at RETRY_MAX before the jitter


def test_switched_off_endpoint_ends_dead_without_sending(allow_private, receiver, queued):
    hook = receiver()
    delivery = _webhook(hook.url)
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(is_active=False)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.DEAD
    delivery.refresh_from_db()
    assert "switched off" in delivery.last_error
    assert hook.requests == []


def test_wecom_robot_gets_markdown_and_its_errcode_is_checked(allow_private, fast_retries, receiver, queued):
    hook = receiver(lambda n, headers, body: (200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', {}))
    delivery = _webhook(hook.url, kind=WebhookEndpoint.Kind.WECOM)
    assert delivery.channel == Delivery.Channel.WECOM
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING
    delivery.refresh_from_db()
    assert "93000" in delivery.last_error
    document = json.loads(hook.requests[0]["body"])
    assert document["msgtype"] == "markdown"
    content = document["markdown"]["content"]
    assert content.startswith('### <font color="comment">剧目信息已修改</font>')  # Chinese first, in words
    assert content.index("剧目信息已修改") < content.index("Production details changed")
    assert "title" not in content and "[" not in content.split("](")[0]  # no payload dump
    assert "webhook-signature" not in hook.requests[0]["headers"]


def test_email_is_sent_in_chinese_then_english(queued):
    operator = OperatorFactory(name="平原影视基地", short_name="平原基地")
    MembershipFactory(
        organization=operator, role=Membership.Role.OWNER, user=UserFactory(email="boss@base.example")
    )
    event = event_record(
        type="webhook.ping", organization=CompanyFactory(), payload={"note": "你好"}, audience=[operator]
    )
    delivery = Delivery.objects.get(event=event)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@base.example"]
    assert message.subject.index("Webhook 测试") < message.subject.index("Webhook test")
    assert message.body.index("机构") < message.body.index("Organisation")
    assert "note" not in message.body  # the payload is not dumped
    assert message.extra_headers["Message-ID"] == f"<{delivery.message_id}@shooting-circle>"
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_email_failure_is_retried(queued, fast_retries, monkeypatch):
    delivery = DeliveryFactory()

    def broken(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.RETRYING
    delivery.refresh_from_db()
    assert delivery.last_error == "OSError: SMTP server unreachable"


def test_relay_requeues_only_rows_overdue_past_the_grace(settings, queued):
    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 30
    now = timezone.now()
    overdue = DeliveryFactory(next_attempt_at=now - timedelta(seconds=31))
    overdue_retry = DeliveryFactory(
        next_attempt_at=now - timedelta(minutes=5), status=Delivery.Status.RETRYING
    )
    DeliveryFactory(next_attempt_at=now - timedelta(seconds=5))  # probably still in the queue
    DeliveryFactory(next_attempt_at=now + timedelta(minutes=5), status=Delivery.Status.RETRYING)
    DeliveryFactory(next_attempt_at=now - timedelta(minutes=5), status=Delivery.Status.DEAD)
    DeliveryFactory(next_attempt_at=now - timedelta(minutes=5), status=Delivery.Status.SENT, sent_at=now)
    assert deliveries_relay(now=now) == 2
    assert queued == [([overdue_retry.pk, overdue.pk], None)]


def test_retry_now_gives_a_dead_delivery_one_more_attempt(queued, fast_retries, monkeypatch):
    delivery = DeliveryFactory(status=Delivery.Status.DEAD, attempts=3, last_error="HTTP 500")
    delivery = delivery_retry_now(delivery=delivery)
    assert delivery.status == Delivery.Status.RETRYING
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send", lambda self, **kw: (_ for _ in ()).throw(OSError("x"))
    )
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.DEAD


def test_retry_now_refuses_a_sent_delivery(queued):
    delivery = DeliveryFactory(status=Delivery.Status.SENT, sent_at=timezone.now())
    from config.exceptions import ConflictError

    with pytest.raises(ConflictError):
        delivery_retry_now(delivery=delivery)


def test_enqueue_batches_ids_into_tasks_and_never_raises(monkeypatch, settings):
    settings.NOTIFICATIONS_TASK_BATCH = 2
    single, batch = [], []
    monkeypatch.setattr(
        tasks.delivery_attempt_task, "apply_async", lambda args, **kw: single.append((args, kw["eta"]))
    )
    monkeypatch.setattr(
        tasks.deliveries_attempt_task, "apply_async", lambda args, **kw: batch.append((args, kw["eta"]))
    )
    tasks.deliveries_enqueue([3, 4, 5])
    assert batch == [(([3, 4],), None)]
    assert single == [((5,), None)]

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.delivery_attempt_task, "apply_async", down)
    tasks.deliveries_enqueue([5])  # logged; the relay sends it later


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_is_skipped_by_a_second_worker(queued):
    require_postgresql()
    delivery = DeliveryFactory(event=EventFactory())
    locked, release = threading.Event(), threading.Event()

    def first_worker():
        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=delivery.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert delivery_attempt(delivery_id=delivery.pk) is None
    finally:
        release.set()
        thread.join()
    delivery.refresh_from_db()
    assert delivery.attempts == 0
    assert delivery.status == Delivery.Status.PENDING
