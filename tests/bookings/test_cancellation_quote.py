"""The cancellation quote: the fee, its tier in words and the deadline of the current fee, computed by the
same function the cancel charges with; every "now" explicit or pinned."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from bookings import pricing
from bookings.errors import HoldExpired, InvalidTransition
from bookings.models import Booking
from bookings.services import booking_cancel, booking_cancellation_quote
from locations.models import Base
from studio.models import Membership
from tests.bookings.conftest import pin_now
from tests.factories import BookingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
STARTS = datetime(2026, 12, 2, 8, 0, tzinfo=TZ)  # a Wednesday, Asia/Shanghai
DEFAULT_POLICY = [
    {"hours_before": 72, "fee_percent": 0},
    {"hours_before": 24, "fee_percent": 50},
    {"hours_before": 0, "fee_percent": 100},
]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def confirmed(world):
    return BookingFactory(
        production=world.production,
        set=world.set,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=4),
        total_price=Decimal("1200.00"),
    )


# (time before the start, fee, percent, tier hours_before, label, deadline, next percent), by hand:
# 1200 × 0% / 50% / 100%; each tier holds down to and including its hours_before.
DEFAULT_CASES = [
    (
        timedelta(hours=100),
        "0.00",
        "0",
        72,
        "72 hours or more before the start: 0% of the total.",
        STARTS - timedelta(hours=72),
        "50",
    ),
    (
        timedelta(hours=72),
        "0.00",
        "0",
        72,
        "72 hours or more before the start: 0% of the total.",
        STARTS - timedelta(hours=72),
        "50",
    ),
    (
        timedelta(hours=71, minutes=59),
        "600.00",
        "50",
        24,
        "24 to 72 hours before the start: 50% of the total.",
        STARTS - timedelta(hours=24),
        "100",
    ),
    (
        timedelta(hours=30),
        "600.00",
        "50",
        24,
        "24 to 72 hours before the start: 50% of the total.",
        STARTS - timedelta(hours=24),
        "100",
    ),
    (
        timedelta(hours=2),
        "1200.00",
        "100",
        0,
        "Less than 24 hours before the start: 100% of the total.",
        None,
        None,
    ),
    (timedelta(hours=-1), "1200.00", "100", None, "After the start: 100% of the total.", None, None),
]


@pytest.mark.parametrize(("before", "fee", "percent", "tier", "label", "deadline", "after"), DEFAULT_CASES)
def test_the_quote_of_a_confirmed_booking_at_several_times(
    world, confirmed, english, before, fee, percent, tier, label, deadline, after
):
    quote = booking_cancellation_quote(booking=confirmed, now=STARTS - before)
    assert quote.fee == Decimal(fee) and quote.fee_percent == Decimal(percent)
    assert quote.total == Decimal("1200.00") and quote.quoted_at == STARTS - before
    assert quote.tier_hours_before == tier and quote.tier_label == label
    assert quote.deadline == deadline
    assert quote.next_fee_percent == (None if after is None else Decimal(after))


def test_a_policy_with_a_fractional_tier_and_no_rise_after_it(english):
    policy = [{"hours_before": 48, "fee_percent": 0}, {"hours_before": 12, "fee_percent": 12.5}]
    early = pricing.cancellation_quote(
        policy=policy, total=Decimal("1200"), starts_at=STARTS, now=STARTS - timedelta(hours=50)
    )
    assert (early.fee, early.tier_hours_before, early.deadline, early.next_fee_percent) == (
        Decimal("0.00"),
        48,
        STARTS - timedelta(hours=48),
        Decimal("12.5"),
    )
    assert early.tier_label == "48 hours or more before the start: 0% of the total."
    late = pricing.cancellation_quote(
        policy=policy, total=Decimal("1200"), starts_at=STARTS, now=STARTS - timedelta(hours=20)
    )
    assert late.fee == Decimal("150.00")  # 1200 × 12.5 %
    assert late.tier_label == "12 to 48 hours before the start: 12.5% of the total."
    # past 12 hours the late fee is the policy's highest, 12.5 % again: the fee never rises
    assert late.deadline is None and late.next_fee_percent is None
    latest = pricing.cancellation_quote(
        policy=policy, total=Decimal("1200"), starts_at=STARTS, now=STARTS - timedelta(hours=3)
    )
    assert latest.fee == Decimal("150.00") and latest.tier_hours_before is None
    assert latest.tier_label == "Less than 12 hours before the start: 12.5% of the total."


def test_no_policy_and_a_hold_are_free(world, confirmed, english):
    Base.objects.filter(pk=world.base.pk).update(cancellation_policy=[])
    confirmed.refresh_from_db()
    quote = booking_cancellation_quote(booking=confirmed, now=STARTS - timedelta(hours=1))
    assert quote.fee == 0 and quote.tier_label == "This base charges no cancellation fee."
    held = BookingFactory(
        production=world.production,
        set=world.sets[1],
        status=Booking.Status.HELD,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=4),
        hold_expires_at=STARTS - timedelta(hours=1, minutes=30),
    )
    quote = booking_cancellation_quote(booking=held, now=STARTS - timedelta(hours=2))
    assert quote.fee == 0 and quote.tier_label == "An unconfirmed hold is free to cancel."
    assert quote.deadline is None


def test_the_quote_refuses_what_the_cancel_refuses_and_writes_nothing(world):
    completed = BookingFactory(production=world.production, set=world.set, status=Booking.Status.COMPLETED)
    with pytest.raises(InvalidTransition):
        booking_cancellation_quote(booking=completed, now=STARTS)
    held = BookingFactory(
        production=world.production,
        set=world.sets[1],
        status=Booking.Status.HELD,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=4),
        hold_expires_at=STARTS - timedelta(days=1),
    )
    with pytest.raises(HoldExpired):
        booking_cancellation_quote(booking=held, now=STARTS - timedelta(hours=12))
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD  # a quote never expires anything


@pytest.mark.parametrize("before", [timedelta(hours=100), timedelta(hours=30), timedelta(hours=2)])
def test_cancel_charges_what_the_quote_said_at_the_same_now(world, confirmed, before):
    now = STARTS - before
    quote = booking_cancellation_quote(booking=confirmed, now=now)
    cancelled = booking_cancel(booking=confirmed, by=None, reason="剧本修改", now=now)
    assert cancelled.cancellation_fee == quote.fee
    assert cancelled.cancellation_quote == quote
    cancelled.refresh_from_db()
    assert cancelled.cancellation_fee == quote.fee and cancelled.status == Booking.Status.CANCELLED


def test_quote_then_cancel_through_the_api(world, api, confirmed):
    company = api(world.company_user, world.company)
    url = f"/api/v1/bookings/{confirmed.pk}"
    with pin_now(STARTS - timedelta(hours=30)):
        quote = company.get(f"{url}/cancellation-quote/")
        assert quote.status_code == 200, quote.content
        assert quote.json() == {
            "quoted_at": "2026-12-01T02:00:00+08:00",
            "total": "1200.00",
            "fee": "600.00",
            "tier": {
                "hours_before": 24,
                "fee_percent": "50.00",
                "label": "开始前 24 至 72 小时取消：收取总价的 50%。",
            },
            "deadline": "2026-12-01T08:00:00+08:00",
            "next_fee_percent": "100.00",
        }
        confirmed.refresh_from_db()
        assert confirmed.status == Booking.Status.CONFIRMED  # a quote books and cancels nothing
        cancelled = company.post(f"{url}/cancel/", {"reason": "演员档期变动"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancellation_fee"] == "600.00"
    assert cancelled.json()["cancellation"] == quote.json()


def test_cancelling_a_hold_through_the_api_repeats_its_free_terms(world, api):
    held = BookingFactory(
        production=world.production,
        set=world.set,
        status=Booking.Status.HELD,
        hold_expires_at=timezone.now() + timedelta(hours=1),
    )
    response = api(world.company_user, world.company).post(f"/api/v1/bookings/{held.pk}/cancel/", {})
    assert response.status_code == 200, response.content
    assert response.json()["cancellation"]["fee"] == "0.00"
    assert response.json()["cancellation"]["tier"]["label"] == "尚未确认的预留可免费取消。"


def test_the_quote_has_the_visibility_and_roles_of_the_cancel(world, api, confirmed):
    url = f"/api/v1/bookings/{confirmed.pk}/cancellation-quote/"
    outsider = api(world.company_users[1], world.companies[1])
    assert outsider.get(url).status_code == 404
    assert api(world.operator_user, world.operator).get(url).status_code == 403
    member = MembershipFactory(organization=world.company, role=Membership.Role.MEMBER).user
    assert api(member, world.company).get(url).status_code == 403
    assert api(member, world.company).post(f"/api/v1/bookings/{confirmed.pk}/cancel/").status_code == 403
    finished = BookingFactory(production=world.production, set=world.sets[1], status=Booking.Status.COMPLETED)
    refused = api(world.company_user, world.company).get(
        f"/api/v1/bookings/{finished.pk}/cancellation-quote/"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_status"
