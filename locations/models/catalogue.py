"""Zones, bases and sets: the catalogue base operators sell, with opening hours, photos, blackouts, feeds.

Opening hours: one interval per base and weekday, in local time (``Asia/Shanghai``). ``closes`` at or
before ``opens`` means the interval runs past midnight into the next day (``22:00–02:00``), so
``00:00–00:00`` is open round the clock. A weekday without a row is closed; a base with no rows at all
is open at all times (a street or village location has no doors).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from locations import conf
from locations.fields import WordListField
from studio.models import Organization

LATITUDE = {"max_digits": 9, "decimal_places": 6}
MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def coordinate_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(latitude__gte=-90, latitude__lte=90), name=f"{prefix}_latitude_range"
        ),
        models.CheckConstraint(
            condition=Q(longitude__gte=-180, longitude__lte=180), name=f"{prefix}_longitude_range"
        ),
    ]


class Zone(models.Model):
    """A shooting-service circle (e.g. 平原示范区拍摄服务圈): its bases, places and travel settings."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    detour_factor = models.DecimalField(
        _("detour factor"),
        max_digits=4,
        decimal_places=2,
        default=conf.default_detour_factor,
        validators=[MinValueValidator(Decimal("1.00"))],
        help_text=_("Road distance divided by straight-line distance, used to estimate travel time."),
    )
    average_speed_kmh = models.DecimalField(
        _("average speed (km/h)"),
        max_digits=5,
        decimal_places=1,
        default=conf.default_speed_kmh,
        validators=[MinValueValidator(Decimal("1"))],
    )
    walk_minutes = models.PositiveSmallIntegerField(
        _("walk between sets of one base (minutes)"), default=conf.default_walk_minutes
    )
    circle_minutes = models.PositiveSmallIntegerField(
        _("circle limit (minutes)"),
        default=conf.default_circle_minutes,
        validators=[MinValueValidator(1)],
        help_text=_("The default travel limit of a nearness search, e.g. the 15-minute shooting circle."),
    )

    management = models.OneToOneField(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_zone",
        limit_choices_to={"kind": Organization.Kind.ZONE_MANAGEMENT},
        verbose_name=_("zone management"),
        help_text=_("The organisation that runs the zone: its members see the zone's figures."),
    )
    review_centre = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zones_reviewed",
        limit_choices_to={"kind": Organization.Kind.REVIEW_CENTRE},
        verbose_name=_("review centre"),
        help_text=_("The zone's own review centre, whose turnaround the zone's figures show."),
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(detour_factor__gte=1), name="zone_detour_at_least_one"),
            models.CheckConstraint(condition=Q(average_speed_kmh__gt=0), name="zone_speed_positive"),
            models.CheckConstraint(condition=Q(circle_minutes__gte=1), name="zone_circle_positive"),
        ]

    def __str__(self):
        return self.name


def validate_cancellation_policy(value) -> None:
    """A list of ``{"hours_before": int ≥ 0, "fee_percent": 0–100}``, one tier per ``hours_before``."""
    if not isinstance(value, list):
        raise ValidationError(_("The cancellation policy must be a list of tiers."))
    seen = set()
    for index, tier in enumerate(value, start=1):
        if not isinstance(tier, dict) or set(tier) != {"hours_before", "fee_percent"}:
            raise ValidationError(
                _("Tier %(n)d must have exactly hours_before and fee_percent.") % {"n": index}
            )
        hours, fee = tier["hours_before"], tier["fee_percent"]
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
            raise ValidationError(_("Tier %(n)d: hours_before must be a whole number ≥ 0.") % {"n": index})
        if isinstance(fee, bool) or not isinstance(fee, int | float) or not 0 <= fee <= 100:
            raise ValidationError(_("Tier %(n)d: fee_percent must be between 0 and 100.") % {"n": index})
        if hours in seen:
            raise ValidationError(_("Tier %(n)d repeats hours_before %(h)d.") % {"n": index, "h": hours})
        seen.add(hours)


def default_cancellation_policy() -> list[dict]:
    return [
        {"hours_before": 72, "fee_percent": 0},
        {"hours_before": 24, "fee_percent": 50},
        {
            "hours_before": 0,
            "fee_percent": 100,
        },
    ]


