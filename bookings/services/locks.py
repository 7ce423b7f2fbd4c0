"""How every booking write locks: one transaction with its lock timeout, rows locked in one order.

Lock order, everywhere: the company row (only when a hold is being added: the holds cap), then sets
by ascending id, then bookings. Nothing locks in another order, so two writers never deadlock; a
writer that waits longer than ``BOOKINGS_LOCK_TIMEOUT_MS`` gets 409 "busy, retry" (``config.locking``).

A window a write frees (a hold released on the way, a cancellation, the old place of a moved
booking) is passed to the waitlist at the end of the write, still under its locks: the offer, which
holds the window for the waiter, never takes a window from under the write that freed it.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db.models import Prefetch, prefetch_related_objects

from bookings import conf
from bookings.errors import BookingBusy
from bookings.models import Booking
from config.locking import lock, lock_many, locked_transaction
from locations.models import OpeningHours, Set
from studio.models import Organization

#: the windows freed by the booking write in progress, offered to the waitlist when it is done
_freed_windows: ContextVar[list | None] = ContextVar("freed_windows", default=None)


def defer_offer(set_: Set, freed_from: datetime, freed_until: datetime, now: datetime) -> bool:
    """Keep a freed window for the end of the booking write in progress; False outside one."""
    pending = _freed_windows.get()
    if pending is None:
        return False
    pending.append((set_, freed_from, freed_until, now))
    return True


@contextmanager
def _offers_after_write():
    if _freed_windows.get() is not None:  # an inner transaction: the outermost one offers
        yield
        return
    pending: list = []
    token = _freed_windows.set(pending)
    try:
        yield
    finally:
        _freed_windows.reset(token)
    if pending:
        from bookings.services.waitlist import offer_freed_window

        for set_, freed_from, freed_until, now in pending:
            offer_freed_window(set_, freed_from, freed_until, now=now)


@contextmanager
def booking_transaction():
    """One transaction whose lock waits are capped; a lock not granted in time is a 409 "busy"."""
    with locked_transaction(timeout_ms=conf.lock_timeout_ms(), busy=BookingBusy), _offers_after_write():
        yield


def lock_company(company: Organization) -> None:
    lock(Organization, company.pk)


def lock_sets(set_ids: Iterable[int]) -> dict[int, Set]:
    """Lock the sets' rows in ascending id order; return them with base, operator and opening hours."""
    sets = lock_many(Set, set_ids, related=("base__operator",), only_self=True)
    if sets:
        # By the columns themselves: the model's ordering ("base") would join the bases to sort by name.
        hours = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("base_id", "weekday"))
        prefetch_related_objects([set_.base for set_ in sets.values()], hours)
    return sets


def lock_booking(pk: int) -> Booking:
    return lock(Booking, pk, related=("set__base__operator", "company", "production"), only_self=True)
