"""A production's spend on sets: what its bookings cost, by base and by ISO week, against its investment.

Spend is the price of every booking that went ahead or is going ahead (confirmed, checked in,
completed) plus the fees charged: overtime at check-out and the cancellation fee of a cancelled or
no-show booking. Held, declined and expired bookings cost nothing. One aggregate query (Decimal CNY);
the page, its JSON and its CSV all read this, so they show the same numbers.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek

from bookings.models import Booking
from bookings.selectors import bookings_visible_to
from studio.models import Organization, Production

Status = Booking.Status
ZERO = Decimal("0.00")
#: bookings whose price counts: they went ahead or are going ahead
SPENDING = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)
#: bookings that may carry a fee: the spending ones (overtime) and the closed ones (cancellation)
CHARGED = (*SPENDING, Status.CANCELLED, Status.NO_SHOW)
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(kw_only=True)
class Amounts:
    """What bookings cost and the fees charged on them; ``total`` is both."""

    bookings: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.bookings + self.fees


@dataclass
class SpendLine(Amounts):
    """One base's or one week's spend."""

    key: object
    label: str


@dataclass
class Spend(Amounts):
    production: Production
    by_base: list[SpendLine] = field(default_factory=list)
    by_week: list[SpendLine] = field(default_factory=list)

    @property
    def investment(self) -> Decimal:
        return self.production.total_investment

    @property
    def remaining(self) -> Decimal:
        return self.investment - self.total

    @property
    def percent_of_investment(self) -> Decimal | None:
        if not self.investment:
            return None
        return (self.total * 100 / self.investment).quantize(Decimal("0.1"))


def week_label(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def production_spend(*, organization: Organization, production: Production) -> Spend:
    """The production's spend as ``organization`` sees its bookings (its company: all of them)."""
    rows = (
        bookings_visible_to(organization=organization)
        .filter(production=production, status__in=CHARGED)
        .annotate(week=TruncWeek("starts_at"))
        .values("set__base_id", "set__base__name", "week")
        .annotate(
            booked=Sum("total_price", filter=Q(status__in=SPENDING), default=Value(ZERO), output_field=MONEY),
            charged=Sum(
                F("overtime_fee") + Coalesce("cancellation_fee", Value(ZERO)),
                default=Value(ZERO),
                output_field=MONEY,
            ),
        )
        .order_by("week", "set__base__name", "set__base_id")
    )
    spend = Spend(production=production)
    bases: dict[int, SpendLine] = {}
    weeks: dict[date, SpendLine] = {}
    for row in rows:
        monday = row["week"].date()
        base = bases.setdefault(row["set__base_id"], SpendLine(row["set__base_id"], row["set__base__name"]))
        week = weeks.setdefault(monday, SpendLine(monday, week_label(monday)))
        for line in (base, week, spend):
            line.bookings += row["booked"]
            line.fees += row["charged"]
    spend.by_base = sorted(bases.values(), key=lambda line: (line.label, line.key))
    spend.by_week = list(weeks.values())
    return spend


def spend_data(spend: Spend) -> dict:
    """The spend as JSON: money as strings (exact decimals), weeks as ISO weeks."""

    def line(item: SpendLine, **extra) -> dict:
        return {**extra, "bookings": str(item.bookings), "fees": str(item.fees), "total": str(item.total)}

    return {
        "production": spend.production.pk,
        "currency": "CNY",
        "investment": str(spend.investment),
        "bookings": str(spend.bookings),
        "fees": str(spend.fees),
        "total": str(spend.total),
        "remaining": str(spend.remaining),
        "by_base": [line(item, base=item.key, name=item.label) for item in spend.by_base],
        "by_week": [line(item, week=item.label, starts_on=item.key.isoformat()) for item in spend.by_week],
    }
