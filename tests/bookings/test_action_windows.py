"""Booking actions that make sense in time: check-in from the base's lead before the start, check-out
between the check-in and now, and a decline that always says why. Every "now" is explicit or pinned."""

from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from bookings.errors import CheckInWindow, CheckOutWindow
from bookings.models import Booking
from bookings.services import booking_check_in, booking_check_out, booking_decline
from config.exceptions import DomainError
from locations.models import Base
from studio.models import Membership
from tests.bookings.conftest import pin_now
from tests.factories import BookingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    with translation.override("en"):
        yield


TZ = timezone.get_current_timezone()
#: a booking that starts on Wednesday 2 December 2026 at 08:00 (Asia/Shanghai) and ends at 12:00
STARTS = datetime(2026, 12, 2, 8, 0, tzinfo=TZ)
ENDS = STARTS + timedelta(hours=4)


@pytest.fixture
def confirmed(world):
    return BookingFactory(
        production=world.production,
        set=world.set,
        starts_at=STARTS,
        ends_at=ENDS,
        price_breakdown={"currency": "CNY", "total": "1200.00", "day_rate": {"overtime_rate": "300.00"}},
    )


def test_check_in_three_days_early_is_409_naming_the_window(world, confirmed, english):
    now = STARTS - timedelta(days=3)
    with pytest.raises(CheckInWindow) as caught:
        booking_check_in(booking=confirmed, by=world.operator_user, now=now)
    assert caught.value.status_code == 409 and caught.value.code == "check_in_window"
    assert "2 hours" in str(caught.value.detail) and "2026-12-02 06:00" in str(caught.value.detail)
    assert caught.value.fields == {"at": ["Before 2026-12-02 06:00."]}
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED and confirmed.checked_in_at is None


def test_check_in_opens_exactly_the_base_lead_before_the_start(world, confirmed):
    with pytest.raises(CheckInWindow):
        booking_check_in(booking=confirmed, by=None, now=STARTS - timedelta(minutes=121))
    booking = booking_check_in(booking=confirmed, by=None, now=STARTS - timedelta(minutes=120))
    assert booking.status == Booking.Status.CHECKED_IN
    assert booking.checked_in_at == STARTS - timedelta(minutes=120)


def test_the_lead_is_the_bases_setting(world, confirmed, english):
    Base.objects.filter(pk=world.base.pk).update(check_in_lead_minutes=30)
    with pytest.raises(CheckInWindow) as caught:
        booking_check_in(booking=confirmed, by=None, now=STARTS - timedelta(minutes=45))
    assert "30 minutes" in str(caught.value.detail) and "07:30" in str(caught.value.detail)
    # an actual time recorded later must lie in the window too
    with pytest.raises(CheckInWindow):
        booking_check_in(booking=confirmed, by=None, at=STARTS - timedelta(minutes=45), now=STARTS)
    booking = booking_check_in(booking=confirmed, by=None, at=STARTS - timedelta(minutes=30), now=STARTS)
    assert booking.checked_in_at == STARTS - timedelta(minutes=30)


def test_a_check_in_time_in_the_future_is_409(world, confirmed, english):
    with pytest.raises(CheckInWindow) as caught:
        booking_check_in(booking=confirmed, by=None, at=STARTS + timedelta(minutes=10), now=STARTS)
    assert caught.value.fields == {"at": ["After now."]}


def _checked_in(booking):
    return booking_check_in(booking=booking, by=None, now=STARTS - timedelta(minutes=10))


def test_a_check_out_time_in_the_future_is_409(world, confirmed, english):
    booking = _checked_in(confirmed)
    now = ENDS + timedelta(minutes=5)
    with pytest.raises(CheckOutWindow) as caught:
        booking_check_out(booking=booking, by=None, at=now + timedelta(hours=3), now=now)
    assert caught.value.status_code == 409 and caught.value.code == "check_out_window"
    assert "2026-12-02 07:50" in str(caught.value.detail) and "2026-12-02 12:05" in str(caught.value.detail)
    assert caught.value.fields == {"at": ["After now."]}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN and booking.overtime_fee == 0


def test_a_check_out_before_the_check_in_is_409(world, confirmed, english):
    booking = _checked_in(confirmed)
    with pytest.raises(CheckOutWindow) as caught:
        booking_check_out(booking=booking, by=None, at=STARTS - timedelta(hours=1), now=ENDS)
    assert caught.value.fields == {"at": ["Before the check-in."]}


