"""A person's call times as an iCalendar feed (RFC 5545), reached by their private token."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from config.ics import calendar_bytes, feed_calendar, local
from config.localtime import CLOCK, local_text
from crews.models import Call, Person, Stop

FEED_PAST_DAYS = 30


def person_calendar(person: Person, *, now=None) -> bytes:
    now = now or timezone.now()
    calendar = feed_calendar("Calls", _("%(name)s · call times") % {"name": person.name})
    calls = (
        Call.objects.filter(person=person, released_at__gte=now - timedelta(days=FEED_PAST_DAYS))
        .select_related("shoot_day__crew__production")
        .prefetch_related(
            Prefetch(
                "shoot_day__stops",
                queryset=Stop.objects.select_related("booking__set__base").order_by("order", "starts_at"),
            )
        )
        .order_by("call_at")
    )
    for call in calls:
        day = call.shoot_day
        stops = list(day.stops.all())
        event = Event()
        event.add("uid", f"call-{call.pk}@shooting-circle")
        event.add("dtstamp", now)
        event.add("dtstart", local(call.call_at))
        event.add("dtend", local(call.released_at))
        event.add("summary", f"{day.crew.production.title} · {day.crew.name} · {call.get_role_display()}")
        details = []
        if call.makeup_ready_at:
            details.append(_("Makeup ready %(time)s") % {"time": local_text(call.makeup_ready_at, CLOCK)})
        if call.on_set_at:
            details.append(_("On set %(time)s") % {"time": local_text(call.on_set_at, CLOCK)})
        if call.note:
            details.append(call.note)
        if stops:
            # Where the person reports: the day's first set (later stops are in the call sheet).
            first_set = stops[0].booking.set
            event.add("location", first_set.base.address or first_set.base.name)
            details.append(
                " → ".join(
                    dict.fromkeys(f"{stop.booking.set.base.name} · {stop.booking.set.name}" for stop in stops)
                )
            )
        event.add("description", "\n".join(details))
        event.add("status", "CONFIRMED" if day.status != day.Status.DRAFT else "TENTATIVE")
        calendar.add_component(event)
    return calendar_bytes(calendar)
