"""The per-process copies of opening hours, travel ends and measured travel times follow every change."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locations import catalogue_cache, services
from locations.availability import closed_base_ids, opening_hours_table
from locations.models import Base, Place, Zone
from locations.travel import measured_minutes, travel_minutes
from tests.factories import (
    BaseFactory,
    CompanyFactory,
    OpeningHoursFactory,
    OperatorFactory,
    PlaceFactory,
    SetFactory,
    ZoneFactory,
    travel_time_for,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, tzinfo=TZ)


@pytest.fixture
def town():
    zone = ZoneFactory(name="Cache zone")
    operator = OperatorFactory()
    place = PlaceFactory(
        zone=zone, owner=operator, latitude=Decimal("35.190000"), longitude=Decimal("113.960000")
    )
    base = BaseFactory(operator=operator, zone=zone, latitude=Decimal("35.260000"))  # ~8 km: 23 minutes
    set_ = SetFactory(base=base)
    return {"zone": zone, "operator": operator, "place": place, "base": base, "set": set_}


def _search(client, town, **extra):
    params = {"near_place": town["place"].pk, "within_minutes": 15, **extra}
    response = client.get("/api/v1/sets/", params)
    assert response.status_code == 200, response.json()
    return [(row["id"], row["travel_minutes"]) for row in response.json()["results"]]


def _queries(client, town, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        _search(client, town, **extra)
    return len(queries)


def test_a_warm_search_reads_no_table_again_and_each_change_is_seen_at_once(town, member, api):
    company = CompanyFactory()
    client = api(member(company), company)
    operator, base, place = town["operator"], town["base"], town["place"]
    assert _search(client, town) == []  # estimated beyond 15 minutes
    catalogue_cache.clear()
    cold = _queries(client, town)
    warm = _queries(client, town)
    assert cold - warm == 3  # the bases' travel ends, the measured table and the place, read once

    # a measured travel time (service), then a correction, then its deletion
    entry = services.travel_time_record(organization=operator, by=None, first=place, second=base, minutes=9)
    assert _search(client, town) == [(town["set"].pk, 9)]
    services.travel_time_record(organization=operator, by=None, first=base, second=place, minutes=12)
    assert _search(client, town) == [(town["set"].pk, 12)]
    entry.refresh_from_db()
    services.travel_time_delete(organization=operator, entry=entry, by=None)
    assert _search(client, town) == []

    # the zone's speed (an admin edit: a plain save)
    travel_time_for(owner=operator, first=place, second=base, minutes=14)
    assert _search(client, town) == [(town["set"].pk, 14)]
    Zone.objects.get(pk=town["zone"].pk).save()
    assert _search(client, town) == [(town["set"].pk, 14)]

    # the base withdrawn (the service's bulk update) and listed again
    services.base_set_active(base=base, active=False, by=None)
    assert _search(client, town) == []
    services.base_set_active(base=base, active=True, by=None)
    assert _search(client, town) == [(town["set"].pk, 14)]

    # opening hours replaced by the service (bulk_create) decide the window
    window = {
        "available_from": (MONDAY + timedelta(hours=20)).isoformat(),
        "available_to": (MONDAY + timedelta(hours=22)).isoformat(),
    }
    assert _search(client, town, **window) == [(town["set"].pk, 14)]
    hours = [{"weekday": 0, "opens": time(8), "closes": time(21)}]
    services.base_update(base=base, by=None, opening_hours=hours)
    assert _search(client, town, **window) == []
    services.base_update(
        base=base, by=None, opening_hours=[{"weekday": 0, "opens": time(8), "closes": time(23)}]
    )
    assert _search(client, town, **window) == [(town["set"].pk, 14)]


def _search_answer(client, query: str):
    response = client.get(f"/api/v1/sets/?{query}")
    return response.status_code, response.content


def test_the_place_searched_from_is_kept_and_each_change_of_it_is_seen(town, member, api):
    company = CompanyFactory()
    client = api(member(company), company)
    place, set_ = town["place"], town["set"]

    def expected():  # from the tables as they are now
        fresh = Place.objects.select_related("zone").get(pk=place.pk)
        return [(set_.pk, travel_minutes(fresh, Base.objects.select_related("zone").get(pk=town["base"].pk)))]

    first = expected()
    assert _search(client, town, within_minutes=30) == first
    with CaptureQueriesContext(connection) as queries:
        assert _search(client, town, within_minutes=30) == first
    assert not [q for q in queries if '"locations_place"' in q["sql"]]  # kept from the first search

    # moved by the service (a save): ~4 km from the base now
    services.place_update(organization=town["operator"], place=place, by=None, latitude=Decimal("35.225000"))
    moved = expected()
    assert moved != first
    assert _search(client, town, within_minutes=30) == moved
    # its zone's settings (an admin edit: a plain save) are the place's too
    zone = Zone.objects.get(pk=town["zone"].pk)
    zone.average_speed_kmh *= 2
    zone.save()
    faster = expected()
    assert faster != moved
    assert _search(client, town, within_minutes=30) == faster

    # deleted: the next search answers exactly as for a place that never existed
    missing = PlaceFactory(zone=town["zone"])
    missing_pk = missing.pk
    missing.delete()
    never = _search_answer(client, f"near_place={missing_pk}")
    place_pk = place.pk
    services.place_delete(organization=town["operator"], place=place, by=None)
    gone = _search_answer(client, f"near_place={place_pk}")
    assert gone[0] == never[0] == 400
    assert gone[1] == never[1].replace(str(missing_pk).encode(), str(place_pk).encode())


@pytest.mark.parametrize("spelling", ["{pk}", "0{pk}", " {pk}", "{pk}.0", "{pk}x", "", "-{pk}", "1" * 30])
def test_a_kept_place_does_not_change_how_any_spelling_of_its_id_answers(town, member, api, spelling):
    company = CompanyFactory()
    client = api(member(company), company)
    query = "near_place=" + spelling.format(pk=town["place"].pk).replace(" ", "%20")
    catalogue_cache.clear()
    cold = _search_answer(client, query)  # the place read from the database (if the spelling names it)
    _search(client, town)  # kept now
    assert _search_answer(client, query) == cold


def test_another_process_change_moves_the_shared_version_and_the_copy_is_rebuilt(town):
    base = town["base"]
    OpeningHoursFactory(base=base, weekday=0, opens=time(8), closes=time(20))
    assert opening_hours_table()[base.pk] == [(0, time(8), time(20))]
    with CaptureQueriesContext(connection) as queries:
        assert closed_base_ids(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10)) == set()
    assert len(queries) == 0  # this process's copy
    # another process changes the table with a write this one never sees, and bumps the version
    base.opening_hours.all().update(closes=time(9, 30))
    cache.set(catalogue_cache.VERSION_KEY, "another process's change")
    assert closed_base_ids(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10)) == {base.pk}
    # and a version the shared cache lost (emptied) counts as a change too
    base.opening_hours.all().update(closes=time(20))
    cache.delete(catalogue_cache.VERSION_KEY)
    assert closed_base_ids(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10)) == set()


def test_measured_minutes_from_the_copy_match_the_table_both_ways(town):
    operator, place, base = town["operator"], town["place"], town["base"]
    other = BaseFactory(zone=town["zone"])
    travel_time_for(owner=operator, first=place, second=base, minutes=7)
    travel_time_for(owner=operator, first=base, second=other, minutes=4)
    place_key, base_key, other_key = f"place:{place.pk}", f"base:{base.pk}", f"base:{other.pk}"
    assert measured_minutes([place_key], [base_key, other_key]) == {
        (place_key, base_key): 7,
        (base_key, place_key): 7,
    }
    assert measured_minutes([base_key, other_key], [base_key, other_key, place_key]) == {
        (place_key, base_key): 7,
        (base_key, place_key): 7,
        (base_key, other_key): 4,
        (other_key, base_key): 4,
    }
    assert measured_minutes([], [base_key]) == {}


def test_without_a_shared_cache_a_copy_lasts_one_read(town, settings):
    """Embedded (``make run``: a per-process LocMemCache) the worker's writes could not bump this
    process's version, so nothing is kept: each read outside a request reads the table again."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    base = town["base"]
    OpeningHoursFactory(base=base, weekday=0, opens=time(8), closes=time(20))
    assert closed_base_ids(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10)) == set()
    base.opening_hours.all().update(closes=time(9, 30))  # another process's write: no signal here
    assert closed_base_ids(MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10)) == {base.pk}


