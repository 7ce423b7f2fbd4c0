"""The booking lifecycle: request, confirm, decline, cancel, reschedule, check in/out, no-show, expire.

``held → confirmed → checked_in → completed``; ``held → declined | expired``; ``held|confirmed →
cancelled``; ``confirmed → no_show``. Every path into a blocking status (create, confirm, reschedule)
locks the set, releases lapsed holds of that set, checks the rules and the overlap, and writes under
the exclusion constraint. Each change records one event (see ``bookings.notify``).

``now`` may be passed by tests and sweeps; it defaults to the current time.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import conf, pricing, rules
from bookings.errors import BookingRuleViolation, CheckInWindow, CheckOutWindow, InvalidTransition
from bookings.models import Booking
from bookings.notify import booking_event
from bookings.services import waitlist
from bookings.services.guards import (
    blocked_period,
    booking_window,
    check_free,
    hold_expired_error,
    hold_lapsed,
    review_gate,
    save_blocking,
)
from bookings.services.locks import booking_transaction, lock_company, lock_sets
from bookings.workflow import BOOKINGS, WAITLIST, NotDue
from config.exceptions import DomainError
from config.localtime import local_iso, local_text
from locations.models import Set
from studio.models import Organization, Production

Status = Booking.Status


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def release_lapsed_holds(set_ids, now: datetime, *, pks: list[int] | None = None) -> int:
    """Expire the lapsed holds of these (locked) sets, so that they stop blocking in this transaction.

    ``pks`` narrows it to those bookings (the lapsed holds ``check_free`` found in the way).
    """
    due = Booking.objects.filter(set_id__in=list(set_ids), status=Status.HELD, hold_expires_at__lte=now)
    if pks is not None:
        due = due.filter(pk__in=pks)
    elif not due.exists():  # the common case, kept to one light query
        return 0
    lapsed = list(
        due.select_for_update(of=("self",))
        .select_related("set__base__operator", "company", "production")
        .order_by("pk")
    )
    for booking in lapsed:
        BOOKINGS.expire_locked(booking, now)
    return len(lapsed)


def _check_holds_cap(company: Organization, set_: Set, now: datetime) -> None:
    base = set_.base
    # a window the waitlist holds for the company is no hold it asked for: it does not count
    active = Booking.objects.filter(
        company=company, set__base=base, status=Status.HELD, hold_expires_at__gt=now, waitlist_offer=False
    ).count()
    if active >= base.max_active_holds_per_company:
        raise BookingRuleViolation(
            _("Your company already holds %(n)d unconfirmed bookings at %(base)s, the most it allows.")
            % {"n": active, "base": base.name},
            code="max_active_holds",
            fields={"set": [_("Too many holds at this base.")]},
        )


def check_production(production: Production, organization: Organization | None) -> None:
    if organization is not None and production.company_id != organization.pk:
        raise DomainError(
            _("This production belongs to another company."),
            code="production_not_yours",
            fields={"production": [_("Not one of your productions.")]},
        )


def create_locked(
    *,
    set_: Set,
    production: Production,
    starts_at: datetime,
    ends_at: datetime,
    by,
    now: datetime,
    note: str = "",
    batch: UUID | None = None,
) -> Booking:
    """Create a booking on an already locked set; lapsed holds in the way are expired first."""
    rules.check_window(set_, starts_at, ends_at, now=now)
    _turnover, blocked_from, blocked_until = blocked_period(set_, starts_at, ends_at)
    lapsed = check_free(set_, blocked_from, blocked_until, now=now)
    if lapsed:
        release_lapsed_holds([set_.pk], now, pks=lapsed)
    instant = set_.effective_instant_book
    if instant:
        review_gate(production, set_.base)
    else:
        _check_holds_cap(production.company, set_, now)
    booking = Booking(
        set=set_,
        production=production,
        company=production.company,
        requested_by=by if getattr(by, "pk", None) else None,
        batch=batch,
        status=Status.CONFIRMED if instant else Status.HELD,
        hold_expires_at=None if instant else now + timedelta(minutes=set_.base.hold_ttl_minutes),
        confirmed_at=now if instant else None,
        note=note,
        **booking_window(set_, starts_at, ends_at),
    )
    save_blocking(booking)
    waitlist.fulfil(booking)
    if instant:
        # Confirmed on request: one event tells both sides.
        booking_event(booking, "booking.confirmed", by=by, instant=True, notify=("company", "operator"))
    else:
        booking_event(booking, "booking.requested", by=by)
    return booking


def booking_create(
    *,
    set_: Set,
    production: Production,
    starts_at: datetime,
    ends_at: datetime,
    by,
    organization: Organization | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """Request a set: confirmed at once on an instant-book set, else held until the operator answers."""
    now = _now(now)
    check_production(production, organization)
    instant = set_.effective_instant_book  # read again under the lock; this only decides the company lock
    with booking_transaction():
        if not instant:
            lock_company(production.company)
        locked = lock_sets([set_.pk])[set_.pk]
        return create_locked(
            set_=locked,
            production=production,
            starts_at=starts_at,
            ends_at=ends_at,
            by=by,
            now=now,
            note=note,
        )


def booking_confirm(*, booking: Booking, by, now: datetime | None = None) -> Booking:
    """The operator accepts a hold; a lapsed hold is expired instead and the answer is 409."""
    now = _now(now)

    def confirm(booking):
        check_free(booking.set, booking.blocked_from, booking.blocked_until, exclude=booking.pk)
        review_gate(booking.production, booking.set.base)
        booking.confirmed_at = now

    return BOOKINGS.run("confirm", booking, by=by, now=now, apply=confirm, fields=["confirmed_at"])


def booking_decline(*, booking: Booking, by, reason: str, now: datetime | None = None) -> Booking:
    """The operator refuses a hold, saying why (the company reads it); the window goes to the first waiter."""
    now = _now(now)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say why the booking is declined: the company reads the reason."),
            code="reason_required",
            fields={"reason": [_("A reason is required.")]},
        )

    def decline(booking):
        booking.decline_reason = reason
        booking.closed_at = now
        WAITLIST.on_window_freed(booking.set, booking.blocked_from, booking.blocked_until, now=now)
        return {"reason": reason}

    return BOOKINGS.run(
        "decline", booking, by=by, now=now, apply=decline, fields=["decline_reason", "closed_at"]
    )


def _cancellation_terms(booking: Booking, now: datetime) -> pricing.CancellationQuote:
    if booking.status == Status.HELD:
        return pricing.hold_cancellation_quote(total=booking.total_price, now=now)
    return pricing.cancellation_quote(
        policy=booking.set.base.cancellation_policy,
        total=booking.total_price,
        starts_at=booking.starts_at,
        now=now,
    )


def booking_cancellation_quote(*, booking: Booking, now: datetime | None = None) -> pricing.CancellationQuote:
    """What ``booking_cancel`` would charge at ``now`` (nothing is written): refused exactly like it."""
    now = _now(now)
    if hold_lapsed(booking, now):
        raise hold_expired_error(booking)
    BOOKINGS.check(booking, BOOKINGS.transition("cancel"))
    return _cancellation_terms(booking, now)


def booking_cancel(*, booking: Booking, by, reason: str = "", now: datetime | None = None) -> Booking:
    """The company cancels a hold (free) or a confirmed booking (fee by the base's policy tiers).

    The returned booking carries ``cancellation_quote``: the terms charged (``booking_cancellation_quote``
    at the same ``now`` gives the same).
    """
    now = _now(now)

    def cancel(booking):
        terms = _cancellation_terms(booking, now)
        booking.cancellation_quote = terms
        booking.cancellation_fee = terms.fee
        booking.cancellation_reason = reason
        booking.closed_at = now
        WAITLIST.on_window_freed(booking.set, booking.blocked_from, booking.blocked_until, now=now)
        return {"reason": reason, "fee": str(terms.fee), "fee_percent": str(terms.fee_percent)}

    return BOOKINGS.run(
        "cancel",
        booking,
        by=by,
        now=now,
        apply=cancel,
        fields=["cancellation_fee", "cancellation_reason", "closed_at"],
    )


def booking_reschedule(
    *, booking: Booking, starts_at: datetime, ends_at: datetime, by, now: datetime | None = None
) -> Booking:
    """Move a held or confirmed booking to another time on its set; it keeps its id and status."""
    now = _now(now)

    def reschedule(booking):
        set_ = booking.set
        release_lapsed_holds([set_.pk], now)
        if booking.starts_at <= now:
            raise InvalidTransition(_("A booking that has started cannot be moved."), code="already_started")
        rules.check_window(set_, starts_at, ends_at, now=now)
        _turnover, blocked_from, blocked_until = blocked_period(set_, starts_at, ends_at)
        check_free(set_, blocked_from, blocked_until, exclude=booking.pk)
        old = (booking.starts_at, booking.ends_at, booking.blocked_from, booking.blocked_until)
        for name, value in booking_window(set_, starts_at, ends_at).items():
            setattr(booking, name, value)
        booking.reminder_sent_at = None
        WAITLIST.on_window_freed(set_, old[2], old[3], now=now)
        return {
            "previous_starts_at": local_iso(old[0]),
            "previous_ends_at": local_iso(old[1]),
        }

    return BOOKINGS.run("reschedule", booking, by=by, now=now, apply=reschedule, fields=None)


def booking_check_in(
    *, booking: Booking, by, at: datetime | None = None, now: datetime | None = None
) -> Booking:
    """The crew arrived: record the actual time, from the base's check-in lead before the start until now."""
    now = _now(now)
    at = at or now

    def check_in(booking):
        lead = booking.set.base.check_in_lead_minutes
        opens = booking.starts_at - timedelta(minutes=lead)
        if at < opens:
            raise CheckInWindow(
                _("Check-in opens %(lead)s before the start (from %(opens)s).")
                % {"lead": _duration(lead), "opens": local_text(opens)},
                fields={"at": [_("Before %(opens)s.") % {"opens": local_text(opens)}]},
            )
        if at > now:
            raise CheckInWindow(
                _("A check-in time cannot be in the future (now is %(now)s).") % {"now": local_text(now)},
                fields={"at": [_("After now.")]},
            )
        booking.checked_in_at = at
        return {"checked_in_at": local_iso(at)}

    return BOOKINGS.run("check_in", booking, by=by, now=now, apply=check_in, fields=["checked_in_at"])


def booking_check_out(
    *, booking: Booking, by, at: datetime | None = None, now: datetime | None = None
) -> Booking:
    """The crew left: record the actual time and bill overtime past the booked end (after the grace).

    The time lies between the check-in and now: a check-out in the future would bill overtime not worked.
    """
    now = _now(now)
    at = at or now

    def check_out(booking):
        if not booking.checked_in_at <= at <= now:
            raise CheckOutWindow(
                _("The check-out time must lie between the check-in (%(from)s) and now (%(now)s).")
                % {"from": local_text(booking.checked_in_at), "now": local_text(now)},
                fields={"at": [_("Before the check-in.") if at < booking.checked_in_at else _("After now.")]},
            )
        minutes, fee = pricing.overtime(
            breakdown=booking.price_breakdown, ends_at=booking.ends_at, checked_out_at=at
        )
        booking.checked_out_at = at
        booking.overtime_minutes, booking.overtime_fee = minutes, fee
        booking.closed_at = now
        return {"overtime_minutes": minutes, "overtime_fee": str(fee)}

    return BOOKINGS.run(
        "check_out",
        booking,
        by=by,
        now=now,
        apply=check_out,
        fields=["checked_out_at", "overtime_minutes", "overtime_fee", "closed_at"],
    )


def booking_mark_no_show(*, booking: Booking, by, now: datetime | None = None) -> Booking:
    """Nobody checked in within the grace period: a no-show, charged like the latest cancellation."""
    now = _now(now)

    def no_show(booking):
        if now < booking.starts_at + timedelta(minutes=conf.no_show_grace_minutes()):
            raise InvalidTransition(
                _("Wait %(n)d minutes after the start before marking a no-show.")
                % {"n": conf.no_show_grace_minutes()},
                code="too_early",
            )
        percent = pricing.cancellation_percent(booking.set.base.cancellation_policy, hours_left=-1)
        booking.cancellation_fee = pricing.money(booking.total_price * percent / 100)
        booking.closed_at = now
        return {"fee": str(booking.cancellation_fee)}

    return BOOKINGS.run(
        "no_show", booking, by=by, now=now, apply=no_show, fields=["cancellation_fee", "closed_at"]
    )


def booking_expire(*, booking: Booking, now: datetime | None = None) -> bool:
    """Expire a hold whose time ran out; False when there is nothing to do (idempotent)."""
    now = _now(now)

    def expire(booking):
        booking.closed_at = now
        WAITLIST.on_window_freed(booking.set, booking.blocked_from, booking.blocked_until, now=now)

    try:
        BOOKINGS.run("expire", booking, by=None, now=now, apply=expire, fields=["closed_at"])
    except NotDue:
        return False
    return True
