"""With a real ``celery -A config worker`` (tests/celery_worker.py) on Redis and PostgreSQL:
confirming a booking delivers exactly one confirmation email and one signed webhook to the company, and
cancelling a booking tells the first waiter (and nobody else)."""

import email
import email.policy
import json
from datetime import timedelta

import pytest

from bookings.models import WaitlistEntry
from bookings.services import booking_cancel, booking_confirm, booking_create, waitlist_join
from notifications.models import Delivery
from notifications.webhooks import signature_verify
from tests.bookings.conftest import make_world, morning
from tests.celery_worker import _wait_for
from tests.factories import WebhookEndpointFactory
from tests.notifications.receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hook():
    instance = Receiver().start()
    yield instance
    instance.stop()


def _mails(worker, address: str) -> list:
    messages = []
    for path in (worker.var_dir / "mail").glob("*.log"):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
                if message["To"] == address:
                    messages.append(message)
    return messages


def _sent(**filters) -> bool:
    statuses = list(Delivery.objects.filter(**filters).values_list("status", flat=True))
    return bool(statuses) and all(status == "sent" for status in statuses)


def test_confirming_delivers_one_email_and_one_signed_webhook_to_the_company(worker, hook):
    world = make_world(companies=1, sets=1)
    endpoint = WebhookEndpointFactory(
        organization=world.company, url=hook.url, event_types=["booking.confirmed"]
    )
    booking = booking_create(
        set_=world.set,
        production=world.production,
        starts_at=morning(),
        ends_at=morning(hour=12),
        by=world.company_user,
    )
    booking_confirm(booking=booking, by=world.operator_user)
    _wait_for(
        lambda: _sent(event__type="booking.confirmed") and _sent(event__type="booking.requested"),
        timeout=30,
        worker=worker,
        what="the confirmation's deliveries",
    )
    confirmations = Delivery.objects.filter(event__type="booking.confirmed")
    assert sorted(confirmations.values_list("channel", flat=True)) == ["email", "webhook"]
    mails = [
        m
        for m in _mails(worker, world.company_user.email)
        if "booking.confirmed" in m["X-Shooting-Circle-Event"]
    ]
    assert len(mails) == 1
    text = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "场景1" in text and world.base.address in text and "1,200.00" in text and "13800000000" in text
    assert text.index("预订已确认") < text.index("Your booking is confirmed")
    assert "【拍摄圈】" in mails[0]["Subject"] and "[Shooting Circle]" in mails[0]["Subject"]
    assert len(hook.requests) == 1
    request = hook.requests[0]
    assert signature_verify(secret=endpoint.secret, headers=request["headers"], body=request["body"])
    document = json.loads(request["body"])
    assert document["type"] == "booking.confirmed"
    assert document["data"]["payload"]["booking"] == booking.pk


def test_a_cancellation_offers_the_window_to_the_first_waiter_only(worker):
    world = make_world(companies=3, sets=1, instant_book_default=True)
    booking = booking_create(
        set_=world.set, production=world.production, starts_at=morning(), ends_at=morning(hour=12), by=None
    )
    entries = [
        waitlist_join(
            organization=world.companies[n],
            set_=world.set,
            starts_at=morning(hour=9),
            ends_at=morning(hour=11) + timedelta(minutes=30 * n),
            production=world.productions[n],
            by=world.company_users[n],
        )
        for n in (1, 2)
    ]
    booking_cancel(booking=booking, by=world.company_user, reason="剧本调整")
    _wait_for(
        lambda: _sent(event__type="booking.waitlist_offered"),
        timeout=30,
        worker=worker,
        what="the offer email",
    )
    assert WaitlistEntry.objects.get(pk=entries[0].pk).status == "offered"
    assert WaitlistEntry.objects.get(pk=entries[1].pk).status == "waiting"
    offers = _mails(worker, world.company_users[1].email)
    assert [m["X-Shooting-Circle-Event"] for m in offers] == ["booking.waitlist_offered"]
    assert "场景1" in offers[0].get_body(preferencelist=("plain",)).get_content()
    assert _mails(worker, world.company_users[2].email) == []
