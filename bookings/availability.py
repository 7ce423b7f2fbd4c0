"""The bookings' busy provider for ``locations.availability``: blocking bookings hide a set.

A set is busy for a window ``[s, e)`` when a blocking booking's blocked period (its turnover included)
overlaps ``[s − t, e + t)``, ``t`` being the set's own turnover: exactly the condition under which a
booking of that window would be refused, so search never offers a window that booking then rejects.
On PostgreSQL the test is ``tstzrange && tstzrange`` so that it runs on the exclusion constraint's GiST
index; elsewhere plain comparisons of the stored period (the turnover of the searched set is not
added: SQLite cannot multiply an interval, and the embedded mode is for development).

Calendars show a booking as "booked" without naming anyone, except to the set's operator, who sees
the company and production.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.constraints import TsTzRange
from bookings.models import Booking
from locations.availability import BusyInterval


def _blocking():
    return Booking.objects.filter(status__in=Booking.BLOCKING)


class BookingBusyProvider:
    """Held, confirmed and checked-in bookings, turnover included."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def blocking(self, starts_at: datetime, ends_at: datetime) -> Q:
        bookings = _blocking().filter(set=OuterRef("pk"))
        if connection.vendor == "postgresql":
            turnover = Coalesce(
                OuterRef("turnover_minutes"), OuterRef("base__default_turnover_minutes")
            ) * Value(timedelta(minutes=1))
            window = TsTzRange(Value(starts_at) - turnover, Value(ends_at) + turnover)
            bookings = bookings.annotate(blocked=TsTzRange("blocked_from", "blocked_until")).filter(
                blocked__overlap=window
            )
        else:
            bookings = bookings.filter(blocked_from__lt=ends_at, blocked_until__gt=starts_at)
        return Q(Exists(bookings))

    def intervals(self, set_, starts_at: datetime, ends_at: datetime, *, viewer=None) -> list[BusyInterval]:
        owner = viewer is not None and viewer.pk == set_.base.operator_id
        rows = (
            _blocking()
            .filter(set=set_, blocked_from__lt=ends_at, blocked_until__gt=starts_at)
            .select_related("company", "production")
            .order_by("blocked_from")
        )
        intervals = []
        for booking in rows:
            reason = ""
            if owner:
                reason = _("%(company)s · %(production)s (%(status)s)") % {
                    "company": booking.company,
                    "production": booking.production,
                    "status": booking.get_status_display(),
                }
            intervals.append(
                BusyInterval(
                    max(booking.blocked_from, starts_at),
                    min(booking.blocked_until, ends_at),
                    "booking",
                    reason,
                )
            )
        return intervals
