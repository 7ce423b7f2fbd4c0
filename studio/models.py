from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """A production company, a filming-base operator, a review centre or a zone's management: the unit of
    tenancy."""

    class Kind(models.TextChoices):
        PRODUCTION_COMPANY = "production_company", _("production company")
        BASE_OPERATOR = "base_operator", _("base operator")
        REVIEW_CENTRE = "review_centre", _("review centre")
        ZONE_MANAGEMENT = "zone_management", _("zone management")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.short_name or self.name


class Membership(models.Model):
    """A user's role in one organisation; a user may hold several memberships."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        COORDINATOR = "coordinator", _("coordinator")
        REVIEWER = "reviewer", _("reviewer")
        MEMBER = "member", _("member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class Production(models.Model):
    """A micro-short-drama series made by a production company; shoots, bookings and reviews hang off it."""

    class Genre(models.TextChoices):
        ROMANCE = "romance", _("romance")
        REVENGE = "revenge", _("revenge / rise to power")
        URBAN = "urban", _("urban")
        FAMILY = "family", _("family")
        PERIOD = "period", _("period drama")
        FANTASY = "fantasy", _("fantasy")
        SUSPENSE = "suspense", _("suspense")
        COMEDY = "comedy", _("comedy")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DEVELOPMENT = "development", _("in development")
        PRE_PRODUCTION = "pre_production", _("pre-production")
        SHOOTING = "shooting", _("shooting")
        POST_PRODUCTION = "post_production", _("post-production")
        RELEASED = "released", _("released")
        CANCELLED = "cancelled", _("cancelled")

    class Tier(models.TextChoices):
        KEY = "key", _("key")
        ORDINARY = "ordinary", _("ordinary")
        OTHER = "other", _("other")

    company = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="productions",
        limit_choices_to={"kind": Organization.Kind.PRODUCTION_COMPANY},
        verbose_name=_("production company"),
    )
    title = models.CharField(_("title"), max_length=200)
    genre = models.CharField(_("genre"), max_length=20, choices=Genre.choices, default=Genre.OTHER)
    episode_count = models.PositiveSmallIntegerField(_("episode count"), validators=[MinValueValidator(1)])
    minutes_per_episode = models.DecimalField(
        _("minutes per episode"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    total_investment = models.DecimalField(
        _("total investment (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    special_subject = models.BooleanField(
        _("special subject"),
        default=False,
        help_text=_("Politics, military, diplomacy, security, ethnicity, religion, judiciary or police."),
    )
    planned_start = models.DateField(_("planned shoot start"), null=True, blank=True)
    planned_end = models.DateField(_("planned shoot end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DEVELOPMENT)
    # Derived from review.tiers (TierRule rows); never set by hand.
    tier = models.CharField(_("review tier"), max_length=10, choices=Tier.choices, blank=True)
    tier_flagged_at = models.DateTimeField(
        _("tier changed at"),
        null=True,
        blank=True,
        help_text=_("Set when a change of budget or subject moved the production across a tier threshold."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("production")
        verbose_name_plural = _("productions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["company", "title"], name="production_unique_company_title"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="production_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(episode_count__gte=1), name="production_episode_count_positive"
            ),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="production_investment_not_negative"
            ),
        ]

    def __str__(self):
        return self.title


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key``, replayed for repeats of that key."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")]

    def __str__(self):
        return self.key
