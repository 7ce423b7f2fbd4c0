"""The bookings API contract: status codes, error bodies naming the rule, scoping, quotes, query counts."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from bookings.models import Booking, WaitlistEntry
from locations.models import Base, Set
from notifications.models import Event
from studio.models import Membership
from tests.bookings.conftest import morning, pin_now, soon
from tests.factories import (
    BlackoutFactory,
    BookingFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OperatorFactory,
    ProductionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_api(api, world):
    return api(world.company_user, world.company)


@pytest.fixture
def operator_api(api, world):
    return api(world.operator_user, world.operator)


def body(world, starts=None, hours=4, company=0, set_=None, **extra):
    starts = starts or morning()
    return {
        "set": (set_ or world.set).pk,
        "production": world.productions[company].pk,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=hours)).isoformat(),
        **extra,
    }


def test_company_requests_and_operator_confirms(world, company_api, operator_api):
    response = company_api.post("/api/v1/bookings/", body(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "held" and data["total_price"] == "1200.00" and data["deposit"] == "1000.00"
    assert data["price_breakdown"]["method"] == "hourly"
    confirmed = operator_api.post(f"/api/v1/bookings/{data['id']}/confirm/", format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    # the company cannot confirm, the operator cannot cancel on the company's behalf
    assert company_api.post(f"/api/v1/bookings/{data['id']}/confirm/").status_code == 403
    assert operator_api.post(f"/api/v1/bookings/{data['id']}/cancel/").status_code == 403


def test_status_is_not_writable(world, company_api):
    response = company_api.post("/api/v1/bookings/", body(world, status="confirmed"), format="json")
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
    booking = BookingFactory(production=world.production, set=world.set)
    assert company_api.patch(f"/api/v1/bookings/{booking.pk}/", {"status": "cancelled"}).status_code == 405


def test_overlap_is_409_naming_the_window_not_the_company(world, api, company_api):
    company_api.post("/api/v1/bookings/", body(world), format="json")
    other = api(world.company_users[1], world.companies[1])
    response = other.post("/api/v1/bookings/", body(world, starts=morning(hour=10), company=1), format="json")
    assert response.status_code == 409
    payload = response.json()
    assert payload["code"] == "booking_conflict"
    assert "07:30" in payload["detail"] and "12:30" in payload["detail"]
    assert world.company.name not in response.content.decode()


@pytest.mark.parametrize(
    ("setup", "make_body", "code"),
    [
        ("closed", lambda w: body(w), "opening_hours"),
        ("blackout", lambda w: body(w), "blackout"),
        (None, lambda w: body(w, starts=soon()), "min_notice"),
        (None, lambda w: body(w, starts=morning(days=75)), "max_days_ahead"),
        (None, lambda w: body(w, hours=0.5), "min_duration"),
        (None, lambda w: body(w, hours=25), "max_duration"),
        (None, lambda w: body(w, starts=morning(minute=20)), "slot_step"),
        ("cap", lambda w: body(w, set_=w.sets[2]), "max_active_holds"),
    ],
)
def test_every_rule_violation_is_a_400_naming_the_rule(world, company_api, setup, make_body, code):
    starts = morning()
    if setup == "closed":
        OpeningHoursFactory(base=world.base, weekday=starts.weekday(), opens=time(10), closes=time(20))
    elif setup == "blackout":
        BlackoutFactory(
            set=world.set, starts_at=starts + timedelta(hours=1), ends_at=starts + timedelta(hours=2)
        )
    elif setup == "cap":
        Base.objects.filter(pk=world.base.pk).update(max_active_holds_per_company=2)
        for set_ in world.sets[:2]:
            assert (
                company_api.post("/api/v1/bookings/", body(world, set_=set_), format="json").status_code
                == 201
            )
    response = company_api.post("/api/v1/bookings/", make_body(world), format="json")
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == code
    assert payload["detail"] and payload["fields"]


def test_a_production_of_another_company_is_400_like_a_missing_one(world, company_api):
    response = company_api.post("/api/v1/bookings/", body(world, company=1), format="json")
    assert response.status_code == 400
    assert "production" in response.json()["fields"]


def test_naive_times_are_400(world, company_api):
    data = body(world)
    data["starts_at"] = data["starts_at"][:19]
    assert company_api.post("/api/v1/bookings/", data, format="json").status_code == 400


def test_another_companys_booking_is_404_and_an_unrelated_operator_sees_nothing(world, api):
    booking = BookingFactory(production=world.production, set=world.set)
    rival = api(world.company_users[1], world.companies[1])
    assert rival.get(f"/api/v1/bookings/{booking.pk}/").status_code == 404
    assert rival.post(f"/api/v1/bookings/{booking.pk}/cancel/").status_code == 404
    assert rival.get("/api/v1/bookings/").json()["count"] == 0
    stranger = OperatorFactory()
    user = MembershipFactory(organization=stranger, role=Membership.Role.OWNER).user
    other_operator = api(user, stranger)
    assert other_operator.get(f"/api/v1/bookings/{booking.pk}/").status_code == 404
    assert other_operator.post(f"/api/v1/bookings/{booking.pk}/confirm/").status_code == 404


def test_the_operator_sees_its_bases_bookings(world, operator_api):
    booking = BookingFactory(production=world.production, set=world.set)
    data = operator_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert data["company_name"] == world.company.name


@pytest.mark.parametrize(
    ("hours", "total", "method"),
    [
        (4, "1200.00", "hourly"),  # 4 × 300 < 3600
        (12, "3600.00", "hourly"),  # 12 × 300 = 3600: a tie goes to hourly
        (13, "3600.00", "day_rate"),  # 3900 by the hour; one day covers 14 h
        (16, "4200.00", "day_rate"),  # one day + 2 h overtime × 300
        (24, "6600.00", "day_rate"),  # one day + 10 h overtime × 300 (3000 < another day's 3600)
        (27, "7200.00", "day_rate"),  # one day + 13 h overtime (3900) → a second day (3600) instead
    ],
)
def test_quote_matches_hand_computed_prices(world, company_api, hours, total, method):
    response = company_api.post(
        "/api/v1/bookings/quote/",
        {
            "set": world.set.pk,
            "starts_at": morning().isoformat(),
            "ends_at": (morning() + timedelta(hours=hours)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["total"], data["breakdown"]["method"], data["deposit"]) == (total, method, "1000.00")
    assert Booking.objects.count() == 0


def test_the_stored_breakdown_does_not_change_with_the_rate_card(world, company_api):
    created = company_api.post("/api/v1/bookings/", body(world, hours=16), format="json").json()
    Set.objects.filter(pk=world.set.pk).update(
        day_rate=Decimal("9000"), overtime_rate_per_hour=Decimal("900")
    )
    booking = Booking.objects.get(pk=created["id"])
    assert booking.total_price == Decimal("4200.00")
    assert booking.price_breakdown["day_rate"]["overtime_hours"] == 2


@pytest.mark.parametrize(
    ("hours_before", "fee"), [(80, "0.00"), (72, "0.00"), (48, "600.00"), (10, "1200.00")]
)
def test_cancellation_fee_through_the_api(world, company_api, hours_before, fee, monkeypatch):
    from bookings.services import lifecycle

    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    starts = morning(days=6)
    created = company_api.post("/api/v1/bookings/", body(world, starts=starts), format="json").json()
    monkeypatch.setattr(lifecycle, "_now", lambda now: now or starts - timedelta(hours=hours_before))
    response = company_api.post(
        f"/api/v1/bookings/{created['id']}/cancel/", {"reason": "改期"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["cancellation_fee"] == fee
    assert response.json()["cancellation_reason"] == "改期"


def test_reschedule_and_check_in_out_through_the_api(world, company_api, operator_api):
    created = company_api.post("/api/v1/bookings/", body(world), format="json").json()
    moved = company_api.post(
        f"/api/v1/bookings/{created['id']}/reschedule/",
        {"starts_at": morning(days=4).isoformat(), "ends_at": morning(days=4, hour=10).isoformat()},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["id"] == created["id"]
    assert moved.json()["total_price"] == "600.00"
    operator_api.post(f"/api/v1/bookings/{created['id']}/confirm/")
    starts = morning(days=4)
    with pin_now(starts - timedelta(minutes=15)):
        check_in = operator_api.post(f"/api/v1/bookings/{created['id']}/check-in/", {}, format="json")
    assert check_in.status_code == 200 and check_in.json()["status"] == "checked_in"
    with pin_now(starts + timedelta(hours=2, minutes=5)):
        out = operator_api.post(f"/api/v1/bookings/{created['id']}/check-out/", {}, format="json")
    assert out.status_code == 200 and out.json()["status"] == "completed"
    assert operator_api.post(f"/api/v1/bookings/{created['id']}/check-out/").status_code == 409


def test_batch_is_all_or_nothing_by_default(world, company_api):
    items = [body(world, set_=s) for s in world.sets] + [
        body(world, set_=world.sets[0], starts=morning(hour=10))
    ]
    response = company_api.post("/api/v1/booking-batches/", {"items": items}, format="json")
    assert response.status_code == 409
    assert response.json()["fields"]["items"]["3"]
    assert Booking.objects.count() == 0


def test_batch_with_skip_conflicts_reports_each_item(world, company_api):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)  # a 7-day block is more than 5 holds
    week = [body(world, starts=morning(days=3 + n)) for n in range(7)]
    week.append(body(world, starts=morning(days=3, hour=10)))
    response = company_api.post(
        "/api/v1/booking-batches/", {"items": week, "skip_conflicts": True}, format="json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["created"], data["failed"]) == (7, 1)
    failed = data["items"][7]
    assert (failed["ok"], failed["status_code"], failed["code"]) == (False, 409, "booking_conflict")
    assert Booking.objects.filter(batch=data["batch"]).count() == 7


def test_batch_all_created_is_201(world, company_api):
    response = company_api.post(
        "/api/v1/booking-batches/", {"items": [body(world, set_=s) for s in world.sets]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["created"] == 3


def test_list_filters_and_constant_query_count(world, company_api):
    for n in range(3):
        BookingFactory(production=world.production, set=world.sets[n % 3], starts_at=morning(days=3 + n))

    def count_queries(size):
        with CaptureQueriesContext(connection) as captured:
            response = company_api.get("/api/v1/bookings/", {"page_size": size, "status": "confirmed"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    few = count_queries(1)
    for n in range(12):
        BookingFactory(
            production=ProductionFactory(company=world.company),
            set=world.sets[n % 3],
            starts_at=morning(days=10 + n),
        )
    assert count_queries(50) == few
    data = company_api.get("/api/v1/bookings/", {"set": world.sets[1].pk, "ordering": "-starts_at"}).json()
    assert data["count"] == 5
    starts = [item["starts_at"] for item in data["results"]]
    assert starts == sorted(starts, reverse=True)
    assert company_api.get("/api/v1/bookings/", {"ordering": "company"}).status_code == 400


def test_board_shows_every_set_with_the_days_bookings_to_the_operator_only(world, operator_api, company_api):
    day = morning(days=3)
    BookingFactory(production=world.production, set=world.sets[0], starts_at=day)
    BookingFactory(production=world.productions[1], set=world.sets[0], starts_at=day + timedelta(hours=6))
    BookingFactory(production=world.production, set=world.sets[1], starts_at=day + timedelta(days=1))
    with CaptureQueriesContext(connection) as captured:
        response = operator_api.get(f"/api/v1/bases/{world.base.pk}/board/", {"date": day.date().isoformat()})
    assert response.status_code == 200
    assert len(captured.captured_queries) <= 6
    sets = response.json()["sets"]
    assert [len(s["bookings"]) for s in sets] == [2, 0, 0]
    assert {b["company_name"] for b in sets[0]["bookings"]} == {
        world.companies[0].name,
        world.companies[1].name,
    }
    assert company_api.get(f"/api/v1/bases/{world.base.pk}/board/").status_code == 403
    assert operator_api.get(f"/api/v1/bases/{world.base.pk}/board/", {"date": "tomorrow"}).status_code == 400


def test_company_ical_feed_by_private_token(world, company_api, api):
    BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.productions[1], set=world.sets[1])
    # the URL is the key: owners and managers read and rotate it, a coordinator does not
    assert company_api.post("/api/v1/bookings/feed-url/", {}, format="json").status_code == 403
    manager = MembershipFactory(organization=world.company, role=Membership.Role.MANAGER).user
    company_api = api(manager, world.company)
    issued = company_api.post("/api/v1/bookings/feed-url/", {}, format="json").json()
    assert issued["url"].endswith(f"/api/v1/bookings/calendar.ics?token={issued['token']}")
    response = api().get(f"/api/v1/bookings/calendar.ics?token={issued['token']}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert world.base.address in str(events[0]["location"])
    assert api().get("/api/v1/bookings/calendar.ics?token=nope").status_code == 404
    rotated = company_api.post("/api/v1/bookings/feed-url/", {"rotate": True}, format="json").json()
    assert api().get(f"/api/v1/bookings/calendar.ics?token={issued['token']}").status_code == 404
    assert api().get(f"/api/v1/bookings/calendar.ics?token={rotated['token']}").status_code == 200


def test_bookings_hide_sets_from_search_without_naming_anyone(world, api, company_api):
    BookingFactory(
        production=world.production, set=world.set, starts_at=morning(), status=Booking.Status.HELD
    )
    rival = api(world.company_users[1], world.companies[1])
    params = {"available_from": morning(hour=9).isoformat(), "available_to": morning(hour=11).isoformat()}
    found = {item["id"] for item in rival.get("/api/v1/sets/", params).json()["results"]}
    assert world.set.pk not in found and world.sets[1].pk in found
    # back to back after the turnover on both sides is free again
    later = {"available_from": morning(hour=13).isoformat(), "available_to": morning(hour=15).isoformat()}
    assert world.set.pk in {item["id"] for item in rival.get("/api/v1/sets/", later).json()["results"]}
    calendar = rival.get(f"/api/v1/sets/{world.set.pk}/availability/", {"date": morning().date().isoformat()})
    assert calendar.status_code == 200
    assert world.company.name not in calendar.content.decode()


def test_waitlist_offer_goes_to_the_first_waiter_only(world, api, company_api):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    booking = company_api.post("/api/v1/bookings/", body(world), format="json").json()
    waiters = [api(world.company_users[n], world.companies[n]) for n in (1, 2)]
    window = {
        "set": world.set.pk,
        "starts_at": morning(hour=9).isoformat(),
        "ends_at": morning(hour=11).isoformat(),
    }
    entries = [
        w.post("/api/v1/waitlist-entries/", dict(window, production=world.productions[n].pk), format="json")
        for n, w in zip((1, 2), waiters, strict=True)
    ]
    assert [e.status_code for e in entries] == [201, 201]
    free = dict(
        window,
        production=world.productions[1].pk,
        starts_at=morning(days=5).isoformat(),
        ends_at=morning(days=5, hour=10).isoformat(),
    )
    assert (
        waiters[0].post("/api/v1/waitlist-entries/", free, format="json").json()["code"] == "window_available"
    )
    assert company_api.post(f"/api/v1/bookings/{booking['id']}/cancel/", {}, format="json").status_code == 200
    first, second = (WaitlistEntry.objects.get(pk=e.json()["id"]) for e in entries)
    assert (first.status, second.status) == ("offered", "waiting")
    offers = Event.objects.filter(type="booking.waitlist_offered")
    assert [list(e.audience.all()) for e in offers] == [[world.companies[1]]]
    assert world.company.name not in str(offers[0].payload)
    # the first waiter declines: the second is told
    assert waiters[0].post(f"/api/v1/waitlist-entries/{first.pk}/decline/").status_code == 200
    second.refresh_from_db()
    assert second.status == "offered"
    assert waiters[1].get("/api/v1/waitlist-entries/").json()["count"] == 1
    assert waiters[1].get(f"/api/v1/waitlist-entries/{first.pk}/").status_code == 404


def test_waitlist_list_has_a_constant_query_count(world, api):
    from tests.factories import WaitlistEntryFactory

    client = api(world.company_users[1], world.companies[1])
    WaitlistEntryFactory(company=world.companies[1], set=world.set)

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/waitlist-entries/", {"ordering": "-created_at"}).status_code == 200
        return len(captured.captured_queries)

    few = count_queries()
    for set_ in world.sets:
        WaitlistEntryFactory.create_batch(4, company=world.companies[1], set=set_)
    assert count_queries() == few
