"""Who hears about what, and what the bilingual emails say (rendered without a worker)."""

from datetime import timedelta

import pytest

from bookings.services import booking_cancel, booking_confirm, booking_create, booking_decline
from locations.models import Set
from notifications.models import Delivery, Event
from notifications.sending import email_render
from tests.bookings.conftest import morning

pytestmark = pytest.mark.django_db


def _request(world, company=0, **kwargs):
    starts = kwargs.pop("starts", morning())
    return booking_create(
        set_=world.set,
        production=world.productions[company],
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        by=world.company_users[company],
        **kwargs,
    )


def _emails(event_type):
    return [email_render(d) for d in Delivery.objects.filter(event__type=event_type, channel="email")]


def test_a_request_tells_the_operator_and_a_confirmation_tells_the_company(world):
    booking = _request(world)
    (request_mail,) = _emails("booking.requested")
    assert request_mail.to == [world.operator_user.email]
    assert world.company.name in request_mail.body  # the operator may see who asks
    booking_confirm(booking=booking, by=world.operator_user)
    (mail,) = _emails("booking.confirmed")
    assert mail.to == [world.company_user.email]
    assert (
        mail.subject.startswith("【拍摄圈】预订已确认：场景1 · 平原影视基地")
        and "[Shooting Circle] Booking confirmed: 场景1" in mail.subject
    )
    text = mail.body
    for expected in (
        "场景1",
        "平原影视基地",
        world.base.address,
        "¥1,200.00",
        "¥1,000.00",
        "王经理",
        "13800000000",
    ):
        assert expected in text
    assert text.index("您的预订已确认") < text.index("Your booking is confirmed.")
    assert text.index("地址") < text.index("Address")


@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_declines_and_cancellations_reach_the_company(world, action):
    booking = _request(world)
    if action == "decline":
        booking_decline(booking=booking, by=world.operator_user, reason="场景检修")
    else:
        booking_cancel(booking=booking, by=world.company_user, reason="演员档期")
    (mail,) = [
        m
        for m in _emails(f"booking.{action}d" if action == "decline" else "booking.cancelled")
        if m.to == [world.company_user.email]
    ]
    assert "场景1" in mail.body
    assert ("场景检修" if action == "decline" else "演员档期") in mail.body  # the reason given


def test_every_booking_event_type_renders_in_both_languages(world):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    booking = _request(world)
    booking_cancel(booking=booking, by=world.company_user, now=booking.starts_at - timedelta(hours=30))
    for event in Event.objects.filter(type__startswith="booking."):
        for delivery in Delivery.objects.filter(event=event, channel="email"):
            mail = email_render(delivery)
            assert "【拍摄圈】" in mail.subject and "[Shooting Circle]" in mail.subject
    cancelled = [m for m in _emails("booking.cancelled") if m.to == [world.company_user.email]][0]
    assert "¥600.00" in cancelled.body
