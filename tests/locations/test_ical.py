"""A set's busy feed follows RFC 5545: a VTIMEZONE for its local times, private caching."""

from datetime import timedelta

import pytest

from locations.ics import _summary
from studio.models import Membership
from tests.bookings.conftest import morning
from tests.factories import BlackoutFactory, CompanyFactory, SetFactory
from tests.ical_checks import assert_standard_feed

pytestmark = pytest.mark.django_db


def test_set_feed_has_vtimezone_and_private_caching(member, api):
    company = CompanyFactory()
    client = api(member(company, role=Membership.Role.MANAGER), company)
    set_ = SetFactory()
    starts_at = morning(days=2, hour=10)
    BlackoutFactory(set=set_, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    url = client.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json").json()["url"]

    calendar = assert_standard_feed(api().get(url))

    blocked = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith(str(_summary("blackout")))]
    assert [e.decoded("DTSTART") for e in blocked] == [starts_at]
