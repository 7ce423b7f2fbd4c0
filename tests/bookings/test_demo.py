"""The demo month: realistic volume, every status, no overlap, and a second run makes nothing."""

import io
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from bookings import demo
from bookings.models import Booking, WaitlistEntry
from locations import demo as locations_demo
from studio import demo as studio_demo
from tests.bookings.race import overlapping_pairs


@pytest.mark.django_db
def test_demo_month_is_realistic_idempotent_and_never_overlaps():
    out = io.StringIO()
    studio_demo.seed(scale="zone", stdout=out)
    locations_demo.seed(scale="zone", stdout=out)
    summary = demo.seed(scale="zone", stdout=out)
    count = Booking.objects.count()
    assert count > 30 * 3 * 3, summary
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses >= {"completed", "confirmed", "held", "cancelled"}, statuses
    assert WaitlistEntry.objects.count() > 0
    assert overlapping_pairs() == 0
    assert "already" in demo.seed(scale="zone", stdout=out)[0]
    assert Booking.objects.count() == count


@pytest.mark.django_db
def test_demo_check_ins_and_outs_lie_in_their_windows():
    """Seeded at 14:30, when today's 08:00–14:00 crews have just left: no check-out after now."""
    now = datetime(2026, 12, 2, 14, 30, tzinfo=timezone.get_current_timezone())
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=now):
        studio_demo.seed(scale="zone", stdout=out)
        locations_demo.seed(scale="zone", stdout=out)
        demo.seed(scale="zone", stdout=out)
    bookings = Booking.objects.exclude(checked_in_at=None).select_related("set__base")
    assert bookings.filter(starts_at__date=now.date()).exists()
    for booking in bookings:
        lead = timedelta(minutes=booking.set.base.check_in_lead_minutes)
        assert booking.starts_at - lead <= booking.checked_in_at <= now, booking
        if booking.checked_out_at is not None:
            assert booking.checked_in_at <= booking.checked_out_at <= now, booking
