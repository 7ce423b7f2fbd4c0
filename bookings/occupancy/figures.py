"""The figures of an occupancy answer (``Occupancy``) and the window they cover."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from bookings.models import Booking
from locations.models import Base, Set

#: statuses whose period counts as booked time and whose price counts as revenue
BOOKED = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN, Booking.Status.COMPLETED)

HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")


def hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(HOURS, ROUND_HALF_UP)


def utilisation(booked_seconds: int, open_seconds: int) -> Decimal | None:
    if not open_seconds:
        return None
    return (Decimal(booked_seconds) / Decimal(open_seconds)).quantize(RATIO, ROUND_HALF_UP)


@dataclass
class Usage:
    """Open and booked seconds of one cell (a set's day, a kind's week, the base's day or week)."""

    open_seconds: int = 0
    booked_seconds: int = 0

    @property
    def open_hours(self) -> Decimal:
        return hours(self.open_seconds)

    @property
    def booked_hours(self) -> Decimal:
        return hours(self.booked_seconds)

    @property
    def utilisation(self) -> Decimal | None:
        return utilisation(self.booked_seconds, self.open_seconds)


@dataclass
class Money:
    """Revenue and counts of the bookings starting in one week (or the whole window)."""

    booking_revenue: Decimal = ZERO
    cancellation_fees: Decimal = ZERO
    no_show_fees: Decimal = ZERO
    bookings: int = 0
    cancellations: int = 0
    cancellations_with_fee: int = 0
    no_shows: int = 0
    lead_seconds: int = 0

    @property
    def revenue(self) -> Decimal:
        return self.booking_revenue + self.cancellation_fees + self.no_show_fees

    @property
    def average_lead_hours(self) -> Decimal | None:
        return hours(self.lead_seconds // self.bookings) if self.bookings else None

    def add(self, other: "Money") -> None:
        for name in (
            "booking_revenue",
            "cancellation_fees",
            "no_show_fees",
            "bookings",
            "cancellations",
            "cancellations_with_fee",
            "no_shows",
            "lead_seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Occupancy:
    """``base_occupancy``'s answer: every cell present (zeros included), in display order."""

    base: Base
    first: date
    last: date
    sets: list[Set]
    days: list[date]
    weeks: list[date]
    set_days: dict[tuple[int, date], Usage] = field(default_factory=dict)
    kind_weeks: dict[tuple[str, date], Usage] = field(default_factory=dict)
    base_days: dict[date, Usage] = field(default_factory=dict)
    base_weeks: dict[date, Usage] = field(default_factory=dict)
    total: Usage = field(default_factory=Usage)
    revenue_weeks: dict[date, Money] = field(default_factory=dict)
    revenue_total: Money = field(default_factory=Money)
    hours: dict[int, int] = field(default_factory=dict)  # local clock hour -> booked seconds

    @property
    def kinds(self) -> list[str]:
        return sorted({set_.kind for set_ in self.sets})


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def window_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )
