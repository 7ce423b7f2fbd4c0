"""The circle planner page (/app/circle/): the API's plans and quotes, booking a plan all-or-nothing.

The numbers on the page are the circle-plan API's and the quote API's answers for the same inputs;
"Book this plan" books every item as one batch or, naming the item refused, nothing; an operator is
refused the page; the page's queries do not grow with the catalogue; it reads in English too.
"""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from locations import catalogue_cache
from studio.models import Membership
from tests.clock import pin_now
from tests.factories import (
    BaseFactory,
    BookingFactory,
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    PlaceFactory,
    ProductionFactory,
    SetFactory,
    SetPhotoFactory,
    ZoneFactory,
    travel_time_for,
)

pytestmark = pytest.mark.django_db
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
DAY = "2026-12-08"
KINDS = ("hospital_ward", "icu", "court")
WINDOWS = (("08:00", "10:00"), ("10:00", "12:00"), ("13:00", "15:00"))


def _at(text):
    hour, minute = (int(part) for part in text.split(":"))
    return datetime(2026, 12, 8, hour, minute, tzinfo=TZ)


@pytest.fixture
def town():
    """A hotel and four bases 1–8 km north of it, each with a ward, an ICU and a court; a company."""
    with pin_now(NOW):
        zone = ZoneFactory(walk_minutes=3, circle_minutes=15)
        operator = OperatorFactory()
        hotel = PlaceFactory(
            zone=zone,
            owner=operator,
            name="平原大酒店",
            latitude=Decimal("35.15"),
            longitude=Decimal("113.9"),
        )
        bases = [
            BaseFactory(
                operator=operator,
                zone=zone,
                name=f"基地{km}",
                latitude=Decimal("35.150000") + Decimal(km) / 111,
                longitude=Decimal("113.900000"),
                min_notice_minutes=60,
            )
            for km in (1, 3, 5, 8)
        ]
        sets = {
            (base.pk, kind): SetFactory(
                base=base,
                kind=kind,
                name=f"{base.name}{kind}",
                hourly_rate=Decimal(200 + 50 * i),
                day_rate=Decimal("9000"),
            )
            for i, base in enumerate(bases)
            for kind in KINDS
        }
        travel_time_for(owner=operator, first=hotel, second=bases[1], minutes=4)
        company = CompanyFactory()
        production = ProductionFactory(company=company, title="闪婚总裁")
        user = MembershipFactory(organization=company, role=Membership.Role.COORDINATOR).user
    return {
        "hotel": hotel,
        "bases": bases,
        "sets": sets,
        "company": company,
        "production": production,
        "user": user,
        "operator": operator,
    }


def _query(town, **extra):
    query = {
        "origin": f"place:{town['hotel'].pk}",
        "date": DAY,
        "within": 15,
        "production": town["production"].pk,
    }
    for index, (kind, (start, end)) in enumerate(zip(KINDS, WINDOWS, strict=True)):
        query.update({f"kind_{index}": kind, f"from_{index}": start, f"to_{index}": end})
    query.update(extra)
    return query


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _api_plans(town):
    from rest_framework.test import APIClient

    from tests.factories import token_for

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(town['user'])}")
    items = [
        {"kind": kind, "from": _at(start).isoformat(), "to": _at(end).isoformat()}
        for kind, (start, end) in zip(KINDS, WINDOWS, strict=True)
    ]
    body = {"origin": {"place": town["hotel"].pk}, "items": items, "within_minutes": 15}
    response = api.post("/api/v1/circle-plans/", body, format="json")
    assert response.status_code == 200, response.json()
    quotes = {}
    for plan in response.json()["plans"]:
        for leg in plan["legs"]:
            start, end = WINDOWS[leg["item"]]
            answer = api.post(
                "/api/v1/bookings/quote/",
                {
                    "set": leg["set"]["id"],
                    "starts_at": _at(start).isoformat(),
                    "ends_at": _at(end).isoformat(),
                },
                format="json",
            )
            assert answer.status_code == 200, answer.json()
            quotes[(leg["item"], leg["set"]["id"])] = Decimal(answer.json()["total"])
    return response.json()["plans"], quotes


def _drawn(html: str):
    """(plan number, total minutes, total price, [(set id, minutes, source, price)]) per plan card."""
    plans = []
    for card in re.findall(r'<article class="panel plan"(.*?)</article>', html, re.S):
        head = re.search(r'data-plan="(\d+)" data-total-minutes="(\d+)" data-total-price="([\d.]+)"', card)
        legs = re.findall(
            r'data-set-id="(\d+)" data-minutes="(\d+)" data-source="(\w+)" data-price="([\d.]+)"', card
        )
        plans.append(
            (
                int(head.group(1)),
                int(head.group(2)),
                Decimal(head.group(3)),
                [(int(s), int(m), source, Decimal(p)) for s, m, source, p in legs],
            )
        )
    return plans


def test_the_page_shows_the_api_plans_with_their_quotes(town):
    with pin_now(NOW):
        api_plans, quotes = _api_plans(town)
        response = _client(town["user"]).get(reverse("locations:planner"), _query(town))
    assert response.status_code == 200
    drawn = _drawn(response.content.decode())
    assert len(drawn) == len(api_plans) >= 2
    base_of = {s.pk: base for (base, _kind), s in town["sets"].items()}
    measured_base = town["bases"][1].pk
    for index, ((number, total, price, legs), plan) in enumerate(zip(drawn, api_plans, strict=True)):
        assert number == index + 1
        assert total == plan["total_minutes"]
        assert [(s, m) for s, m, _source, _price in legs] == [
            (leg["set"]["id"], leg["travel_minutes"]) for leg in plan["legs"]
        ]
        assert [p for *_rest, p in legs] == [quotes[(leg["item"], leg["set"]["id"])] for leg in plan["legs"]]
        assert price == sum(p for *_rest, p in legs)
        # hotel → 基地3 is measured (4 min); other drives are estimated; moves inside a base are walked
        previous = None
        for set_id, minutes, source, _price in legs:
            base = base_of[set_id]
            if previous is None:
                expected = "measured" if base == measured_base else "estimated"
            elif previous == base:
                expected = "walk" if minutes else "stay"
            else:
                expected = "estimated"
            assert source == expected
            previous = base
    assert any(legs[0][2] == "measured" for *_head, legs in drawn)
    html = response.content.decode()
    assert "平原大酒店" in html and "方案 1" in html


def test_booking_the_first_plan_books_three_holds_and_the_operator_sees_them(town):
    client = _client(town["user"])
    with pin_now(NOW):
        page = client.get(reverse("locations:planner"), _query(town))
        (number, _total, _price, legs) = _drawn(page.content.decode())[0]
        body = {**_query(town), "set": [s for s, *_rest in legs]}
        response = client.post(reverse("locations:book-plan"), body)
    assert response.status_code == 200, response.content.decode()
    bookings = Booking.objects.filter(company=town["company"]).order_by("starts_at")
    assert [b.set_id for b in bookings] == [s for s, *_rest in legs]
    assert {b.status for b in bookings} == {Booking.Status.HELD}
    assert len({b.batch for b in bookings}) == 1
    html = response.content.decode()
    assert html.count("data-hold-expires=") == 3
    for booking in bookings:
        assert timezone.localtime(booking.hold_expires_at).strftime("%m-%d %H:%M") in html

    operator_client = _client(
        MembershipFactory(organization=town["operator"], role=Membership.Role.OWNER).user
    )
    shown = set()
    with pin_now(NOW):
        for base_id in {b.set.base_id for b in bookings}:
            board = operator_client.get(reverse("bookings:board"), {"base": base_id, "date": DAY})
            assert board.status_code == 200
            shown |= {b.pk for b in bookings if f'data-booking-id="{b.pk}"' in board.content.decode()}
    assert shown == {b.pk for b in bookings}


def test_a_set_taken_between_planning_and_booking_books_nothing_and_is_named(town):
    client = _client(town["user"])
    with pin_now(NOW):
        page = client.get(reverse("locations:planner"), _query(town))
        (_number, _total, _price, legs) = _drawn(page.content.decode())[0]
        taken = town["sets"][next(key for key, s in town["sets"].items() if s.pk == legs[1][0])]
        rival = ProductionFactory(company=CompanyFactory())
        BookingFactory(
            set=taken,
            production=rival,
            starts_at=_at("10:30"),
            ends_at=_at("11:30"),
            status=Booking.Status.HELD,
        )
        response = client.post(
            reverse("locations:book-plan"), {**_query(town), "set": [s for s, *_rest in legs]}
        )
    assert response.status_code == 409
    assert not Booking.objects.filter(company=town["company"]).exists()
    html = response.content.decode()
    assert f'data-failed-set="{taken.pk}"' in html
    assert f"{taken.name}（10:00–12:00）" in html or f"{taken.name} (10:00–12:00)" in html
    # the next plan offered is bookable now: it does not use the set just taken
    assert 'data-plan="next"' in html
    offered = [int(s) for s in re.findall(r'name="set" value="(\d+)"', html)]
    assert len(offered) == 3 and taken.pk not in offered


def _unmasked(content: bytes) -> bytes:
    return re.sub(rb"[A-Za-z0-9]{64}", b"", content)


def test_a_set_the_company_cannot_book_is_refused_like_a_missing_one(town):
    client = _client(town["user"])
    with pin_now(NOW):
        page = client.get(reverse("locations:planner"), _query(town))
        legs = _drawn(page.content.decode())[0][3]
        hidden = SetFactory(base=BaseFactory(is_active=False))
        ids = [s for s, *_rest in legs]
        foreign = client.post(reverse("locations:book-plan"), {**_query(town), "set": [hidden.pk, *ids[1:]]})
        missing = client.post(reverse("locations:book-plan"), {**_query(town), "set": [10**12, *ids[1:]]})
        other_production = ProductionFactory()
        stolen = client.post(
            reverse("locations:book-plan"), {**_query(town, production=other_production.pk), "set": ids}
        )
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert _unmasked(foreign.content) == _unmasked(missing.content)
    assert stolen.status_code == 400
    assert not Booking.objects.exists()


def test_an_operator_is_refused_and_a_visitor_signs_in(town):
    operator_user = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.OWNER).user
    assert _client(operator_user).get(reverse("locations:planner")).status_code == 403
    assert _client(operator_user).get(reverse("locations:search")).status_code == 403
    signed_out = Client().get(reverse("locations:planner"))
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/")


def test_a_company_lands_on_the_planner(town):
    response = _client(town["user"]).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("locations:planner")


def test_the_production_pickers_offer_the_productions_being_shot_first(town):
    """A production in post-production sorts first by title, but the picker opens on one being planned."""
    from studio.models import Production

    town["production"].status = Production.Status.SHOOTING
    town["production"].save(update_fields=["status"])
    wrapped = Production.Status.POST_PRODUCTION
    ProductionFactory(company=town["company"], title="一部已杀青的剧", status=wrapped)
    client = _client(town["user"])
    for page in ("locations:planner", "locations:search"):
        html = client.get(reverse(page)).content.decode()
        picker = re.search(r'<select name="production"[^>]*>(.*?)</select>', html, re.S).group(1)
        assert re.findall(r"<option[^>]*>([^<]+)</option>", picker) == ["闪婚总裁", "一部已杀青的剧"], page


def test_the_map_data_is_the_page_plans(town):
    photo = SetPhotoFactory(set=town["sets"][(town["bases"][0].pk, "hospital_ward")])
    with pin_now(NOW):
        client = _client(town["user"])
        html = client.get(reverse("locations:planner"), _query(town)).content.decode()
        page = _drawn(html)
        data = client.get(reverse("locations:planner-map"), _query(town)).json()
    assert f'src="{photo.image.url}"' in html
    legs = [leg for plan in data["plans"] for leg in plan["legs"]]
    assert {leg["photo"] for leg in legs if leg["set"] == photo.set_id} == {photo.image.url}
    assert {leg["photo"] for leg in legs if leg["set"] != photo.set_id} <= {""}
    assert all(Decimal(leg["price"]) > 0 for leg in legs)
    assert [m["minutes"] for m in data["rings"]] == [5, 10, 15]
    assert data["start"]["name"] == "平原大酒店"
    assert [[(leg["set"], leg["minutes"]) for leg in plan["legs"]] for plan in data["plans"]] == [
        [(s, m) for s, m, *_rest in legs] for *_head, legs in page
    ]


def _more_bases(town, count):
    zone = town["hotel"].zone
    for n in range(count):
        base = BaseFactory(
            operator=town["operator"],
            zone=zone,
            latitude=Decimal("35.16"),
            longitude=Decimal("113.90") + Decimal(n) / 1000,
        )
        for kind in KINDS:
            SetFactory(base=base, kind=kind, hourly_rate=Decimal(300 + n))


def test_the_page_queries_do_not_grow_with_the_catalogue(town, django_assert_num_queries):
    client = _client(town["user"])
    with pin_now(NOW):
        client.get(reverse("locations:planner"), _query(town))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        catalogue_cache.clear()  # read the catalogue tables, as after the change below
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("locations:planner"), _query(town))
        _more_bases(town, 6)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(reverse("locations:planner"), _query(town))
    assert len(_drawn(response.content.decode())) == 5


def test_the_page_reads_in_english(town):
    client = _client(town["user"])
    client.cookies["django_language"] = "en"
    with pin_now(NOW):
        response = client.get(reverse("locations:planner"), _query(town), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Circle planner" in html and "Book this plan" in html and "Plan 1" in html
    assert "圈" not in html.split("<main")[1].split("平原大酒店")[0]


@pytest.mark.parametrize(
    ("page", "params"),
    [("locations:planner", {"from_0": "10:00", "to_0": "08:00"}), ("locations:search", {"end": "09:00"})],
)
def test_an_end_before_the_start_is_said_in_the_readers_words(town, page, params):
    query = (_query if page == "locations:planner" else _search)(town, **params)
    with pin_now(NOW):
        response = _client(town["user"]).get(reverse(page), query)
    assert response.status_code == 400
    errors = re.findall(r'<li class="error" data-error-field="[^"]+">([^<]*)</li>', response.content.decode())
    assert errors and all("from" not in error for error in errors)
    assert any("必须晚于开始时间" in error for error in errors)


def test_nothing_free_is_said_in_words(town):
    with pin_now(NOW):
        response = _client(town["user"]).get(reverse("locations:planner"), _query(town, kind_0="villa"))
    assert response.status_code == 400
    assert "data-plan-error" in response.content.decode()


def test_a_base_that_requires_preliminary_review_is_flagged(town):
    gated = town["bases"][0]
    gated.requires_preliminary_review = True
    gated.save(update_fields=["requires_preliminary_review"])
    with pin_now(NOW):
        response = _client(town["user"]).get(reverse("locations:planner"), _query(town))
    html = response.content.decode()
    gated_sets = {s.pk for (base, _kind), s in town["sets"].items() if base == gated.pk}
    flagged = re.findall(r'data-set-id="(\d+)"[^>]*>(?:(?!</li>).)*data-review-gate', html, re.S)
    shown = {s for *_head, legs in _drawn(html) for s, *_rest in legs}
    assert shown & gated_sets
    assert {int(s) for s in flagged} == shown & gated_sets
    assert "初审" in html


def _search(town, **extra):
    query = {
        "origin": f"place:{town['hotel'].pk}",
        "date": DAY,
        "within": 15,
        "kind": "icu",
        "start": "10:00",
        "end": "12:00",
        "production": town["production"].pk,
    }
    query.update(extra)
    return query


def _api_search(town, ordering):
    from rest_framework.test import APIClient

    from tests.factories import token_for

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(town['user'])}")
    params = {
        "kind": "icu",
        "near_place": town["hotel"].pk,
        "within_minutes": 15,
        "available_from": _at("10:00").isoformat(),
        "available_to": _at("12:00").isoformat(),
        "ordering": ordering,
    }
    response = api.get("/api/v1/sets/", params)
    assert response.status_code == 200, response.json()
    return [(row["id"], row["travel_minutes"]) for row in response.json()["results"]]


@pytest.mark.parametrize(("order", "ordering"), [("travel", "travel_minutes"), ("price", "hourly_rate")])
def test_the_search_tab_lists_what_the_sets_api_finds(town, order, ordering):
    busy = town["sets"][(town["bases"][0].pk, "icu")]
    with pin_now(NOW):
        BookingFactory(
            set=busy, starts_at=_at("11:00"), ends_at=_at("13:00"), status=Booking.Status.CONFIRMED
        )
        expected = _api_search(town, ordering)
        response = _client(town["user"]).get(reverse("locations:search"), _search(town, order=order))
    assert response.status_code == 200
    rows = [
        (int(s), int(m))
        for s, m in re.findall(r'<tr data-set-id="(\d+)" data-minutes="(\d+)"', response.content.decode())
    ]
    assert rows == expected
    assert busy.pk not in [s for s, _m in rows] and len(rows) >= 2


