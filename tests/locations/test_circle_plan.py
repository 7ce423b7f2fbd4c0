from datetime import datetime, timedelta
from decimal import Decimal
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from locations.travel import travel_minutes
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    CompanyFactory,
    PlaceFactory,
    SetFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 12, 7, tzinfo=TZ)


def window(start_hour, end_hour):
    return (DAY + timedelta(hours=start_hour)).isoformat(), (DAY + timedelta(hours=end_hour)).isoformat()


def item(kind, start, end, **extra):
    frm, to = window(start, end)
    return {"kind": kind, "from": frm, "to": to, **extra}


@pytest.fixture
def client(member, api):
    company = CompanyFactory()
    return api(member(company), company)


@pytest.fixture
def town():
    """A hotel and five bases 1–12 km north of it, each with a ward, an ICU and a court."""
    zone = ZoneFactory(walk_minutes=3, circle_minutes=15)
    hotel = PlaceFactory(zone=zone, latitude=Decimal("35.150000"), longitude=Decimal("113.900000"))
    bases = [
        BaseFactory(
            zone=zone, latitude=Decimal("35.150000") + Decimal(km) / 111, longitude=Decimal("113.900000")
        )
        for km in (1, 3, 5, 8, 12)
    ]
    sets = {
        (base.pk, kind): SetFactory(base=base, kind=kind, hourly_rate=Decimal(200 + 50 * i))
        for i, base in enumerate(bases)
        for kind in ("hospital_ward", "icu", "court")
    }
    return zone, hotel, bases, sets


def post(client, body):
    return client.post("/api/v1/circle-plans/", body, format="json")


def brute_force(origin, candidates_per_item, within):
    best = []
    for combo in product(*candidates_per_item):
        legs, previous = [], origin
        for set_ in combo:
            legs.append(travel_minutes(previous, set_))
            previous = set_
        if all(leg <= within for leg in legs):
            best.append(sum(legs))
    return sorted(best)


def test_plans_use_only_free_sets_respect_the_limit_and_are_ordered(client, town):
    _zone, hotel, bases, sets = town
    blocked = sets[(bases[0].pk, "icu")]
    BlackoutFactory(set=blocked, starts_at=DAY + timedelta(hours=11), ends_at=DAY + timedelta(hours=13))
    items = [item("hospital_ward", 8, 10), item("icu", 10, 12), item("court", 13, 15)]
    body = {"origin": {"place": hotel.pk}, "items": items, "limit": 10}
    response = post(client, body)
    assert response.status_code == 200, response.json()
    plans = response.json()["plans"]
    assert response.json()["within_minutes"] == 15
    assert plans
    totals = [plan["total_minutes"] for plan in plans]
    assert totals == sorted(totals)
    for plan in plans:
        assert [leg["item"] for leg in plan["legs"]] == [0, 1, 2]
        assert all(leg["travel_minutes"] <= 15 for leg in plan["legs"])
        assert sum(leg["travel_minutes"] for leg in plan["legs"]) == plan["total_minutes"]
        assert plan["legs"][1]["set"]["id"] != blocked.pk
    kinds = ("hospital_ward", "icu", "court")
    candidates = [[s for (b, k), s in sets.items() if k == kind and s != blocked] for kind in kinds]
    assert totals[0] == brute_force(hotel, candidates, 15)[0]


def test_a_blacked_out_set_is_never_proposed(client, town):
    _zone, hotel, bases, sets = town
    for base in bases[:2]:
        BlackoutFactory(
            set=sets[(base.pk, "icu")], starts_at=DAY + timedelta(hours=11), ends_at=DAY + timedelta(hours=13)
        )
    body = {"origin": {"place": hotel.pk}, "items": [item("icu", 10, 12)], "limit": 10}
    chosen = {plan["legs"][0]["set"]["id"] for plan in post(client, body).json()["plans"]}
    assert chosen and not chosen & {sets[(bases[0].pk, "icu")].pk, sets[(bases[1].pk, "icu")].pk}


def test_totals_match_brute_force_on_a_tight_circle(client, town):
    _zone, hotel, bases, sets = town
    items = [item("court", 8, 9), item("hospital_ward", 9, 10), item("icu", 10, 11), item("court", 11, 12)]
    response = post(client, {"origin": {"place": hotel.pk}, "items": items, "within_minutes": 10, "limit": 5})
    assert response.status_code == 200, response.json()
    kinds = [i["kind"] for i in items]
    candidates = [[s for (b, k), s in sets.items() if k == kind] for kind in kinds]
    expected = brute_force(hotel, candidates, 10)
    assert [p["total_minutes"] for p in response.json()["plans"]] == expected[: len(response.json()["plans"])]
    assert response.json()["plans"][0]["total_minutes"] == expected[0]