def test_minutes_from_a_place_come_from_the_copy_keyed_by_what_the_estimate_reads(town):
    from locations.selectors import SetSearch, travel_within
    from locations.travel import base_endpoints_table, travel_minutes_to_bases

    operator, place = town["operator"], town["place"]
    near = BaseFactory(operator=operator, zone=town["zone"], latitude=Decimal("35.200000"))
    travel_time_for(owner=operator, first=place, second=near, minutes=3)

    def direct(origin, limit):
        ends = [end for end, active, *_rest in base_endpoints_table() if active]
        minutes = travel_minutes_to_bases(origin, ends)
        by_minutes = {}
        for base_id, value in minutes.items():
            if value <= limit:
                by_minutes.setdefault(value, []).append(base_id)
        return by_minutes, None

    place = Place.objects.select_related("zone").get(pk=place.pk)
    for limit in (2, 3, 30, 600):
        criteria = SetSearch(origin=place, within_minutes=limit)
        assert travel_within(organization=operator, criteria=criteria) == direct(place, limit)
    # the same place as an unsaved instance elsewhere, or with other zone settings: its own minutes
    moved = Place.objects.select_related("zone").get(pk=place.pk)
    moved.latitude = Decimal("35.255000")
    slower = Place.objects.select_related("zone").get(pk=place.pk)
    slower.zone.average_speed_kmh /= 3
    for origin in (moved, slower, place):
        criteria = SetSearch(origin=origin, within_minutes=600)
        assert travel_within(organization=operator, criteria=criteria) == direct(origin, 600)
    assert direct(moved, 600) != direct(place, 600) != direct(slower, 600)
