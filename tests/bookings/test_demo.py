"""The demo month: realistic volume, every status, no overlap, and a second run makes nothing."""

import io

import pytest

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
