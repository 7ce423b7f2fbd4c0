"""Review API: a company's submissions (``/review-submissions/``) and a centre's turnaround report.

The company creates a draft, uploads documents (multipart) and the episode list, then submits,
withdraws or resubmits; it reads stage, due date, findings delivered to it and every decision, never
a reviewer's internal notes. The centre reads the same submissions; it decides in the admin.
"""

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.parsers import JSONParser
from config.renderers import JSONRenderer
from config.spreadsheets import CSVRenderer
from config.uploads import upload_limit
from config.viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet, upload_action
from review import conf as review_conf
from review import documents as document_services
from review import policies, services
from review.api.filters import ReviewSubmissionFilterSet
from review.api.serializers import (
    CommentIn,
    DocumentIn,
    DocumentOut,
    EpisodesIn,
    ResubmitIn,
    ReviewCentreOut,
    ReviewDashboardOut,
    ReviewSubmissionIn,
    ReviewSubmissionOut,
    TurnaroundIn,
    TurnaroundOut,
)
from review.dashboard import centre_dashboard, dashboard_rows
from review.models import SubmissionDocument
from review.reports import turnaround_report
from review.selectors import review_centres_visible_to, submissions_visible_to
from studio.tenancy import Scope


class ReviewSubmissionViewSet(ScopedReadOnlyViewSet):
    """Submissions to review centres: the company's own, or those sent to the acting centre."""

    scope = Scope.PARTICIPANTS
    policy = policies.SUBMISSION
    serializer_class = ReviewSubmissionOut
    filterset_class = ReviewSubmissionFilterSet
    ordering_fields = ["created_at", "due_date", "submitted_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields = ["production__title", "filing_number"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return submissions_visible_to(organization=self.organization).select_related("next_version")

    def _render(self, submission, *, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(
            ReviewSubmissionOut(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=ReviewSubmissionIn, responses={201: ReviewSubmissionOut})
    def create(self, request):
        data = self.validated(ReviewSubmissionIn, request.data)
        submission = services.submission_create(by=request.user, **data)
        return self._render(submission, status_code=status.HTTP_201_CREATED)

    @upload_action(
        request=DocumentIn,
        responses={201: DocumentOut},
        max_bytes=review_conf.document_max_bytes,
        field="file",
        detail=True,
    )
    def documents(self, request, pk=None):
        submission = self.get_object()  # an outsider gets 404 before the body is looked at
        data = self.validated(DocumentIn, request.data)
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
        data = self.validated(EpisodesIn, request.data)
        document_services.episodes_replace(submission=submission, episodes=data["episodes"], by=request.user)
        return self._render(submission)

    @extend_schema(request=CommentIn, responses=ReviewSubmissionOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._move(request, services.submission_submit)

    @extend_schema(request=CommentIn, responses=ReviewSubmissionOut)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(request, services.submission_withdraw)

    def _move(self, request, service):
        """Move the submission with ``service`` (with the request's optional comment) and render it."""
        submission = self.get_object()  # an outsider gets 404 before the body is looked at
        data = self.validated(CommentIn, request.data)
        return self._render(service(submission=submission, by=request.user, **data))

    @extend_schema(
        request={"application/json": CommentIn, "multipart/form-data": ResubmitIn},
        responses={201: ReviewSubmissionOut},
        description="Create the next version from a submission returned for revision. Multipart requests may "
        "carry one replacement file per document type (the field is the type, e.g. `script`); the other "
        "documents are carried over.",
    )
    # one replacement file per document type at most, each within the document limit
    @upload_limit(lambda: review_conf.document_max_bytes() * len(SubmissionDocument.Type))
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        submission = self.get_object()
        data = self.validated(ResubmitIn, request.data)
        new = services.submission_resubmit(submission=submission, by=request.user, **data)
        return self._render(new, status_code=status.HTTP_201_CREATED)


class ReviewCentreViewSet(mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The acting review centre, its turnaround report and its dashboard."""

    scope = Scope.ORGANIZATION
    policy = policies.CENTRE
    serializer_class = ReviewCentreOut
    selector = review_centres_visible_to

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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="First day (default: 11 months ago, 1st)."
            ),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day (default: today)."),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={200: ReviewDashboardOut, (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def dashboard(self, request, pk=None, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """Open work by stage (overdue first), each reviewer's load, intake per week and turnaround per
        stage and end to end (submission to filing number) per month, in working days against the
        centre's target. ``?format=csv`` gives the same numbers as CSV."""
        centre = self.get_object()
        data = dashboard_body(centre, request.query_params)
        if getattr(request.accepted_renderer, "format", "") == "csv":
            name = f"review-dashboard-{centre.pk}-{data['since']}-{data['until']}.csv"
            return Response(
                dashboard_rows(data), headers={"Content-Disposition": f'attachment; filename="{name}"'}
            )
        return Response(ReviewDashboardOut(data).data)


def dashboard_body(centre, query) -> dict:
    """The dashboard for ``centre`` over the window in ``query`` (``since``/``until``; 400 when invalid)."""
    params = TurnaroundIn(data={name: query[name] for name in ("since", "until") if name in query})
    params.is_valid(raise_exception=True)
    return centre_dashboard(
        centre=centre, since=params.validated_data["since"], until=params.validated_data["until"]
    )
