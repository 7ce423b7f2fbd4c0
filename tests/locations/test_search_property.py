"""Search filters against a brute-force reference on random catalogues (hypothesis)."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locations.models import Base, Blackout, OpeningHours, Place, Set, TravelTime, Zone
from locations.travel import travel_minutes
from studio.models import Membership
from tests.factories import CompanyFactory, MembershipFactory, OperatorFactory, token_for, travel_time_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # hypothesis against a reference search

TZ = ZoneInfo("Asia/Shanghai")
WEEK = datetime(2026, 12, 7, tzinfo=TZ)  # a Monday
KINDS = ["hospital_ward", "icu", "ceo_office", "court"]
TAGS = ["豪门", "悬疑", "都市"]
QUARTER = timedelta(minutes=15)

opening_row = st.tuples(st.integers(0, 95), st.integers(0, 95))  # opens, closes in quarters of a day
base_strategy = st.fixed_dictionaries(
    {
        "operator": st.integers(0, 1),
        "active": st.booleans(),
        "dlat": st.integers(-60, 60),
        "dlon": st.integers(-60, 60),
        "hours": st.one_of(st.just({}), st.dictionaries(st.integers(0, 6), opening_row, max_size=7)),
    }
)
set_strategy = st.fixed_dictionaries(
    {
        "base": st.integers(0, 3),
        "kind": st.sampled_from(KINDS),
        "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=3),
        "area": st.integers(20, 400),
        "capacity": st.integers(5, 60),
        "hourly": st.integers(200, 600),
        "daily": st.integers(3000, 9000),
        "active": st.booleans(),
    }
)
window = st.tuples(st.integers(0, 6 * 96), st.integers(1, 2 * 96))  # start quarter, length in quarters
blackout_strategy = st.tuples(st.integers(0, 40), st.booleans(), window)  # target index, whole base?, window
world_strategy = st.fixed_dictionaries(
    {
        "bases": st.lists(base_strategy, min_size=1, max_size=4),
        "sets": st.lists(set_strategy, min_size=0, max_size=14),
        "blackouts": st.lists(blackout_strategy, max_size=5),
        "measured": st.lists(st.tuples(st.integers(0, 3), st.integers(1, 40)), max_size=3),
        "viewer": st.sampled_from(["operator", "company"]),
    }
)

FILTERS = {
    "kind": st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True),
    "tag": st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True),
    "base": st.integers(0, 3),
    "zone": st.just(0),
    "min_area": st.integers(0, 400),
    "min_capacity": st.integers(0, 60),
    "max_hourly_rate": st.integers(150, 650),
    "max_day_rate": st.integers(2500, 9500),
    "available": window,
    "near": st.tuples(st.sampled_from(["place", "set", "point"]), st.integers(0, 40), st.integers(0, 40)),
}


def _build(world):
    Blackout.objects.all().delete()
    TravelTime.objects.all().delete()
    Set.objects.all().delete()
    OpeningHours.objects.all().delete()
    Place.objects.all().delete()
    Base.objects.all().delete()
    zone, _ = Zone.objects.get_or_create(name="Property zone")
    operators = [OperatorFactory(), OperatorFactory()]
    bases = []
    for index, spec in enumerate(world["bases"]):
        base = Base.objects.create(
            operator=operators[spec["operator"]],
            zone=zone,
            name=f"B{index}",
            is_active=spec["active"],
            latitude=Decimal("35.19") + Decimal(spec["dlat"]) / 1000,
            longitude=Decimal("113.96") + Decimal(spec["dlon"]) / 1000,
        )
        for weekday, (opens, closes) in spec["hours"].items():
            OpeningHours.objects.create(
                base=base,
                weekday=weekday,
                opens=time(opens // 4, opens % 4 * 15),
                closes=time(closes // 4, closes % 4 * 15),
            )
        bases.append(base)
    sets = []
    for index, spec in enumerate(world["sets"]):
        sets.append(
            Set.objects.create(
                base=bases[spec["base"] % len(bases)],
                name=f"S{index}",
                kind=spec["kind"],
                tags=spec["tags"],
                area_sqm=spec["area"],
                crew_capacity=spec["capacity"],
                hourly_rate=spec["hourly"],
                day_rate=spec["daily"],
                overtime_rate_per_hour=300,
                deposit=1000,
                is_active=spec["active"],
            )
        )
    for target, whole_base, (start, length) in world["blackouts"]:
        starts_at = WEEK + start * QUARTER
        if whole_base or not sets:
            Blackout.objects.create(
                base=bases[target % len(bases)], starts_at=starts_at, ends_at=starts_at + length * QUARTER
            )
        else:
            Blackout.objects.create(
                set=sets[target % len(sets)], starts_at=starts_at, ends_at=starts_at + length * QUARTER
            )
    place = Place.objects.create(
        zone=zone, owner=operators[0], name="Hotel", latitude=Decimal("35.19"), longitude=Decimal("113.96")
    )
    for base_index, minutes in world["measured"]:
        base = bases[base_index % len(bases)]
        if not TravelTime.objects.filter(key_a=f"base:{base.pk}", key_b=f"place:{place.pk}").exists():
            travel_time_for(owner=operators[0], first=place, second=base, minutes=minutes)
    return zone, operators, bases, sets, place


def _open_at(base, moment) -> bool:
    rows = {row.weekday: row for row in base.opening_hours.all()}
    if not rows:
        return True
    local = moment.astimezone(TZ)
    today = rows.get(local.weekday())
    if today and (
        local.time() >= today.opens and (today.closes <= today.opens or local.time() < today.closes)
    ):
        return True
    yesterday = rows.get((local.weekday() - 1) % 7)
    return bool(yesterday and yesterday.closes <= yesterday.opens and local.time() < yesterday.closes)


def _reference(query, organization, sets, bases, zone, place):
    result = set()
    for s in Set.objects.select_related("base__zone").prefetch_related("base__opening_hours"):
        base = s.base
        if not ((s.is_active and base.is_active) or base.operator_id == organization.pk):
            continue
        if "kind" in query and s.kind not in query["kind"]:
            continue
        if "tag" in query and not all(tag in s.tags for tag in query["tag"]):
            continue
        if "base" in query and base.pk != bases[query["base"] % len(bases)].pk:
            continue
        if "min_area" in query and s.area_sqm < query["min_area"]:
            continue
        if "min_capacity" in query and s.crew_capacity < query["min_capacity"]:
            continue
        if "max_hourly_rate" in query and s.hourly_rate > query["max_hourly_rate"]:
            continue
        if "max_day_rate" in query and s.day_rate > query["max_day_rate"]:
            continue
        if "available" in query:
            start, length = query["available"]
            starts_at, ends_at = WEEK + start * QUARTER, WEEK + (start + length) * QUARTER
            if not all(_open_at(base, starts_at + n * QUARTER) for n in range(length)):
                continue
            if Blackout.objects.filter(set=s, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
                continue
            if Blackout.objects.filter(base=base, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
                continue
        if "near" in query and travel_minutes(query["_origin"], s) > query["_within"]:
            continue
        result.add(s.pk)
    return result


def _params(query, bases, zone, place, visible_sets):
    params = {"page_size": 200}
    for name, value in list(query.items()):
        if name.startswith("_"):
            continue
        if name in ("kind", "tag"):
            params[name] = value
        elif name == "base":
            params["base"] = bases[value % len(bases)].pk
        elif name == "zone":
            params["zone"] = zone.pk
        elif name == "available":
            start, length = value
            params["available_from"] = (WEEK + start * QUARTER).isoformat()
            params["available_to"] = (WEEK + (start + length) * QUARTER).isoformat()
        elif name == "near":
            kind, index, within = value
            if kind == "set" and visible_sets:
                origin = visible_sets[index % len(visible_sets)]
                params["near_set"] = origin.pk
            elif kind == "point":
                origin = (Decimal("35.17"), Decimal("113.94"))
                params["near_lat"], params["near_lon"] = origin
            else:
                origin = place
                params["near_place"] = place.pk
            params["within_minutes"] = within
            query["_origin"], query["_within"] = origin, within
        else:
            params[name] = value
    return params


def _check(world, query, api):
    zone, operators, bases, sets, place = _build(world)
    organization = operators[0] if world["viewer"] == "operator" else CompanyFactory()
    user = MembershipFactory(organization=organization, role=Membership.Role.MEMBER).user
    visible = [s for s in sets if (s.is_active and s.base.is_active) or s.base.operator_id == organization.pk]
    params = _params(query, bases, zone, place, visible)
    client = api(user, organization)
    response = client.get("/api/v1/sets/", params)
    assert response.status_code == 200, response.json()
    got = {row["id"] for row in response.json()["results"]}
    assert got == _reference(query, organization, sets, bases, zone, place), params
    if "near" in query:
        minutes = [row["travel_minutes"] for row in response.json()["results"]]
        assert minutes == sorted(minutes)
    token_for(user)


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_each_filter_alone_matches_the_reference(name, api):
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(world=world_strategy, value=FILTERS[name])
    def run(world, value):
        _check(world, {name: value}, api)

    run()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    world=world_strategy,
    query=st.fixed_dictionaries({}, optional=FILTERS),
)
def test_filters_combined_match_the_reference(world, query, api):
    _check(world, dict(query), api)
