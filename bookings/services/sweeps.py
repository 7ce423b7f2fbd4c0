"""Periodic work: expire lapsed holds, remind companies a day ahead (once), mark no-shows, lapse offers."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings import conf
from bookings.errors import BookingBusy
from bookings.models import Booking
from bookings.notify import booking_event
from bookings.services.lifecycle import booking_expire, booking_mark_no_show
from bookings.services.waitlist import waitlist_offers_lapse
from config.exceptions import ConflictError

logger = logging.getLogger(__name__)
BATCH = 500


def bookings_expire_due(*, now: datetime | None = None) -> int:
    """Expire every hold whose time ran out (each under its set's lock, like any other writer)."""
    now = now or timezone.now()
    due = Booking.objects.filter(status=Booking.Status.HELD, hold_expires_at__lte=now).order_by(
        "hold_expires_at"
    )
    expired = 0
    for booking in due[:BATCH]:
        try:
            expired += booking_expire(booking=booking, now=now)
        except BookingBusy:
            logger.info("booking %s: set busy, expiring on the next sweep", booking.pk)
    return expired


def bookings_remind_due(*, now: datetime | None = None) -> int:
    """Remind the company of each confirmed booking starting within the reminder window, exactly once."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(hours=conf.reminder_hours()),
        )
        .select_related("set__base__operator", "company", "production")
        .order_by("starts_at")
    )
    sent = 0
    for booking in due[:BATCH]:
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                booking_event(booking, "booking.reminder")
                sent += 1
    return sent


def bookings_no_show_due(*, now: datetime | None = None) -> int:
    """Confirmed bookings nobody checked in to within the grace period become no-shows."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.no_show_grace_minutes())
    due = Booking.objects.filter(status=Booking.Status.CONFIRMED, starts_at__lte=cutoff).order_by("starts_at")
    marked = 0
    for booking in due[:BATCH]:
        try:
            booking_mark_no_show(booking=booking, by=None, now=now)
            marked += 1
        except ConflictError:
            continue
    return marked


def bookings_sweep(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "expired": bookings_expire_due(now=now),
        "offers_lapsed": waitlist_offers_lapse(now=now),
        "no_shows": bookings_no_show_due(now=now),
    }