def test_reusing_one_set_for_consecutive_items_costs_nothing(client, town):
    _zone, hotel, bases, sets = town
    ward = sets[(bases[0].pk, "hospital_ward")]
    body = {"origin": {"set": ward.pk}, "items": [item("hospital_ward", 8, 9), item("hospital_ward", 9, 10)]}
    plan = post(client, body).json()["plans"][0]
    assert plan["total_minutes"] == 0
    assert [leg["set"]["id"] for leg in plan["legs"]] == [ward.pk, ward.pk]


def test_impossible_request_names_the_failing_item(client, town):
    _zone, hotel, bases, sets = town
    body = {"origin": {"place": hotel.pk}, "items": [item("icu", 8, 9), item("palace_hall", 9, 10)]}
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("第 2 项：")
    assert "1" in response.json()["fields"]["items"]
    far = SetFactory(
        base=BaseFactory(zone=bases[0].zone, latitude=Decimal("36.5"), longitude=Decimal("113.9")),
        kind="palace_hall",
    )
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("第 2 项：") and "15" in response.json()["detail"]
    assert far.pk


def test_items_out_of_order_or_inverted_are_400(client, town):
    _zone, hotel, _bases, _sets = town
    body = {"origin": {"place": hotel.pk}, "items": [item("icu", 10, 12), item("court", 9, 11)]}
    response = post(client, body)
    assert response.status_code == 400 and response.json()["detail"].startswith("第 2 项：")
    body = {"origin": {"place": hotel.pk}, "items": [item("icu", 12, 10)]}
    assert post(client, body).status_code == 400
    body = {"origin": {"lat": "35.1"}, "items": [item("icu", 8, 10)]}
    assert "origin" in post(client, body).json()["fields"]
    body = {
        "origin": {"place": hotel.pk},
        "items": [{"kind": "icu", "set": 1, "from": window(8, 9)[0], "to": window(8, 9)[1]}],
    }
    assert post(client, body).status_code == 400


def _plan_or_error(**kwargs):
    from config.exceptions import DomainError
    from locations.circle import circle_plan

    try:
        plans = circle_plan(**kwargs)
    except DomainError as error:
        return ("error", str(error), error.fields)
    return [(plan.total_minutes, [_leg(leg) for leg in plan.legs]) for plan in plans]


def _leg(leg):
    return (leg.set.set_id, leg.base.pk, leg.travel_minutes, leg.alternatives)


def test_reading_only_the_bases_within_reach_plans_exactly_as_reading_all(town, monkeypatch):
    """Each item's candidates are read only at the bases within reach of the previous item's: over random
    origins, kinds, windows and limits, the plans (and the error naming a failing item) are exactly those
    of reading every base's candidates."""
    import random

    from locations import circle
    from locations.circle import CircleItem

    _zone, hotel, bases, sets = town
    far = BaseFactory(zone=bases[0].zone, latitude=Decimal("35.400000"), longitude=Decimal("113.900000"))
    SetFactory(base=far, kind="palace_hall")
    SetFactory(base=far, kind="court")
    BlackoutFactory(
        set=sets[(bases[1].pk, "icu")], starts_at=DAY + timedelta(hours=9), ends_at=DAY + timedelta(hours=12)
    )
    organization = CompanyFactory()
    kinds = ["hospital_ward", "icu", "court", "palace_hall", "villa"]  # no villa anywhere
    origins = [hotel, sets[(bases[2].pk, "court")], sets[(bases[4].pk, "icu")]]
    real_layer = circle._layer

    def everywhere_layer(item, *, hours, base_ids=None):
        return real_layer(item, hours=hours)

    rng = random.Random(16)
    answers = []
    for _case in range(60):
        start = rng.randrange(6, 14)
        items = [
            CircleItem(DAY + timedelta(hours=hour), DAY + timedelta(hours=hour + 1), kind=rng.choice(kinds))
            for hour in range(start, start + rng.randint(1, 4))
        ]
        case = {
            "organization": organization,
            "origin": rng.choice(origins),
            "items": items,
            "within_minutes": rng.choice([3, 5, 8, 12, 20, 90]),
            "limit": rng.choice([1, 3, 5]),
        }
        restricted = _plan_or_error(**case)
        monkeypatch.setattr(circle, "_layer", everywhere_layer)
        everywhere = _plan_or_error(**case)
        monkeypatch.setattr(circle, "_layer", real_layer)
        assert restricted == everywhere, case
        answers.append(restricted)
    errors = [answer[1] for answer in answers if answer[0] == "error"]
    assert len(answers) - len(errors) >= 20
    assert {"第 1 项", "第 2 项"} <= {text.split("：")[0] for text in errors}
    assert any("分钟" in text for text in errors) and any("分钟" not in text for text in errors)
