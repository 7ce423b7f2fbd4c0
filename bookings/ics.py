"""A company's bookings as an iCalendar feed (RFC 5545) for the calendar apps coordinators already use."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.selectors import bookings_for_feed
from notifications.ics import FeedEvent, feed_ics
from studio.models import Organization


def bookings_calendar(organization: Organization, *, now=None) -> bytes:
    now = now or timezone.now()
    return feed_ics(
        product="Bookings",
        name=_("%(org)s · set bookings") % {"org": organization},
        events=(_event(booking) for booking in bookings_for_feed(organization=organization, now=now)),
        now=now,
    )


def _event(booking) -> FeedEvent:
    base = booking.set.base
    where = f"{booking.set.name} · {base.name}"
    return FeedEvent(
        uid=f"booking-{booking.pk}@shooting-circle",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"[{booking.get_status_display()}] {where} · {booking.production.title}",
        location=base.address or base.name,
        description=_("Price %(total)s CNY, deposit %(deposit)s CNY. Operator contact: %(contact)s %(phone)s")
        % {
            "total": booking.total_price,
            "deposit": booking.deposit,
            "contact": base.operator.contact_name or base.operator,
            "phone": base.operator.contact_phone,
        },
        status="TENTATIVE" if booking.status == booking.Status.HELD else "CONFIRMED",
    )
