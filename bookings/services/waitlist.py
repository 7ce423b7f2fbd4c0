"""The waitlist: companies wait for a set and window; a freed window is offered, and held, to one waiter.

When a blocking booking stops blocking (cancelled, declined, expired, moved away), the earliest
waiting entry of that set whose window overlaps the freed period, is now wholly free and passes the
base's rules becomes ``offered`` and **the window is held for it**: a ``held`` booking of the entry's
production flagged ``waitlist_offer``, expiring with the offer (``BOOKINGS_WAITLIST_OFFER_MINUTES``,
never past the window's start). While the offer lasts, nobody else can book the window (409, the
exclusion constraint included); the operator cannot confirm or decline the hold yet, and it does not
count towards the company's cap of active holds. The waiter either

* **accepts** (``waitlist_accept_offer``): the hold becomes its ordinary request, with the base's hold
  time from then on, or a confirmed booking at once on an instant-book set (accepting is not refused by
  the holds cap: the company waited for this window); or
* **declines** or withdraws: the hold is released and the next waiter gets the offer; or
* lets the offer **lapse**: the hold expires with it and the next waiter gets the offer (the sweep, or
  the first write that meets the lapsed hold).

The offer is made at the end of the write that freed the window (see ``bookings.services.locks``), so
it never takes a window from under that write. Entries made before waiting needed a production have
none to hold the window for: theirs is a plain offer, first come, first served. Booking an overlapping
window of the set fulfils the company's entries.

Everything that changes a set's entries runs under that set's row lock.
"""

import functools
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import conf, pricing, rules
from bookings.errors import BookingRuleViolation
from bookings.models import Booking, WaitlistEntry
from bookings.notify import booking_event, waitlist_offer_event
from bookings.services.guards import booking_window, review_gate, save_blocking
from bookings.services.locks import booking_transaction, defer_offer, lock_sets
from bookings.workflow import WAITLIST
from config.exceptions import DomainError
from locations.models import Set
from studio.models import Organization, Production

Status = WaitlistEntry.Status


def _is_free(set_: Set, starts_at: datetime, ends_at: datetime) -> bool:
    """No blocking booking (a lapsed hold not yet released included) is in the way of the window."""
    turnover = timedelta(minutes=set_.effective_turnover_minutes)
    return not Booking.objects.filter(
        set=set_,
        status__in=Booking.BLOCKING,
        blocked_from__lt=ends_at + turnover,
        blocked_until__gt=starts_at - turnover,
    ).exists()


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


def on_window_freed(set_: Set, freed_from: datetime, freed_until: datetime, *, now: datetime) -> None:
    """Offer ``[freed_from, freed_until)`` of the (locked) set to the first waiter it now suits.

    Inside a booking write the offer waits for the end of the write (``locks.booking_transaction``).
    """
    if not defer_offer(set_, freed_from, freed_until, now):
        offer_freed_window(set_, freed_from, freed_until, now=now)


def offer_freed_window(
    set_: Set, freed_from: datetime, freed_until: datetime, *, now: datetime
) -> WaitlistEntry | None:
    """Offer, and hold, the freed window of the (locked) set to the first waiter whose window is free."""
    overlapping = WaitlistEntry.objects.filter(set=set_, starts_at__lt=freed_until, ends_at__gt=freed_from)
    for stale in overlapping.filter(status=Status.OFFERED, offer_expires_at__lte=now).select_for_update():
        WAITLIST.lapse_locked(stale, now)
    if overlapping.filter(status=Status.OFFERED).exists():
        return None
    offer = WAITLIST.transition("offer")
    candidates = overlapping.filter(status__in=offer.sources, starts_at__gt=now).select_related(
        "company", "production", "created_by", "set__base__operator"
    )
    for entry in candidates.order_by("created_at", "id"):
        if not _is_free(set_, entry.starts_at, entry.ends_at):
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


def fulfil(booking: Booking) -> int:
    """The company booked (part of) a window it waited for: its open entries there are done.

    Every create runs it: on PostgreSQL by ``_FULFIL_SQL``, written once, not built by the ORM each time
    (``tests/bookings/test_compiled_writes.py`` checks that it moves the rows ``_fulfil_orm`` moves).
    """
    if connection.vendor != "postgresql":
        return _fulfil_orm(booking)
    sql, target, sources = _fulfil_statement()
    params = [target, booking.set_id, booking.company_id, booking.ends_at, booking.starts_at, *sources]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fulfil_orm(booking: Booking) -> int:
    """``fulfil`` through the ORM: the reference, and the path off PostgreSQL."""
    return WAITLIST.bulk(
        "fulfil",
        WaitlistEntry.objects.filter(
            set_id=booking.set_id,
            company_id=booking.company_id,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        ),
    )


