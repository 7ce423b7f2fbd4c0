"""The one iCalendar builder every feed uses (RFC 5545): header, events at local times, their VTIMEZONE.

Each feed says what its events are (``FeedEvent``); this module writes them: times stored in UTC become
wall-clock times of the site's zone named by ``TZID=Asia/Shanghai``, and every TZID used gets its
VTIMEZONE (§3.6.5), so calendar apps show the same hour wherever they run.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from icalendar import Calendar, Event


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT; ``None`` leaves a property out."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str | None = None
    description: str | None = None
    status: str | None = None  # CONFIRMED or TENTATIVE
    transp: str | None = None  # OPAQUE: the time is taken


def feed_ics(*, product: str, name: str, events: Iterable[FeedEvent], now: datetime) -> bytes:
    """The feed's bytes: ``PRODID`` names the ``product`` (``Bookings``), ``X-WR-CALNAME`` is what apps
    show, every event stamped ``now``."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Shooting Circle//{product}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", timezone.localtime(item.starts_at))
        event.add("dtend", timezone.localtime(item.ends_at))
        event.add("summary", item.summary)
        for prop, value in (
            ("location", item.location),
            ("description", item.description),
            ("status", item.status),
            ("transp", item.transp),
        ):
            if value is not None:
                event.add(prop, value)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
