"""What every booking write shares: the transaction with its lock timeout, locks in a fixed order,
releasing lapsed holds, the overlap check and the insert guarded by the exclusion constraint.

Lock order, everywhere: the company row (only when a hold is being added: the holds cap), then sets
by ascending id, then bookings. Nothing locks in another order, so two writers never deadlock; a
writer that waits longer than ``BOOKINGS_LOCK_TIMEOUT_MS`` gets 409 "busy, retry".

A window a write frees (a hold released on the way, a cancellation, the old place of a moved
booking) is passed to the waitlist at the end of the write, still under its locks: the offer, which
holds the window for the waiter, never takes a window from under the write that freed it.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from bookings import conf
from bookings.errors import BOOKING_ACTIONS, BookingBusy, BookingConflict, HoldExpired, InvalidTransition
from bookings.models import NO_OVERLAP_CONSTRAINT, Booking
from config.exceptions import ConflictError
from config.localtime import local_text
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


def blocked_period(set_: Set, starts_at: datetime, ends_at: datetime) -> tuple[int, datetime, datetime]:
    turnover = set_.effective_turnover_minutes
    return turnover, starts_at - timedelta(minutes=turnover), ends_at + timedelta(minutes=turnover)


def blocking_rows(
    set_: Set, blocked_from: datetime, blocked_until: datetime, exclude: int | None = None
) -> list[tuple[int, str, datetime | None, datetime, datetime]]:
    """``(pk, status, hold_expires_at, blocked_from, blocked_until)`` of the set's blocking bookings whose
    blocked period overlaps ``[blocked_from, blocked_until)``, earliest first, lapsed holds included.

    The one read of "what is in the way" that booking writes and the availability answer share.
    """
    clash = Booking.objects.filter(
        set=set_, status__in=Booking.BLOCKING, blocked_from__lt=blocked_until, blocked_until__gt=blocked_from
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    return list(
        clash.order_by("blocked_from").values_list(
            "pk", "status", "hold_expires_at", "blocked_from", "blocked_until"
        )
    )


def is_lapsed_hold(status: str, hold_expires_at: datetime | None, now: datetime) -> bool:
    """A hold whose time ran out by ``now`` no longer blocks, whether or not a sweep has marked it yet."""
    return status == Booking.Status.HELD and hold_expires_at <= now


def check_free(
    set_: Set,
    blocked_from: datetime,
    blocked_until: datetime,
    *,
    exclude: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """409 naming the first blocking period that overlaps (never who holds it).

    Given ``now``, an overlapping hold that lapsed by then does not count: its id is returned for the
    caller to expire before writing (one query for both questions, the common answer being "none").
    """
    lapsed = []
    for pk, status, hold_expires_at, starts, ends in blocking_rows(
        set_, blocked_from, blocked_until, exclude
    ):
        if now is not None and is_lapsed_hold(status, hold_expires_at, now):
            lapsed.append(pk)
            continue
        raise BookingConflict(
            _("%(set)s is already taken from %(start)s to %(end)s (turnover included).")
            % {"set": set_.name, "start": local_text(starts), "end": local_text(ends)},
            fields={
                "starts_at": [
                    _("Overlaps %(start)s–%(end)s.") % {"start": local_text(starts), "end": local_text(ends)}
                ]
            },
        )
    return lapsed


def save_blocking(booking: Booking, **kwargs) -> None:
    """Save a booking that blocks its set; losing to the exclusion constraint is the same 409.

    No savepoint of its own (two round trips saved on every create): the 409 aborts the caller's
    transaction, and a caller that carries on after a refusal (a batch with ``skip_conflicts``) wraps
    each item in its own savepoint.
    """
    try:
        with transaction.atomic(savepoint=False):
            booking.save(**kwargs)
    except IntegrityError as exc:
        if NO_OVERLAP_CONSTRAINT in str(exc):
            raise BookingConflict(
                _("%(set)s was just booked by another request for a time overlapping %(start)s–%(end)s.")
                % {
                    "set": booking.set.name,
                    "start": local_text(booking.starts_at),
                    "end": local_text(booking.ends_at),
                }
            ) from None
        raise


def require_status(booking: Booking, allowed: Iterable[str], action: str) -> None:
    """409 unless the booking's status allows ``action`` (a key of ``BOOKING_ACTIONS``)."""
    phrase = BOOKING_ACTIONS[action]
    if booking.status not in allowed:
        raise InvalidTransition(
            _("A booking with status “%(status)s” cannot %(action)s.")
            % {"status": booking.get_status_display(), "action": phrase},
            fields={"status": [booking.status]},
        )
    if booking.waitlist_offer:
        raise InvalidTransition(
            _(
                "This hold is a waitlist offer to the company: until it accepts the offer (or declines it) "
                "through its waitlist entry, the booking cannot %(action)s."
            )
            % {"action": phrase},
            code="waitlist_offer_pending",
            fields={"status": [booking.status]},
        )


def hold_lapsed(booking: Booking, now: datetime) -> bool:
    return is_lapsed_hold(booking.status, booking.hold_expires_at, now)


def hold_expired_error(booking: Booking) -> HoldExpired:
    return HoldExpired(
        _("The hold expired at %(at)s; the set is no longer reserved.")
        % {"at": local_text(booking.hold_expires_at)}
    )


def review_gate(production, base) -> None:
    """Bases that require it accept confirmed bookings only for productions past preliminary review."""
    if not getattr(base, "requires_preliminary_review", False):
        return
    from studio.review.selectors import production_passed_preliminary

    if not production_passed_preliminary(production):
        raise ConflictError(
            _("%(base)s confirms bookings only for productions that passed preliminary review.")
            % {"base": base.name},
            code="preliminary_review_required",
        )
