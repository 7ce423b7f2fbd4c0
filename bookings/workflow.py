"""The booking workflow, as a table (see ``config.workflow``)::

    held ─confirm→ confirmed ─check_in→ checked_in ─check_out→ completed
    held ─decline→ declined            held ─expire→ expired (the system, when the hold's time runs out)
    held | confirmed ─cancel→ cancelled    confirmed ─no_show→ no_show
    held | confirmed ─reschedule→ (the same status, another time)

A request (``booking_create``) starts a booking as ``held``, or ``confirmed`` on an instant-book set.

Every action that frees or takes the set's time locks the set before the booking (the lock order of
``bookings.services.locks``). A hold whose time ran out is expired first, whatever was asked, and the
request is answered 409 "hold expired" once the expiry is committed.

The steps lock, check and save through ``bookings.services.locks`` and ``bookings.services.guards``,
imported where they run: importing the ``bookings.services`` package loads the services that run
these tables.
"""

from datetime import datetime, timedelta
from functools import partial

from django.utils.translation import gettext as _

from bookings import conf, pricing, rules
from bookings.errors import BOOKING_ACTIONS, BookingRuleViolation, HoldExpired, InvalidTransition
from bookings.models import Booking, WaitlistEntry
from bookings.notify import booking_event, waitlist_offer_event
from config.localtime import local_text
from config.locking import lock
from config.workflow import Transition, Workflow, transitions
from locations.models import Set

Status = Booking.Status


class NotDue(Exception):
    """``expire`` asked of a hold whose time has not run out (or that is no hold any more): nothing to do."""


#: the actions that lock the set before the booking: they free or take its time
SET_FIRST = frozenset({"confirm", "decline", "cancel", "reschedule", "expire"})
#: the actions whose write may lose to another booking under the exclusion constraint (a 409)
TAKES_TIME = frozenset({"confirm", "reschedule"})


class BookingWorkflow(Workflow):
    name = "booking"
    field = "status"
    table = transitions(
        Transition("confirm", {Status.HELD}, Status.CONFIRMED, "booking.confirmed"),
        Transition("decline", {Status.HELD}, Status.DECLINED, "booking.declined"),
        Transition("cancel", {Status.HELD, Status.CONFIRMED}, Status.CANCELLED, "booking.cancelled"),
        Transition("reschedule", {Status.HELD, Status.CONFIRMED}, None, "booking.rescheduled"),
        Transition("check_in", {Status.CONFIRMED}, Status.CHECKED_IN, "booking.checked_in"),
        Transition("check_out", {Status.CHECKED_IN}, Status.COMPLETED, "booking.checked_out"),
        Transition("no_show", {Status.CONFIRMED}, Status.NO_SHOW, "booking.no_show"),
        Transition("expire", {Status.HELD}, Status.EXPIRED, "booking.expired", by_person=False),
    )

    def atomic(self):
        from bookings.services.locks import booking_transaction

        return booking_transaction()

    def lock(self, booking: Booking, row: Transition) -> Booking:
        from bookings.services.locks import lock_booking, lock_sets

        set_ = lock_sets([booking.set_id])[booking.set_id] if row.action in SET_FIRST else None
        locked = lock_booking(booking.pk)
        if set_ is not None:
            locked.set = set_  # the locked row, with its base's opening hours
        return locked

    def intercept(self, booking: Booking, row: Transition, now: datetime) -> Exception | None:
        from bookings.services.guards import hold_expired_error, hold_lapsed

        lapsed = hold_lapsed(booking, now)
        if row.action == "expire":
            return None if lapsed else NotDue()
        if lapsed and row.action in SET_FIRST:
            self.expire_locked(booking, now)
            return hold_expired_error(booking)
        if row.action == "confirm" and booking.status == Status.EXPIRED:
            return hold_expired_error(booking)
        return None

    def expire_locked(self, booking: Booking, now: datetime) -> None:
        """Expire a lapsed hold whose set and row are locked already (on the way of another write)."""
        booking.status = Status.EXPIRED
        booking.closed_at = now
        booking.save(update_fields=["status", "closed_at", "updated_at"])
        self.after_expiry(booking, now)

    def after_expiry(self, booking: Booking, now: datetime) -> None:
        self.record(booking, self.table["expire"], by=None, now=now, source=Status.HELD, details={})
        WAITLIST.on_window_freed(booking.set, booking.blocked_from, booking.blocked_until, now=now)

    def refuse(self, booking: Booking, row: Transition) -> Exception:
        return InvalidTransition(
            _("A booking with status “%(status)s” cannot %(action)s.")
            % {"status": booking.get_status_display(), "action": BOOKING_ACTIONS[row.action]},
            fields={"status": [booking.status]},
        )

    def check(self, booking: Booking, row: Transition) -> None:
        super().check(booking, row)
        if booking.waitlist_offer and row.by_person:
            raise InvalidTransition(
                _(
                    "This hold is a waitlist offer to the company: until it accepts the offer (or declines "
                    "it) through its waitlist entry, the booking cannot %(action)s."
                )
                % {"action": BOOKING_ACTIONS[row.action]},
                code="waitlist_offer_pending",
                fields={"status": [booking.status]},
            )

    def save(self, booking: Booking, row: Transition, fields: list[str] | None) -> None:
        if row.action in TAKES_TIME:
            from bookings.services.guards import save_blocking

            save_blocking(booking, update_fields=fields)
        else:
            booking.save(update_fields=fields)

    def record(self, booking: Booking, row: Transition, *, by, now, source, details) -> None:
        if row.action == "expire" and booking.waitlist_offer:
            return  # an offer nobody took up lapses quietly; the next waiter is told
        booking_event(booking, row.event, by=by, **details)


