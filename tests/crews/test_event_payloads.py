"""Call-sheet event payloads match docs/events.md and carry ISO 8601 times with offset."""

import pytest

from crews import services
from notifications.models import Event
from tests.crews.test_call_sheets import sheet_day  # noqa: F401 - the fixture
from tests.event_docs import ISO_WITH_OFFSET, documented_payloads, times_in

pytestmark = pytest.mark.django_db


def test_call_sheet_payloads_match_the_docs(sheet_day):  # noqa: F811
    services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    documented = documented_payloads()
    events = {event.type: event for event in Event.objects.filter(type__startswith="call_sheet.")}
    assert {"call_sheet.published", "call_sheet.line_published"} <= set(events)
    for event_type, event in events.items():
        assert set(event.payload) == set(documented[event_type]), event_type
        for path, value in times_in(event.payload):
            assert value is None or ISO_WITH_OFFSET.match(value), (event_type, path, value)
    line = events["call_sheet.line_published"].payload
    assert line["call_at"].startswith(f"{sheet_day.date.isoformat()}T") and line["call_at"].endswith("+08:00")
