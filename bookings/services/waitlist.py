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

The offer is the waitlist workflow's own move (``WAITLIST.on_window_freed``, ``bookings.workflow``),
made at the end of the write that freed the window (see ``bookings.services.locks``), so it never
takes a window from under that write. Entries made before waiting needed a production have none to
hold the window for: theirs is a plain offer, first come, first served. Booking an overlapping window
of the set fulfils the company's entries.

Everything that changes a set's entries runs under that set's row lock.
"""

import functools
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import pricing, rules
from bookings.models import Booking, WaitlistEntry
from bookings.notify import booking_event
from bookings.services.guards import review_gate, window_is_free
from bookings.services.locks import booking_transaction, lock_sets
from bookings.workflow import WAITLIST
from config.exceptions import DomainError
from locations.models import Set
from studio.models import Organization, Production

Status = WaitlistEntry.Status


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
    if window_is_free(set_, starts_at, ends_at):
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
            WAITLIST.on_window_freed(set_, entry.starts_at, entry.ends_at, now=now)
    return lapsed
