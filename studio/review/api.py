"""Review API: a company's submissions (``/review-submissions/``) and a centre's turnaround report.

The company creates a draft, uploads documents (multipart) and the episode list, then submits,
withdraws or resubmits; it reads stage, due date, findings delivered to it and every decision, never
a reviewer's internal notes. The centre reads the same submissions; it decides in the admin.
"""

from datetime import date

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from config.dates import DateField
from config.serializers import (
    CappedListSerializer,
    ChoiceField,
    InputSerializer,
    OutputModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from config.uploads import upload_limit
from config.viewsets import ScopedGenericViewSet
from studio.models import Organization, Production
from studio.models_review import ReviewSubmission, SubmissionDocument, SubmissionEpisode, SubmissionHistory
from studio.review import conf as review_conf
from studio.review import documents as document_services
from studio.review import services
from studio.review.reports import turnaround_report
from studio.review.selectors import review_centres, review_centres_visible_to, submissions_visible_to
from studio.selectors import productions_visible_to
from studio.tenancy import ALL_ROLES, PLAN_ROLES, REVIEW_ROLES, Scope

COMPANY = {Organization.Kind.PRODUCTION_COMPANY}

# -- output ----------------------------------------------------------------------------------------


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


# -- input -----------------------------------------------------------------------------------------


class EpisodeIn(InputSerializer):
    number = serializers.IntegerField(min_value=1, max_value=10000)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration_seconds = serializers.IntegerField(min_value=1, max_value=24 * 3600)


class ReviewSubmissionIn(InputSerializer):
    production = ScopedPrimaryKeyRelatedField(
        scope=lambda organization: productions_visible_to(organization=organization),
        queryset=Production.objects,
    )
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


class ReviewSubmissionFilterSet(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = ReviewSubmission
        fields = ["stage", "kind", "production", "centre"]


# -- views -----------------------------------------------------------------------------------------


class ReviewSubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Submissions to review centres: the company's own, or those sent to the acting centre."""

    scope = Scope.PARTICIPANTS
    serializer_class = ReviewSubmissionOut
    filterset_class = ReviewSubmissionFilterSet
    ordering_fields = ["created_at", "due_date", "submitted_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields = ["production__title", "filing_number"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    write_roles = PLAN_ROLES
    organization_kinds = {Organization.Kind.PRODUCTION_COMPANY, Organization.Kind.REVIEW_CENTRE}
    action_kinds = {
        name: COMPANY
        for name in ("create", "documents", "document_delete", "episodes", "submit", "withdraw", "resubmit")
    }
    action_roles = {"list": ALL_ROLES, "retrieve": ALL_ROLES}

    def get_queryset(self):
        return submissions_visible_to(organization=self.organization).select_related("next_version")

    def _render(self, submission, *, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(
            ReviewSubmissionOut(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=ReviewSubmissionIn, responses={201: ReviewSubmissionOut})
    def create(self, request):
        data = self._input(ReviewSubmissionIn)
        submission = services.submission_create(by=request.user, **data)
        return self._render(submission, status_code=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": DocumentIn}, responses={201: DocumentOut})
    @upload_limit(lambda: review_conf.DOCUMENT_MAX_BYTES, field="file")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        submission = self.get_object()  # an outsider gets 404 before the body is looked at
        data = self._input(DocumentIn)
        document = document_services.document_upload(
            submission=submission, doc_type=data["doc_type"], upload=data["file"], by=request.user
        )
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"documents/(?P<document_id>[0-9]+)")
    def document_delete(self, request, pk=None, document_id=None):
        submission = self.get_object()
        document = submission.documents.filter(pk=document_id).first()
        if document is None:
            raise NotFound()
        document_services.document_delete(document=document, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=EpisodesIn, responses=ReviewSubmissionOut)
    @action(detail=True, methods=["put"])
    def episodes(self, request, pk=None):
        submission = self.get_object()
        data = self._input(EpisodesIn)
        document_services.episodes_replace(submission=submission, episodes=data["episodes"], by=request.user)
        return self._render(submission)

    @extend_schema(request=CommentIn, responses=ReviewSubmissionOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = self.get_object()
        data = self._input(CommentIn)
        return self._render(services.submission_submit(submission=submission, by=request.user, **data))

    @extend_schema(request=CommentIn, responses=ReviewSubmissionOut)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        submission = self.get_object()
        data = self._input(CommentIn)
        return self._render(services.submission_withdraw(submission=submission, by=request.user, **data))

    @extend_schema(
        request={"application/json": CommentIn, "multipart/form-data": ResubmitIn},
        responses={201: ReviewSubmissionOut},
        description="Create the next version from a submission returned for revision. Multipart requests may "
        "carry one replacement file per document type (the field is the type, e.g. `script`); the other "
        "documents are carried over.",
    )
    # one replacement file per document type at most, each within the document limit
    @upload_limit(lambda: review_conf.DOCUMENT_MAX_BYTES * len(SubmissionDocument.Type))
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        submission = self.get_object()
        data = self._input(ResubmitIn)
        new = services.submission_resubmit(submission=submission, by=request.user, **data)
        return self._render(new, status_code=status.HTTP_201_CREATED)


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


class ReviewCentreViewSet(mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The acting review centre, and its turnaround report."""

    scope = Scope.ORGANIZATION
    serializer_class = ReviewCentreOut
    organization_kinds = {Organization.Kind.REVIEW_CENTRE}
    action_roles = {"retrieve": ALL_ROLES, "turnaround": REVIEW_ROLES}

    def get_queryset(self):
        return review_centres_visible_to(organization=self.organization)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="First day (default: 11 months ago, 1st)."
            ),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day (default: today)."),
        ],
        responses=TurnaroundOut,
    )
    @action(detail=True, methods=["get"])
    def turnaround(self, request, pk=None):
        centre = self.get_object()
        params = TurnaroundIn(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        since: date = params.validated_data["since"]
        until: date = params.validated_data["until"]
        months = turnaround_report(centre=centre, since=since, until=until)
        return Response(
            {"centre": centre.pk, "since": since, "until": until, "unit": "working_days", "months": months}
        )
