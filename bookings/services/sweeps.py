"""Periodic work: expire lapsed holds, a daily digest of tomorrow's bookings per company, no-shows, offers."""

import logging
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bookings import conf
from bookings.errors import BookingBusy
from bookings.models import Booking
from bookings.notify import contact_payload, set_payload
from bookings.services.lifecycle import booking_expire, booking_mark_no_show
from bookings.services.waitlist import waitlist_offers_lapse
from config.exceptions import ConflictError
from config.localtime import local_iso
from notifications.models import Event
from notifications.services import event_record

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


def _reminder_line(booking: Booking) -> dict:
    return {
        "booking": booking.pk,
        **set_payload(booking.set),
        "production": booking.production_id,
        "production_title": booking.production.title,
        "starts_at": local_iso(booking.starts_at),
        "ends_at": local_iso(booking.ends_at),
        "operator_contact": contact_payload(booking.set.base.operator),
    }


def bookings_remind_due(*, now: datetime | None = None) -> int:
    """One digest per company and day listing its confirmed bookings that start tomorrow (local date).

    Sent from ``conf.reminder_local_hour()`` on the day before; a booking is in at most one digest
    (``reminder_sent_at``), and a company gets at most one digest per day: a booking confirmed for
    tomorrow after the digest went out is not sent again (its confirmation told the company).
    Returns how many digests were recorded.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < conf.reminder_local_hour():
        return 0
    tomorrow = local.date() + timedelta(days=1)
    day_starts = timezone.make_aware(datetime.combine(tomorrow, time.min))
    day_ends = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min))
    companies = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            starts_at__gte=day_starts,
            starts_at__lt=day_ends,
        )
        .values_list("company_id", flat=True)
        .distinct()
    )
    sent = 0
    for company_id in list(companies)[:BATCH]:
        with transaction.atomic():
            due = list(
                Booking.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    company_id=company_id,
                    status=Booking.Status.CONFIRMED,
                    reminder_sent_at__isnull=True,
                    starts_at__gte=day_starts,
                    starts_at__lt=day_ends,
                )
                .select_related("set__base__operator", "company", "production")
                .order_by("starts_at", "pk")
            )
            if not due:
                continue
            Booking.objects.filter(pk__in=[booking.pk for booking in due]).update(reminder_sent_at=now)
            company = due[0].company
            already = Event.objects.filter(
                type="booking.reminder", organization=company, payload__date=tomorrow.isoformat()
            ).exists()
            if already:
                continue
            event_record(
                type="booking.reminder",
                organization=company,
                subject=company,
                audience=[company],
                payload={
                    "date": tomorrow.isoformat(),
                    "company": company.pk,
                    "company_name": company.name,
                    "bookings": [_reminder_line(booking) for booking in due],
                },
            )
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
