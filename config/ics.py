"""What every iCalendar feed shares (RFC 5545): the header, local times named by TZID, their VTIMEZONE."""

from datetime import datetime

from django.utils import timezone
from icalendar import Calendar


def feed_calendar(product: str, name: str) -> Calendar:
    """An empty feed: ``PRODID`` names the ``product`` (``Bookings``), ``X-WR-CALNAME`` is what apps show."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Shooting Circle//{product}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    return calendar


def local(moment: datetime) -> datetime:
    """A stored (UTC) time as the wall-clock time of the site's zone, written ``TZID=Asia/Shanghai``."""
    return timezone.localtime(moment)


def calendar_bytes(calendar: Calendar) -> bytes:
    """The feed, with a VTIMEZONE for every TZID its events use (RFC 5545 §3.6.5)."""
    calendar.add_missing_timezones()
    return calendar.to_ical()
