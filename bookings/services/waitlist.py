"""The waitlist: companies wait for a set and window; a freed window is offered to one waiter at a time.

When a blocking booking stops blocking (cancelled, declined, expired, moved away), the earliest
waiting entry of that set whose window overlaps the freed period *and is now wholly free* is offered:
it becomes ``offered`` with an expiry and its company is told. While a live offer overlaps the freed
period nobody else is told; when the offer lapses (the sweep) or the waiter declines it, the next
waiter gets it. Booking an overlapping window of the set fulfils the company's entries. Offers do not
reserve anything: the first to book wins, as on the phone.

Everything that changes a set's entries runs under that set's row lock.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import conf
from bookings.errors import InvalidTransition
from bookings.models import Booking, WaitlistEntry
from bookings.notify import waitlist_offer_event
from config.exceptions import DomainError
from locations.models import Set
from studio.models import Organization, Production

Status = WaitlistEntry.Status


def _is_free(set_: Set, starts_at: datetime, ends_at: datetime) -> bool:
    turnover = timedelta(minutes=set_.effective_turnover_minutes)
    return not Booking.objects.filter(
        set=set_,
        status__in=Booking.BLOCKING,
        blocked_from__lt=ends_at + turnover,
        blocked_until__gt=starts_at - turnover,
    ).exists()


def on_window_freed(
    set_: Set, freed_from: datetime, freed_until: datetime, *, now: datetime
) -> WaitlistEntry | None:
    """Offer ``[freed_from, freed_until)`` of the (locked) set to the first waiter it now suits."""
    overlapping = WaitlistEntry.objects.filter(set=set_, starts_at__lt=freed_until, ends_at__gt=freed_from)
    if overlapping.filter(status=Status.OFFERED, offer_expires_at__gt=now).exists():
        return None
    candidates = overlapping.filter(status=Status.WAITING, starts_at__gt=now).select_related(
        "company", "set__base__operator"
    )
    for entry in candidates.order_by("created_at", "id"):
        if _is_free(set_, entry.starts_at, entry.ends_at):
            entry.status = Status.OFFERED
            entry.offered_at = now
            entry.offer_expires_at = min(
                now + timedelta(minutes=conf.waitlist_offer_minutes()), entry.starts_at
            )
            entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
            waitlist_offer_event(entry)
            return entry
    return None


def fulfil(booking: Booking) -> int:
    """The company booked (part of) a window it waited for: its open entries there are done."""
    return WaitlistEntry.objects.filter(
        set_id=booking.set_id,
        company_id=booking.company_id,
        status__in=WaitlistEntry.OPEN,
        starts_at__lt=booking.ends_at,
        ends_at__gt=booking.starts_at,
    ).update(status=Status.FULFILLED)


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
    """Wait for a window of a set that is taken now."""
    now = now or timezone.now()
    if organization.kind != Organization.Kind.PRODUCTION_COMPANY:
        raise DomainError(_("Only production companies wait for sets."), code="wrong_organization_kind")
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
    if production is not None and production.company_id != organization.pk:
        raise DomainError(
            _("This production belongs to another company."),
            code="production_not_yours",
            fields={"production": [_("Not one of your productions.")]},
        )
    set_ = Set.objects.select_related("base").get(pk=set_.pk)
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


def _close(entry: WaitlistEntry, status: str, now: datetime) -> WaitlistEntry:
    from bookings.services.core import booking_transaction, lock_sets

    with booking_transaction():
        set_ = lock_sets([entry.set_id])[entry.set_id]
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        was_offered = entry.status == Status.OFFERED
        allowed = [Status.OFFERED] if status == Status.DECLINED else list(WaitlistEntry.OPEN)
        if entry.status not in allowed:
            raise InvalidTransition(
                _("This waitlist entry is %(status)s.") % {"status": entry.get_status_display()},
                fields={"status": [entry.status]},
            )
        entry.status = status
        entry.save(update_fields=["status"])
        if was_offered:
            on_window_freed(set_, entry.starts_at, entry.ends_at, now=now)
    return entry


def waitlist_withdraw(*, entry: WaitlistEntry, by, now: datetime | None = None) -> WaitlistEntry:
    """Stop waiting; a live offer passes to the next waiter."""
    return _close(entry, Status.WITHDRAWN, now or timezone.now())


def waitlist_decline_offer(*, entry: WaitlistEntry, by, now: datetime | None = None) -> WaitlistEntry:
    """Turn the offer down; the next waiter is told."""
    return _close(entry, Status.DECLINED, now or timezone.now())


def waitlist_offers_lapse(*, now: datetime | None = None) -> int:
    """Lapse offers nobody took up in time and pass each window on (the periodic sweep)."""
    from bookings.services.core import booking_transaction, lock_sets

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
            entry = WaitlistEntry.objects.select_for_update().filter(pk=pk, status=Status.OFFERED).first()
            if entry is None or entry.offer_expires_at > now:
                continue
            entry.status = Status.LAPSED
            entry.save(update_fields=["status"])
            lapsed += 1
            on_window_freed(set_, entry.starts_at, entry.ends_at, now=now)
    return lapsed
