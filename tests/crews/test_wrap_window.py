"""A shoot day is wrapped (销场) on its date or later (Asia/Shanghai), never before: a 409 naming the day."""

from datetime import timedelta

import pytest

from crews import services
from crews.errors import WrapTooEarly
from crews.models import Scene, ShootDay
from tests.bookings.conftest import pin_now
from tests.crews.factories import SceneFactory, booking_for, local

pytestmark = pytest.mark.django_db


def _planned_scene(plan):
    scene = SceneFactory(production=plan.production)
    services.stop_add(
        shoot_day=plan.day,
        booking=booking_for(plan.day),
        starts_at=local(plan.date, 8),
        ends_at=local(plan.date, 12),
        scenes=[scene],
    )
    return scene


def test_wrapping_the_evening_before_is_409_and_changes_nothing(plan):
    scene = _planned_scene(plan)
    eve = local(plan.date - timedelta(days=1), 23, 59)
    with pytest.raises(WrapTooEarly) as caught:
        services.shoot_day_wrap(shoot_day=plan.day, shot=[scene], now=eve)
    assert caught.value.status_code == 409 and caught.value.code == "wrap_window"
    assert plan.date.isoformat() in str(caught.value.detail)
    plan.day.refresh_from_db()
    scene.refresh_from_db()
    assert plan.day.status != ShootDay.Status.WRAPPED and plan.day.wrapped_at is None
    assert scene.status == Scene.Status.SCHEDULED


def test_a_day_is_wrapped_from_its_local_midnight_on(plan):
    scene = _planned_scene(plan)
    midnight = local(plan.date, 0)  # 00:00 Asia/Shanghai, still the previous day in UTC
    result = services.shoot_day_wrap(shoot_day=plan.day, shot=[scene], now=midnight)
    assert result["shoot_day"].status == ShootDay.Status.WRAPPED
    plan.day.refresh_from_db()
    assert plan.day.wrapped_at == midnight


def test_the_api_refuses_to_wrap_a_day_two_months_ahead(plan):
    day = plan.day
    ShootDay.objects.filter(pk=day.pk).update(
        date=plan.date + timedelta(days=60),
        call_at=local(plan.date + timedelta(days=60), 6),
        planned_wrap_at=local(plan.date + timedelta(days=60), 20),
    )
    with pin_now(local(plan.date, 12)):
        response = plan.client.post(f"/api/v1/shoot-days/{day.pk}/wrap/", {"shot": []}, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "wrap_window"
    assert (
        body["detail"]
        == f"拍摄日当天（{(plan.date + timedelta(days=60)).isoformat()}）起才能销场，不能提前。"
    )
    day.refresh_from_db()
    assert day.status != ShootDay.Status.WRAPPED
