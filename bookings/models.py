"""Bookings of sets by production companies and the waitlist for busy windows.

A booking in a *blocking* status (held, confirmed, checked in) occupies its set for
``[blocked_from, blocked_until)`` = ``[starts_at − turnover, ends_at + turnover)``. On PostgreSQL the
exclusion constraint ``booking_no_overlap`` makes two overlapping blocking bookings of one set
impossible whatever the concurrency; the services lock the set row so that the loser gets a friendly
409 first.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.constraints import no_overlap
from config.fields import optional_user
from locations.models import Set
from studio.models import Organization, Production

MONEY = {"max_digits": 12, "decimal_places": 2}
NO_OVERLAP_CONSTRAINT = "booking_no_overlap"


class Booking(models.Model):
    """A production's booking of one set for one period, from request to check-out."""

    class Status(models.TextChoices):
        HELD = "held", _("held")
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        COMPLETED = "completed", _("completed")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("no-show")

    #: statuses that occupy the set (turnover included)
    BLOCKING = (Status.HELD, Status.CONFIRMED, Status.CHECKED_IN)

    set = models.ForeignKey(Set, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("set"))
    production = models.ForeignKey(
        Production, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("production")
    )
    # Always the production's company (set by the services); stored for scoping and the holds cap.
    company = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=pgettext_lazy("party to a booking", "company"),
    )
    requested_by = optional_user(_("requested by"))
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.HELD)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    turnover_minutes = models.PositiveSmallIntegerField(_("turnover (minutes)"), default=0)
    blocked_from = models.DateTimeField(_("blocked from"))
    blocked_until = models.DateTimeField(_("blocked until"))
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    waitlist_offer = models.BooleanField(
        _("waitlist offer"),
        default=False,
        help_text=_(
            "Held for a waiting company until it accepts the offer (then it is an ordinary request) or the "
            "offer lapses."
        ),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    price_breakdown = models.JSONField(_("price breakdown"), default=dict, encoder=DjangoJSONEncoder)
    total_price = models.DecimalField(_("total price (CNY)"), **MONEY)
    deposit = models.DecimalField(_("deposit (CNY)"), **MONEY)
    cancellation_fee = models.DecimalField(_("cancellation fee (CNY)"), null=True, blank=True, **MONEY)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    decline_reason = models.CharField(_("decline reason"), max_length=500, blank=True)

    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    overtime_minutes = models.PositiveIntegerField(_("overtime (minutes)"), default=0)
    overtime_fee = models.DecimalField(_("overtime fee (CNY)"), default=0, **MONEY)

    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("When it was declined, expired or cancelled.")
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["set", "blocked_from"], name="booking_set_blocked_from"),
            models.Index(fields=["company", "starts_at"], name="booking_company_starts"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_status_hold"),
            models.Index(fields=["status", "starts_at"], name="booking_status_starts"),
            # a zone's requests by the month they were made (bookings.zone)
            models.Index(fields=["set", "created_at"], name="booking_set_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")) & Q(blocked_from__lte=F("starts_at")),
                name="booking_blocked_covers_booking",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False),
                name="booking_held_has_expiry",
            ),
            models.CheckConstraint(condition=Q(total_price__gte=0), name="booking_total_not_negative"),
            no_overlap(
                name=NO_OVERLAP_CONSTRAINT,
                key="set",
                lower="blocked_from",
                upper="blocked_until",
                condition=Q(status__in=["held", "confirmed", "checked_in"]),
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"#{self.pk} {self.set} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def is_blocking(self) -> bool:
        return self.status in self.BLOCKING


class WaitlistEntry(models.Model):
    """A company waiting for a set to become free in a window; offered (and held) to one waiter at a time."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered")
        FULFILLED = "fulfilled", _("booked")
        LAPSED = "lapsed", _("offer lapsed")
        DECLINED = "declined", _("offer declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN = (Status.WAITING, Status.OFFERED)

    set = models.ForeignKey(Set, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("set"))
    company = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=pgettext_lazy("party to a booking", "company"),
    )
    production = models.ForeignKey(
        Production,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("production"),
    )
    created_by = optional_user(_("created by"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    offer_hold = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("offer hold"),
        help_text=_("The hold of the freed window kept for this company while the offer lasts."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["set", "status", "created_at"], name="waitlist_set_status")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="waitlist_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
        ]

    def __str__(self):
        return (
            f"{self.set} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} ({self.get_status_display()})"
        )
