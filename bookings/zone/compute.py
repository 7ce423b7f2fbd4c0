"""Computing a zone's figures: aggregate queries by month, the occupancy and review code reused."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, DurationField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import Booking
from bookings.occupancy import BOOKED, Usage, usage_by_month
from bookings.spend import CHARGED, SPENDING
from bookings.zone.figures import CIRCLE_LIMITS, Median, last_day, month_bounds
from bookings.zone.portable import bookings_python, median_leads, people_python
from config.dates import months_between
from locations.models import Base, Place, Set, Zone
from locations.travel import as_endpoint, estimate_minutes, measured_minutes
from review.calendar import WorkingDayCalendar
from review.dashboard import end_to_end_by_month
from review.models import ReviewSubmission

Status = Booking.Status
#: a crew was served by a booking it turned up for
SERVED = (Status.CHECKED_IN, Status.COMPLETED)
#: a request that was accepted, whatever became of it later
#: the longest turnover a booking can carry (``Booking.turnover_minutes``, a small integer): a booking
#: starting in the window is blocked from no earlier than this before, which bounds the index scans
MAX_TURNOVER = timedelta(minutes=32767)
ACCEPTED = Q(confirmed_at__isnull=False) | Q(status__in=(*BOOKED, Status.NO_SHOW))


@dataclass
class ZoneFigures:
    """``zone_figures``' answer: raw numbers by month (the 1st of each), with the companies behind them."""

    zone: Zone
    first: date
    last: date
    months: list[date]
    activity: dict[date, dict] = field(default_factory=dict)
    people: dict[date, dict] = field(default_factory=dict)
    requests: dict[date, dict] = field(default_factory=dict)
    spend: dict[date, dict] = field(default_factory=dict)
    bases: list[Base] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    zone_usage: dict[date, Usage] = field(default_factory=dict)
    base_usage: dict[tuple[int, date], Usage] = field(default_factory=dict)
    kind_usage: dict[tuple[str, date], Usage] = field(default_factory=dict)
    usage_companies: dict[tuple, int] = field(default_factory=dict)  # (None|"base"|"kind", key, month)
    review_centre: object | None = None
    intake: dict[date, dict] = field(default_factory=dict)
    approvals: dict[date, list[tuple[int, int]]] = field(default_factory=dict)
    hotels: list[dict] = field(default_factory=list)


