"""The conflict matrix: every error (409, refused) and every warning (reported), with its message."""

from datetime import timedelta

import pytest

from bookings.models import Booking
from crews import services
from crews.conflicts import conflict_message
from crews.models import Call, Role, Stop
from locations.models import Set
from tests.crews.factories import (
    CallFactory,
    CrewFactory,
    PersonFactory,
    SceneFactory,
    ShootDayFactory,
    booking_for,
    local,
)
from tests.factories import BaseFactory, BookingFactory, ProductionFactory, travel_time_for

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _iso(value):
    return value.isoformat()


def _call_body(day, person, start, end, **extra):
    return {
        "shoot_day": day.pk,
        "person": person.pk,
        "role": Role.ACTOR,
        "call_at": _iso(start),
        "released_at": _iso(end),
        **extra,
    }


def _stop_body(day, booking, start, end, **extra):
    return {
        "shoot_day": day.pk,
        "booking": booking.pk,
        "starts_at": _iso(start),
        "ends_at": _iso(end),
        **extra,
    }


def _codes(response):
    return {item["code"]: item["message"] for item in response.json()["conflicts"]}


# --- errors --------------------------------------------------------------------------------------------


def test_person_called_to_an_overlapping_day_of_another_crew_gets_409(plan):
    person = PersonFactory(company=plan.company, name="林晚")
    other_crew = CrewFactory(production=ProductionFactory(company=plan.company), name="B组")
    other_day = ShootDayFactory(crew=other_crew, date=plan.date)
    CallFactory(
        shoot_day=other_day, person=person, call_at=local(plan.date, 5), released_at=local(plan.date, 12)
    )

    response = plan.client.post(
        "/api/v1/calls/", _call_body(plan.day, person, local(plan.date, 11), local(plan.date, 20)), **EN
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "person_double_called"
    assert body["detail"] == f"林晚 is already called to B组 on {plan.date.isoformat()} from 05:00 to 12:00."
    assert not Call.objects.filter(shoot_day=plan.day).exists()


def test_back_to_back_calls_do_not_overlap(plan):
    person = PersonFactory(company=plan.company)
    other_day = ShootDayFactory(crew=CrewFactory(production=plan.production), date=plan.date)
    CallFactory(
        shoot_day=other_day, person=person, call_at=local(plan.date, 0), released_at=local(plan.date, 6)
    )

    response = plan.client.post(
        "/api/v1/calls/", _call_body(plan.day, person, local(plan.date, 6), local(plan.date, 20))
    )

    assert response.status_code == 201, response.content


def test_crew_at_two_stops_at_once_gets_409(plan):
    first = booking_for(plan.day)
    second = booking_for(plan.day)
    assert (
        plan.client.post(
            "/api/v1/stops/", _stop_body(plan.day, first, local(plan.date, 8), local(plan.date, 12))
        ).status_code
        == 201
    )

    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, second, local(plan.date, 11), local(plan.date, 14)), **EN
    )

    assert response.status_code == 409
    assert response.json()["code"] == "crew_double_stop"
    assert response.json()["detail"].startswith(f"The crew is already at {first.set.name} from ")
    assert Stop.objects.filter(shoot_day=plan.day).count() == 1


def test_stop_on_another_productions_booking_gets_409(plan):
    foreign = BookingFactory(
        production=ProductionFactory(company=plan.company),
        starts_at=local(plan.date, 6),
        ends_at=local(plan.date, 22),
    )

    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, foreign, local(plan.date, 8), local(plan.date, 12)), **EN
    )

    assert response.status_code == 409
    assert response.json()["code"] == "booking_other_production"
    assert response.json()["detail"] == f"The booking of {foreign.set.name} is for another production."


def test_stop_outside_the_bookings_window_gets_409(plan):
    booking = booking_for(plan.day, start_hour=8, end_hour=12)

    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, booking, local(plan.date, 11), local(plan.date, 13)), **EN
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stop_outside_booking"
    assert "lies outside the booking of" in response.json()["detail"]
    assert "11:00–13:00" in response.json()["detail"]


def test_stop_on_a_cancelled_booking_gets_409(plan):
    booking = booking_for(plan.day)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)

    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, booking, local(plan.date, 8), local(plan.date, 12))
    )

    assert response.status_code == 409
    assert response.json()["code"] == "booking_not_active"


# --- warnings ------------------------------------------------------------------------------------------


def _two_stops(plan, *, gap_minutes: int, travel: int):
    base_a, base_b = BaseFactory(), BaseFactory()
    travel_time_for(owner=base_a.operator, first=base_a, second=base_b, minutes=travel)
    first = booking_for(plan.day, base=base_a)
    second = booking_for(plan.day, base=base_b)
    services.stop_add(
        shoot_day=plan.day, booking=first, starts_at=local(plan.date, 8), ends_at=local(plan.date, 12)
    )
    second_start = local(plan.date, 12) + timedelta(minutes=gap_minutes)
    return plan.client.post(
        "/api/v1/stops/",
        _stop_body(plan.day, second, second_start, second_start + timedelta(hours=3)),
        **EN,
    ), (first, second)


