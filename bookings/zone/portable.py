"""A zone's figures on databases without PostgreSQL's SQL (the embedded SQLite of ``make run``).

The same definitions as ``bookings.zone.compute``'s statements (which stay the fast path on PostgreSQL),
worked out in Python over the zone's rows around the window: a constant number of queries, and fit for a
development or demo database, not for a province.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import Booking
from bookings.occupancy import BOOKED
from bookings.occupancy.figures import ZERO
from bookings.spend import CHARGED, SPENDING
from bookings.zone.figures import last_day, month_bounds
from config.stats import percentile_cont
from crews.models import Call, Stop


def _local_month(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def bookings_python(result, set_ids: list[int], start, end, scan_from, served_statuses) -> None:
    """``compute._BOOKINGS_SQL``'s three answers (activity, spend, companies behind the usage cells), from
    the same bookings (``served_statuses``: those a crew turned up for) and their stops' crews."""
    bookings = Booking.objects.filter(set__in=set_ids, blocked_from__gte=scan_from, blocked_from__lt=end)
    rows = list(
        bookings.values_list(
            "id",
            "set__base_id",
            "set__kind",
            "production_id",
            "company_id",
            "status",
            "starts_at",
            "ends_at",
            "total_price",
            "overtime_fee",
            "cancellation_fee",
        )
    )
    crews = defaultdict(set)
    served_bookings = bookings.filter(status__in=served_statuses, starts_at__gte=start, starts_at__lt=end)
    stops = Stop.objects.filter(booking__in=served_bookings).values_list("booking_id", "crew_id")
    for booking_id, crew_id in stops:
        crews[booking_id].add(crew_id)

    served = defaultdict(set)  # (month, production, company): crews
    spend = defaultdict(lambda: {"bookings": ZERO, "fees": ZERO, "companies": set()})
    usage = defaultdict(set)  # (part, key, month): companies
    months = [(month, *month_bounds(month, month)) for month in result.months]
    for row in rows:
        booking_id, base_id, kind, production, company, status, starts_at, ends_at, total, overtime, fee = row
        if status in served_statuses and start <= starts_at < end:
            served[_local_month(starts_at), production, company] |= crews[booking_id]
        if status in CHARGED and start <= starts_at < end:
            cell = spend[_local_month(starts_at)]
            cell["companies"].add(company)
            if status in SPENDING:
                cell["bookings"] += total
            cell["fees"] += overtime + (fee or ZERO)
        if status in BOOKED and starts_at < end and ends_at > start:
            for month, month_start, month_end in months:
                if starts_at < month_end and ends_at > month_start:
                    for key in (("base", base_id, month), ("kind", kind, month), (None, None, month)):
                        usage[key].add(company)

    for (month, _production, company), production_crews in served.items():
        cell = result.activity.setdefault(month, {"productions": 0, "companies": set(), "crews": 0})
        cell["productions"] += 1
        cell["companies"].add(company)
        cell["crews"] += max(len(production_crews), 1)
    for cell in result.activity.values():
        cell["companies"] = len(cell["companies"])
    for month, cell in spend.items():
        result.spend[month] = {**cell, "companies": len(cell["companies"])}
    for key, companies in usage.items():
        result.usage_companies[key] = len(companies)


def people_python(result) -> None:
    """``compute._PEOPLE_SQL``: distinct people called and companies, by month of the shoot day."""
    calls = Call.objects.filter(
        Exists(Stop.objects.filter(shoot_day=OuterRef("shoot_day"), booking__set__base__zone=result.zone)),
        shoot_day__date__gte=result.first,
        shoot_day__date__lte=last_day(result.last),
    )
    people, companies = defaultdict(set), defaultdict(set)
    for day, person, company in calls.values_list("shoot_day__date", "person_id", "shoot_day__company_id"):
        people[day.replace(day=1)].add(person)
        companies[day.replace(day=1)].add(company)
    for month, persons in people.items():
        result.people[month] = {"people": len(persons), "companies": len(companies[month])}


def median_leads(requests) -> dict[date, timedelta]:
    """The median lead time (request to start) of ``requests`` by local month made, as PostgreSQL's
    ``percentile_cont(0.5)`` (interpolated between the two middle values)."""
    leads = defaultdict(list)
    rows = requests.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
    for month, created_at, starts_at in rows.values_list("month", "created_at", "starts_at"):
        leads[_local_month(month)].append((starts_at - created_at) // timedelta(microseconds=1))
    return {
        month: timedelta(microseconds=round(percentile_cont(values, 0.5)))
        for month, values in leads.items()
        if values
    }
