"""The search's hand-written page (``locations.api.search``) answers byte for byte what the ORM reference
(``sets_search`` + ``WindowCountPagination`` + ``SetOut``) answers, over 32 variants of a search."""

import itertools
import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from locations.api import views
from locations.models import Set
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    BookingFactory,
    CompanyFactory,
    OpeningHoursFactory,
    OperatorFactory,
    PlaceFactory,
    SetFactory,
    SetPhotoFactory,
    ZoneFactory,
    travel_time_for,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, tzinfo=TZ)


@pytest.fixture
def catalogue():
    """Two zones, four bases (one closed on Mondays' evenings, one inactive), sets of three kinds with
    photos, blackouts of a set and of a base, bookings with their turnover, a measured travel time."""
    zone, far_zone = ZoneFactory(name="Near"), ZoneFactory(name="Far", walk_minutes=5)
    operator = OperatorFactory()
    place = PlaceFactory(zone=zone, latitude=Decimal("35.190000"), longitude=Decimal("113.960000"))
    bases = [
        BaseFactory(operator=operator, zone=zone, name="A base", latitude=Decimal("35.191000")),
        BaseFactory(zone=zone, name="B base", latitude=Decimal("35.220000"), default_turnover_minutes=45),
        BaseFactory(zone=far_zone, name="C base", latitude=Decimal("35.300000"), instant_book_default=True),
        BaseFactory(operator=operator, zone=zone, name="D base", is_active=False),
    ]
    OpeningHoursFactory(base=bases[1], weekday=0, opens=time(8), closes=time(14))
    travel_time_for(owner=operator, first=place, second=bases[2], minutes=9)
    kinds = [Set.Kind.VILLA, Set.Kind.COURT, Set.Kind.HOSPITAL_WARD]
    sets = []
    for index in range(14):
        sets.append(
            SetFactory(
                base=bases[index % 4],
                name=f"Set {index:02d}" if index % 3 else f"set {index:02d} 别墅",
                kind=kinds[index % 3],
                tags=["悬疑", "都市"][: index % 3],
                area_sqm=40 + 30 * (index % 5),
                hourly_rate=Decimal(200 + 50 * (index % 4)),
                day_rate=Decimal("4000.50") + index,
                turnover_minutes=[None, 15, 60][index % 3],
                instant_book=[None, False, True][index % 3],
                is_active=index != 5,
                description="带空调" if index % 2 else "",
            )
        )
    for index in (0, 4, 7):
        SetPhotoFactory(set=sets[index], caption=f"photo {index}", position=index % 2)
    SetPhotoFactory(set=sets[0], caption="second", position=0)
    BlackoutFactory(set=sets[1], starts_at=MONDAY + timedelta(hours=10), ends_at=MONDAY + timedelta(hours=11))
    BlackoutFactory(
        set=None, base=bases[2], starts_at=MONDAY + timedelta(hours=12), ends_at=MONDAY + timedelta(hours=13)
    )
    for index, hour in ((2, 6), (6, 15), (9, 16)):  # ends before, or starts after, within the turnover
        starts_at = MONDAY + timedelta(hours=hour)
        BookingFactory(
            set=sets[index],
            status=Booking.Status.CONFIRMED,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
        )
    return {"zone": zone, "bases": bases, "sets": sets, "place": place}


