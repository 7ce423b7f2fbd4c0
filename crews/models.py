"""A production company's people, crews, scenes, shoot days and the call sheets that reach the crew.

Two invariants hold under concurrency on PostgreSQL through exclusion constraints (btree_gist):
a person's call periods ``[call_at, released_at)`` never overlap, whichever crew called them
(``call_no_overlap``), and a crew is never at two stops at once (``stop_no_overlap``). The services
lock the person (or crew) row first so that the loser gets a friendly 409; the constraint makes it true.
On SQLite the constraints emit nothing and the serialised writers keep the services' checks true.
"""

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.constraints import NoOverlapConstraint, TsTzRange
from bookings.models import Booking
from config.localtime import local_text
from locations.models import Set
from studio.models import Organization, Production

MONEY = {"max_digits": 10, "decimal_places": 2}
CALL_NO_OVERLAP = "call_no_overlap"
STOP_NO_OVERLAP = "stop_no_overlap"


class Role(models.TextChoices):
    """The jobs on a micro-drama crew (DOMAIN.md)."""

    DIRECTOR = "director", _("director")
    PRODUCER = "producer", _("producer")
    SCHEDULER = "scheduler", _("scheduler")
    WRITER = "writer", _("writer")
    DP = "dp", _("director of photography")
    GAFFER = "gaffer", _("gaffer")
    SOUND = "sound", _("sound")
    ART = "art", _("art")
    PROPS = "props", _("props")
    WARDROBE = "wardrobe", _("wardrobe")
    MAKEUP = "makeup", _("makeup")
    SCRIPT_SUPERVISOR = "script_supervisor", _("script supervisor")
    SET_RUNNER = "set_runner", _("set runner")
    ACTOR = "actor", pgettext_lazy("crew role", "actor")
    EXTRA = "extra", _("extra")
    EDITOR = "editor", _("editor")


#: roles that carry makeup-ready and on-set times on a call sheet
ACTOR_ROLES = (Role.ACTOR, Role.EXTRA)
#: roles listed as contacts on a call sheet
CONTACT_ROLES = (Role.SCHEDULER, Role.PRODUCER, Role.DIRECTOR)


