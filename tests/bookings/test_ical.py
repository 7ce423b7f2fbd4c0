"""The company's bookings feed follows RFC 5545: a VTIMEZONE for its local times, private caching."""

import pytest

from studio.models import Membership
from tests.factories import BookingFactory, MembershipFactory
from tests.ical_checks import assert_standard_feed

pytestmark = pytest.mark.django_db


def test_company_feed_has_vtimezone_and_private_caching(world, api):
    booking = BookingFactory(production=world.production, set=world.set)
    manager = MembershipFactory(organization=world.company, role=Membership.Role.MANAGER).user
    url = api(manager, world.company).post("/api/v1/bookings/feed-url/", {}, format="json").json()["url"]

    calendar = assert_standard_feed(api().get(url))

    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == booking.starts_at
    assert str(event["LOCATION"]) == world.base.address