def test_ten_minute_gap_for_a_twenty_minute_move_warns(plan):
    from locations.travel import travel_minutes

    response, (first, second) = _two_stops(plan, gap_minutes=10, travel=20)

    assert travel_minutes(first.set, second.set) == 20
    assert response.status_code == 201
    assert _codes(response)["travel_unreachable"] == (
        f"Company move from {first.set.name} to {second.set.name} takes 20 minutes, "
        "but only 10 minutes are planned between the stops."
    )
    conflicts = plan.client.get(f"/api/v1/shoot-days/{plan.day.pk}/conflicts/", **EN).json()
    assert [item["code"] for item in conflicts] == ["travel_unreachable"]


def test_thirty_minute_gap_for_a_twenty_minute_move_does_not_warn(plan):
    response, _bookings = _two_stops(plan, gap_minutes=30, travel=20)

    assert response.status_code == 201
    assert "travel_unreachable" not in _codes(response)
    assert plan.client.get(f"/api/v1/shoot-days/{plan.day.pk}/conflicts/").json() == []


def test_scene_on_a_set_of_the_wrong_kind_warns(plan):
    scene = SceneFactory(production=plan.production, episode=3, number=7, set_kind=Set.Kind.CEO_OFFICE)
    booking = booking_for(plan.day, kind=Set.Kind.HOSPITAL_WARD)

    response = plan.client.post(
        "/api/v1/stops/",
        _stop_body(plan.day, booking, local(plan.date, 8), local(plan.date, 12), scenes=[scene.pk]),
        **EN,
    )

    assert response.status_code == 201
    assert _codes(response)["wrong_set_kind"] == (
        f"Scene 3-7 needs a CEO office, but {booking.set.name} is a hospital ward."
    )


def test_cast_member_not_called_warns_until_called(plan):
    actor = PersonFactory(company=plan.company, name="顾言")
    scene = SceneFactory(production=plan.production, episode=1, number=2)
    scene.cast.add(actor)
    booking = booking_for(plan.day)

    response = plan.client.post(
        "/api/v1/stops/",
        _stop_body(plan.day, booking, local(plan.date, 8), local(plan.date, 12), scenes=[scene.pk]),
        **EN,
    )
    assert _codes(response)["cast_not_called"] == "顾言 is in scene 1-2 but is not called this day."

    response = plan.client.post(
        "/api/v1/calls/", _call_body(plan.day, actor, local(plan.date, 6), local(plan.date, 14))
    )
    assert response.status_code == 201
    assert "cast_not_called" not in _codes(response)


def test_day_longer_than_sixteen_hours_warns(plan):
    person = PersonFactory(company=plan.company)

    response = plan.client.post(
        "/api/v1/calls/", _call_body(plan.day, person, local(plan.date, 6), local(plan.date, 23)), **EN
    )

    assert response.status_code == 201
    message = _codes(response)["day_too_long"]
    assert message.startswith("The day runs 17 hours (") and message.endswith("longer than 16 hours.")


def test_less_than_ten_hours_rest_between_two_days_warns(plan):
    person = PersonFactory(company=plan.company, name="苏晴")
    previous = ShootDayFactory(crew=plan.crew, date=plan.date - timedelta(days=1))
    CallFactory(
        shoot_day=previous,
        person=person,
        call_at=local(previous.date, 8),
        released_at=local(previous.date, 23),
    )

    response = plan.client.post(
        "/api/v1/calls/", _call_body(plan.day, person, local(plan.date, 6), local(plan.date, 18)), **EN
    )

    assert response.status_code == 201
    assert _codes(response)["short_rest"] == (
        f"苏晴 gets only 7 hours of rest between {previous.date:%m-%d} 23:00 and {plan.date:%m-%d} 06:00 "
        "(at least 10)."
    )


def test_stop_on_a_booking_only_held_warns(plan):
    booking = booking_for(plan.day, status=Booking.Status.HELD)

    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, booking, local(plan.date, 8), local(plan.date, 12)), **EN
    )

    assert response.status_code == 201
    assert _codes(response)["booking_held"] == (
        f"Stop 1 uses a booking of {booking.set.name} that is only held, not confirmed."
    )


def test_production_whose_script_has_not_passed_preliminary_review_warns(plan, api):
    production = ProductionFactory(company=plan.company, title="重生之我是大女主")
    day = ShootDayFactory(crew=CrewFactory(production=production), date=plan.date)

    conflicts = plan.client.get(f"/api/v1/shoot-days/{day.pk}/conflicts/", **EN).json()

    assert conflicts == [
        {
            "code": "script_not_reviewed",
            "level": "warning",
            "params": {"production": "重生之我是大女主", "production_id": production.pk},
            "message": "The script of 重生之我是大女主 has not passed preliminary review (初审) yet.",
        }
    ]


def test_a_clean_day_has_no_warnings(plan):
    assert plan.client.get(f"/api/v1/shoot-days/{plan.day.pk}/conflicts/").json() == []


def test_messages_are_chinese_by_default(plan):
    booking = booking_for(plan.day, status=Booking.Status.HELD)
    response = plan.client.post(
        "/api/v1/stops/", _stop_body(plan.day, booking, local(plan.date, 8), local(plan.date, 12))
    )
    message = _codes(response)["booking_held"]
    assert message == f"第 1 站使用的 {booking.set.name} 预订仅为预留，尚未确认。"
    assert conflict_message({"code": "booking_held", "params": {"order": 1, "set": "x"}}) == message.replace(
        booking.set.name, "x"
    )
