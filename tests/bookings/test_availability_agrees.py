"""A set's availability and the booking rules agree (hypothesis, PostgreSQL).

On random sets (grid, minimum duration, notice, horizon, turnover of the base and of the set, opening
hours, blackouts of the set and of the base, bookings and holds of other companies, live and lapsed,
with turnovers of their own) and a pinned ``now``, every window of the base's minimum duration on its
grid through one day is booked (``booking_create`` at ``now``, rolled back each time): it succeeds
exactly when it lies inside one of the ``free`` intervals the availability answers, and otherwise
fails with a conflict or a broken rule, never anything else.
"""

from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.errors import BookingConflict, BookingRuleViolation
from bookings.models import Booking
from bookings.services import booking_create
from locations.models import Base, Blackout, OpeningHours, Set
from locations.selectors import set_busy_intervals, set_free_intervals
from tests.bookings.conftest import make_world
from tests.conftest import require_postgresql
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 9, 17, tzinfo=TZ)  # a Monday, off the grid on purpose
STATUSES = ["held", "lapsed", "confirmed", "checked_in", "cancelled", "expired"]


def _midnight(days: int) -> datetime:
    return datetime.combine(NOW.date() + timedelta(days=days), time(0), tzinfo=TZ)


booking_strategy = st.fixed_dictionaries(
    {
        "start": st.integers(-4 * 12, 26 * 12),  # five-minute steps from the day's midnight
        "length": st.integers(6, 8 * 12),
        "turnover": st.sampled_from([0, 15, 30, 45]),
        "status": st.sampled_from(STATUSES),
        "company": st.integers(1, 2),
        "other_set": st.integers(0, 4).map(lambda n: n == 0),
    }
)
blackout_strategy = st.fixed_dictionaries(
    {
        "start": st.integers(-12 * 4, 36 * 4),  # quarters from the day's midnight
        "length": st.integers(1, 6 * 4),
        "whole_base": st.booleans(),
    }
)
hours_strategy = st.one_of(
    st.none(),
    st.tuples(
        st.integers(0, 47), st.integers(0, 47)
    ),  # opens, closes in half hours (closes ≤ opens: overnight)
)
case_strategy = st.fixed_dictionaries(
    {
        "day": st.integers(0, 3),
        "step": st.sampled_from([30, 60]),
        "min_steps": st.integers(1, 4),
        "min_notice": st.sampled_from([0, 45, 120, 0, 45, 24 * 60]),
        "horizon": st.sampled_from([-1, 0, 1, 1, 2]),  # max_days_ahead − day (at least 1 day)
        "base_turnover": st.sampled_from([0, 15, 30, 45]),
        "set_turnover": st.sampled_from([None, 0, 20, 30, 60]),
        "instant": st.booleans(),
        "hours": st.tuples(hours_strategy, hours_strategy),  # the day before, the day
        "blackouts": st.lists(blackout_strategy, max_size=3),
        "bookings": st.lists(booking_strategy, max_size=10),
    }
)


def _overlaps(a_from, a_until, b_from, b_until) -> bool:
    return a_from < b_until and b_from < a_until


def _build(world, case) -> Set:
    base, set_ = world.base, world.set
    step = case["step"]
    Base.objects.filter(pk=base.pk).update(
        slot_step_minutes=step,
        min_duration_minutes=step * case["min_steps"],
        max_duration_minutes=24 * 60,
        min_notice_minutes=case["min_notice"],
        max_days_ahead=max(1, case["day"] + case["horizon"]),
        default_turnover_minutes=case["base_turnover"],
        max_active_holds_per_company=1000,
    )
    Set.objects.filter(pk=set_.pk).update(turnover_minutes=case["set_turnover"], instant_book=case["instant"])
    day = _midnight(case["day"])
    for offset, hours in zip((-1, 0), case["hours"], strict=True):
        if hours is not None:
            weekday = (day + timedelta(days=offset)).weekday()
            OpeningHours.objects.create(
                base=base, weekday=weekday, opens=_half_hour(hours[0]), closes=_half_hour(hours[1])
            )
    for item in case["blackouts"]:
        starts = day + timedelta(minutes=15 * item["start"])
        Blackout.objects.create(
            set=None if item["whole_base"] else set_,
            base=base if item["whole_base"] else None,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=15 * item["length"]),
            reason="检修",
        )
    placed = []  # (set, blocked_from, blocked_until) of blocking rows: the exclusion constraint's view
    for item in case["bookings"]:
        target = world.sets[1] if item["other_set"] else set_
        starts = day + timedelta(minutes=5 * item["start"])
        ends = starts + timedelta(minutes=5 * item["length"])
        turnover = timedelta(minutes=item["turnover"])
        status = "held" if item["status"] == "lapsed" else item["status"]
        if status in Booking.BLOCKING:
            if any(
                s == target.pk and _overlaps(f, u, starts - turnover, ends + turnover) for s, f, u in placed
            ):
                continue
            placed.append((target.pk, starts - turnover, ends + turnover))
        BookingFactory(
            set=target,
            production=world.productions[item["company"]],
            status=status,
            starts_at=starts,
            ends_at=ends,
            turnover_minutes=item["turnover"],
            hold_expires_at=(
                NOW + timedelta(minutes=-1 if item["status"] == "lapsed" else 30)
                if status == "held"
                else None
            ),
        )
    set_.refresh_from_db()
    set_.base.refresh_from_db()
    return set_