BOOKINGS = BookingWorkflow()


Waiting = WaitlistEntry.Status


def release_hold(entry: WaitlistEntry, status: str, now: datetime, reason: str = "") -> None:
    """The offer ended without being taken up: its hold (if still held) stops blocking, quietly."""
    if entry.offer_hold_id is None:
        return
    changes = {"status": status, "closed_at": now, "updated_at": now}
    if status == Booking.Status.CANCELLED:
        changes.update(cancellation_fee=pricing.money(0), cancellation_reason=reason)
    Booking.objects.filter(pk=entry.offer_hold_id, status=Booking.Status.HELD).update(**changes)


def _hold_window(entry: WaitlistEntry, set_: Set, now: datetime, expires_at: datetime) -> Booking | None:
    """Hold the entry's (free) window for its production until ``expires_at``; None if a rule refuses it."""
    from bookings.services.guards import booking_window, save_blocking

    try:
        rules.check_window(set_, entry.starts_at, entry.ends_at, now=now)
    except BookingRuleViolation:
        return None
    hold = Booking(
        set=set_,
        production=entry.production,
        company=entry.company,
        requested_by=entry.created_by,
        status=Booking.Status.HELD,
        hold_expires_at=expires_at,
        waitlist_offer=True,
        **booking_window(set_, entry.starts_at, entry.ends_at),
    )
    save_blocking(hold)
    return hold


