"""The checks every booking write makes under its locks (``bookings.services.locks``): the blocked
period and what is in the way of it (lapsed holds told apart), the insert guarded by the exclusion
constraint, the status an action needs, an expired hold, the preliminary-review gate, and whether a
waiter's window is free.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import pricing
from bookings.errors import BookingConflict, HoldExpired
from bookings.models import NO_OVERLAP_CONSTRAINT, Booking
from config.compiled import CompiledInsert, CompiledQuery
from config.exceptions import ConflictError
from config.localtime import local_text
from locations.models import Set


def blocked_period(set_: Set, starts_at: datetime, ends_at: datetime) -> tuple[int, datetime, datetime]:
    turnover = set_.effective_turnover_minutes
    return turnover, starts_at - timedelta(minutes=turnover), ends_at + timedelta(minutes=turnover)


def booking_window(set_: Set, starts_at: datetime, ends_at: datetime) -> dict:
    """A booking's fields that follow from its window on ``set_``: the times, the blocked period around
    them and the price quoted for them."""
    turnover, blocked_from, blocked_until = blocked_period(set_, starts_at, ends_at)
    quote = pricing.quote(set_, starts_at, ends_at)
    return {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "turnover_minutes": turnover,
        "blocked_from": blocked_from,
        "blocked_until": blocked_until,
        "price_breakdown": quote.breakdown,
        "total_price": quote.total,
        "deposit": quote.deposit,
    }


def blocking_rows(
    set_: Set, blocked_from: datetime, blocked_until: datetime, exclude: int | None = None
) -> list[tuple[int, str, datetime | None, datetime, datetime]]:
    """``(pk, status, hold_expires_at, blocked_from, blocked_until)`` of the set's blocking bookings whose
    blocked period overlaps ``[blocked_from, blocked_until)``, earliest first, lapsed holds included.

    The one read of "what is in the way" that booking writes and the availability answer share.
    """
    if exclude is None:
        found = _BLOCKING_ROWS.run(set_id=set_.pk, blocked_from=blocked_from, blocked_until=blocked_until)
        if found is not None:
            return found
    return list(_blocking_rows(set_.pk, blocked_from, blocked_until, exclude))


def _blocking_rows(set_id, blocked_from, blocked_until, exclude=None):
    clash = Booking.objects.filter(
        set_id=set_id,
        status__in=Booking.BLOCKING,
        blocked_from__lt=blocked_until,
        blocked_until__gt=blocked_from,
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    return clash.order_by("blocked_from").values_list(
        "pk", "status", "hold_expires_at", "blocked_from", "blocked_until"
    )


#: ``blocking_rows`` without ``exclude`` (every create), compiled once per process
_BLOCKING_ROWS = CompiledQuery(_blocking_rows, set_id=int, blocked_from=datetime, blocked_until=datetime)


#: a new booking's ``INSERT``, compiled once per process
_INSERT_BOOKING = CompiledInsert(Booking)


def window_is_free(set_: Set, starts_at: datetime, ends_at: datetime) -> bool:
    """No blocking booking (a lapsed hold not yet released included) is in the way of the window."""
    turnover = timedelta(minutes=set_.effective_turnover_minutes)
    return not Booking.objects.filter(
        set=set_,
        status__in=Booking.BLOCKING,
        blocked_from__lt=ends_at + turnover,
        blocked_until__gt=starts_at - turnover,
    ).exists()


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
            if kwargs:
                booking.save(**kwargs)
            else:  # a new booking by the INSERT compiled once (an existing one by ``save()`` itself)
                _INSERT_BOOKING.save(booking)
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
    from review.selectors import production_passed_preliminary

    if not production_passed_preliminary(production):
        raise ConflictError(
            _("%(base)s confirms bookings only for productions that passed preliminary review.")
            % {"base": base.name},
            code="preliminary_review_required",
        )
