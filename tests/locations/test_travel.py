from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from locations.travel import (
    Endpoint,
    estimate_minutes,
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
    assert len(queries) == 2
    assert bulk == {base.pk: travel_minutes(hotel, base) for base in bases}
    assert bulk[bases[2].pk] == 5
    assert matrix[(bases[4].pk, bases[1].pk)] == 7
    for first in bases:
        for second in bases:
            assert matrix[(first.pk, second.pk)] == travel_minutes(first, second)


coordinate = st.tuples(st.floats(34.5, 35.5), st.floats(113.5, 114.5))


@settings(max_examples=200, deadline=None)
@given(coordinate, coordinate)
def test_estimate_is_symmetric_and_zero_only_for_the_same_point(first, second):
    a, b = Endpoint(*first), Endpoint(*second)
    assert estimate_minutes(a, b) == estimate_minutes(b, a)
    assert estimate_minutes(a, a) == 0
    if first != second:
        assert estimate_minutes(a, b) >= 0
