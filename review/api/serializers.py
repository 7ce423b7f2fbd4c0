"""Review API serializers: what a company sends (``...In``) and what both sides read (``...Out``)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from config.dates import DateField
from config.serializers import (
    CappedListSerializer,
    ChoiceField,
    InputSerializer,
    OutputModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from review.models import ReviewSubmission, SubmissionDocument, SubmissionEpisode, SubmissionHistory
from review.selectors import review_centres
from studio.models import Organization, Production
from studio.selectors import productions_visible_to

# -- submissions: output ---------------------------------------------------------------------------


class DocumentOut(OutputModelSerializer):
    class Meta:
        model = SubmissionDocument
        fields = ["id", "doc_type", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class EpisodeOut(OutputModelSerializer):
    class Meta:
        model = SubmissionEpisode
        fields = ["number", "title", "duration_seconds"]
        read_only_fields = fields


class FindingOut(serializers.Serializer):
    id = serializers.IntegerField()
    episode = serializers.IntegerField(allow_null=True)
    timecode = serializers.CharField()
    severity = serializers.CharField()
    text = serializers.CharField()
    decision = serializers.IntegerField(
        source="decision_id", help_text="The history entry that delivered it."
    )


class DecisionOut(OutputModelSerializer):
    class Meta:
        model = SubmissionHistory
        fields = ["id", "at", "from_stage", "to_stage", "decision", "comment"]
        read_only_fields = fields


class ReviewSubmissionOut(OutputModelSerializer):
    production = serializers.PrimaryKeyRelatedField(read_only=True)
    production_title = serializers.CharField(source="production.title", read_only=True)
    centre = serializers.PrimaryKeyRelatedField(read_only=True)
    centre_name = serializers.CharField(source="centre.name", read_only=True)
    previous_version = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    next_version = serializers.SerializerMethodField()
    is_assigned = serializers.SerializerMethodField()
    documents = DocumentOut(many=True, read_only=True)
    episodes = EpisodeOut(many=True, read_only=True)
    findings = FindingOut(many=True, read_only=True, source="public_findings")
    decisions = DecisionOut(many=True, read_only=True, source="history")

    class Meta:
        model = ReviewSubmission
        fields = [
            "id",
            "production",
            "production_title",
            "centre",
            "centre_name",
            "kind",
            "version",
            "previous_version",
            "next_version",
            "stage",
            "tier",
            "cover_note",
            "is_assigned",
            "submitted_at",
            "stage_entered_at",
            "due_date",
            "due_date_estimated",
            "decided_at",
            "filing_number",
            "documents",
            "episodes",
            "findings",
            "decisions",
            "created_at",
        ]
        read_only_fields = fields

    def get_next_version(self, submission) -> int | None:
        following = getattr(submission, "next_version", None)
        return following.pk if following else None

    def get_is_assigned(self, submission) -> bool:
        return submission.assigned_reviewer_id is not None


# -- submissions: input ----------------------------------------------------------------------------


class EpisodeIn(InputSerializer):
    number = serializers.IntegerField(min_value=1, max_value=10000)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration_seconds = serializers.IntegerField(min_value=1, max_value=24 * 3600)


class ReviewSubmissionIn(InputSerializer):
    production = ScopedPrimaryKeyRelatedField(scope=productions_visible_to, queryset=Production.objects)
    centre = ScopedPrimaryKeyRelatedField(
        scope=lambda organization: review_centres(), queryset=Organization.objects
    )
    kind = ChoiceField(choices=ReviewSubmission.Kind.choices)
    cover_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DocumentIn(InputSerializer):
    doc_type = ChoiceField(choices=SubmissionDocument.Type.choices)
    file = serializers.FileField(max_length=255, allow_empty_file=False)


class EpisodesIn(InputSerializer):
    # a micro-drama has 60–100 episodes; 1,000 leaves room and validates in a few tens of milliseconds
    episodes = CappedListSerializer(child=EpisodeIn(), allow_empty=False, max_length=1000)


class CommentIn(InputSerializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ResubmitIn(CommentIn):
    """Multipart: ``comment`` plus, optionally, one replacement file per document type (field = type)."""

    def to_internal_value(self, data):
        if not hasattr(data, "keys"):
            return super().to_internal_value(data)  # DRF's "expected a dictionary" 400
        files = {}
        for doc_type in SubmissionDocument.Type.values:
            if doc_type in data:
                upload = data[doc_type]
                if not hasattr(upload, "read"):
                    raise ValidationError({doc_type: [_("Upload a file.")]})
                files[doc_type] = upload
        rest = {key: data[key] for key in data if key not in files}
        validated = super().to_internal_value(rest)
        validated["documents"] = files
        return validated


# -- review centres --------------------------------------------------------------------------------


class ReviewCentreOut(OutputModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "province", "city"]
        read_only_fields = fields


class TurnaroundStageOut(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)


class TurnaroundMonthOut(serializers.Serializer):
    month = serializers.CharField()
    stages = TurnaroundStageOut(many=True)


class TurnaroundOut(serializers.Serializer):
    centre = serializers.IntegerField()
    since = serializers.DateField()
    until = serializers.DateField()
    unit = serializers.CharField()
    months = TurnaroundMonthOut(many=True)


def _months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class TurnaroundIn(InputSerializer):
    since = DateField(required=False)
    until = DateField(required=False)

    def validate(self, attrs):
        until = attrs.get("until") or timezone.localdate()
        since = attrs.get("since") or _months_before(until, 11)
        if since > until:
            raise ValidationError({"since": [_("Must not be after “until”.")]})
        if (until - since).days > 366 * 3:
            raise ValidationError({"since": [_("At most three years at a time.")]})
        return {"since": since, "until": until}


class DashboardStageOut(serializers.Serializer):
    stage = serializers.CharField(help_text="submitted, preliminary_review or content_audit.")
    label = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_this_week = serializers.IntegerField()


class DashboardOpenOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.CharField()
    stage = serializers.CharField(help_text="submitted, preliminary_review or content_audit.")
    stage_label = serializers.CharField()
    reviewer = serializers.CharField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    working_days_overdue = serializers.IntegerField()


class DashboardReviewerOut(serializers.Serializer):
    reviewer = serializers.IntegerField(allow_null=True, help_text="User id; null for work not yet assigned.")
    name = serializers.CharField()
    open = serializers.IntegerField()
    due_this_week = serializers.IntegerField()
    overdue = serializers.IntegerField()


class DashboardWeekOut(serializers.Serializer):
    week = serializers.DateField(help_text="The week's Monday.")
    count = serializers.IntegerField()


class DashboardTurnaroundOut(serializers.Serializer):
    month = serializers.CharField()
    stage = serializers.CharField(
        help_text="submitted, preliminary_review, content_audit, or end_to_end (submission to filing number)."
    )
    label = serializers.CharField()
    count = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    within_target = serializers.IntegerField(allow_null=True, help_text="End to end only.")


class ReviewDashboardOut(serializers.Serializer):
    centre = serializers.IntegerField()
    centre_name = serializers.CharField()
    today = serializers.DateField()
    since = serializers.DateField()
    until = serializers.DateField()
    unit = serializers.CharField()
    target_working_days = serializers.IntegerField()
    stages = DashboardStageOut(many=True)
    open_work = DashboardOpenOut(many=True)
    reviewers = DashboardReviewerOut(many=True)
    intake_weeks = DashboardWeekOut(many=True)
    turnaround = DashboardTurnaroundOut(many=True)