def test_a_check_out_up_to_now_is_recorded(world, confirmed):
    booking = _checked_in(confirmed)
    now = ENDS + timedelta(minutes=95)
    booking = booking_check_out(booking=booking, by=None, at=now, now=now)
    assert booking.status == Booking.Status.COMPLETED and booking.checked_out_at == now
    assert booking.overtime_minutes == 95 and booking.overtime_fee == 600


def test_check_in_and_out_windows_through_the_api(world, api, confirmed):
    operator = api(world.operator_user, world.operator)
    url = f"/api/v1/bookings/{confirmed.pk}"
    with pin_now(STARTS - timedelta(days=3)):
        early = operator.post(f"{url}/check-in/", {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "check_in_window"
    assert early.json()["detail"] == "最早可在开始前 2 小时办理进景（2026-12-02 06:00 起）。"
    assert early.json()["fields"] == {"at": ["早于 2026-12-02 06:00。"]}
    with pin_now(STARTS - timedelta(minutes=5)):
        assert operator.post(f"{url}/check-in/", {}, format="json").status_code == 200
    with pin_now(ENDS):
        future = operator.post(
            f"{url}/check-out/", {"at": (ENDS + timedelta(hours=1)).isoformat()}, format="json"
        )
        assert future.status_code == 409 and future.json()["code"] == "check_out_window"
        assert future.json()["fields"] == {"at": ["晚于现在。"]}
        done = operator.post(f"{url}/check-out/", {}, format="json")
    assert done.status_code == 200 and done.json()["checked_out_at"] == ENDS.isoformat()


def test_the_base_api_shows_and_sets_the_check_in_lead(world, api):
    operator = api(world.operator_user, world.operator)
    url = f"/api/v1/bases/{world.base.pk}/"
    assert operator.get(url).json()["check_in_lead_minutes"] == 120
    response = operator.patch(url, {"check_in_lead_minutes": 45}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["check_in_lead_minutes"] == 45
    world.base.refresh_from_db()
    assert world.base.check_in_lead_minutes == 45
    too_long = operator.patch(url, {"check_in_lead_minutes": 24 * 60 + 1}, format="json")
    assert too_long.status_code == 400 and "check_in_lead_minutes" in too_long.json()["fields"]


# --- a decline says why ---------------------------------------------------------------------------------


@pytest.fixture
def held(world):
    return BookingFactory(
        production=world.production,
        set=world.set,
        status=Booking.Status.HELD,
        hold_expires_at=timezone.now() + timedelta(hours=1),
    )


@pytest.mark.parametrize("reason", ["", "   \n\t"])
def test_a_decline_without_a_reason_is_refused(world, held, reason):
    with pytest.raises(DomainError) as caught:
        booking_decline(booking=held, by=world.operator_user, reason=reason)
    assert caught.value.status_code == 400 and caught.value.code == "reason_required"
    assert set(caught.value.fields) == {"reason"}
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_the_api_refuses_a_decline_without_a_reason_naming_the_field(world, api, held, body):
    operator = api(world.operator_user, world.operator)
    response = operator.post(f"/api/v1/bookings/{held.pk}/decline/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["reason"]
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD


def test_the_company_reads_the_reason_of_a_decline(world, api, held):
    operator = api(world.operator_user, world.operator)
    response = operator.post(f"/api/v1/bookings/{held.pk}/decline/", {"reason": " 场景检修 "}, format="json")
    assert response.status_code == 200, response.content
    company = api(world.company_user, world.company)
    assert company.get(f"/api/v1/bookings/{held.pk}/").json()["decline_reason"] == "场景检修"


def test_the_admin_asks_for_the_reason_before_declining(client, world, held):
    staff = UserFactory(is_staff=True)
    MembershipFactory(user=staff, organization=world.operator, role=Membership.Role.OWNER)
    client.force_login(staff)
    url = reverse("admin:bookings_booking_changelist")
    chosen = {"action": "decline", "_selected_action": [held.pk]}
    form = client.post(url, chosen)
    assert form.status_code == 200 and b'name="reason"' in form.content
    blank = client.post(url, {**chosen, "apply": "1", "reason": "   "})
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD
    done = client.post(url, {**chosen, "apply": "1", "reason": "场景检修"}, follow=True)
    assert done.status_code == 200
    held.refresh_from_db()
    assert held.status == Booking.Status.DECLINED and held.decline_reason == "场景检修"
    assert not [m for m in get_messages(done.wsgi_request) if m.level_tag == "error"]
