"""The bookings' busy providers for ``locations.availability``: what keeps a window from being booked.

``BookingBusyProvider``: a set is busy for a window ``[s, e)`` when a blocking booking's blocked period
(its turnover included) overlaps ``[s − t, e + t)``, ``t`` being the set's own turnover: exactly the
condition under which a booking of that window is refused (``bookings.services.guards.check_free``), so
neither search nor a set's availability offers a window that booking then rejects. A set's
availability therefore shows each booking's blocked period (``booking``) and, on both sides of it, the
set's turnover (``turnover``): a new booking may neither start nor end there, since its own turnover
would overlap. A hold that lapsed by ``now`` blocks nothing (a booking of its window releases it).

``BookingRulesProvider`` adds the base's booking rules that depend on the time of the request:
``notice`` (before the earliest start the minimum notice allows, rounded up to the grid), ``horizon``
(from the latest start ``max_days_ahead`` allows plus the minimum duration: every window of the
minimum duration that may start in time fits before it) and ``inactive`` (a set or base not open for
booking). With the base's opening hours (``closed``) and blackouts (``blackout``) from the locations
app, a window on the base's grid whose length is the base's minimum duration lies inside a free
interval exactly when a booking of it at ``now`` succeeds; a longer window (up to the maximum
duration) inside a free interval succeeds too.

On PostgreSQL the search test is ``tstzrange && tstzrange`` so that it runs on the exclusion
constraint's GiST index; elsewhere plain comparisons of the stored period (the turnover of the
searched set is not added: SQLite cannot multiply an interval, and the embedded mode is for
development). Search leaves the notice and the horizon to the booking answer.

Calendars show a booking as "booked" without naming anyone, except to the set's operator, who sees
the company and production.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules
from bookings.constraints import TsTzRange
from bookings.models import Booking
from bookings.services.guards import blocking_rows, is_lapsed_hold
from locations.availability import BusyInterval, BusyProvider


class BookingBusyProvider(BusyProvider):
    """Held, confirmed and checked-in bookings, turnover included."""

    def blocking(self, starts_at: datetime, ends_at: datetime) -> Q:
        bookings = Booking.objects.filter(status__in=Booking.BLOCKING, set=OuterRef("pk"))
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

    def blocking_sql(self) -> str:
        # ``blocking`` on PostgreSQL, by hand (the search's page statement, ``locations.api.search``). The
        # statuses are written out, not bound: the exclusion constraint's GiST index is partial on them.
        statuses = ", ".join(f"'{status.value}'" for status in Booking.BLOCKING)
        turnover = "COALESCE(s.turnover_minutes, b.default_turnover_minutes) * interval '1 minute'"
        return (
            "EXISTS (SELECT 1 FROM bookings_booking WHERE set_id = s.id"
            f" AND status IN ({statuses})"
            " AND TSTZRANGE(blocked_from, blocked_until, '[)')"
            f" && TSTZRANGE(%(starts_at)s::timestamptz - {turnover},"
            f" %(ends_at)s::timestamptz + {turnover}, '[)'))"
        )

    def intervals(
        self, set_, starts_at: datetime, ends_at: datetime, *, viewer=None, now: datetime | None = None
    ) -> list[BusyInterval]:
        now = now or timezone.now()
        owner = viewer is not None and viewer.pk == set_.base.operator_id
        turnover = timedelta(minutes=set_.effective_turnover_minutes)
        rows = [
            (pk, blocked_from, blocked_until)
            for pk, status, hold_expires_at, blocked_from, blocked_until in blocking_rows(
                set_, starts_at - turnover, ends_at + turnover
            )
            if not is_lapsed_hold(status, hold_expires_at, now)
        ]
        reasons = {}
        if owner and rows:
            named = Booking.objects.filter(pk__in=[pk for pk, _from, _until in rows]).select_related(
                "company", "production"
            )
            for booking in named:
                reasons[booking.pk] = _("%(company)s · %(production)s (%(status)s)") % {
                    "company": booking.company,
                    "production": booking.production,
                    "status": booking.get_status_display(),
                }
        intervals = []
        for pk, blocked_from, blocked_until in rows:
            pieces = [
                (blocked_from - turnover, blocked_from, "turnover"),
                (blocked_from, blocked_until, "booking"),
                (blocked_until, blocked_until + turnover, "turnover"),
            ]
            for start, end, kind in pieces:
                start, end = max(start, starts_at), min(end, ends_at)
                if start < end:
                    intervals.append(BusyInterval(start, end, kind, reasons.get(pk, "")))
        return intervals


class BookingRulesProvider(BusyProvider):
    """The base's rules that depend on when the request is made: minimum notice, horizon, set inactive."""

    def blocking(self, starts_at: datetime, ends_at: datetime) -> Q:
        return Q()  # search judges the window, not the moment it is asked from (see the module docstring)

    def blocking_sql(self) -> str:
        return ""

    def intervals(
        self, set_, starts_at: datetime, ends_at: datetime, *, viewer=None, now: datetime | None = None
    ) -> list[BusyInterval]:
        now = now or timezone.now()
        base = set_.base
        if not (set_.is_active and base.is_active):
            return [BusyInterval(starts_at, ends_at, "inactive")]
        step = base.slot_step_minutes
        intervals = []
        notice_until = min(rules.grid_ceil(rules.earliest_start(base, now), step), ends_at)
        if notice_until > starts_at:
            intervals.append(BusyInterval(starts_at, notice_until, "notice"))
        horizon = rules.grid_floor(rules.latest_start(base, now), step) + timedelta(
            minutes=base.min_duration_minutes
        )
        if horizon < ends_at:
            intervals.append(BusyInterval(max(horizon, starts_at), ends_at, "horizon"))
        return intervals
