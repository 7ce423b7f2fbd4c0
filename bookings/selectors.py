"""Reads of bookings, always scoped: a booking exists only for its company and its base's operator."""

from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bookings import conf
from bookings.models import Booking, WaitlistEntry
from locations.models import Base, Set
from locations.selectors import sets_visible_to
from studio.models import Organization, Production


def bookings_visible_to(*, organization: Organization) -> QuerySet[Booking]:
    """The company's own bookings, or the bookings at the operator's bases; nothing for anyone else."""
    bookings = Booking.objects.select_related("set__base", "production", "company")
    if organization.kind == Organization.Kind.PRODUCTION_COMPANY:
        return bookings.filter(company=organization)
    if organization.kind == Organization.Kind.BASE_OPERATOR:
        return bookings.filter(set__base__operator=organization)
    return bookings.none()


def waitlist_entries_visible_to(*, organization: Organization) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(company=organization).select_related("set__base", "production")


def productions_of_bookings(*, organization: Organization) -> QuerySet[Production]:
    """The productions of the bookings the organisation sees (an operator's guests' productions)."""
    return Production.objects.filter(
        pk__in=bookings_visible_to(organization=organization).values("production")
    )


def sets_of_bookings(*, organization: Organization) -> QuerySet[Set]:
    """The sets of the bookings the organisation sees, withdrawn ones included."""
    return Set.objects.filter(pk__in=bookings_visible_to(organization=organization).values("set"))


def bases_of_bookings(*, organization: Organization) -> QuerySet[Base]:
    """The bases of the bookings the organisation sees, withdrawn ones included."""
    return Base.objects.filter(pk__in=bookings_visible_to(organization=organization).values("set__base"))


def bookable_sets(*, organization: Organization) -> QuerySet[Set]:
    """The sets a quote, booking, batch or waitlist request may name: the ones the organisation sees.

    A deactivated set, or a set of a deactivated base, is to everyone but its operator exactly a set
    that does not exist (``sets_visible_to``). The ``set_inactive`` rule still refuses booking one
    that is named anyway (by its own operator, or deactivated while the request was on its way).
    """
    return sets_visible_to(organization=organization).prefetch_related(None)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    starts_at = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return starts_at, starts_at + timedelta(days=1)


def base_board(*, base: Base, day: date) -> list[Set]:
    """Every set of the base with the bookings touching that local day (closed ones included), two queries."""
    starts_at, ends_at = day_bounds(day)
    bookings = (
        Booking.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("company", "production")
        .order_by("starts_at", "id")
    )
    return list(
        Set.objects.filter(base=base)
        .order_by("name", "id")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="day_bookings"))[
            : conf.board_max_sets()
        ]
    )


def bookings_for_feed(*, organization: Organization, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_visible_to(organization=organization)
        .filter(
            status__in=[*Booking.BLOCKING, Booking.Status.COMPLETED],
            starts_at__gte=now - timedelta(days=conf.feed_days_back()),
            starts_at__lt=now + timedelta(days=conf.feed_days_ahead()),
        )
        .select_related("set__base__operator")
        .order_by("starts_at", "id")
    )
