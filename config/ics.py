"""What every iCalendar feed shares (RFC 5545): local times named by TZID, and the VTIMEZONE they name."""

from datetime import datetime

from django.utils import timezone
from icalendar import Calendar


def local(moment: datetime) -> datetime:
    """A stored (UTC) time as the wall-clock time of the site's zone, written ``TZID=Asia/Shanghai``."""
    return timezone.localtime(moment)


def calendar_bytes(calendar: Calendar) -> bytes:
    """The feed, with a VTIMEZONE for every TZID its events use (RFC 5545 §3.6.5)."""
    calendar.add_missing_timezones()
    return calendar.to_ical()