def _local_month(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def zone_figures(*, zone: Zone, first: date, last: date) -> ZoneFigures:
    """The figures of ``zone`` for the local months ``first``–``last`` (1st of each month, both included);
    a constant number of queries but for the occupancy's few per base of the zone."""
    result = ZoneFigures(zone=zone, first=first, last=last, months=months_between(first, last))
    start, end = month_bounds(first, last)
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                # as for the occupancy: the planner's estimates pass jit_above_cost, and compiling alone
                # took longer than the aggregates themselves (bench/zone.py)
                cursor.execute("SET LOCAL jit = off")
        set_ids = list(Set.objects.filter(base__zone=zone).values_list("pk", flat=True))
        if postgresql:
            _bookings(result, set_ids, start, end)
            _people(result)
        else:  # the embedded SQLite: the same definitions in Python (bookings.zone.portable)
            bookings_python(result, set_ids, start, end, start - MAX_TURNOVER, SERVED)
            people_python(result)
        _requests(
            result,
            # through the (set, created_at) index: only the requests made in the window are read
            Booking.objects.filter(set__in=set_ids, created_at__gte=start, created_at__lt=end),
        )
        _utilisation(result)
        _review(result, start, end)
        _circle(result)
    return result


# Bookings ----------------------------------------------------------------------------------------

# One pass over the zone's bookings around the window (read once through the (set, blocked_from) index,
# materialised), three answers as rows of one shape:
# - ``activity`` per month a served booking starts: productions, companies and crews (per production,
#   the crews whose shoot-day stops use its served bookings; one if no stop uses them), summed;
# - ``spend`` per month a charged booking starts: companies, booking totals and fees (``bookings.spend``);
# - ``usage`` per base, kind of set and the zone, per month a booked booking overlaps: companies. A
#   booking blocked from before the scanned range (longer than the longest turnover before the window
#   and still running into it) is missed: its company is then not counted, which can only withhold more.
_BOOKINGS_SQL = """
WITH zb AS MATERIALIZED (
    SELECT b.id, st.base_id, st.kind, b.production_id, b.company_id, b.status, b.starts_at, b.ends_at,
           b.total_price, b.overtime_fee, b.cancellation_fee,
           date_trunc('month', b.starts_at AT TIME ZONE %(tz)s)::date AS month
    FROM bookings_booking b
    JOIN locations_set st ON st.id = b.set_id
    WHERE b.set_id = ANY(%(sets)s) AND b.blocked_from >= %(scan_from)s AND b.blocked_from < %(end)s
),
served AS (
    SELECT zb.month, zb.production_id, zb.company_id, count(DISTINCT s.crew_id) AS crews
    FROM zb LEFT JOIN crews_stop s ON s.booking_id = zb.id
    WHERE zb.status = ANY(%(served)s) AND zb.starts_at >= %(start)s AND zb.starts_at < %(end)s
    GROUP BY 1, 2, 3
),
months AS (
    SELECT (%(first)s::date + make_interval(months => i))::date AS month
    FROM generate_series(0, %(months)s - 1) i
)
SELECT 'activity' AS part, NULL::bigint AS base_id, NULL::varchar AS kind, month,
       count(DISTINCT company_id) AS companies, count(*) AS productions, sum(greatest(crews, 1))::bigint,
       NULL::numeric AS bookings, NULL::numeric AS fees
FROM served GROUP BY month
UNION ALL
SELECT 'spend', NULL, NULL, month, count(DISTINCT company_id), NULL, NULL,
       COALESCE(sum(total_price) FILTER (WHERE status = ANY(%(spending)s)), 0),
       COALESCE(sum(overtime_fee + COALESCE(cancellation_fee, 0)), 0)
FROM zb
WHERE status = ANY(%(charged)s) AND starts_at >= %(start)s AND starts_at < %(end)s
GROUP BY month
UNION ALL
SELECT CASE WHEN GROUPING(zb.base_id) = 0 THEN 'base' WHEN GROUPING(zb.kind) = 0 THEN 'kind' ELSE 'zone' END,
       zb.base_id, zb.kind, m.month, count(DISTINCT zb.company_id), NULL, NULL, NULL, NULL
FROM zb
JOIN months m ON zb.starts_at < ((m.month + interval '1 month')::timestamp AT TIME ZONE %(tz)s)
             AND zb.ends_at > (m.month::timestamp AT TIME ZONE %(tz)s)
WHERE zb.status = ANY(%(booked)s) AND zb.starts_at < %(end)s AND zb.ends_at > %(start)s
GROUP BY GROUPING SETS ((zb.base_id, m.month), (zb.kind, m.month), (m.month))
"""


def _bookings(result: ZoneFigures, set_ids: list[int], start, end) -> None:
    params = {
        "tz": timezone.get_current_timezone_name(),
        "sets": set_ids,
        "scan_from": start - MAX_TURNOVER,
        "start": start,
        "end": end,
        "first": result.first,
        "months": len(result.months),
        "served": list(SERVED),
        "spending": list(SPENDING),
        "charged": list(CHARGED),
        "booked": list(BOOKED),
    }
    with connection.cursor() as cursor:
        cursor.execute(_BOOKINGS_SQL, params)
        for part, base_id, kind, month, companies, productions, crews, bookings, fees in cursor.fetchall():
            if part == "activity":
                result.activity[month] = {"productions": productions, "companies": companies, "crews": crews}
            elif part == "spend":
                result.spend[month] = {"bookings": bookings, "fees": fees, "companies": companies}
            else:
                key = {"base": base_id, "kind": kind, "zone": None}[part]
                result.usage_companies[None if part == "zone" else part, key, month] = companies


# People with a call on a shoot day that stops at a set in the zone, per month of the day.
_PEOPLE_SQL = """
SELECT date_trunc('month', d.date)::date AS month, count(DISTINCT c.person_id), count(DISTINCT d.company_id)
FROM crews_shootday d
JOIN crews_call c ON c.shoot_day_id = d.id
WHERE d.date >= %(first)s AND d.date <= %(last)s AND EXISTS (
    SELECT 1 FROM crews_stop s
    JOIN bookings_booking b ON b.id = s.booking_id
    JOIN locations_set st ON st.id = b.set_id
    JOIN locations_base bs ON bs.id = st.base_id
    WHERE s.shoot_day_id = d.id AND bs.zone_id = %(zone)s
)
GROUP BY 1
"""


def _people(result: ZoneFigures) -> None:
    params = {"zone": result.zone.pk, "first": result.first, "last": last_day(result.last)}
    with connection.cursor() as cursor:
        cursor.execute(_PEOPLE_SQL, params)
        for month, people, companies in cursor.fetchall():
            result.people[month] = {"people": people, "companies": companies}


# Requests ------------------------------------------------------------------------------


def _requests(result: ZoneFigures, requests) -> None:
    """Requests by the month they were made: how many, how they were answered, how far ahead (the median
    in SQL on PostgreSQL, in Python elsewhere)."""
    postgresql = connection.vendor == "postgresql"
    lead = {"lead": Median(F("starts_at") - F("created_at"), output_field=DurationField())}
    rows = (
        requests.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            requests=Count("id"),
            confirmed=Count("id", filter=ACCEPTED),
            declined=Count("id", filter=Q(status=Status.DECLINED)),
            expired=Count("id", filter=Q(status=Status.EXPIRED)),
            companies=Count("company", distinct=True),
            **(lead if postgresql else {}),
        )
        .order_by("month")
    )
    leads = {} if postgresql else median_leads(requests)
    for row in rows:
        month = _local_month(row.pop("month"))
        result.requests[month] = row if postgresql else {**row, "lead": leads.get(month)}


