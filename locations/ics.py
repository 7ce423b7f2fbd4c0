"""A set's busy times as an iCalendar feed (RFC 5545) for the calendar apps coordinators already use."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from locations import conf
from locations.models import Set
from locations.selectors import set_busy_intervals
from notifications.ics import FeedEvent, feed_ics

#: what a calendar shows: the set is shut, blocked by the base or booked
CALENDAR_KINDS = {"closed", "blackout", "booking"}


def _summary(kind: str) -> str:
    labels = {"closed": _("Closed"), "blackout": _("Blocked"), "booking": _("Booked")}
    return labels.get(kind, _("Busy"))


def busy_calendar(set_: Set, *, viewer=None, now: datetime | None = None) -> bytes:
    """A week back to ``FEED_DAYS_AHEAD`` ahead; names no company, reasons only for the operator."""
    now = now or timezone.now()
    local_midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    starts_at = local_midnight - timedelta(days=7)
    ends_at = local_midnight + timedelta(days=conf.feed_days_ahead())
    busy_times = set_busy_intervals(set_, starts_at, ends_at, viewer=viewer, now=now)
    return feed_ics(
        product="Set calendar",
        name=f"{set_.base.name} · {set_.name}",
        # the booking rules' margins (turnover, notice, horizon) are no events
        events=(_event(set_, busy) for busy in busy_times if busy.kind in CALENDAR_KINDS),
        now=now,
    )


def _event(set_: Set, busy) -> FeedEvent:
    summary = _summary(busy.kind)
    return FeedEvent(
        uid=f"{busy.kind}-{set_.pk}-{busy.starts_at:%Y%m%dT%H%M%S%z}@shooting-circle",
        starts_at=busy.starts_at,
        ends_at=busy.ends_at,
        summary=f"{summary}: {busy.reason}" if busy.reason else summary,
        transp="OPAQUE",
    )
