"""Reads for script review, scoped to the acting organisation."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from config.scoping import scope
from review.models import Finding, ReviewSubmission, SubmissionHistory
from studio.models import Organization, Production

Stage = ReviewSubmission.Stage


@scope(ReviewSubmission)
def submissions_visible_to(*, organization: Organization) -> QuerySet[ReviewSubmission]:
    """A company sees its productions' submissions; a centre the ones sent to it; nobody else any.

    Prefetches what the API renders. Findings are restricted to what the company may read (delivered
    and not internal); a centre's own tools read findings through ``findings_for_centre``.
    """
    if organization.kind == Organization.Kind.REVIEW_CENTRE:
        queryset = ReviewSubmission.objects.filter(centre=organization)
    elif organization.kind == Organization.Kind.PRODUCTION_COMPANY:
        queryset = ReviewSubmission.objects.filter(production__company=organization)
    else:
        return ReviewSubmission.objects.none()
    return queryset.select_related(
        "production__company", "centre", "assigned_reviewer", "previous_version"
    ).prefetch_related(
        "documents",
        "episodes",
        Prefetch("findings", queryset=findings_public(), to_attr="public_findings"),
        Prefetch("history", queryset=SubmissionHistory.objects.select_related("actor").order_by("at", "id")),
    )


def findings_public() -> QuerySet[Finding]:
    """Findings a company may read: delivered with a decision, never internal notes."""
    return Finding.objects.filter(internal=False, decision__isnull=False).order_by(
        "episode", "timecode", "id"
    )


def review_centres() -> QuerySet[Organization]:
    """Every review centre (a catalogue: any company may send a dossier to any centre)."""
    return Organization.objects.filter(kind=Organization.Kind.REVIEW_CENTRE)


@scope(Organization)
def review_centres_named_by(*, organization: Organization) -> QuerySet[Organization]:
    """The centres any organisation may name: all of them (any company may send a dossier to any centre)."""
    return review_centres()


@scope(Production)
def productions_submitted_to(*, organization: Organization) -> QuerySet[Production]:
    """A centre sees the productions submitted to it."""
    return Production.objects.filter(
        pk__in=submissions_visible_to(organization=organization).values("production")
    )


def review_centres_visible_to(*, organization: Organization) -> QuerySet[Organization]:
    """A centre sees itself (its reports); a company sees no centre's internals."""
    return review_centres().filter(pk=organization.pk)


def submissions_overdue(*, centre: Organization, today=None) -> QuerySet[ReviewSubmission]:
    today = today or timezone.localdate()
    return ReviewSubmission.objects.filter(
        centre=centre, stage__in=ReviewSubmission.CENTRE_STAGES, due_date__lt=today
    )


def production_passed_preliminary(production: Production) -> bool:
    """The bookings gate (issue item 10): has this production's planning dossier passed 初审?

    True while a planning-dossier submission of the production is in content audit or approved. A
    dossier returned, rejected or withdrawn no longer counts: its next version must pass 初审 again.
    Bookings call this when a base requires it before confirming (409 with the reason otherwise);
    shoot days only warn.
    """
    return ReviewSubmission.objects.filter(
        Q(stage=Stage.CONTENT_AUDIT) | Q(stage=Stage.APPROVED),
        production=production,
        kind=ReviewSubmission.Kind.PLANNING_DOSSIER,
    ).exists()
