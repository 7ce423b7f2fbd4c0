"""What the operator's day board and week view show: reads only, a fixed number of queries each.

A day is one local calendar day (Asia/Shanghai); everything on it is placed in percent of the day so
that the template needs no arithmetic. Sets come grouped by kind; each lane carries its bookings (with
the turnover that follows each), the hours the base is closed and the set's blackouts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from bookings import conf
from bookings.models import Booking
from bookings.selectors import base_board, day_bounds
from bookings.workflow import BOOKINGS
from locations.availability import complement, open_intervals
from locations.models import Base, Blackout, Set

DAY_MINUTES = 24 * 60
#: the holds the pending panel lists at most (the oldest deadlines first)
PENDING_LIMIT = 50
WEEK_DAYS = 7


@dataclass(frozen=True)
class Span:
    """A stretch of the day in percent of its width, with what to write on it."""

    left: float
    width: float
    label: str = ""


@dataclass
class Placed:
    booking: Booking
    span: Span
    turnover: Span | None


@dataclass
class Lane:
    set: Set
    bookings: list[Placed] = field(default_factory=list)
    closed: list[Span] = field(default_factory=list)
    blackouts: list[Span] = field(default_factory=list)


@dataclass
class DayBoard:
    base: Base
    day: date
    groups: list[tuple[str, list[Lane]]]
    pending: list[Booking]

    @property
    def hours(self) -> list[dict]:
        """The scale above the lanes: every second hour, in percent of the day."""
        return [{"left": round(hour * 100 / 24, 3), "label": f"{hour:02d}"} for hour in range(0, 24, 2)]

    @property
    def previous(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next(self) -> date:
        return self.day + timedelta(days=1)


def _span(start: datetime, end: datetime, day_start: datetime, label: str = "") -> Span | None:
    """``[start, end)`` clipped to the day, in percent; None if it misses the day."""
    first = max(0.0, (start - day_start).total_seconds() / 60)
    last = min(float(DAY_MINUTES), (end - day_start).total_seconds() / 60)
    if last <= first:
        return None
    return Span(
        left=round(first * 100 / DAY_MINUTES, 3),
        width=round((last - first) * 100 / DAY_MINUTES, 3),
        label=label,
    )


def blackouts_touching(*, base: Base, starts_at: datetime, ends_at: datetime) -> QuerySet[Blackout]:
    """The base's blackouts (whole-base and per-set) overlapping the window."""
    return Blackout.objects.filter(
        Q(base=base) | Q(set__base=base), starts_at__lt=ends_at, ends_at__gt=starts_at
    ).order_by("starts_at", "id")


def _opening_hours(base: Base) -> list[tuple]:
    return list(base.opening_hours.order_by("weekday").values_list("weekday", "opens", "closes"))


def day_board(*, base: Base, day: date) -> DayBoard:
    """The base's board for one local day: sets by kind, bookings, closed hours, blackouts, pending holds."""
    day_start, day_end = day_bounds(day)
    sets = base_board(base=base, day=day)
    blackouts = list(blackouts_touching(base=base, starts_at=day_start, ends_at=day_end))
    closed = [
        span
        for start, end in complement(
            open_intervals(_opening_hours(base), day_start, day_end), day_start, day_end
        )
        if (span := _span(start, end, day_start))
    ]
    lanes = []
    for set_ in sorted(sets, key=lambda s: (s.kind, s.name, s.pk)):
        lane = Lane(set=set_, closed=closed)
        for blackout in blackouts:
            if blackout.set_id in (None, set_.pk):
                span = _span(blackout.starts_at, blackout.ends_at, day_start, blackout.reason)
                if span:
                    lane.blackouts.append(span)
        for booking in set_.day_bookings:
            span = _span(booking.starts_at, booking.ends_at, day_start)
            if span is None:  # only its turnover reaches into the day
                continue
            tail = None
            if booking.status in Booking.BLOCKING and booking.blocked_until > booking.ends_at:
                tail = _span(booking.ends_at, booking.blocked_until, day_start)
            lane.bookings.append(Placed(booking=booking, span=span, turnover=tail))
        lanes.append(lane)
    groups = [
        (kind_label, list(kind_lanes))
        for kind_label, kind_lanes in groupby(lanes, key=lambda lane: lane.set.get_kind_display())
    ]
    return DayBoard(base=base, day=day, groups=groups, pending=pending_holds(base=base))