class Person(models.Model):
    """Someone in a production company's roster who can be called to shoot days (maybe without a login)."""

    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="people", verbose_name=_("company")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(pgettext_lazy("person", "email"), blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True, help_text=_("Roles this person can fill."))
    day_rate = models.DecimalField(
        pgettext_lazy("pay", "day rate (CNY)"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="crew_people",
        verbose_name=_("user account"),
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    is_active = models.BooleanField(pgettext_lazy("person", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["company", "name"], name="person_company_name")]
        constraints = [
            models.UniqueConstraint(fields=["company", "name", "phone"], name="person_unique_name_phone"),
            models.CheckConstraint(condition=Q(day_rate__gte=0), name="person_day_rate_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        digits = self.phone
        if len(digits) < 7:
            return "*" * len(digits)
        return f"{digits[:3]}****{digits[-4:]}"


class Crew(models.Model):
    """One unit of a production (A组, B组 …) that shoots on its own schedule."""

    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="crews", verbose_name=_("production")
    )
    # Always the production's company (set by the services); stored for scoping.
    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="crews", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("crew")
        verbose_name_plural = _("crews")
        ordering = ["production_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["production", "name"], name="crew_unique_name")]

    def __str__(self):
        return f"{self.production} · {self.name}"


class CrewMember(models.Model):
    """A person on a crew in one role for a period, at a day rate."""

    crew = models.ForeignKey(Crew, on_delete=models.CASCADE, related_name="members", verbose_name=_("crew"))
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="crew_memberships", verbose_name=_("person")
    )
    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    role = models.CharField(pgettext_lazy("crew", "role"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    day_rate = models.DecimalField(
        pgettext_lazy("pay", "day rate (CNY)"), validators=[MinValueValidator(0)], **MONEY
    )

    class Meta:
        verbose_name = _("crew member")
        verbose_name_plural = _("crew members")
        ordering = ["crew_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["crew", "person", "role"], name="crew_member_unique_role"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="crew_member_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(day_rate__gte=0), name="crew_member_day_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"


class Scene(models.Model):
    """One scene of the breakdown (episode-scene), what it needs, and where it stands."""

    class TimeOfDay(models.TextChoices):
        DAY = "day", _("day")
        NIGHT = "night", _("night")

    class Setting(models.TextChoices):
        INTERIOR = "int", _("interior")
        EXTERIOR = "ext", _("exterior")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        SCHEDULED = "scheduled", _("scheduled")
        SHOT = "shot", _("shot")
        DROPPED = "dropped", _("dropped")

    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="scenes", verbose_name=_("production")
    )
    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    episode = models.PositiveSmallIntegerField(_("episode"), validators=[MinValueValidator(1)])
    number = models.PositiveSmallIntegerField(_("scene number"), validators=[MinValueValidator(1)])
    time_of_day = models.CharField(
        _("day/night"), max_length=5, choices=TimeOfDay.choices, default=TimeOfDay.DAY
    )
    setting = models.CharField(_("int/ext"), max_length=3, choices=Setting.choices, default=Setting.INTERIOR)
    set_kind = models.CharField(_("set kind needed"), max_length=40, choices=Set.Kind.choices, blank=True)
    description = models.CharField(pgettext_lazy("scene", "description"), max_length=500, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=30, validators=[MinValueValidator(1)]
    )
    cast = models.ManyToManyField(Person, related_name="scenes", blank=True, verbose_name=_("cast"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    shot_on = models.DateField(_("shot on"), null=True, blank=True)

    class Meta:
        verbose_name = _("scene")
        verbose_name_plural = _("scenes")
        ordering = ["production_id", "episode", "number"]
        constraints = [
            models.UniqueConstraint(fields=["production", "episode", "number"], name="scene_unique_number"),
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="scene_minutes_positive"),
        ]

    def __str__(self):
        return f"{self.episode}-{self.number}"

    @property
    def label(self) -> str:
        return f"{self.episode}-{self.number}"


class ShootDay(models.Model):
    """One crew's shooting day: call, wrap, ordered stops and the people called."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WRAPPED = "wrapped", _("wrapped")

    crew = models.ForeignKey(
        Crew, on_delete=models.CASCADE, related_name="shoot_days", verbose_name=_("crew")
    )
    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    date = models.DateField(_("date"))
    call_at = models.DateTimeField(_("crew call"))
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    planned_wrap_at = models.DateTimeField(_("planned wrap"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    # Warnings found at the last change: [{"code", "level", "params"}]; messages are rendered when read.
    conflicts = models.JSONField(_("conflicts"), default=list, blank=True, encoder=DjangoJSONEncoder)
    wrapped_at = models.DateTimeField(_("wrapped at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shoot day")
        verbose_name_plural = _("shoot days")
        ordering = ["date", "crew_id", "id"]
        indexes = [models.Index(fields=["company", "date"], name="shoot_day_company_date")]
        constraints = [
            models.UniqueConstraint(fields=["crew", "date"], name="shoot_day_unique_crew_date"),
            models.CheckConstraint(
                condition=Q(planned_wrap_at__gt=F("call_at")), name="shoot_day_wrap_after_call"
            ),
        ]

    def __str__(self):
        return f"{self.crew} {self.date}"


class Stop(models.Model):
    """A stretch of a shoot day on one booked set, with the scenes shot there."""

    shoot_day = models.ForeignKey(
        ShootDay, on_delete=models.CASCADE, related_name="stops", verbose_name=_("shoot day")
    )
    # The shoot day's crew, stored so that the database can refuse a crew at two stops at once.
    crew = models.ForeignKey(Crew, on_delete=models.CASCADE, related_name="+", verbose_name=_("crew"))
    order = models.PositiveSmallIntegerField(_("order"))
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="stops", verbose_name=_("booking")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    scenes = models.ManyToManyField(
        Scene, through="StopScene", related_name="stops", verbose_name=_("scenes")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["shoot_day_id", "order", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["shoot_day", "order"], name="stop_unique_order"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="stop_ends_after_start"),
            NoOverlapConstraint(
                name=STOP_NO_OVERLAP,
                expressions=[
                    ("crew", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{self.order}. {start:%H:%M}–{end:%H:%M}"


class StopScene(models.Model):
    """A scene planned at a stop, in shooting order."""

    stop = models.ForeignKey(
        Stop, on_delete=models.CASCADE, related_name="stop_scenes", verbose_name=_("stop")
    )
    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="+", verbose_name=_("scene"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scene at a stop")
        verbose_name_plural = _("scenes at stops")
        ordering = ["stop_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["stop", "scene"], name="stop_scene_unique")]

    def __str__(self):
        return f"{self.stop_id}: {self.scene_id}"


class Call(models.Model):
    """A person called to a shoot day: from call time to release, the period they belong to it."""

    shoot_day = models.ForeignKey(
        ShootDay, on_delete=models.CASCADE, related_name="calls", verbose_name=_("shoot day")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="calls", verbose_name=_("person")
    )
    role = models.CharField(pgettext_lazy("crew", "role"), max_length=20, choices=Role.choices)
    call_at = models.DateTimeField(_("call time"))
    makeup_ready_at = models.DateTimeField(_("makeup ready"), null=True, blank=True)
    on_set_at = models.DateTimeField(_("on set"), null=True, blank=True)
    released_at = models.DateTimeField(_("release time"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["shoot_day_id", "call_at", "id"]
        indexes = [models.Index(fields=["person", "call_at"], name="call_person_call_at")]
        constraints = [
            models.UniqueConstraint(fields=["shoot_day", "person"], name="call_unique_person"),
            models.CheckConstraint(condition=Q(released_at__gt=F("call_at")), name="call_release_after_call"),
            NoOverlapConstraint(
                name=CALL_NO_OVERLAP,
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (TsTzRange("call_at", "released_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self):
        return f"{self.person} {local_text(self.call_at)}"


class CallSheet(models.Model):
    """A published, frozen version of a shoot day's call sheet (通告单)."""

    shoot_day = models.ForeignKey(
        ShootDay, on_delete=models.CASCADE, related_name="call_sheets", verbose_name=_("shoot day")
    )
    company = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    changes = models.JSONField(
        _("changes since the previous version"), default=list, encoder=DjangoJSONEncoder
    )
    token = models.CharField(_("share token"), max_length=64, unique=True)
    image = models.FileField(_("image"), upload_to="call-sheets/", blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("call sheet")
        verbose_name_plural = _("call sheets")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shoot_day", "version"], name="call_sheet_unique_version"),
        ]

    def __str__(self):
        return f"{self.shoot_day} v{self.version}"


class CallSheetRecipient(models.Model):
    """A person's line on one call sheet version, their private link and their acknowledgement."""

    call_sheet = models.ForeignKey(
        CallSheet, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("call sheet")
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    line = models.JSONField(_("line"), encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("changes"), default=list, encoder=DjangoJSONEncoder)
    notified = models.BooleanField(_("notified"), default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call sheet recipient")
        verbose_name_plural = _("call sheet recipients")
        ordering = ["call_sheet_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call_sheet", "person"], name="call_sheet_recipient_unique"),
        ]

    def __str__(self):
        return f"{self.call_sheet} → {self.person}"