@functools.cache
def _fulfil_statement() -> tuple[str, str, tuple[str, ...]]:
    """``_fulfil_orm``'s ``UPDATE`` (the workflow table's ``fulfil`` row), its target and its sources."""
    row = WAITLIST.table["fulfil"]
    assert not row.by_person  # as ``WAITLIST.bulk`` asserts
    meta = WaitlistEntry._meta
    table = connection.ops.quote_name(meta.db_table)

    def column(name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    sources = tuple(str(source) for source in sorted(row.sources))
    sql = (
        f"UPDATE {table} SET {column(WAITLIST.field)} = %s "
        f"WHERE {column('set')} = %s AND {column('company')} = %s "
        f"AND {column('starts_at')} < %s AND {column('ends_at')} > %s "
        f"AND {column(WAITLIST.field)} IN ({', '.join(['%s'] * len(sources))})"
    )
    return sql, str(row.target), sources


def waitlist_join(
    *,
    organization: Organization,
    set_: Set,
    starts_at: datetime,
    ends_at: datetime,
    by,
    production: Production | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Wait for a window of a set that is taken now; the production is the one a freed window is held for."""
    now = now or timezone.now()
    if organization.kind != Organization.Kind.PRODUCTION_COMPANY:
        raise DomainError(_("Only production companies wait for sets."), code="wrong_organization_kind")
    if production is None:
        raise DomainError(
            _("Say which production waits: a freed window is held for it."),
            code="required",
            fields={"production": [_("This field is required.")]},
        )
    if ends_at <= starts_at:
        raise DomainError(
            _("The end must be after the start."),
            code="ends_before_start",
            fields={"ends_at": [_("Too early.")]},
        )
    if starts_at <= now:
        raise DomainError(
            _("The window has already started."), code="in_the_past", fields={"starts_at": [_("Past.")]}
        )
    if production.company_id != organization.pk:
        raise DomainError(
            _("This production belongs to another company."),
            code="production_not_yours",
            fields={"production": [_("Not one of your productions.")]},
        )
    set_ = Set.objects.select_related("base").get(pk=set_.pk)
    # a window the rules refuse could never be offered: say so now, not never
    rules.check_window(set_, starts_at, ends_at, now=now)
    if _is_free(set_, starts_at, ends_at):
        raise DomainError(
            _("The set is free for this window: book it instead."),
            code="window_available",
            fields={"starts_at": [_("Free.")]},
        )
    return WaitlistEntry.objects.create(
        set=set_,
        company=organization,
        production=production,
        created_by=by,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def waitlist_accept_offer(*, entry: WaitlistEntry, by, now: datetime | None = None) -> Booking:
    """Take up the offer: its hold becomes the company's request (confirmed at once if instant-book).

    A lapsed offer is lapsed instead (its window goes to the next waiter) and the answer is 409.
    """
    now = now or timezone.now()

    def apply(entry: WaitlistEntry) -> dict:
        set_, hold = entry.set, entry.offer_hold  # both locked (``WAITLIST.intercept``)
        instant = set_.effective_instant_book
        if instant:
            review_gate(hold.production, set_.base)
        quote = pricing.quote(set_, hold.starts_at, hold.ends_at)
        hold.set = set_
        hold.waitlist_offer = False
        hold.requested_by = by if getattr(by, "pk", None) else hold.requested_by
        hold.price_breakdown, hold.total_price, hold.deposit = quote.breakdown, quote.total, quote.deposit
        if instant:
            hold.status = Booking.Status.CONFIRMED
            hold.confirmed_at = now
            hold.hold_expires_at = None
        else:
            hold.hold_expires_at = now + timedelta(minutes=set_.base.hold_ttl_minutes)
        hold.save()
        return {"record": lambda: _accepted(hold, by, instant)}

    return WAITLIST.run("accept", entry, by=by, now=now, apply=apply).offer_hold


def _accepted(hold: Booking, by, instant: bool) -> None:
    fulfil(hold)
    if instant:
        booking_event(hold, "booking.confirmed", by=by, instant=True, notify=("company", "operator"))
    else:
        booking_event(hold, "booking.requested", by=by)


def waitlist_withdraw(*, entry: WaitlistEntry, by, now: datetime | None = None) -> WaitlistEntry:
    """Stop waiting; a live offer passes to the next waiter."""
    return WAITLIST.run("withdraw", entry, by=by, now=now or timezone.now())


def waitlist_decline_offer(*, entry: WaitlistEntry, by, now: datetime | None = None) -> WaitlistEntry:
    """Turn the offer down; the next waiter is told."""
    return WAITLIST.run("decline", entry, by=by, now=now or timezone.now())


def waitlist_offers_lapse(*, now: datetime | None = None) -> int:
    """Lapse offers nobody took up in time, release their holds and pass each window on (the sweep)."""
    now = now or timezone.now()
    due = list(
        WaitlistEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "pk", "set_id"
        )[:500]
    )
    lapsed = 0
    for pk, set_id in due:
        with booking_transaction():
            set_ = lock_sets([set_id])[set_id]
            lapse = WAITLIST.transition("lapse")
            entry = WaitlistEntry.objects.select_for_update().filter(pk=pk, status__in=lapse.sources).first()
            if entry is None or entry.offer_expires_at > now:
                continue
            WAITLIST.lapse_locked(entry, now)
            lapsed += 1
            on_window_freed(set_, entry.starts_at, entry.ends_at, now=now)
    return lapsed