def _variants(catalogue) -> list[dict]:
    """kinds × windows × origins × pages and orderings = 32; a further filter rotates through them."""
    zone, bases, sets, place = catalogue["zone"], catalogue["bases"], catalogue["sets"], catalogue["place"]
    kinds = [{}, {"kind": "villa,court"}]
    windows = [
        {},
        {
            "available_from": (MONDAY + timedelta(hours=9)).isoformat(),
            "available_to": (MONDAY + timedelta(hours=14, minutes=30)).isoformat(),
        },
    ]
    origins = [
        {},
        {"near_place": place.pk, "within_minutes": 15},
        {"near_set": sets[4].pk, "within_minutes": 6},
        {"near_lat": "35.200000", "near_lon": "113.950000"},
    ]
    pages = [
        {},
        {"page_size": 3, "page": 2},
        {"ordering": "-hourly_rate"},
        {"ordering": "name", "page": "last", "page_size": 4},
    ]
    extras = [
        {},
        {"tag": "悬疑"},
        {"min_area": 90},
        {"max_hourly_rate": "250"},
        {"zone": zone.pk},
        {"base": f"{bases[0].pk},{bases[2].pk}"},
        {"min_capacity": 30, "max_day_rate": "4010"},
        {"page": 9},  # past the end: 404 from both
        {"min_area": 1000},  # nothing
    ]
    variants = []
    for index, (kind, window, origin, _round) in enumerate(
        itertools.product(kinds, windows, origins, range(2))
    ):
        page, extra = pages[(index + index // 4) % len(pages)], extras[index * 5 % len(extras)]
        variants.append({**kind, **window, **origin, **page, **extra})
    return variants


def _reference(monkeypatch):
    monkeypatch.setattr(views, "search_rows", lambda **kwargs: None)


def test_32_variants_are_byte_identical_to_the_orm_reference(catalogue, member, api, monkeypatch):
    company = CompanyFactory()
    client = api(member(company), company)
    variants = _variants(catalogue)
    assert len(variants) == 32
    fast = [client.get("/api/v1/sets/", params) for params in variants]
    _reference(monkeypatch)
    reference = [client.get("/api/v1/sets/", params) for params in variants]
    for params, got, want in zip(variants, fast, reference, strict=True):
        assert (got.status_code, got.content) == (want.status_code, want.content), params
    # The variants are not vacuous: pages with rows, photos, travel minutes, empty answers and a 404.
    bodies = [response.json() for response in fast if response.status_code == 200]
    assert sum(1 for body in bodies if body["results"]) >= 20
    assert any(row["photos"] for body in bodies for row in body["results"])
    assert any(row["travel_minutes"] for body in bodies for row in body["results"])
    assert any(body["count"] == 0 for body in bodies)
    assert any(response.status_code == 404 for response in fast)


def test_the_operator_sees_its_inactive_sets_the_same_way(catalogue, member, api, monkeypatch):
    operator = catalogue["bases"][0].operator
    client = api(member(operator), operator)
    variants = _variants(catalogue)[::3]
    fast = [client.get("/api/v1/sets/", params).content for params in variants]
    _reference(monkeypatch)
    assert fast == [client.get("/api/v1/sets/", params).content for params in variants]
    inactive_base = catalogue["bases"][3].pk
    assert any(row["base"] == inactive_base for row in json.loads(fast[0])["results"])


def test_a_search_is_a_constant_number_of_queries(catalogue, member, api):
    company = CompanyFactory()
    client = api(member(company), company)
    params = {"kind": "villa,court", "near_place": catalogue["place"].pk, "within_minutes": 15}
    client.get("/api/v1/sets/", params)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/sets/", {**params, "page_size": 1}).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/sets/", params).json()["results"]) > 1
    assert len(many) == len(few)


def test_circle_candidates_from_sql_are_those_of_the_orm_reference(catalogue):
    from locations.availability import opening_hours_table
    from locations.circle import CircleItem, free_rows_reference, free_sets

    sets = catalogue["sets"]
    hours = opening_hours_table()
    windows = [(9, 14.5), (12, 13), (15, 17), (20, 23), (5, 6)]
    items = []
    for index, (start, end) in enumerate(windows):
        starts_at, ends_at = MONDAY + timedelta(hours=start), MONDAY + timedelta(hours=end)
        items += [
            CircleItem(starts_at, ends_at, kind=Set.Kind.VILLA),
            CircleItem(starts_at, ends_at, kind=Set.Kind.COURT, tags=["悬疑"][: index % 2]),
            CircleItem(starts_at, ends_at, kind=Set.Kind.HOSPITAL_WARD, max_hourly_rate=Decimal("250")),
            CircleItem(starts_at, ends_at, set=sets[index * 2]),
        ]
    answers = [free_sets(item, hours=hours) for item in items]
    assert answers == [list(free_rows_reference(item, hours=hours)) for item in items]
    assert sum(1 for rows in answers if rows) >= 10 and [] in answers
    some_bases = [sets[0].base_id]
    at_some = [free_sets(item, hours=hours, base_ids=some_bases) for item in items]
    assert at_some == [list(free_rows_reference(item, hours=hours, base_ids=some_bases)) for item in items]
    assert at_some == [[row for row in rows if row[1] in some_bases] for rows in answers]
    assert 0 < sum(1 for rows in at_some if rows) < sum(1 for rows in answers if rows)
