"""The lifecycle services, the rules (each a 400 naming it) and the sweeps."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.errors import BookingConflict, BookingRuleViolation, HoldExpired, InvalidTransition
from bookings.models import Booking
from bookings.services import (
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_mark_no_show,
    booking_reschedule,
    bookings_expire_due,
    bookings_remind_due,
)
from config.exceptions import ConflictError, DomainError
from locations.models import Set
from notifications.models import Delivery, Event
from notifications.sending import email_render
from tests.bookings.conftest import morning, soon
from tests.factories import BlackoutFactory, OpeningHoursFactory

Status = Booking.Status


def create(world, *, set_=None, company=0, starts=None, hours=4, now=None, **kwargs):
    starts = starts or morning()
    return booking_create(
        set_=set_ or world.set,
        production=world.productions[company],
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        by=world.company_users[company],
        organization=world.companies[company],
        now=now,
        **kwargs,
    )


def test_request_on_a_normal_set_is_held_with_the_base_ttl_and_blocks_with_turnover(world):
    now = timezone.now()
    booking = create(world, now=now)
    assert booking.status == Status.HELD
    assert booking.hold_expires_at == now + timedelta(minutes=30)
    assert booking.blocked_from == booking.starts_at - timedelta(minutes=30)
    assert booking.blocked_until == booking.ends_at + timedelta(minutes=30)
    assert booking.company == world.company
    assert Event.objects.filter(type="booking.requested", subject_id=str(booking.pk)).count() == 1


def test_request_on_an_instant_book_set_is_confirmed_at_once(world):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    booking = create(world)
    assert booking.status == Status.CONFIRMED
    assert booking.confirmed_at is not None
    (event,) = Event.objects.filter(subject_id=str(booking.pk))
    assert event.type == "booking.confirmed"
    assert set(event.audience.all()) == {world.company, world.operator}


def test_second_overlapping_hold_gets_409_naming_the_window_but_not_the_company(world):
    create(world, company=0)
    with pytest.raises(BookingConflict) as caught:
        create(world, company=1, starts=morning(hour=11))
    message = str(caught.value.detail)
    assert "07:30" in message and "12:30" in message
    assert world.companies[0].name not in message and world.companies[0].short_name not in message


def test_turnover_on_both_sides_separates_back_to_back_crews(world):
    create(world, company=0, starts=morning(hour=8))  # blocked 07:30–12:30
    with pytest.raises(BookingConflict):
        create(world, company=1, starts=morning(hour=12, minute=30))  # blocked from 12:00
    assert create(world, company=1, starts=morning(hour=13)).status == Status.HELD


@pytest.mark.parametrize(
    ("change", "starts", "hours", "code"),
    [
        ({}, soon, 4, "min_notice"),
        ({}, lambda now: morning(days=70), 4, "max_days_ahead"),
        ({"min_duration_minutes": 120}, lambda now: morning(), 1, "min_duration"),
        ({"max_duration_minutes": 120}, lambda now: morning(), 4, "max_duration"),
        ({}, lambda now: morning(minute=15), 4, "slot_step"),
        ({"is_active": False}, lambda now: morning(), 4, "set_inactive"),
    ],
)
def test_each_rule_violation_is_a_400_naming_the_rule(world, change, starts, hours, code):
    """Times are built when the test runs, from the same ``now`` the service is given."""
    if change:
        type(world.base).objects.filter(pk=world.base.pk).update(**change)
    now = timezone.now()
    with pytest.raises(BookingRuleViolation) as caught:
        create(world, starts=starts(now), hours=hours, now=now)
    assert caught.value.code == code
    assert caught.value.status_code == 400


def test_opening_hours_and_blackouts_are_rules(world):
    starts = morning()
    OpeningHoursFactory(base=world.base, weekday=starts.weekday(), opens=time(9, 0), closes=time(22, 0))
    with pytest.raises(BookingRuleViolation) as caught:
        create(world, starts=starts)
    assert caught.value.code == "opening_hours"
    later = morning(hour=10)
    BlackoutFactory(set=world.set, starts_at=later + timedelta(hours=2), ends_at=later + timedelta(hours=3))
    with pytest.raises(BookingRuleViolation) as caught:
        create(world, starts=later)
    assert caught.value.code == "blackout"


def test_an_inactive_set_is_a_rule_violation(world):
    Set.objects.filter(pk=world.set.pk).update(is_active=False)
    with pytest.raises(BookingRuleViolation) as caught:
        create(world)
    assert caught.value.code == "set_inactive"


def test_holds_per_company_per_base_are_capped(world):
    type(world.base).objects.filter(pk=world.base.pk).update(max_active_holds_per_company=2)
    create(world, set_=world.sets[0])
    create(world, set_=world.sets[1])
    with pytest.raises(BookingRuleViolation) as caught:
        create(world, set_=world.sets[2])
    assert caught.value.code == "max_active_holds"
    # another company is not affected
    assert create(world, set_=world.sets[2], company=1).status == Status.HELD


def test_a_production_of_another_company_is_refused(world):
    with pytest.raises(DomainError) as caught:
        booking_create(
            set_=world.set,
            production=world.productions[1],
            starts_at=morning(),
            ends_at=morning(hour=12),
            by=world.company_user,
            organization=world.company,
        )
    assert caught.value.code == "production_not_yours"


def test_expired_hold_frees_the_slot_for_another_company_and_confirming_it_then_is_409(world):
    now = timezone.now()
    first = create(world, company=0, now=now)
    later = now + timedelta(minutes=31)
    second = create(world, company=1, now=later)
    assert second.status == Status.HELD
    first.refresh_from_db()
    assert first.status == Status.EXPIRED
    with pytest.raises(HoldExpired):
        booking_confirm(booking=first, by=world.operator_user, now=later)


def test_confirming_a_lapsed_hold_expires_it_and_answers_409(world):
    now = timezone.now()
    booking = create(world, now=now)
    with pytest.raises(HoldExpired):
        booking_confirm(booking=booking, by=world.operator_user, now=now + timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED
    assert Event.objects.filter(type="booking.expired", subject_id=str(booking.pk)).count() == 1


def test_sweep_expires_due_holds_once(world):
    now = timezone.now()
    booking = create(world, now=now)
    assert bookings_expire_due(now=now + timedelta(minutes=10)) == 0
    assert bookings_expire_due(now=now + timedelta(minutes=30)) == 1
    assert bookings_expire_due(now=now + timedelta(minutes=31)) == 0
    booking.refresh_from_db()
    assert booking.status == Status.EXPIRED


def test_confirm_decline_and_their_wrong_states(world):
    held = create(world)
    confirmed = booking_confirm(booking=held, by=world.operator_user)
    assert confirmed.status == Status.CONFIRMED
    with pytest.raises(InvalidTransition):
        booking_confirm(booking=held, by=world.operator_user)
    with pytest.raises(InvalidTransition):
        booking_decline(booking=held, by=world.operator_user, reason="场景检修")
    other = create(world, set_=world.sets[1], company=1)
    declined = booking_decline(booking=other, by=world.operator_user, reason="场景检修")
    assert declined.status == Status.DECLINED and declined.decline_reason == "场景检修"
    # a declined booking no longer blocks
    assert create(world, set_=world.sets[1], company=2).status == Status.HELD


def test_reschedule_keeps_the_identity_and_rechecks_everything(world):
    booking = create(world)
    create(world, set_=world.set, company=1, starts=morning(hour=14))  # blocked 13:30–18:30
    with pytest.raises(BookingConflict):
        booking_reschedule(booking=booking, starts_at=morning(hour=13), ends_at=morning(hour=15), by=None)
    with pytest.raises(BookingRuleViolation) as caught:
        booking_reschedule(booking=booking, starts_at=morning(minute=10), ends_at=morning(hour=12), by=None)
    assert caught.value.code == "slot_step"
    moved = booking_reschedule(
        booking=booking, starts_at=morning(days=4), ends_at=morning(days=4, hour=20), by=None
    )
    assert moved.pk == booking.pk and moved.status == Status.HELD
    assert moved.total_price == 3600 and moved.price_breakdown["minutes"] == 12 * 60
    assert moved.blocked_until == morning(days=4, hour=20, minute=30)
    # the old window is free again
    assert create(world, company=2).status == Status.HELD


def test_cancellation_fee_follows_the_policy_tiers(world):
    Set.objects.filter(pk__in=[s.pk for s in world.sets]).update(instant_book=True)
    starts = morning(days=5)
    booking = create(world, starts=starts)  # 4 h × 300 = 1200
    cancelled = booking_cancel(
        booking=booking, by=None, reason="演员档期变动", now=starts - timedelta(hours=80)
    )
    assert cancelled.cancellation_fee == 0
    assert cancelled.status == Status.CANCELLED and cancelled.cancellation_reason == "演员档期变动"
    booking = create(world, starts=starts)
    assert booking_cancel(booking=booking, by=None, now=starts - timedelta(hours=30)).cancellation_fee == 600
    booking = create(world, starts=starts)
    assert booking_cancel(booking=booking, by=None, now=starts - timedelta(hours=2)).cancellation_fee == 1200


def test_cancelling_a_hold_is_free(world):
    booking = create(world, starts=morning(days=1, hour=20))
    assert booking_cancel(booking=booking, by=None).cancellation_fee == 0


def test_check_in_and_out_bill_overtime_past_the_grace(world):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    starts = morning()
    booking = create(world, starts=starts, hours=10)
    booking = booking_check_in(booking=booking, by=world.operator_user, now=starts)
    assert booking.status == Status.CHECKED_IN and booking.checked_in_at == starts
    out = booking.ends_at + timedelta(minutes=95)
    booking = booking_check_out(booking=booking, by=world.operator_user, now=out)
    assert booking.status == Status.COMPLETED
    assert booking.overtime_minutes == 95
    assert booking.overtime_fee == 600  # 2 started hours × 300


def test_no_show_only_after_the_grace_and_charged_like_the_latest_cancellation(world):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    starts = morning()
    booking = create(world, starts=starts)
    with pytest.raises(InvalidTransition):
        booking_mark_no_show(booking=booking, by=None, now=starts + timedelta(minutes=30))
    booking = booking_mark_no_show(booking=booking, by=None, now=starts + timedelta(hours=3))
    assert booking.status == Status.NO_SHOW and booking.cancellation_fee == 1200


def test_reminder_is_one_digest_a_day_of_tomorrows_bookings(world):
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    starts = morning(days=2)
    first = create(world, starts=starts)
    second = create(world, starts=starts + timedelta(hours=5))
    later = create(world, starts=starts + timedelta(days=1))
    day_before = starts - timedelta(days=1)
    assert bookings_remind_due(now=day_before.replace(hour=15)) == 0  # before the digest hour
    assert bookings_remind_due(now=day_before.replace(hour=16, minute=30)) == 1
    assert bookings_remind_due(now=day_before.replace(hour=20)) == 0  # a second run the same day
    (digest,) = Event.objects.filter(type="booking.reminder")
    assert digest.payload["date"] == timezone.localtime(starts).date().isoformat()
    assert [line["booking"] for line in digest.payload["bookings"]] == [first.pk, second.pk]
    assert list(digest.audience.all()) == [world.company]
    (delivery,) = Delivery.objects.filter(event=digest, channel=Delivery.Channel.EMAIL)
    day = timezone.localtime(starts)
    subject = email_render(delivery).subject
    assert subject.startswith(f"【拍摄圈】明日预订：{day.year}年{day.month}月{day.day}日")
    # on the day itself, today's bookings are not announced again; tomorrow's (``later``) are
    assert bookings_remind_due(now=starts.replace(hour=17)) == 1
    assert (
        Event.objects.filter(type="booking.reminder")
        .latest("created_at", "id")
        .payload["bookings"][0]["booking"]
        == later.pk
    )


def test_a_base_requiring_preliminary_review_confirms_only_productions_past_it(world):
    from review.models import ReviewSubmission
    from tests.factories import ReviewSubmissionFactory

    type(world.base).objects.filter(pk=world.base.pk).update(requires_preliminary_review=True)
    booking = create(world)
    with pytest.raises(ConflictError) as caught:
        booking_confirm(booking=booking, by=world.operator_user)
    assert caught.value.code == "preliminary_review_required"
    ReviewSubmissionFactory(production=world.production, stage=ReviewSubmission.Stage.CONTENT_AUDIT)
    assert booking_confirm(booking=booking, by=world.operator_user).status == Status.CONFIRMED


def test_a_deposit_never_exceeds_the_price(world):
    """One hour of a ¥300/h set costs ¥300: its ¥1,000 deposit is capped at the price; a day keeps it."""
    starts = morning(days=3)
    asked = starts - timedelta(days=1)
    short = booking_create(
        set_=world.set, production=world.production, starts_at=starts, ends_at=starts + timedelta(hours=1),
        by=world.company_user, now=asked,
    )  # fmt: skip
    assert (short.total_price, short.deposit) == (Decimal("300.00"), Decimal("300.00"))
    assert short.price_breakdown["deposit"] == "300.00"
    day = booking_create(
        set_=world.sets[1], production=world.production, starts_at=starts,
        ends_at=starts + timedelta(hours=8), by=world.company_user, now=asked,
    )  # fmt: skip
    assert (day.total_price, day.deposit) == (Decimal("2400.00"), Decimal("1000.00"))