def _half_hour(n: int) -> time:
    return time(n // 2, 30 * (n % 2))


def _book(world, set_, starts, ends) -> str | None:
    """Book at ``NOW`` and roll back: None when it succeeded, else the refusal's code."""
    savepoint = transaction.savepoint()
    try:
        booking_create(
            set_=Set.objects.get(pk=set_.pk),
            production=world.production,
            starts_at=starts,
            ends_at=ends,
            by=None,
            now=NOW,
        )
    except (BookingConflict, BookingRuleViolation) as refusal:
        return refusal.code
    finally:
        transaction.savepoint_rollback(savepoint)
    return None


@pytest.mark.slow  # 25 hypothesis days, every slot of each tried as a booking
def test_every_slot_availability_calls_free_can_be_booked_and_no_other():
    require_postgresql()
    world = make_world(companies=3, sets=2)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(case=case_strategy)
    def check(case):
        savepoint = transaction.savepoint()
        try:
            set_ = _build(world, case)
            day = _midnight(case["day"])
            busy = set_busy_intervals(set_, day, day + timedelta(days=1), viewer=world.company, now=NOW)
            free = set_free_intervals(busy, day, day + timedelta(days=1))
            step = timedelta(minutes=case["step"])
            length = step * case["min_steps"]
            starts = day
            while starts + length <= day + timedelta(days=1):
                ends = starts + length
                shown_free = any(a <= starts and ends <= b for a, b in free)
                refusal = _book(world, set_, starts, ends)
                assert (refusal is None) == shown_free, (starts.time(), ends.time(), refusal, free, busy)
                starts += step
        finally:
            transaction.savepoint_rollback(savepoint)

    check()


def _at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    return _midnight(days) + timedelta(hours=hour, minutes=minute)


def test_a_booking_ending_at_15_with_30_minutes_turnover_keeps_15_30_busy_and_16_00_free(api):
    """The finding: availability showed 15:30 free after a booking ending 15:00 (turnover 30), booking
    15:30 was a 409. Both blocked periods carry a turnover, so the first start both allow is 16:00."""
    world = make_world(default_turnover_minutes=30, min_notice_minutes=60, slot_step_minutes=30)
    BookingFactory(
        set=world.set,
        production=world.productions[1],
        starts_at=_at(13),
        ends_at=_at(15),
        turnover_minutes=30,
    )
    client = api(world.company_user, world.company)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        answer = client.get(f"/api/v1/sets/{world.set.pk}/availability/", {"date": _at(0).date().isoformat()})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        free = [
            (datetime.fromisoformat(i["starts_at"]), datetime.fromisoformat(i["ends_at"]))
            for i in body["free"]
        ]
        busy = {
            (i["kind"], datetime.fromisoformat(i["starts_at"]), datetime.fromisoformat(i["ends_at"]))
            for i in body["busy"]
        }
        assert ("booking", _at(12, 30), _at(15, 30)) in busy
        assert ("turnover", _at(15, 30), _at(16)) in busy
        assert not any(a <= _at(15, 30) < b for a, b in free)
        assert any(a <= _at(16) and _at(17) <= b for a, b in free)

        def book(starts):
            return client.post(
                "/api/v1/bookings/",
                {
                    "set": world.set.pk,
                    "production": world.production.pk,
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=1)).isoformat(),
                },
                format="json",
            )

        assert book(_at(15, 30)).status_code == 409
        assert book(_at(16)).status_code == 201


def test_a_lapsed_hold_is_free_for_availability_and_booking():
    world = make_world(min_notice_minutes=0)
    BookingFactory(
        set=world.set,
        production=world.productions[1],
        status=Booking.Status.HELD,
        starts_at=_at(10),
        ends_at=_at(12),
        hold_expires_at=NOW - timedelta(minutes=1),
    )
    day = _at(0)
    busy = set_busy_intervals(world.set, day, day + timedelta(days=1), viewer=world.company, now=NOW)
    assert [b for b in busy if b.kind in {"booking", "turnover"}] == []
    assert _book(world, world.set, _at(10), _at(12)) is None


def test_notice_and_horizon_are_busy_from_the_grid_times_the_rules_allow():
    world = make_world(min_notice_minutes=60, max_days_ahead=1, min_duration_minutes=60, slot_step_minutes=30)
    today, tomorrow = _midnight(0), _midnight(1)
    busy = set_busy_intervals(world.set, today, today + timedelta(days=2), viewer=world.company, now=NOW)
    kinds = {(b.kind, b.starts_at, b.ends_at) for b in busy}
    # now 09:17 + 60 minutes notice: the first start on the grid is 10:30; the latest start is
    # tomorrow 09:00 (09:17 floored to the grid), so a minimum-length window ends by 10:00 at the latest
    assert ("notice", today, today + timedelta(hours=10, minutes=30)) in kinds
    assert ("horizon", tomorrow + timedelta(hours=10), tomorrow + timedelta(days=1)) in kinds
    assert _book(world, world.set, today + timedelta(hours=10), today + timedelta(hours=11)) == "min_notice"
    assert (
        _book(
            world, world.set, today + timedelta(hours=10, minutes=30), today + timedelta(hours=11, minutes=30)
        )
        is None
    )
    assert _book(world, world.set, tomorrow + timedelta(hours=9), tomorrow + timedelta(hours=10)) is None
    assert (
        _book(
            world,
            world.set,
            tomorrow + timedelta(hours=9, minutes=30),
            tomorrow + timedelta(hours=10, minutes=30),
        )
        == "max_days_ahead"
    )
