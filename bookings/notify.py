"""Booking events through the outbox: who hears about what, and what the message says.

Every event is owned by the booking's company. ``requested`` goes to the base operator; confirmed,
declined, expired go to the company (the day-before reminder is one digest per company and day:
``bookings.services.sweeps``); cancelled and rescheduled (the company's own doing) go
to both (a booking confirmed on request, at an instant-book set, is one ``confirmed`` event to both
sides). A waitlist offer goes to the waiting company only and never names whoever freed the window;
the hold it comes with is no request yet, so its lapse is quiet (the next waiter is told instead).
Payloads carry what the bilingual email templates (``templates/notifications/email/booking.*``) show:
set, base address, times (ISO 8601 with offset, ``null`` when unset), price and the other side's contact.
``docs/events.md`` has an example of each.
"""

from bookings.models import Booking, WaitlistEntry
from config.localtime import local_iso
from notifications.services import event_record

#: event type → who is notified ("company", "operator")
AUDIENCE = {
    "booking.requested": ("operator",),
    "booking.confirmed": ("company",),
    "booking.declined": ("company",),
    "booking.expired": ("company",),
    "booking.cancelled": ("company", "operator"),
    "booking.rescheduled": ("company", "operator"),
    "booking.checked_in": (),
    "booking.checked_out": (),
    "booking.no_show": ("company",),
}


def contact_payload(organization) -> dict:
    """How to reach an organisation, as payloads carry it."""
    return {
        "name": organization.contact_name or str(organization),
        "phone": organization.contact_phone,
        "email": organization.contact_email,
    }


def set_payload(set_) -> dict:
    """The set and its base, as payloads carry them."""
    base = set_.base
    return {
        "set": set_.pk,
        "set_name": set_.name,
        "base": base.pk,
        "base_name": base.name,
        "base_address": base.address,
    }


def booking_payload(booking: Booking) -> dict:
    base = booking.set.base
    return {
        "booking": booking.pk,
        "status": booking.status,
        **set_payload(booking.set),
        "company": booking.company_id,
        "company_name": booking.company.name,
        "production": booking.production_id,
        "production_title": booking.production.title,
        "starts_at": local_iso(booking.starts_at),
        "ends_at": local_iso(booking.ends_at),
        "hold_expires_at": local_iso(booking.hold_expires_at),
        "total_price": str(booking.total_price),
        "deposit": str(booking.deposit),
        "currency": "CNY",
        "operator_contact": contact_payload(base.operator),
        "company_contact": contact_payload(booking.company),
    }


def booking_event(booking: Booking, event_type: str, *, by=None, notify=None, **extra) -> None:
    """Record ``event_type`` for ``booking`` (inside the caller's transaction) and queue its messages.

    ``notify`` overrides who is told (``("company", "operator")``); by default ``AUDIENCE`` decides.
    """
    audience = []
    for side in AUDIENCE.get(event_type, ()) if notify is None else notify:
        audience.append(booking.company if side == "company" else booking.set.base.operator)
    event_record(
        type=event_type,
        organization=booking.company,
        actor=by,
        subject=booking,
        payload={**booking_payload(booking), **extra},
        audience=audience,
    )


def waitlist_offer_event(entry: WaitlistEntry) -> None:
    """Tell the waiting company its window is free (and held for it); the message names nobody else."""
    set_ = entry.set
    base = set_.base
    event_record(
        type="booking.waitlist_offered",
        organization=entry.company,
        subject=entry,
        payload={
            "waitlist_entry": entry.pk,
            "held": entry.offer_hold_id is not None,
            "hold": entry.offer_hold_id,
            "production": entry.production_id,
            "production_title": entry.production.title if entry.production_id else "",
            "company_name": entry.company.name,
            **set_payload(set_),
            "starts_at": local_iso(entry.starts_at),
            "ends_at": local_iso(entry.ends_at),
            "offer_expires_at": local_iso(entry.offer_expires_at),
            "hourly_rate": str(set_.hourly_rate),
            "day_rate": str(set_.day_rate),
            "currency": "CNY",
            "operator_contact": contact_payload(base.operator),
        },
        audience=[entry.company],
    )
