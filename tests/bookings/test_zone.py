"""A zone's figures: the hand-computed zone of ``zone_world`` in the JSON, the CSV and the page;
suppression; nothing private in any zone member's response; permissions; constant queries."""

import csv
import io
import json
from datetime import date, time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking
from bookings.occupancy import Usage, base_occupancy, usage_by_month
from bookings.zone import ZoneFigures, zone_data, zone_figures
from bookings.zone.compute import MAX_TURNOVER, SERVED
from bookings.zone.figures import month_bounds
from bookings.zone.portable import bookings_python, median_leads, people_python
from locations import catalogue_cache
from locations.models import Set
from tests.bookings.zone_world import WINDOW, at, build_zone_world
from tests.factories import (
    BlackoutFactory,
    BookingFactory,
    CompanyFactory,
    OpeningHoursFactory,
    ProductionFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db

SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
WITHHELD = ["booked_hours", "utilisation"]

EXPECTED_ACTIVITY = [
    {
        "month": "2026-09",
        "crews_served": 6,
        "productions": 5,
        "companies": 4,
        "people_called": 5,
        "suppressed": [],
    },
    {
        "month": "2026-10",
        "crews_served": None,
        "productions": None,
        "companies": None,
        "people_called": None,
        "suppressed": ["crews_served", "productions", "companies", "people_called"],
    },
]
EXPECTED_REQUESTS = [
    {
        "month": "2026-09",
        "requests": 9,
        "confirmed_share": "0.6667",
        "declined_share": "0.1111",
        "expired_share": "0.1111",
        "median_lead_days": "2.0",
        "suppressed": [],
    },
    {
        "month": "2026-10",
        "requests": None,
        "confirmed_share": None,
        "declined_share": None,
        "expired_share": None,
        "median_lead_days": None,
        "suppressed": ["requests", "confirmed_share", "declined_share", "expired_share", "median_lead_days"],
    },
]
EXPECTED_SPEND = [
    {"month": "2026-09", "bookings": "11400.00", "fees": "900.00", "total": "12300.00", "suppressed": []},
    {
        "month": "2026-10",
        "bookings": None,
        "fees": None,
        "total": None,
        "suppressed": ["bookings", "fees", "total"],
    },
]


def usage(month, opened, booked=None, ratio=None):
    return {
        "month": month,
        "open_hours": opened,
        "booked_hours": booked,
        "utilisation": ratio,
        "suppressed": [] if booked is not None else WITHHELD,
    }


EXPECTED_ZONE_USAGE = [usage("2026-09", "2160.00", "38.00", "0.0176"), usage("2026-10", "2232.00")]
EXPECTED_BASE_USAGE = [
    ("平原影视基地", usage("2026-09", "1440.00", "26.00", "0.0181")),
    ("平原影视基地", usage("2026-10", "1488.00")),
    ("平原二号基地", usage("2026-09", "720.00")),
    ("平原二号基地", usage("2026-10", "744.00")),
]
EXPECTED_KIND_USAGE = [
    ("bar", usage("2026-09", "720.00", "12.00", "0.0167")),
    ("bar", usage("2026-10", "744.00", "0.00", "0.0000")),  # nobody booked it: a zero names nobody
    ("hospital_ward", usage("2026-09", "1440.00")),
    ("hospital_ward", usage("2026-10", "1488.00")),
]
EXPECTED_REVIEW = {
    "centre_name": "平原审查分中心",
    "target_working_days": 4,
    "months": [
        {
            "month": "2026-09",
            "intake": 6,
            "approvals": None,
            "median_working_days": None,
            "p90_working_days": None,
            "within_target": None,
            "suppressed": ["approvals", "median_working_days", "p90_working_days", "within_target"],
        },
        {
            "month": "2026-10",
            "intake": 0,
            "approvals": 3,
            "median_working_days": 4.0,
            "p90_working_days": 4.8,
            "within_target": 2,
            "suppressed": [],
        },
    ],
}
EXPECTED_HOTELS = {
    "城东客栈": (2, 2, 2),
    "平原宾馆": (2, 2, 3),
    "示范区酒店": (0, 2, 2),
}


@pytest.fixture
def zone_world(settings):
    settings.REVIEW_TARGET_WORKING_DAYS = 4
    return build_zone_world()


def _without(row: dict, *names: str) -> dict:
    return {key: value for key, value in row.items() if key not in names}


def _by_name_and_month(item):
    return (item[0] != "平原影视基地", item[1]["month"])


def check(data, world):
    """``data`` (the JSON body) holds the hand-computed figures of ``zone_world``."""
    assert (data["zone"], data["from"], data["to"]) == (world.zone.pk, "2026-09", "2026-10")
    assert data["months"] == ["2026-09", "2026-10"]
    assert data["min_companies"] == 3
    assert data["activity"] == EXPECTED_ACTIVITY
    assert data["requests"] == EXPECTED_REQUESTS
    assert data["spend"] == EXPECTED_SPEND
    assert data["utilisation"]["zone"] == EXPECTED_ZONE_USAGE
    bases = [(row["base_name"], _without(row, "base", "base_name")) for row in data["utilisation"]["bases"]]
    assert sorted(bases, key=_by_name_and_month) == EXPECTED_BASE_USAGE  # names in the database's collation
    kinds = [(row["kind"], _without(row, "kind", "kind_label")) for row in data["utilisation"]["kinds"]]
    assert kinds == EXPECTED_KIND_USAGE
    assert data["review"] == EXPECTED_REVIEW
    assert data["circle"]["limits"] == [5, 10, 15]
    assert {
        h["name"]: (h["within_5"], h["within_10"], h["within_15"]) for h in data["circle"]["hotels"]
    } == EXPECTED_HOTELS


def test_hand_computed_figures(zone_world):
    data = zone_data(zone_figures(zone=zone_world.zone, first=SEP, last=OCT))
    check(json.loads(json.dumps(data)), zone_world)


def test_the_python_figures_of_the_embedded_database_agree(zone_world):
    """On PostgreSQL as well: ``bookings.zone.portable`` (the embedded SQLite's path) gives what the
    statements give (CI also runs this file on SQLite, where the page and API go through it)."""
    sql = zone_figures(zone=zone_world.zone, first=SEP, last=OCT)
    python = ZoneFigures(zone=sql.zone, first=SEP, last=OCT, months=sql.months)
    start, end = month_bounds(SEP, OCT)
    set_ids = list(Set.objects.filter(base__zone=zone_world.zone).values_list("pk", flat=True))
    bookings_python(python, set_ids, start, end, start - MAX_TURNOVER, SERVED)
    people_python(python)
    assert python.activity == sql.activity and python.activity
    assert python.spend == sql.spend and python.spend
    assert python.usage_companies == sql.usage_companies and python.usage_companies
    assert python.people == sql.people and python.people
    requests = Booking.objects.filter(set__in=set_ids, created_at__gte=start, created_at__lt=end)
    leads = median_leads(requests)
    assert leads.keys() == {month for month, row in sql.requests.items() if row["lead"] is not None}
    assert all(abs(lead - sql.requests[month]["lead"]).total_seconds() < 1 for month, lead in leads.items())


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statement; elsewhere this sum is its definition"
)
def test_the_monthly_statement_equals_the_occupancys_days_summed_by_month(zone_world):
    """The zone's utilisation (one statement for all its bases, split at month boundaries) is the
    occupancy's set-day cells summed by month: across local midnight at a month's end, overnight opening
    hours, and base and set blackouts over the boundary."""
    base1, base2 = zone_world.bases
    for weekday in range(7):
        OpeningHoursFactory(base=base2, weekday=weekday, opens=time(20), closes=time(4))
    set1 = base1.sets.filter(is_active=True).order_by("id").first()
    set3 = base2.sets.get()
    BookingFactory(set=set1, starts_at=at(9, 30, 22), ends_at=at(10, 1, 3), status=Booking.Status.COMPLETED)
    BookingFactory(set=set3, starts_at=at(9, 30, 21), ends_at=at(10, 1, 2), status=Booking.Status.COMPLETED)
    BlackoutFactory(set=set1, starts_at=at(9, 30, 23), ends_at=at(10, 1, 1))
    BlackoutFactory(set=None, base=base2, starts_at=at(10, 1, 1), ends_at=at(10, 1, 3))
    last = date(2026, 10, 31)

    expected: dict = {}
    for base in (base1, base2):
        occupancy = base_occupancy(base=base, first=SEP, last=last)
        kind_of = {set_.pk: set_.kind for set_ in occupancy.sets}
        for (set_id, day), usage in occupancy.set_days.items():
            month = day.replace(day=1)
            for key in (("base", base.pk, month), ("kind", kind_of[set_id], month), (None, None, month)):
                cell = expected.setdefault(key, Usage())
                cell.open_seconds += usage.open_seconds
                cell.booked_seconds += usage.booked_seconds

    with CaptureQueriesContext(connection) as captured:
        months = usage_by_month(bases=[base1, base2], first=SEP, last=last)
    assert months == expected
    assert months[None, None, OCT].booked_seconds > 0 and len(months) == 2 * (2 + 2 + 1)
    assert len([q for q in captured.captured_queries if "range_agg" in q["sql"]]) == 1