def test_requesting_a_found_set_holds_it(town):
    client = _client(town["user"])
    with pin_now(NOW):
        page = client.get(reverse("locations:search"), _search(town))
        first = int(re.search(r'<tr data-set-id="(\d+)"', page.content.decode()).group(1))
        response = client.post(reverse("locations:request-set"), {**_search(town), "set": first})
        again = client.post(reverse("locations:request-set"), {**_search(town), "set": first})
    assert response.status_code == 200
    (booking,) = Booking.objects.filter(company=town["company"])
    assert (booking.set_id, booking.status, booking.starts_at) == (first, Booking.Status.HELD, _at("10:00"))
    assert "data-hold-expires=" in response.content.decode()
    assert again.status_code == 409 and "data-book-failed" in again.content.decode()


def test_the_search_tab_queries_do_not_grow_with_the_catalogue(town, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(town["user"])
    with pin_now(NOW):
        client.get(reverse("locations:search"), _search(town))
        catalogue_cache.clear()  # read the catalogue tables, as after the change below
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("locations:search"), _search(town))
        _more_bases(town, 6)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get(reverse("locations:search"), _search(town))
    assert response.content.decode().count("<tr data-set-id=") > 4


def test_the_map_data_refuses_bad_inputs_in_words(town):
    with pin_now(NOW):
        response = _client(town["user"]).get(reverse("locations:planner-map"), _query(town, origin="place:x"))
    assert response.status_code == 400
    body = response.json()
    assert body["fields"]["origin"][0]["message"] == "请从列表中选择出发地。"


@pytest.mark.parametrize("bad", ["abc", "²", "-1", str(2**64)])
def test_a_malformed_set_id_is_a_404_not_a_500(town, bad):
    with pin_now(NOW):
        response = _client(town["user"]).post(
            reverse("locations:book-plan"), {**_query(town), "set": [bad] * 3}
        )
    assert response.status_code == 404


def test_a_request_for_another_company_production_is_refused_like_a_missing_one(town):
    client = _client(town["user"])
    set_id = town["sets"][(town["bases"][1].pk, "icu")].pk
    with pin_now(NOW):
        foreign = client.post(
            reverse("locations:request-set"),
            {**_search(town, production=ProductionFactory().pk), "set": set_id},
        )
        missing = client.post(
            reverse("locations:request-set"), {**_search(town, production=10**12), "set": set_id}
        )
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert _unmasked(foreign.content) == _unmasked(missing.content)
    assert not Booking.objects.exists()


def _api_plan_sets(town, items):
    from rest_framework.test import APIClient

    from tests.factories import token_for

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(town['user'])}")
    body = {"origin": {"place": town["hotel"].pk}, "items": items, "within_minutes": 15}
    response = api.post("/api/v1/circle-plans/", body, format="json")
    assert response.status_code == 200, response.json()
    return [
        [(leg["set"]["id"], leg["travel_minutes"]) for leg in plan["legs"]]
        for plan in response.json()["plans"]
    ]


def test_a_price_ceiling_and_a_named_set_are_the_api_items(town):
    chosen = town["sets"][(town["bases"][2].pk, "hospital_ward")]
    items = [
        {"set": chosen.pk, "from": _at("08:00").isoformat(), "to": _at("10:00").isoformat()},
        *(
            {"kind": kind, "from": _at(a).isoformat(), "to": _at(b).isoformat(), "max_hourly_rate": "300.00"}
            for kind, (a, b) in zip(KINDS[1:], WINDOWS[1:], strict=True)
        ),
    ]
    with pin_now(NOW):
        expected = _api_plan_sets(town, items)
        # the ceiling on the page applies to every need; the named set is within it (the third base: 300)
        query = _query(town, kind_0="", set_0=chosen.pk, max_rate="300")
        response = _client(town["user"]).get(reverse("locations:planner"), query)
    assert response.status_code == 200
    drawn = [[(s, m) for s, m, *_rest in legs] for *_head, legs in _drawn(response.content.decode())]
    assert drawn == expected and drawn
    rates = {s.pk: s.hourly_rate for s in town["sets"].values()}
    assert all(plan[0][0] == chosen.pk for plan in drawn)
    assert all(rates[s] <= 300 for plan in drawn for s, _m in plan)
    assert f'data-named-set="{chosen.pk}"' in response.content.decode()
