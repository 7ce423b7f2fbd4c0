"""A person's call times as an iCalendar feed (RFC 5545), reached by their private token."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from config.localtime import CLOCK, local_text
from crews.models import Call, Person, Stop
from notifications.ics import FeedEvent, feed_ics

FEED_PAST_DAYS = 30


def person_calendar(person: Person, *, now=None) -> bytes:
    now = now or timezone.now()
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
    return feed_ics(
        product="Calls",
        name=_("%(name)s · call times") % {"name": person.name},
        events=(_event(call) for call in calls),
        now=now,
    )


def _event(call: Call) -> FeedEvent:
    day = call.shoot_day
    stops = list(day.stops.all())
    details = []
    if call.makeup_ready_at:
        details.append(_("Makeup ready %(time)s") % {"time": local_text(call.makeup_ready_at, CLOCK)})
    if call.on_set_at:
        details.append(_("On set %(time)s") % {"time": local_text(call.on_set_at, CLOCK)})
    if call.note:
        details.append(call.note)
    location = None
    if stops:
        # Where the person reports: the day's first set (later stops are in the call sheet).
        first_set = stops[0].booking.set
        location = first_set.base.address or first_set.base.name
        details.append(
            " → ".join(
                dict.fromkeys(f"{stop.booking.set.base.name} · {stop.booking.set.name}" for stop in stops)
            )
        )
    return FeedEvent(
        uid=f"call-{call.pk}@shooting-circle",
        starts_at=call.call_at,
        ends_at=call.released_at,
        summary=f"{day.crew.production.title} · {day.crew.name} · {call.get_role_display()}",
        location=location,
        description="\n".join(details),
        status="CONFIRMED" if day.status != day.Status.DRAFT else "TENTATIVE",
    )
