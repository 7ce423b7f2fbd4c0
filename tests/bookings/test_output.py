"""``booking_out`` (the create's response) is ``BookingOut(...).data``, byte for byte."""

import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.utils.serializer_helpers import ReturnDict

from bookings.api.output import booking_out
from bookings.api.serializers import BookingOut
from bookings.models import Booking
from bookings.services import booking_create
from config.renderers import JSONRenderer
from tests.bookings.conftest import morning
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

Status = Booking.Status
#: the moment the optional times are set from (pinned: nothing here depends on the hour)
AT = datetime(2026, 12, 7, 23, 50, 15, 123456, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _same(booking: Booking) -> None:
    expected, found = BookingOut(booking).data, booking_out(booking)
    assert list(found) == list(expected) == BookingOut.Meta.fields
    assert found == expected
    assert [type(value) for value in found.values()] == [type(value) for value in expected.values()]
    assert JSONRenderer().render(found) == JSONRenderer().render(expected)
    assert isinstance(found, ReturnDict) and isinstance(found.serializer, BookingOut)
    assert found.serializer.instance is booking


def _fresh(booking: Booking) -> Booking:
    return Booking.objects.select_related("set__base", "production", "company").get(pk=booking.pk)


def _everything(booking: Booking, now) -> Booking:
    """Every optional field filled, odd values included."""
    booking.note = '请提前半小时到场 <b>&</b> "quoted" \u2028'
    booking.batch = uuid.UUID("12345678-1234-5678-1234-567812345678")
    booking.cancellation_fee = Decimal("123.40")
    booking.cancellation_reason = "改期"
    booking.decline_reason = "维修"
    booking.checked_in_at = now + timedelta(microseconds=1)
    booking.checked_out_at = now + timedelta(hours=5, seconds=7)
    booking.overtime_minutes = 45
    booking.overtime_fee = Decimal("225.00")
    booking.confirmed_at = now
    booking.closed_at = now + timedelta(days=1)
    booking.price_breakdown = {"currency": "CNY", "lines": [{"hours": 4, "amount": "1200.00"}], "x": None}
    booking.save()
    return booking


@pytest.mark.parametrize("status", list(Status))
def test_every_status_with_and_without_the_optional_fields(world, status):
    booking = BookingFactory(set=world.set, production=world.production, status=status)
    _same(booking)
    _same(_fresh(booking))
    _everything(booking, AT)
    _same(booking)
    _same(_fresh(booking))


def test_a_booking_just_created_as_the_create_answers_it(world):
    """The instance the service returns (values as Python set them: ``overtime_fee`` the int default)."""
    starts = morning(days=3)
    held = booking_create(
        set_=world.set, production=world.production, starts_at=starts, ends_at=starts + timedelta(hours=4),
        by=world.company_user, organization=world.company, note="夜戏",
    )  # fmt: skip
    assert held.status == Status.HELD and held.hold_expires_at is not None
    _same(held)
    world.sets[1].instant_book = True
    world.sets[1].save()
    confirmed = booking_create(
        set_=world.sets[1], production=world.production, starts_at=starts,
        ends_at=starts + timedelta(hours=9, minutes=30), by=world.company_user, organization=world.company,
    )  # fmt: skip
    assert confirmed.status == Status.CONFIRMED and confirmed.hold_expires_at is None
    _same(confirmed)
    _same(_fresh(confirmed))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu"])
def test_times_in_any_current_time_zone(world, zone):
    booking = BookingFactory(set=world.set, production=world.production, status=Status.HELD)
    _everything(booking, AT.astimezone(UTC))
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        _same(booking)
        _same(_fresh(booking))


def test_odd_values_convert_as_the_fields_convert_them(world):
    """Values a model instance may hold before it is saved: ints and floats for money, a str status."""
    booking = BookingFactory(set=world.set, production=world.production)
    booking.total_price, booking.deposit, booking.overtime_fee = 1200, 999.5, Decimal("3.14159")
    booking.cancellation_fee = Decimal("-0.005")
    booking.status = "confirmed"
    booking.waitlist_offer = 1
    booking.turnover_minutes = 30
    _same(booking)
