"""The person feed follows RFC 5545: a VTIMEZONE for its local times, the set's address as LOCATION."""

import pytest

from crews import services
from tests.crews.factories import CallFactory, PersonFactory, booking_for, local
from tests.ical_checks import assert_standard_feed

pytestmark = pytest.mark.django_db


def test_person_feed_has_vtimezone_location_and_private_caching(plan, api):
    person = PersonFactory(company=plan.company, name="林晚")
    first = booking_for(plan.day, base__address="河南省平顶山市宝丰县平遥路 8 号")
    second = booking_for(plan.day, base__address="另一个地址 9 号")
    services.stop_add(
        shoot_day=plan.day,
        booking=first,
        starts_at=local(plan.date, 7),
        ends_at=local(plan.date, 11),
        by=plan.user,
    )
    services.stop_add(
        shoot_day=plan.day,
        booking=second,
        starts_at=local(plan.date, 12),
        ends_at=local(plan.date, 16),
        by=plan.user,
    )
    CallFactory(
        shoot_day=plan.day, person=person, call_at=local(plan.date, 6), released_at=local(plan.date, 18)
    )
    url = plan.client.post(f"/api/v1/people/{person.pk}/feed-url/", {}).json()["url"]

    calendar = assert_standard_feed(api().get(url))

    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "河南省平顶山市宝丰县平遥路 8 号"
    assert event.decoded("DTSTART") == local(plan.date, 6)
    assert f"{first.set.base.name} · {first.set.name}" in str(event["DESCRIPTION"])
