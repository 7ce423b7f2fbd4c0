"""Script review models: tier rules, review centres' settings, submissions and what hangs off them.

The tables keep the ``studio_`` names they were created with (``Meta.db_table``): the models moved here
from the studio app without touching the database (``review/migrations/0001_initial.py``).
"""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.fields import optional_user
from studio.models import Organization, Production

TIMECODE_RE = r"^\d{1,2}:[0-5]\d:[0-5]\d$"
DEFAULT_NUMBER_FORMAT = "({region})网剧审字({year})第{number:03d}号"


class TierRule(models.Model):
    """One set of tier thresholds, in force from ``effective_from`` until the next rule's date."""

    effective_from = models.DateField(_("effective from"), unique=True)
    key_min_investment = models.DecimalField(
        _("key tier from (CNY)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("A total investment at or above this is a key production."),
    )
    ordinary_min_investment = models.DecimalField(
        _("ordinary tier from (CNY)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("At or above this (and below the key threshold) is ordinary; below it is other."),
    )
    special_subject_is_key = models.BooleanField(_("special subject is always key"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "studio_tierrule"
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ordinary_min_investment__gte=0)
                & Q(key_min_investment__gt=models.F("ordinary_min_investment")),
                name="tierrule_thresholds_ordered",
            )
        ]

    def __str__(self):
        return f"{self.effective_from}: ≥{self.key_min_investment} / ≥{self.ordinary_min_investment}"

    def classify(self, *, total_investment: Decimal, special_subject: bool) -> str:
        if special_subject and self.special_subject_is_key:
            return Production.Tier.KEY
        if total_investment >= self.key_min_investment:
            return Production.Tier.KEY
        if total_investment >= self.ordinary_min_investment:
            return Production.Tier.ORDINARY
        return Production.Tier.OTHER


class ReviewCentreProfile(models.Model):
    """A review centre's configuration: its filing-number format and its per-stage time limits."""

    centre = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="review_profile",
        limit_choices_to={"kind": Organization.Kind.REVIEW_CENTRE},
        verbose_name=_("review centre"),
    )
    region = models.CharField(_("region abbreviation"), max_length=10, default="豫")
    number_format = models.CharField(
        _("filing number format"),
        max_length=100,
        default=DEFAULT_NUMBER_FORMAT,
        help_text=_("Placeholders: {region}, {year}, {number} (e.g. {number:03d} for 001)."),
    )
    intake_days = models.PositiveSmallIntegerField(
        _("intake limit (working days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    preliminary_days = models.PositiveSmallIntegerField(
        _("preliminary review limit (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    content_audit_days = models.PositiveSmallIntegerField(
        _("content audit limit (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        db_table = "studio_reviewcentreprofile"
        verbose_name = _("review centre settings")
        verbose_name_plural = _("review centre settings")

    def __str__(self):
        return str(self.centre)

    def clean(self):
        try:
            self.format_number(year=2026, number=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError({"number_format": _("Invalid format: %(error)s") % {"error": exc}}) from exc
        if "{number" not in self.number_format:
            raise ValidationError({"number_format": _("The format must contain {number}.")})

    def format_number(self, *, year: int, number: int) -> str:
        return self.number_format.format(region=self.region, year=year, number=number)

    def stage_limit(self, stage: str) -> int | None:
        return {
            ReviewSubmission.Stage.SUBMITTED: self.intake_days,
            ReviewSubmission.Stage.PRELIMINARY_REVIEW: self.preliminary_days,
            ReviewSubmission.Stage.CONTENT_AUDIT: self.content_audit_days,
        }.get(stage)


class HolidayOverride(models.Model):
    """A day a centre marks as closed or as an extra working day (used where the calendar has no data)."""

    centre = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="holiday_overrides",
        limit_choices_to={"kind": Organization.Kind.REVIEW_CENTRE},
        verbose_name=_("review centre"),
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(
        _("working day"), default=False, help_text=_("Tick for an adjusted working weekend (调休).")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        db_table = "studio_holidayoverride"
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["centre", "date"]
        constraints = [models.UniqueConstraint(fields=["centre", "date"], name="holidayoverride_unique_day")]

    def __str__(self):
        return f"{self.date} {self.name}"


class FilingCounter(models.Model):
    """The last filing number a centre issued in a year; locked while the next one is taken."""

    centre = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="filing_counters",
        limit_choices_to={"kind": Organization.Kind.REVIEW_CENTRE},
        verbose_name=_("review centre"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        db_table = "studio_filingcounter"
        verbose_name = _("filing counter")
        verbose_name_plural = _("filing counters")
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="filingcounter_unique_year")]

    def __str__(self):
        return f"{self.centre} {self.year}: {self.last_number}"


class ReviewSubmission(models.Model):
    """One version of a production's dossier (planning) or finished cut, on its way through a centre."""

    class Kind(models.TextChoices):
        PLANNING_DOSSIER = "planning_dossier", _("planning dossier")
        FINISHED_CUT = "finished_cut", _("finished cut")

    class Stage(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        PRELIMINARY_REVIEW = "preliminary_review", _("preliminary review")
        CONTENT_AUDIT = "content_audit", _("content audit")
        REVISION_REQUESTED = "revision_requested", _("revision requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    #: Stages in which the centre is working on the submission (each has a time limit).
    CENTRE_STAGES = (Stage.SUBMITTED, Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT)
    #: At most one submission of a production and kind may be in one of these at a time.
    ACTIVE_STAGES = (Stage.DRAFT, *CENTRE_STAGES)
    FINAL_STAGES = (Stage.APPROVED, Stage.REJECTED, Stage.WITHDRAWN)

    production = models.ForeignKey(
        Production, on_delete=models.PROTECT, related_name="review_submissions", verbose_name=_("production")
    )
    centre = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="received_submissions",
        limit_choices_to={"kind": Organization.Kind.REVIEW_CENTRE},
        verbose_name=_("review centre"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    tier = models.CharField(_("tier"), max_length=10, choices=Production.Tier.choices, blank=True)
    tier_rule = models.ForeignKey(
        TierRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier rule"),
    )
    cover_note = models.TextField(_("cover note"), blank=True)
    assigned_reviewer = optional_user(
        _("assigned reviewer"), on_delete=models.PROTECT, related_name="assigned_submissions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("stage entered at"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_date_estimated = models.BooleanField(
        _("due date estimated"),
        default=False,
        help_text=_(
            "The official holiday calendar does not cover these dates yet: Monday–Friday plus "
            "the centre's own holiday overrides were used."
        ),
    )
    overdue_notified_on = models.DateField(_("overdue notice sent on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=100, null=True, blank=True, unique=True)
    filing_year = models.PositiveSmallIntegerField(_("filing year"), null=True, blank=True)
    filing_sequence = models.PositiveIntegerField(_("filing sequence"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "studio_reviewsubmission"
        verbose_name = _("review submission")
        verbose_name_plural = _("review submissions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "stage", "due_date"]),
            models.Index(fields=["assigned_reviewer", "stage"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["production", "kind", "version"], name="reviewsubmission_unique_version"
            ),
            models.UniqueConstraint(
                fields=["production", "kind"],
                condition=Q(stage__in=["draft", "submitted", "preliminary_review", "content_audit"]),
                name="reviewsubmission_one_active_per_kind",
            ),
            models.UniqueConstraint(
                fields=["centre", "filing_year", "filing_sequence"], name="reviewsubmission_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(stage="approved", filing_number__isnull=False)
                | (~Q(stage="approved") & Q(filing_number__isnull=True)),
                name="reviewsubmission_number_iff_approved",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="reviewsubmission_version_positive"),
        ]

    def __str__(self):
        return f"{self.production} · {self.get_kind_display()} v{self.version}"


def document_upload_to(instance: "SubmissionDocument", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"review/{instance.submission_id}/{uuid.uuid4().hex}{suffix}"


class SubmissionDocument(models.Model):
    """A file of a submission (script, outline, pledge ...), kept with its checksum."""

    class Type(models.TextChoices):
        SCRIPT = "script", _("script")
        OUTLINE = "outline", _("outline")
        SYNOPSIS = "synopsis", _("synopsis")
        COST_ALLOCATION_REPORT = "cost_allocation_report", _("cost-allocation report")
        ACTOR_FEE_PLEDGE = "actor_fee_pledge", _("actor-fee pledge")
        RIGHTS_PROOF = "rights_proof", _("proof of rights")
        LICENCE = "licence", _("production licence")

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.CASCADE, related_name="documents", verbose_name=_("submission")
    )
    doc_type = models.CharField(_("document type"), max_length=30, choices=Type.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, validators=[RegexValidator(r"^[0-9a-f]{64}$")], db_index=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        db_table = "studio_submissiondocument"
        verbose_name = _("submission document")
        verbose_name_plural = _("submission documents")
        ordering = ["submission", "doc_type", "id"]

    def __str__(self):
        return f"{self.get_doc_type_display()}: {self.original_name}"


class SubmissionEpisode(models.Model):
    """One episode of a finished cut, as listed by the company."""

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.CASCADE, related_name="episodes", verbose_name=_("submission")
    )
    number = models.PositiveSmallIntegerField(_("episode"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), validators=[MinValueValidator(1)])

    class Meta:
        db_table = "studio_submissionepisode"
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submissionepisode_unique_number")
        ]

    def __str__(self):
        return _("Episode %(number)d") % {"number": self.number}


class SubmissionHistory(models.Model):
    """One successful transition of a submission: who, when, from and to which stage, and why."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ASSIGNED = "assigned", _("assigned")
        PASSED = "passed", _("passed preliminary review")
        RETURNED = "returned", _("returned for revision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        RESUBMITTED = "resubmitted", _("resubmitted")

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.CASCADE, related_name="history", verbose_name=_("submission")
    )
    actor = optional_user(_("by"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("at"), db_index=True)
    from_stage = models.CharField(_("from stage"), max_length=20, choices=ReviewSubmission.Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=ReviewSubmission.Stage.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    working_days_in_stage = models.PositiveIntegerField(
        _("working days in stage"),
        null=True,
        blank=True,
        help_text=_("Working days spent in the stage left."),
    )

    class Meta:
        db_table = "studio_submissionhistory"
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["submission", "at", "id"]
        indexes = [models.Index(fields=["from_stage", "at"])]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class Finding(models.Model):
    """A reviewer's finding on a submission, optionally at an episode and timecode."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("minor")
        MAJOR = "major", _("major")
        CRITICAL = "critical", _("critical")

    submission = models.ForeignKey(
        ReviewSubmission, on_delete=models.CASCADE, related_name="findings", verbose_name=_("submission")
    )
    episode = models.PositiveSmallIntegerField(
        _("episode"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    timecode = models.CharField(
        _("timecode"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(TIMECODE_RE, _("Use H:MM:SS or HH:MM:SS."))],
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MAJOR
    )
    text = models.TextField(_("finding"))
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Internal notes are never shown to the company.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decision = models.ForeignKey(
        SubmissionHistory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("sent with"),
        help_text=_("The decision that delivered this finding to the company."),
    )

    class Meta:
        db_table = "studio_finding"
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["submission", "episode", "timecode", "id"]

    def __str__(self):
        return self.text[:60]
