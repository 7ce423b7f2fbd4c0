from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from locations.models import Base, endpoint_key
from locations.travel import (
    Endpoint,
    as_endpoint,
    base_endpoints,
    estimate_minutes,
    measured_minutes,
    travel_matrix,
    travel_minutes,
    travel_minutes_to_bases,
)
from tests.factories import BaseFactory, PlaceFactory, SetFactory, ZoneFactory, travel_time_for

pytestmark = pytest.mark.django_db


def test_measured_entry_wins_over_estimate_in_both_directions():
    zone = ZoneFactory()
    hotel = PlaceFactory(zone=zone, latitude=Decimal("35.10"), longitude=Decimal("113.90"))
    base = BaseFactory(zone=zone, latitude=Decimal("35.20"), longitude=Decimal("113.90"))
    estimate = travel_minutes(hotel, base)
    assert estimate > 20  # 11 km straight line
    travel_time_for(owner=base.operator, first=base, second=hotel, minutes=9)
    assert travel_minutes(hotel, base) == 9
    assert travel_minutes(base, hotel) == 9
    assert travel_minutes(SetFactory(base=base), hotel) == 9  # a set travels from its base


def test_estimate_is_distance_times_detour_over_speed_rounded_up():
    zone = ZoneFactory(detour_factor=Decimal("1.50"), average_speed_kmh=Decimal("30"))
    first = BaseFactory(zone=zone, latitude=Decimal("35.000000"), longitude=Decimal("113.900000"))
    second = BaseFactory(zone=zone, latitude=Decimal("35.090000"), longitude=Decimal("113.900000"))
    # 0.09° of latitude ≈ 10.008 km → ×1.5 ÷ 30 km/h = 30.02 min → 31
    assert travel_minutes(first, second) == 31
    assert travel_minutes(second, first) == 31


def test_zero_to_itself_and_walk_inside_a_base():
    zone = ZoneFactory(walk_minutes=4)
    base = BaseFactory(zone=zone)
    ward, icu = SetFactory(base=base), SetFactory(base=base)
    place = PlaceFactory(zone=zone)
    assert travel_minutes(place, place) == 0
    assert travel_minutes(base, base) == 0
    assert travel_minutes(ward, ward) == 0
    assert travel_minutes((35.1, 113.9), (35.1, 113.9)) == 0
    assert travel_minutes(ward, icu) == 4
    assert travel_minutes(base, icu) == 4


def test_point_uses_the_other_ends_zone_and_different_zones_take_the_slower():
    slow = ZoneFactory(detour_factor=Decimal("2.00"), average_speed_kmh=Decimal("20"))
    fast = ZoneFactory(detour_factor=Decimal("1.20"), average_speed_kmh=Decimal("40"))
    a = BaseFactory(zone=slow, latitude=Decimal("35.00"), longitude=Decimal("113.90"))
    b = BaseFactory(zone=fast, latitude=Decimal("35.05"), longitude=Decimal("113.90"))
    assert travel_minutes(a, b) == travel_minutes(b, a)
    assert travel_minutes(a, b) == travel_minutes((35.05, 113.90), a)


def test_bulk_variants_agree_with_the_single_function_in_constant_queries():
    zone = ZoneFactory()
    hotel = PlaceFactory(zone=zone)
    bases = [
        BaseFactory(zone=zone, latitude=Decimal("35.1") + Decimal(i) / 100, longitude=Decimal("113.9"))
        for i in range(6)
    ]
    travel_time_for(owner=bases[0].operator, first=bases[2], second=hotel, minutes=5)
    travel_time_for(owner=bases[0].operator, first=bases[1], second=bases[4], minutes=7)
    with CaptureQueriesContext(connection) as queries:
        bulk = travel_minutes_to_bases(hotel, bases)
        matrix = travel_matrix(bases)
    assert len(queries) == 1  # the measured table, read once into this process's copy
    assert bulk == {base.pk: travel_minutes(hotel, base) for base in bases}
    assert bulk[bases[2].pk] == 5
    assert matrix[(bases[4].pk, bases[1].pk)] == 7
    for first in bases:
        for second in bases:
            assert matrix[(first.pk, second.pk)] == travel_minutes(first, second)


def test_base_endpoints_are_the_ends_of_the_bases_in_one_query():
    slow = ZoneFactory(detour_factor=Decimal("2.00"), average_speed_kmh=Decimal("20"), walk_minutes=6)
    fast = ZoneFactory(detour_factor=Decimal("1.20"), average_speed_kmh=Decimal("40"), walk_minutes=2)
    bases = [BaseFactory(zone=slow), BaseFactory(zone=slow), BaseFactory(zone=fast)]
    hotel = PlaceFactory(zone=fast)
    travel_time_for(owner=bases[1].operator, first=bases[1], second=hotel, minutes=3)
    queryset = Base.objects.filter(pk__in=[base.pk for base in bases]).select_related("zone")
    with CaptureQueriesContext(connection) as queries:
        ends = base_endpoints(queryset)
    assert len(queries) == 1
    expected = {end.base_id: end for end in map(as_endpoint, queryset)}
    assert len(ends) == 3
    for end in ends:
        reference = expected[end.base_id]
        assert (end.lat, end.lon, end.key, end.set_id) == (reference.lat, reference.lon, reference.key, None)
        for name in ("pk", "detour_factor", "average_speed_kmh", "walk_minutes"):
            assert getattr(end.zone, name) == getattr(reference.zone, name)
    with CaptureQueriesContext(connection) as queries:
        minutes = travel_minutes_to_bases(hotel, ends)
        walk = travel_minutes_to_bases(SetFactory.build(base=bases[0], pk=10**6), ends)
    assert len(queries) == 1  # the measured table, once into this process's copy; the zones not again
    assert (
        minutes
        == travel_minutes_to_bases(hotel, queryset)
        == {base.pk: travel_minutes(hotel, base) for base in bases}
    )
    assert minutes[bases[1].pk] == 3
    assert walk[bases[0].pk] == 6


def test_measured_minutes_keeps_only_entries_between_the_two_sides():
    zone = ZoneFactory()
    hotel, gate = PlaceFactory(zone=zone), PlaceFactory(zone=zone)
    first, second, third = (BaseFactory(zone=zone) for _ in range(3))
    owner = first.operator
    travel_time_for(owner=owner, first=first, second=hotel, minutes=4)
    travel_time_for(owner=owner, first=hotel, second=second, minutes=5)
    travel_time_for(owner=owner, first=gate, second=third, minutes=6)  # gate is on neither side
    travel_time_for(owner=owner, first=first, second=second, minutes=7)  # both on the far side
    hotel_key, first_key, second_key = map(endpoint_key, (hotel, first, second))
    found = measured_minutes([hotel_key], map(endpoint_key, (first, second, third)))
    assert found == {
        (hotel_key, first_key): 4,
        (first_key, hotel_key): 4,
        (hotel_key, second_key): 5,
        (second_key, hotel_key): 5,
    }
    both = [first_key, second_key]
    assert measured_minutes(both, both) == {(first_key, second_key): 7, (second_key, first_key): 7}
    assert measured_minutes([], both) == {}


coordinate = st.tuples(st.floats(34.5, 35.5), st.floats(113.5, 114.5))


@settings(max_examples=200, deadline=None)
@given(coordinate, coordinate)
def test_estimate_is_symmetric_and_zero_only_for_the_same_point(first, second):
    a, b = Endpoint(*first), Endpoint(*second)
    assert estimate_minutes(a, b) == estimate_minutes(b, a)
    assert estimate_minutes(a, a) == 0
    if first != second:
        assert estimate_minutes(a, b) >= 0