def pending_holds(*, base: Base) -> list[Booking]:
    """The base's holds waiting for an answer, the nearest deadline first."""
    return list(
        Booking.objects.filter(set__base=base, status=Booking.Status.HELD)
        .select_related("set", "company", "production")
        .order_by("hold_expires_at", "starts_at", "id")[:PENDING_LIMIT]
    )


def board_version(*, base: Base, day: date) -> str:
    """A fingerprint of what the day's board shows, for its ETag: four small indexed queries.

    The state of each booking on the day or still held (id, status, times, last change), of the sets
    (their count and latest change), and the day's blackouts and the opening hours, hashed. Rows, not
    only the latest change: two writes in the same instant (a pinned clock, a batch) must still differ.
    """
    day_start, day_end = day_bounds(day)
    bookings = (
        Booking.objects.filter(set__base=base)
        .filter(Q(starts_at__lt=day_end, ends_at__gt=day_start) | Q(status=Booking.Status.HELD))
        .order_by("id")
        .values_list("id", "status", "starts_at", "ends_at", "updated_at")
    )
    parts = [
        list(bookings),
        Set.objects.filter(base=base).aggregate(changed=Max("updated_at"), count=Count("id")),
        list(
            blackouts_touching(base=base, starts_at=day_start, ends_at=day_end).values_list(
                "id", "set_id", "starts_at", "ends_at", "reason"
            )
        ),
        _opening_hours(base),
    ]
    return hashlib.sha256(repr((base.pk, day, parts)).encode()).hexdigest()[:32]


@dataclass
class WeekRow:
    set: Set
    hours: list[float]


def week_board(*, base: Base, first: date) -> tuple[list[date], list[WeekRow]]:
    """Hours booked per set and local day over seven days from ``first`` (held, confirmed, checked in,
    completed, no-show: the set was kept for them); two queries."""
    days = [first + timedelta(days=n) for n in range(WEEK_DAYS)]
    start, _ = day_bounds(days[0])
    _, end = day_bounds(days[-1])
    sets = list(Set.objects.filter(base=base).order_by("kind", "name", "id"))
    hours = {s.pk: [0.0] * WEEK_DAYS for s in sets}
    bookings = Booking.objects.filter(
        set__base=base,
        status__in=[*Booking.BLOCKING, Booking.Status.COMPLETED, Booking.Status.NO_SHOW],
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("set_id", "starts_at", "ends_at")
    for set_id, starts_at, ends_at in bookings:
        for index, day in enumerate(days):
            day_start, day_end = day_bounds(day)
            overlap = (min(ends_at, day_end) - max(starts_at, day_start)).total_seconds()
            if overlap > 0 and set_id in hours:
                hours[set_id][index] += overlap / 3600
    return days, [WeekRow(set=s, hours=[round(h, 1) for h in hours[s.pk]]) for s in sets]


def allowed_actions(booking: Booking, *, now: datetime) -> list[str]:
    """The operator's actions the booking's state allows, in the board's order; check-in and no-show only
    from when the services take them (the base's check-in lead before the start, the grace after it)."""
    opens = {
        "check_in": booking.starts_at - timedelta(minutes=booking.set.base.check_in_lead_minutes),
        "no_show": booking.starts_at + timedelta(minutes=conf.no_show_grace_minutes()),
    }
    return [
        action
        for action in ("confirm", "decline", "check_in", "check_out", "no_show")
        if booking.status in BOOKINGS.transition(action).sources and now >= opens.get(action, now)
    ]


def local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None
