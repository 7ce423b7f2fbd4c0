"""What every iCalendar feed must satisfy (RFC 5545): parseable, VTIMEZONE for every TZID, private caching."""

from icalendar import Calendar


def assert_standard_feed(response) -> Calendar:
    """The feed parses, every TZID it uses has its VTIMEZONE, and no shared cache may keep it."""
    assert response.status_code == 200
    assert response["Cache-Control"].split(",")[0].strip() == "private"
    assert "no-store" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert zones == {"Asia/Shanghai"}
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        for name in ("DTSTART", "DTEND"):
            assert event[name].params["TZID"] == "Asia/Shanghai", (name, event[name].to_ical())
            assert event.decoded(name).utcoffset().total_seconds() == 8 * 3600
    return calendar