class WaitlistWorkflow(Workflow):
    """A waitlist entry (see ``bookings.services.waitlist``)::

        waiting ─offer→ offered (the system: a freed window is held for it) ─accept→ fulfilled
        offered ─decline→ declined     waiting | offered ─withdraw→ withdrawn
        offered ─lapse→ lapsed (the system: nobody took the offer up in time)
        waiting | offered ─fulfil→ fulfilled (the system: the company booked the window otherwise)

    Every action locks the set before the entry. Accepting an offer whose time ran out lapses it
    first (its window goes to the next waiter) and answers 409 once that is committed. An offer that
    ends untaken (declined, withdrawn) releases its hold and the window goes to the next waiter.

    The system's ``offer`` is made here (``on_window_freed``), for a window any booking write frees.
    """

    name = "waitlist entry"
    field = "status"
    table = transitions(
        Transition("offer", {Waiting.WAITING}, Waiting.OFFERED, "booking.waitlist_offered", by_person=False),
        # the hold becomes the company's request (booking.requested), or a booking (booking.confirmed)
        Transition("accept", {Waiting.OFFERED}, Waiting.FULFILLED),
        Transition("decline", {Waiting.OFFERED}, Waiting.DECLINED),
        Transition("withdraw", {Waiting.WAITING, Waiting.OFFERED}, Waiting.WITHDRAWN),
        Transition("lapse", {Waiting.OFFERED}, Waiting.LAPSED, by_person=False),
        Transition("fulfil", {Waiting.WAITING, Waiting.OFFERED}, Waiting.FULFILLED, by_person=False),
    )

    def atomic(self):
        from bookings.services.locks import booking_transaction

        return booking_transaction()

    def lock(self, entry: WaitlistEntry, row: Transition) -> WaitlistEntry:
        from bookings.services.locks import lock_sets

        set_ = lock_sets([entry.set_id])[entry.set_id]
        locked = lock(WaitlistEntry, entry.pk)
        locked.set = set_  # the locked row, with its base
        return locked

    def intercept(self, entry: WaitlistEntry, row: Transition, now: datetime) -> Exception | None:
        """Accepting: lock the offer's hold (``entry.offer_hold``); a lapsed offer is lapsed, then 409."""
        if row.action != "accept" or entry.status not in row.sources:
            return None
        from bookings.services.locks import lock_booking

        if entry.offer_hold_id is None:
            raise InvalidTransition(
                _("This offer holds nothing (the entry names no production): book the window directly."),
                code="offer_not_held",
            )
        hold = lock_booking(entry.offer_hold_id)
        if entry.offer_expires_at > now and hold.status == Status.HELD:
            entry.offer_hold = hold
            return None
        self.lapse_locked(entry, now)
        self.on_window_freed(entry.set, hold.blocked_from, hold.blocked_until, now=now)
        return HoldExpired(
            _("The offer lapsed at %(at)s; the window is no longer held for you.")
            % {"at": local_text(entry.offer_expires_at)},
            code="offer_lapsed",
        )

    def lapse_locked(self, entry: WaitlistEntry, now: datetime) -> None:
        """``lapse`` an offer whose set and row are locked already; its hold (if still held) expires."""
        entry.status = self.table["lapse"].target
        entry.save(update_fields=["status"])
        release_hold(entry, Status.EXPIRED, now)

    def on_window_freed(
        self, set_: Set, freed_from: datetime, freed_until: datetime, *, now: datetime
    ) -> None:
        """Offer ``[freed_from, freed_until)`` of the (locked) set to the first waiter it now suits.

        Inside a booking write the offer waits for the end of the write (``locks.booking_transaction``).
        """
        from bookings.services.locks import defer_offer

        offer = partial(self.offer_freed_window, set_, freed_from, freed_until, now=now)
        if not defer_offer(offer):
            offer()

    def offer_freed_window(
        self, set_: Set, freed_from: datetime, freed_until: datetime, *, now: datetime
    ) -> WaitlistEntry | None:
        """``offer``: hold the freed window of the (locked) set for the first waiter whose window is free."""
        from bookings.services.guards import window_is_free

        overlapping = WaitlistEntry.objects.filter(
            set=set_, starts_at__lt=freed_until, ends_at__gt=freed_from
        )
        offered = overlapping.filter(status=Waiting.OFFERED)
        for stale in offered.filter(offer_expires_at__lte=now).select_for_update():
            self.lapse_locked(stale, now)
        if offered.exists():
            return None
        offer = self.transition("offer")
        candidates = overlapping.filter(status__in=offer.sources, starts_at__gt=now).select_related(
            "company", "production", "created_by", "set__base__operator"
        )
        for entry in candidates.order_by("created_at", "id"):
            if not window_is_free(set_, entry.starts_at, entry.ends_at):
                continue
            expires_at = min(now + timedelta(minutes=conf.waitlist_offer_minutes()), entry.starts_at)
            hold = None
            if entry.production_id is not None:
                hold = _hold_window(entry, set_, now, expires_at)
                if hold is None:
                    continue
            entry.status = offer.target
            entry.offered_at = now
            entry.offer_expires_at = expires_at
            entry.offer_hold = hold
            entry.save(update_fields=["status", "offered_at", "offer_expires_at", "offer_hold"])
            waitlist_offer_event(entry)
            return entry
        return None

    def refuse(self, entry: WaitlistEntry, row: Transition) -> Exception:
        return InvalidTransition(
            _("This waitlist entry is %(status)s.") % {"status": entry.get_status_display()},
            fields={"status": [entry.status]},
        )

    def record(self, entry: WaitlistEntry, row: Transition, *, by, now, source, details) -> None:
        """An offer that ends untaken frees its window for the next waiter; ``accept``'s ``apply`` tells."""
        if row.action == "accept":
            details["record"]()
        elif source == Waiting.OFFERED:
            reason = _("Waitlist offer declined.") if row.action == "decline" else _("Left the waitlist.")
            release_hold(entry, Status.CANCELLED, now, reason)
            self.on_window_freed(entry.set, entry.starts_at, entry.ends_at, now=now)


WAITLIST = WaitlistWorkflow()
