"""A hypothesis state machine drives create / confirm / decline / cancel / expire / reschedule on 3 sets
(one instant-book) under a virtual clock, and checks after every step that no two blocking bookings of a
set overlap (SQL self-join) and that every booking's status agrees with a simple in-memory model."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from bookings.errors import BookingConflict, HoldExpired, InvalidTransition
from bookings.models import Booking
from bookings.services import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_reschedule,
    bookings_expire_due,
)
from locations.models import Set
from tests.bookings.conftest import make_world, morning
from tests.bookings.race import overlapping_pairs

TURNOVER = timedelta(minutes=30)
TTL = timedelta(minutes=30)
BLOCKING = {"held", "confirmed", "checked_in"}


@dataclass
class Modelled:
    set_index: int
    starts_at: datetime
    ends_at: datetime
    status: str
    hold_expires_at: datetime | None


def effective(status: str, hold_expires_at, now) -> str:
    """A hold past its expiry is expired, whether or not a writer has marked it yet."""
    return "expired" if status == "held" and hold_expires_at <= now else status


class BookingMachine(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.now = timezone.now()
        self.day = morning(days=2, hour=6)
        self.model: dict[int, Modelled] = {}

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    # helpers ---------------------------------------------------------------------------------

    def _window(self, slot: int, length: int):
        starts = self.day + timedelta(minutes=30 * slot)
        return starts, starts + timedelta(minutes=30 * length)

    def _blocking(self, pk: int) -> bool:
        item = self.model[pk]
        return effective(item.status, item.hold_expires_at, self.now) in BLOCKING

    def _clashes(self, set_index, starts, ends, exclude=None) -> bool:
        return any(
            pk != exclude
            and item.set_index == set_index
            and self._blocking(pk)
            and item.starts_at - TURNOVER < ends + TURNOVER
            and starts - TURNOVER < item.ends_at + TURNOVER
            for pk, item in self.model.items()
        )

    def _expire_lapsed(self, set_index=None, window=None):
        """Lapsed holds become expired: all of them, those of a set, or those in a window's way."""
        for item in self.model.values():
            if set_index is not None and item.set_index != set_index:
                continue
            if window is not None and not (
                item.starts_at - TURNOVER < window[1] + TURNOVER
                and window[0] - TURNOVER < item.ends_at + TURNOVER
            ):
                continue
            if effective(item.status, item.hold_expires_at, self.now) != item.status:
                item.status = "expired"

    def _booking(self, data):
        pk = data.draw(st.sampled_from(sorted(self.model)))
        return pk, Booking.objects.get(pk=pk)

    # rules -----------------------------------------------------------------------------------

    @rule(
        set_index=st.integers(0, 2),
        company=st.integers(0, 2),
        slot=st.integers(0, 30),
        length=st.integers(2, 10),
    )
    def create(self, set_index, company, slot, length):
        starts, ends = self._window(slot, length)
        expect_conflict = self._clashes(set_index, starts, ends)
        try:
            booking = booking_create(
                set_=self.world.sets[set_index],
                production=self.world.productions[company],
                starts_at=starts,
                ends_at=ends,
                by=None,
                now=self.now,
            )
        except BookingConflict:
            assert expect_conflict
            return
        assert not expect_conflict
        self._expire_lapsed(set_index, window=(starts, ends))  # a create releases the holds in its way
        instant = set_index == 0
        assert booking.status == ("confirmed" if instant else "held")
        self.model[booking.pk] = Modelled(
            set_index, starts, ends, booking.status, None if instant else self.now + TTL
        )

    @rule(data=st.data(), action=st.sampled_from(["confirm", "decline", "cancel"]))
    def transition(self, data, action):
        if not self.model:
            return
        pk, booking = self._booking(data)
        item = self.model[pk]
        status = effective(item.status, item.hold_expires_at, self.now)
        allowed = {"confirm": {"held"}, "decline": {"held"}, "cancel": {"held", "confirmed"}}[action]
        call = {"confirm": booking_confirm, "decline": booking_decline, "cancel": booking_cancel}[action]
        extra = {"reason": "场景检修"} if action == "decline" else {}
        try:
            result = call(booking=booking, by=None, now=self.now, **extra)
        except HoldExpired:
            assert status == "expired", (action, item.status)
            item.status = "expired"
            return
        except InvalidTransition:
            assert status not in allowed, (action, status)
            return
        assert status in allowed
        item.status = result.status
        assert result.status == {"confirm": "confirmed", "decline": "declined", "cancel": "cancelled"}[action]

    @rule(data=st.data(), slot=st.integers(0, 30), length=st.integers(2, 10))
    def reschedule(self, data, slot, length):
        if not self.model:
            return
        pk, booking = self._booking(data)
        item = self.model[pk]
        status = effective(item.status, item.hold_expires_at, self.now)
        starts, ends = self._window(slot, length)
        try:
            result = booking_reschedule(
                booking=booking, starts_at=starts, ends_at=ends, by=None, now=self.now
            )
        except HoldExpired:
            assert status == "expired" and item.status == "held"
            item.status = "expired"
            return
        except InvalidTransition:
            assert status not in {"held", "confirmed"}
            return
        except BookingConflict:
            assert status in {"held", "confirmed"}
            self._expire_lapsed(item.set_index)
            assert self._clashes(item.set_index, starts, ends, exclude=pk)
            return
        assert status in {"held", "confirmed"}
        self._expire_lapsed(item.set_index)
        assert not self._clashes(item.set_index, starts, ends, exclude=pk)
        assert result.pk == pk and result.status == item.status
        item.starts_at, item.ends_at = starts, ends

    @rule(minutes=st.sampled_from([5, 15, 25, 40]))
    def advance_clock(self, minutes):
        if self.now + timedelta(minutes=minutes) < self.day - timedelta(hours=2):
            self.now += timedelta(minutes=minutes)

    @rule()
    def sweep(self):
        lapsed = sum(
            1 for item in self.model.values() if item.status == "held" and item.hold_expires_at <= self.now
        )
        assert bookings_expire_due(now=self.now) == lapsed
        self._expire_lapsed()

    # invariants ------------------------------------------------------------------------------

    @invariant()
    def no_two_blocking_bookings_overlap(self):
        assert overlapping_pairs() == 0

    @invariant()
    def statuses_agree_with_the_model(self):
        rows = Booking.objects.filter(pk__in=list(self.model)).values_list(
            "pk", "status", "hold_expires_at", "starts_at", "ends_at"
        )
        for pk, status, expires, starts, ends in rows:
            item = self.model[pk]
            assert effective(status, expires, self.now) == effective(
                item.status, item.hold_expires_at, self.now
            )
            assert (starts, ends) == (item.starts_at, item.ends_at)


@pytest.mark.django_db
@pytest.mark.slow  # hypothesis: 40 runs of up to 30 steps
def test_state_machine_keeps_bookings_apart_and_agrees_with_the_model():
    world = make_world(
        companies=3,
        sets=3,
        min_notice_minutes=0,
        min_duration_minutes=60,
        max_days_ahead=365,
        max_active_holds_per_company=1000,
    )
    Set.objects.filter(pk=world.sets[0].pk).update(instant_book=True)
    world.sets[0].refresh_from_db()
    BookingMachine.world = world
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
