"""Booking event payloads carry ISO 8601 times with offset (what webhooks send and docs/events.md shows);
the emails show the same times as people read them."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.services import booking_cancel, booking_confirm, booking_create, booking_reschedule
from notifications.models import Delivery, Event
from notifications.sending import email_render, webhook_body
from tests.bookings.conftest import morning
from tests.event_docs import ISO_WITH_OFFSET, documented_payloads, times_in

pytestmark = pytest.mark.django_db


def test_booking_payloads_match_the_docs_and_carry_offsets(world):
    starts = morning(days=3, hour=8)
    booking = booking_create(
        set_=world.set,
        production=world.production,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        by=world.company_user,
    )
    booking_confirm(booking=booking, by=world.operator_user)
    booking_reschedule(
        booking=booking,
        starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=4),
        by=world.company_user,
    )
    booking.refresh_from_db()
    booking_cancel(booking=booking, by=world.company_user)
    documented = documented_payloads()

    events = {event.type: event for event in Event.objects.filter(type__startswith="booking.")}
    assert set(events) == {
        "booking.requested",
        "booking.confirmed",
        "booking.rescheduled",
        "booking.cancelled",
    }
    for event_type, event in events.items():
        optional = {"instant"} if event_type == "booking.confirmed" else set()  # at instant-book sets only
        assert set(event.payload) | optional == set(documented[event_type]), event_type
        for path, value in times_in(event.payload):
            assert value is None or ISO_WITH_OFFSET.match(value), (event_type, path, value)

    requested = events["booking.requested"].payload
    assert (
        requested["starts_at"]
        == timezone.localtime(starts).isoformat()
        == starts.strftime("%Y-%m-%dT08:00:00+08:00")
    )
    assert ISO_WITH_OFFSET.match(requested["hold_expires_at"])
    assert events["booking.rescheduled"].payload["previous_starts_at"] == requested["starts_at"]
    sent = json.loads(webhook_body(events["booking.rescheduled"]))["data"]["payload"]
    assert sent["starts_at"] == (starts + timedelta(days=1)).isoformat()


def test_emails_show_payload_times_as_people_read_them(world):
    starts = morning(days=3, hour=8)
    booking_create(
        set_=world.set,
        production=world.production,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        by=world.company_user,
    )
    (delivery,) = Delivery.objects.filter(event__type="booking.requested", channel="email")
    text = email_render(delivery).body
    assert f"{starts.year}年{starts.month}月{starts.day}日" in text and "08:00–12:00" in text
    assert "+08:00" not in text and "T08:00" not in text
