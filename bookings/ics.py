"""A company's bookings as an iCalendar feed (RFC 5545) for the calendar apps coordinators already use."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from bookings.selectors import bookings_for_feed
from config.ics import calendar_bytes, feed_calendar, local
from studio.models import Organization


def bookings_calendar(organization: Organization, *, now=None) -> bytes:
    now = now or timezone.now()
    calendar = feed_calendar("Bookings", _("%(org)s · set bookings") % {"org": organization})
    for booking in bookings_for_feed(organization=organization, now=now):
        base = booking.set.base
        event = Event()
        event.add("uid", f"booking-{booking.pk}@shooting-circle")
        event.add("dtstamp", now)
        event.add("dtstart", local(booking.starts_at))
        event.add("dtend", local(booking.ends_at))
        event.add(
            "summary",
            f"[{booking.get_status_display()}] {booking.set.name} · {base.name} · {booking.production.title}",
        )
        event.add("location", base.address or base.name)
        event.add(
            "description",
            _("Price %(total)s CNY, deposit %(deposit)s CNY. Operator contact: %(contact)s %(phone)s")
            % {
                "total": booking.total_price,
                "deposit": booking.deposit,
                "contact": base.operator.contact_name or base.operator,
                "phone": base.operator.contact_phone,
            },
        )
        event.add("status", "TENTATIVE" if booking.status == booking.Status.HELD else "CONFIRMED")
        calendar.add_component(event)
    return calendar_bytes(calendar)