# Utilisation -------------------------------------------------------------------------------------


def _utilisation(result: ZoneFigures) -> None:
    """The bases' occupancy by month (``bookings.occupancy``: the same open and booked hours)."""
    result.bases = list(Base.objects.filter(zone=result.zone).order_by("name", "id"))
    usage = usage_by_month(bases=result.bases, first=result.first, last=last_day(result.last))
    cells = {"base": result.base_usage, "kind": result.kind_usage}
    for (grain, key, month), cell in usage.items():
        if grain is None:
            result.zone_usage[month] = cell
        else:
            cells[grain][key, month] = cell
    result.kinds = sorted({kind for kind, _month in result.kind_usage})


# Review centre -----------------------------------------------------------------------------------


def _review(result: ZoneFigures, start, end) -> None:
    """The zone's review centre: intake by month submitted, approvals and their end-to-end working days
    (``review.dashboard``'s definition and calendar) by month approved."""
    centre = result.zone.review_centre
    result.review_centre = centre
    if centre is None:
        return
    rows = (
        ReviewSubmission.objects.filter(centre=centre, submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(count=Count("id"), companies=Count("production__company", distinct=True))
        .order_by("month")
    )
    for row in rows:
        result.intake[_local_month(row.pop("month"))] = row
    result.approvals = end_to_end_by_month(
        centre=centre,
        since=result.first,
        until=last_day(result.last),
        calendar=WorkingDayCalendar.for_centre(centre),
    )


# The circle --------------------------------------------------------------------------------------


def _circle(result: ZoneFigures) -> None:
    """Active sets at the zone's active bases within each limit of each hotel (measured travel time where
    recorded, else estimated, as ``locations.travel``), with one read of the measured table."""
    hotels = list(
        Place.objects.filter(zone=result.zone, kind=Place.Kind.HOTEL)
        .select_related("zone")
        .order_by("name", "id")
    )
    bases = list(
        Base.objects.filter(zone=result.zone, is_active=True)
        .select_related("zone")
        .annotate(open_sets=Count("sets", filter=Q(sets__is_active=True)))
        .order_by("id")
    )
    hotel_ends = [as_endpoint(hotel) for hotel in hotels]
    base_ends = [(as_endpoint(base), base.open_sets) for base in bases]
    measured = measured_minutes([end.key for end in hotel_ends], [end.key for end, _sets in base_ends])
    for hotel, origin in zip(hotels, hotel_ends, strict=True):
        minutes = []
        for end, sets in base_ends:
            recorded = measured.get((origin.key, end.key))
            minutes.append((recorded if recorded is not None else estimate_minutes(origin, end), sets))
        result.hotels.append(
            {
                "name": hotel.name,
                "within": {limit: sum(sets for m, sets in minutes if m <= limit) for limit in CIRCLE_LIMITS},
            }
        )