def stats_url(zone):
    return f"/api/v1/zones/{zone.pk}/stats/"


def test_the_api_answers_the_same_figures(zone_world, api):
    response = api(zone_world.zone_user).get(stats_url(zone_world.zone), WINDOW)
    assert response.status_code == 200, response.content
    check(response.json(), zone_world)


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


ZONE_PAGES = ("bookings:zone", "bookings:zone-data", "bookings:zone-csv", "bookings:zone-print")


def test_page_json_csv_and_print_show_the_same_figures(zone_world, api):
    client = page_client(zone_world.zone_user)
    query = {"zone": zone_world.zone.pk, **WINDOW}
    api_body = api(zone_world.zone_user).get(stats_url(zone_world.zone), WINDOW).json()
    data = client.get(reverse("bookings:zone-data"), query).json()
    assert data == api_body
    check(data, zone_world)

    page = client.get(reverse("bookings:zone"), query)
    assert page.status_code == 200
    html = page.content.decode()
    summary = {row["key"]: row["cells"] for row in page.context["summary"]}
    assert summary["crews_served"] == ["6", "—"]
    assert summary["companies"] == ["4", "—"]
    assert summary["people_called"] == ["5", "—"]
    assert summary["utilisation"] == ["1.76 %", "—"]
    assert summary["confirmed_share"] == ["66.67 %", "—"]
    assert summary["median_lead_days"] == ["2.0", "—"]
    assert summary["total"] == ["¥12300.00", "—"]
    assert summary["intake"] == ["6", "0"]
    assert summary["approvals"] == ["—", "3"]
    assert summary["median_working_days"] == ["—", "4.0"]
    assert summary["p90_working_days"] == ["—", "4.8"]
    assert summary["within_target"] == ["—", "2"]
    assert '<tr data-figure="crews_served"><th>服务剧组</th><td class="num">6</td>' in html
    assert html.count("data-suppressed") == sum(cells.count("—") for cells in summary.values())
    assert "data-suppression-note" in html and "少于 3 家公司" in html
    assert '<td>平原宾馆</td><td class="num">2</td><td class="num">2</td><td class="num">3</td>' in html

    response = client.get(reverse("bookings:zone-csv"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["2026-09", "6", "5", "4", "5"] in rows
    assert ["2026-10", "—", "—", "—", "—"] in rows
    assert ["2026-09", "11400.00", "900.00", "12300.00"] in rows
    assert ["2026-10", "—", "—", "—"] in rows
    assert ["2026-09", "2160.00", "38.00", "1.76"] in rows
    assert ["2026-10", "2232.00", "—", "—"] in rows
    assert ["2026-09", "9", "66.67", "11.11", "11.11", "2.0"] in rows
    assert ["2026-09", "6", "—", "—", "—", "—"] in rows
    assert ["2026-10", "0", "3", "4.0", "4.8", "2"] in rows
    assert ["平原宾馆", "2", "2", "3"] in rows
    api_csv = api(zone_world.zone_user).get(stats_url(zone_world.zone), {**WINDOW, "format": "csv"})
    assert api_csv.status_code == 200
    assert list(csv.reader(io.StringIO(api_csv.content.decode("utf-8-sig")))) == rows

    printable = client.get(reverse("bookings:zone-print"), query)
    assert printable.status_code == 200
    assert (
        '<tr data-figure="crews_served"><th>服务剧组</th><td class="num">6</td>' in printable.content.decode()
    )


def test_no_zone_response_names_a_company_production_booking_or_person(zone_world, api):
    client = page_client(zone_world.zone_user)
    query = {"zone": zone_world.zone.pk, **WINDOW}
    bodies = [client.get(reverse(name), query).content.decode() for name in ZONE_PAGES]
    bodies += [client.get(reverse("bookings:zone")).content.decode()]  # the default months
    for extra in ({}, {"format": "csv"}):
        bodies.append(
            api(zone_world.zone_user).get(stats_url(zone_world.zone), {**WINDOW, **extra}).content.decode()
        )
    names = [company.name for company in zone_world.companies] + [p.title for p in zone_world.productions]
    from crews.models import Person

    names += list(Person.objects.values_list("name", flat=True))
    assert len(names) > 15
    for body in bodies:
        assert len(body) > 500
        for name in names:
            assert name not in body


def test_only_the_zones_management_sees_it(zone_world, api):
    world = zone_world
    url = stats_url(world.zone)
    assert api(world.zone_user).get(url, WINDOW).status_code == 200
    missing = api(world.zone_user).get("/api/v1/zones/999999999/stats/", WINDOW)
    other = api(world.zone_user).get(stats_url(world.other_zone), WINDOW)
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json() == missing.json()
    assert api(world.other_zone_user).get(url, WINDOW).status_code == 404
    for user in (world.company_user, world.operator_user, world.reviewer_user):
        response = api(user).get(url, WINDOW)
        assert response.status_code == 403, user
        assert response.json()["code"] == "permission_denied"

    query = {"zone": world.zone.pk, **WINDOW}
    for name in ZONE_PAGES:
        assert page_client(world.zone_user).get(reverse(name), query).status_code == 200
        foreign = page_client(world.zone_user).get(reverse(name), {**query, "zone": world.other_zone.pk})
        assert foreign.status_code == 404
        for user in (world.company_user, world.operator_user):
            assert page_client(user).get(reverse(name), query).status_code == 403


def test_the_zone_managements_home_is_its_figures(zone_world):
    home = page_client(zone_world.zone_user).get("/")
    assert (home.status_code, home["Location"]) == (302, reverse("bookings:zone"))
    page = page_client(zone_world.zone_user).get(reverse("bookings:zone"))
    assert page.status_code == 200
    assert f'name="zone" value="{zone_world.zone.pk}"' in page.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13"}, "from"),
        ({"from": "September"}, "from"),
        ({"to": "1999-12"}, "to"),
        ({"from": "2026-10", "to": "2026-09"}, "to"),
        ({"from": "2025-01", "to": "2026-01"}, "to"),  # 13 months
    ],
)
def test_a_bad_window_is_a_400_naming_the_field_before_any_figure_is_read(zone_world, api, query, field):
    with CaptureQueriesContext(connection) as queries:
        response = api(zone_world.zone_user).get(stats_url(zone_world.zone), query)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not any("bookings_booking" in q["sql"] for q in queries.captured_queries)
    page = page_client(zone_world.zone_user).get(
        reverse("bookings:zone"), {"zone": zone_world.zone.pk, **query}
    )
    assert page.status_code == 400


def test_a_bad_zone_id_on_the_page_is_a_400(zone_world):
    for value in ("abc", "-1", str(2**64)):
        assert (
            page_client(zone_world.zone_user).get(reverse("bookings:zone"), {"zone": value}).status_code
            == 400
        )


def _queries(zone, first, last) -> int:
    catalogue_cache.clear()  # cold each time: the cached catalogue tables would read fewer the second time
    with CaptureQueriesContext(connection) as queries:
        zone_data(zone_figures(zone=zone, first=first, last=last))
    return len(queries)


def test_the_query_count_does_not_grow_with_bookings_companies_or_months(zone_world):
    world = zone_world
    before = _queries(world.zone, SEP, OCT)
    base = world.bases[0]
    for n in range(6):
        company = CompanyFactory()
        BookingFactory(
            set=SetFactory(base=base),
            production=ProductionFactory(company=company),
            starts_at=at_month(10, n + 1),
            ends_at=at_month(10, n + 1, 12),
        )
    assert _queries(world.zone, SEP, OCT) == before
    assert _queries(world.zone, date(2026, 1, 1), date(2026, 12, 1)) == before


def at_month(month, day, hour=8):
    from tests.bookings.zone_world import at

    return at(month, day, hour)