class Base(models.Model):
    """A filming base (or a cluster of stand-alone locations) run by a base operator, with booking rules."""

    class Kind(models.TextChoices):
        BASE = "base", _("filming base")
        LOCATION_CLUSTER = "location_cluster", _("stand-alone locations")

    operator = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="bases",
        limit_choices_to={"kind": Organization.Kind.BASE_OPERATOR},
        verbose_name=_("operator"),
    )
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="bases", verbose_name=_("zone"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BASE)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), **LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("listing", "active"), default=True)

    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    max_days_ahead = models.PositiveSmallIntegerField(
        _("maximum days ahead"), default=90, validators=[MinValueValidator(1)]
    )
    min_duration_minutes = models.PositiveIntegerField(
        _("minimum duration (minutes)"), default=60, validators=[MinValueValidator(1)]
    )
    max_duration_minutes = models.PositiveIntegerField(
        _("maximum duration (minutes)"), default=24 * 60, validators=[MinValueValidator(1)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    default_turnover_minutes = models.PositiveSmallIntegerField(_("default turnover (minutes)"), default=30)
    instant_book_default = models.BooleanField(_("instant booking by default"), default=False)
    cancellation_policy = models.JSONField(
        _("cancellation policy"),
        default=default_cancellation_policy,
        validators=[validate_cancellation_policy],
        help_text=_('Tiers like [{"hours_before": 24, "fee_percent": 50}]: the fee when cancelling later.'),
    )
    hold_ttl_minutes = models.PositiveSmallIntegerField(
        _("hold time-to-live (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    max_active_holds_per_company = models.PositiveSmallIntegerField(
        _("maximum active holds per company"), default=5, validators=[MinValueValidator(1)]
    )
    check_in_lead_minutes = models.PositiveSmallIntegerField(
        _("check-in lead (minutes)"),
        default=120,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("How long before a booking's start its crew may check in."),
    )
    requires_preliminary_review = models.BooleanField(
        _("requires preliminary review"),
        default=False,
        help_text=_(
            "Confirm bookings only for productions whose planning dossier passed preliminary review."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("base")
        verbose_name_plural = _("bases")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["zone", "is_active"]), models.Index(fields=["operator", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="base_unique_operator_name"),
            models.CheckConstraint(
                condition=Q(max_duration_minutes__gte=F("min_duration_minutes")),
                name="base_max_duration_not_below_min",
            ),
            models.CheckConstraint(condition=Q(slot_step_minutes__gte=5), name="base_slot_step_min"),
            *coordinate_constraints("base"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (
            self.min_duration_minutes
            and self.max_duration_minutes
            and self.max_duration_minutes < self.min_duration_minutes
        ):
            raise ValidationError({"max_duration_minutes": _("Must not be below the minimum duration.")})
        if self.operator_id and self.operator.kind != Organization.Kind.BASE_OPERATOR:
            raise ValidationError({"operator": _("Only a base operator runs bases.")})


class OpeningHours(models.Model):
    """When a base is open on one weekday; ``closes`` ≤ ``opens`` runs past midnight."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    base = models.ForeignKey(
        Base, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("base")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(
        _("closes"), help_text=_("At or before the opening time: closes the next day (overnight shoots).")
    )

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["base", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["base", "weekday"], name="opening_hours_unique_base_weekday"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def is_overnight(self) -> bool:
        return self.closes <= self.opens


class Set(models.Model):
    """A bookable set or real location in a base, with its kind, tags, size and rate card."""

    class Kind(models.TextChoices):
        HOSPITAL_WARD = "hospital_ward", _("hospital ward")
        ICU = "icu", _("ICU")
        OPERATING_ROOM = "operating_room", _("operating room")
        CEO_OFFICE = "ceo_office", _("CEO office")
        OPEN_OFFICE = "open_office", _("open-plan office")
        VILLA = "villa", _("villa")
        APARTMENT = "apartment", _("apartment")
        BAR = "bar", _("bar")
        RESTAURANT = "restaurant", _("restaurant")
        BANQUET_HALL = "banquet_hall", _("banquet hall")
        COURT = "court", _("court")
        POLICE_STATION = "police_station", _("police station")
        CIVIL_AFFAIRS_OFFICE = "civil_affairs_office", _("civil-affairs office")
        CLASSROOM = "classroom", _("classroom")
        DORMITORY = "dormitory", _("dormitory")
        STREET = "street", _("street")
        SUBWAY_CAR = "subway_car", _("subway car")
        AIRCRAFT_CABIN = "aircraft_cabin", _("aircraft cabin")
        PERIOD_HOME = "period_home", _("period home")
        PALACE_HALL = "palace_hall", _("palace hall")
        ANCIENT_STREET = "ancient_street", _("ancient street")
        COURTYARD = "courtyard", _("courtyard")
        GREEN_SCREEN = "green_screen", _("green-screen studio")
        OTHER = "other", _("other")

    base = models.ForeignKey(Base, on_delete=models.CASCADE, related_name="sets", verbose_name=_("base"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    tags = WordListField(
        _("tags"), default=list, blank=True, help_text=_("Free genre tags, e.g. 豪门, 悬疑, 年代.")
    )
    description = models.TextField(_("description"), blank=True)
    area_sqm = models.PositiveIntegerField(_("area (m²)"), default=0)
    crew_capacity = models.PositiveSmallIntegerField(_("crew capacity"), default=30)
    amenities = WordListField(_("amenities"), default=list, blank=True)
    is_active = models.BooleanField(pgettext_lazy("listing", "active"), default=True)
    hourly_rate = models.DecimalField(_("hourly rate (CNY)"), **MONEY)
    day_rate = models.DecimalField(_("day rate (CNY)"), **MONEY)
    day_length_hours = models.PositiveSmallIntegerField(
        _("day length (hours)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    overtime_rate_per_hour = models.DecimalField(_("overtime per hour (CNY)"), **MONEY)
    deposit = models.DecimalField(_("deposit (CNY)"), **MONEY)
    turnover_minutes = models.PositiveSmallIntegerField(
        _("turnover (minutes)"), null=True, blank=True, help_text=_("Empty: the base's default.")
    )
    instant_book = models.BooleanField(
        _("instant booking"), null=True, blank=True, help_text=_("Empty: the base's default.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("set")
        verbose_name_plural = _("sets")
        ordering = ["base_id", "name", "id"]
        indexes = [
            models.Index(fields=["kind", "is_active"]),
            models.Index(fields=["base", "is_active"]),
            models.Index(fields=["hourly_rate"]),
            models.Index(fields=["day_rate"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["base", "name"], name="set_unique_base_name"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="set_hourly_rate_not_negative"),
            models.CheckConstraint(condition=Q(day_rate__gte=0), name="set_day_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(overtime_rate_per_hour__gte=0), name="set_overtime_rate_not_negative"
            ),
            models.CheckConstraint(condition=Q(deposit__gte=0), name="set_deposit_not_negative"),
            models.CheckConstraint(
                condition=Q(day_length_hours__gte=1, day_length_hours__lte=24), name="set_day_length_range"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        for field in ("tags", "amenities"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(
                isinstance(item, str) and item.strip() for item in value
            ):
                raise ValidationError({field: _("A list of non-empty words is required.")})
        if self.kind and self.kind not in self.Kind.values:
            raise ValidationError({"kind": _("Unknown set kind.")})

    @property
    def effective_turnover_minutes(self) -> int:
        if self.turnover_minutes is not None:
            return self.turnover_minutes
        return self.base.default_turnover_minutes

    @property
    def effective_instant_book(self) -> bool:
        if self.instant_book is not None:
            return self.instant_book
        return self.base.instant_book_default


def set_photo_path(instance, filename: str) -> str:
    return f"sets/{instance.set_id}/{filename}"


class SetPhoto(models.Model):
    """A validated photo of a set, shown in the catalogue in ``position`` order."""

    set = models.ForeignKey(Set, on_delete=models.CASCADE, related_name="photos", verbose_name=_("set"))
    image = models.ImageField(
        _("image"), upload_to=set_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("set photo")
        verbose_name_plural = _("set photos")
        ordering = ["set", "position", "id"]

    def __str__(self):
        return self.caption or self.image.name


class Blackout(models.Model):
    """A period when one set, or a whole base, cannot be booked (maintenance, a private event)."""

    set = models.ForeignKey(
        Set, on_delete=models.CASCADE, null=True, blank=True, related_name="blackouts", verbose_name=_("set")
    )
    base = models.ForeignKey(
        Base,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blackouts",
        verbose_name=_("base"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("blackout")
        verbose_name_plural = _("blackouts")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["set", "starts_at"]), models.Index(fields=["base", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(set__isnull=False) & Q(base__isnull=True))
                | (Q(set__isnull=True) & Q(base__isnull=False)),
                name="blackout_exactly_one_target",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="blackout_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.set or self.base}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if bool(self.set_id) == bool(self.base_id):
            raise ValidationError(_("A blackout covers either one set or a whole base."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Must be after the start.")})

    @property
    def operator_id(self):
        return self.set.base.operator_id if self.set_id else self.base.operator_id
