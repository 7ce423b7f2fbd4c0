"""Every write of the review workflow. Each transition runs on the workflow's table (``review.workflow``):
the one runner locks the submission row, checks the actor's role and the current stage, writes exactly
one history row and records its event, in one transaction; each service here gives its own checks and
fields (``prepare`` before the lock, ``apply`` under it).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import ConflictError, DomainError
from notifications.services import event_record
from review import conf
from review.calendar import WorkingDayCalendar
from review.documents import document_store
from review.errors import IncompleteDossier, InvalidTransition, NotReviewer
from review.models import (
    FilingCounter,
    Finding,
    ReviewSubmission,
    SubmissionDocument,
    SubmissionEpisode,
    SubmissionHistory,
)
from review.permissions import centre_leads, is_centre_lead, require_company_member, require_reviewer
from review.tiers import tier_classify
from review.workflow import REVIEWS, centre_profile
from studio.models import Organization, Production

Stage = ReviewSubmission.Stage
Decision = SubmissionHistory.Decision


# -- helpers ---------------------------------------------------------------------------------------


def _missing_for(submission: ReviewSubmission, tier: str) -> dict[str, list[str]]:
    present = set(SubmissionDocument.objects.filter(submission=submission).values_list("doc_type", flat=True))
    required = conf.required_documents(kind=submission.kind, tier=tier)
    missing = {}
    absent = [doc for doc in required if doc not in present]
    if absent:
        missing["documents"] = absent
    if (
        submission.kind == ReviewSubmission.Kind.FINISHED_CUT
        and not SubmissionEpisode.objects.filter(submission=submission).exists()
    ):
        missing["episodes"] = [_("A finished cut needs its episode list.")]
    return missing


def _check_complete_and_classify(submission: ReviewSubmission, *, now) -> None:
    production = submission.production
    tier, rule = tier_classify(
        total_investment=production.total_investment,
        special_subject=production.special_subject,
        on=timezone.localdate(now),
    )
    missing = _missing_for(submission, tier)
    if missing:
        labels = dict(SubmissionDocument.Type.choices)
        names = [str(labels.get(doc, doc)) for doc in missing.get("documents", [])]
        if "episodes" in missing:
            names.append(_("episode list"))
        raise IncompleteDossier(
            _("The dossier is incomplete for a %(tier)s production; missing: %(missing)s.")
            % {"tier": Production.Tier(tier).label, "missing": "、".join(names)},
            fields=missing,
        )
    submission.tier, submission.tier_rule = tier, rule


# -- company ---------------------------------------------------------------------------------------


@transaction.atomic
def submission_create(
    *, production: Production, centre: Organization, kind: str, by, cover_note: str = ""
) -> ReviewSubmission:
    """Start a draft submission of a production to a review centre."""
    require_company_member(user=by, company=production.company)
    if centre.kind != Organization.Kind.REVIEW_CENTRE:
        raise DomainError(
            _("Submissions go to a review centre."),
            code="not_a_review_centre",
            fields={"centre": [_("Not a review centre.")]},
        )
    if kind not in ReviewSubmission.Kind.values:
        raise DomainError(_("Unknown submission kind."), fields={"kind": [_("Not a submission kind.")]})
    Production.objects.select_for_update().filter(pk=production.pk).first()
    same = ReviewSubmission.objects.filter(production=production, kind=kind)
    if same.filter(stage__in=ReviewSubmission.ACTIVE_STAGES).exists():
        raise ConflictError(
            _("This production already has an open %(kind)s; withdraw it first.")
            % {"kind": ReviewSubmission.Kind(kind).label},
            code="submission_open",
        )
    if same.filter(stage=Stage.REVISION_REQUESTED, next_version__isnull=True).exists():
        raise ConflictError(
            _("This production has a %(kind)s returned for revision: resubmit it instead.")
            % {"kind": ReviewSubmission.Kind(kind).label},
            code="resubmit_instead",
        )
    version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
    return ReviewSubmission.objects.create(
        production=production, centre=centre, kind=kind, version=version, cover_note=cover_note, created_by=by
    )


def submission_submit(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """Send a complete draft to the centre (400 listing what is missing otherwise)."""
    now = timezone.now()

    def apply(locked: ReviewSubmission) -> dict:
        _check_complete_and_classify(locked, now=now)
        locked.submitted_at = now
        return {"comment": comment, "payload": {"comment": comment}}

    return REVIEWS.run("submit", submission, by=by, now=now, apply=apply, fields=None)


def submission_withdraw(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """The company takes its submission back (final)."""
    now = timezone.now()

    def apply(locked: ReviewSubmission) -> dict:
        if (
            locked.stage == Stage.REVISION_REQUESTED
            and ReviewSubmission.objects.filter(previous_version=locked).exists()
        ):
            raise InvalidTransition(_("A newer version of this submission exists; withdraw that one."))
        locked.decided_at = now
        return {"comment": comment, "payload": {"from_stage": locked.stage, "comment": comment}}

    return REVIEWS.run("withdraw", submission, by=by, now=now, apply=apply, fields=None)


def submission_resubmit(
    *,
    submission: ReviewSubmission,
    by,
    comment: str = "",
    documents: dict[str, UploadedFile] | None = None,
    episodes: list[dict] | None = None,
) -> ReviewSubmission:
    """Answer a revision request with the next version, carrying over the documents not replaced."""
    now = timezone.now()
    documents = documents or {}

    def apply(old: ReviewSubmission) -> dict:
        if ReviewSubmission.objects.filter(previous_version=old).exists():
            raise InvalidTransition(
                _("This version has already been resubmitted."), code="already_resubmitted"
            )
        try:
            with transaction.atomic():
                new = ReviewSubmission.objects.create(
                    production=old.production,
                    centre=old.centre,
                    kind=old.kind,
                    version=old.version + 1,
                    previous_version=old,
                    cover_note=comment or old.cover_note,
                    created_by=by,
                )
        except IntegrityError:
            raise InvalidTransition(
                _("This version has already been resubmitted."), code="already_resubmitted"
            ) from None
        for doc_type, upload in documents.items():
            document_store(submission=new, doc_type=doc_type, upload=upload, by=by)
        SubmissionDocument.objects.bulk_create(
            SubmissionDocument(
                submission=new,
                doc_type=doc.doc_type,
                file=doc.file.name,
                original_name=doc.original_name,
                content_type=doc.content_type,
                size=doc.size,
                sha256=doc.sha256,
                uploaded_by=doc.uploaded_by,
            )
            for doc in old.documents.exclude(doc_type__in=list(documents))
        )
        source = (
            episodes if episodes is not None else old.episodes.values("number", "title", "duration_seconds")
        )
        SubmissionEpisode.objects.bulk_create(
            SubmissionEpisode(submission=new, **dict(episode)) for episode in source
        )
        _check_complete_and_classify(new, now=now)
        new.submitted_at = now
        return {"next_version": new, "comment": comment, "payload": {"previous": old.pk, "comment": comment}}

    return REVIEWS.run("resubmit", submission, by=by, now=now, apply=apply, fields=None)


# -- review centre ---------------------------------------------------------------------------------


def submission_assign(
    *, submission: ReviewSubmission, by, reviewer=None, comment: str = ""
) -> ReviewSubmission:
    """Assign a reviewer (by default the actor); a submitted dossier thereby enters preliminary review.

    Taking a submission someone else holds needs a centre lead, so two reviewers grabbing the same
    one at once end with one assignee and one 409.
    """
    now = timezone.now()
    reviewer = reviewer or by
    lead = False

    def prepare(submission: ReviewSubmission) -> None:
        nonlocal lead
        lead = is_centre_lead(require_reviewer(user=by, centre=submission.centre))
        if reviewer != by and not lead:
            raise NotReviewer(_("Only a centre lead may assign submissions to someone else."))
        try:
            require_reviewer(user=reviewer, centre=submission.centre)
        except NotReviewer:
            raise DomainError(
                _("%(user)s is not a reviewer of this centre.") % {"user": reviewer},
                code="invalid_reviewer",
                fields={"reviewer": [_("Not a reviewer of this centre.")]},
            ) from None

    def apply(locked: ReviewSubmission) -> dict:
        if locked.assigned_reviewer_id == reviewer.pk:
            raise ConflictError(
                _("The submission is already assigned to %(user)s.") % {"user": reviewer},
                code="already_assigned",
            )
        if locked.assigned_reviewer_id is not None and not lead:
            raise ConflictError(
                _("The submission is already assigned to %(user)s.") % {"user": locked.assigned_reviewer},
                code="already_assigned",
            )
        locked.assigned_reviewer = reviewer
        return {"comment": comment, "payload": {"from_stage": locked.stage}}

    action = REVIEWS.assign_action(submission)
    return REVIEWS.run(action, submission, by=by, now=now, prepare=prepare, apply=apply, fields=None)


def finding_add(
    *,
    submission: ReviewSubmission,
    by,
    text: str,
    episode: int | None = None,
    timecode: str = "",
    severity: str = Finding.Severity.MAJOR,
    internal: bool = False,
) -> Finding:
    """Record a finding (or, with ``internal``, a note only the centre sees) on a submission under review."""
    added = []

    def apply(locked: ReviewSubmission) -> None:
        added.append(
            _finding_create(
                locked,
                by=by,
                text=text,
                episode=episode,
                timecode=timecode,
                severity=severity,
                internal=internal,
            )
        )

    REVIEWS.run("add_finding", submission, by=by, now=timezone.now(), apply=apply, fields=None)
    return added[0]


def _finding_create(
    submission, *, by, text, episode=None, timecode="", severity=Finding.Severity.MAJOR, internal=False
):
    text = (text or "").strip()
    if not text:
        raise DomainError(
            _("A finding needs its text."), code="finding_invalid", fields={"text": [_("Required.")]}
        )
    if severity not in Finding.Severity.values:
        raise DomainError(
            _("Unknown severity."), code="finding_invalid", fields={"severity": [_("Not a severity.")]}
        )
    if episode is not None and not 1 <= episode <= submission.production.episode_count:
        raise DomainError(
            _("Episode %(episode)s does not exist (the production has %(count)d).")
            % {"episode": episode, "count": submission.production.episode_count},
            code="finding_invalid",
            fields={"episode": [_("No such episode.")]},
        )
    finding = Finding(
        submission=submission,
        episode=episode,
        timecode=timecode or "",
        severity=severity,
        text=text,
        internal=internal,
        created_by=by,
    )
    try:
        finding.full_clean(exclude=["submission", "created_by", "decision"])
    except ValidationError as exc:
        raise DomainError(
            _("The finding is invalid."), code="finding_invalid", fields=getattr(exc, "message_dict", {})
        ) from None
    finding.save()
    return finding


def submission_pass_preliminary(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """初审 passed: the submission moves on to content audit."""

    def apply(locked: ReviewSubmission) -> dict:
        return {"comment": comment, "payload": {"from_stage": locked.stage, "comment": comment}}

    return REVIEWS.run("pass", submission, by=by, now=timezone.now(), apply=apply, fields=None)


def submission_return(
    *, submission: ReviewSubmission, by, comment: str = "", findings: Iterable[dict] = ()
) -> ReviewSubmission:
    """Return for revision (退回修改) with at least one finding the company can read."""

    def apply(locked: ReviewSubmission) -> dict:
        for finding in findings:
            _finding_create(locked, by=by, **finding)
        if not Finding.objects.filter(submission=locked, decision__isnull=True, internal=False).exists():
            raise DomainError(
                _("Record at least one finding for the company before returning the submission."),
                code="findings_required",
                fields={"findings": [_("At least one finding is required.")]},
            )
        return {"comment": comment, "payload": {"from_stage": locked.stage, "comment": comment}}

    return REVIEWS.run("return", submission, by=by, now=timezone.now(), apply=apply, fields=None)


def _next_filing_number(submission: ReviewSubmission, *, year: int) -> tuple[int, str]:
    """Take the centre's next number for ``year``; the counter row stays locked until commit."""
    FilingCounter.objects.bulk_create(
        [FilingCounter(centre=submission.centre, year=year)], ignore_conflicts=True
    )
    counter = FilingCounter.objects.select_for_update().get(centre=submission.centre, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, centre_profile(submission.centre).format_number(
        year=year, number=counter.last_number
    )


def submission_approve(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """Approve after content audit and issue the filing number."""
    now = timezone.now()

    def apply(locked: ReviewSubmission) -> dict:
        year = timezone.localdate(now).year
        sequence, number = _next_filing_number(locked, year=year)
        locked.filing_year, locked.filing_sequence, locked.filing_number = year, sequence, number
        locked.decided_at = now
        return {"comment": comment, "payload": {"filing_number": number, "comment": comment}}

    return REVIEWS.run("approve", submission, by=by, now=now, apply=apply, fields=None)


def submission_reject(*, submission: ReviewSubmission, by, reason: str) -> ReviewSubmission:
    """Reject (final), with the reason the company is told."""
    now = timezone.now()
    reason = (reason or "").strip()

    def prepare(submission: ReviewSubmission) -> None:
        if not reason:
            raise DomainError(
                _("A rejection needs a reason."), code="reason_required", fields={"reason": [_("Required.")]}
            )

    def apply(locked: ReviewSubmission) -> dict:
        locked.decided_at = now
        return {"comment": reason, "payload": {"from_stage": locked.stage, "reason": reason}}

    return REVIEWS.run("reject", submission, by=by, now=now, prepare=prepare, apply=apply, fields=None)


# -- deadlines -------------------------------------------------------------------------------------


def submissions_notify_overdue(*, today: date | None = None) -> int:
    """Tell each centre's leads, once a day, which submissions are past their due date; returns how many."""
    today = today or timezone.localdate()
    notified = 0
    centre_ids = (
        ReviewSubmission.objects.filter(stage__in=ReviewSubmission.CENTRE_STAGES, due_date__lt=today)
        .exclude(overdue_notified_on=today)
        .values_list("centre_id", flat=True)
        .distinct()
    )
    for centre_id in list(centre_ids):
        with transaction.atomic():
            overdue = list(
                ReviewSubmission.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(centre_id=centre_id, stage__in=ReviewSubmission.CENTRE_STAGES, due_date__lt=today)
                .exclude(overdue_notified_on=today)
                .select_related("production__company", "centre", "assigned_reviewer")
                .order_by("due_date", "pk")
            )
            if not overdue:
                continue
            centre = overdue[0].centre
            calendar = WorkingDayCalendar.for_centre(centre)
            leads = list(centre_leads(centre))
            event_record(
                type="review.overdue",
                organization=centre,
                subject=centre,
                # the leads only, by address: an audience would mail every reviewer of the centre
                emails=[user.email for user in leads if user.email],
                payload={
                    "centre": centre.name,
                    "date": today.isoformat(),
                    "leads": [user.username for user in leads],
                    "submissions": [
                        {
                            "submission": s.pk,
                            "title": s.production.title,
                            "company": s.production.company.name,
                            "stage": s.stage,
                            "due_date": s.due_date.isoformat(),
                            "working_days_overdue": calendar.working_days_between(s.due_date, today),
                            "assigned_reviewer": s.assigned_reviewer.username
                            if s.assigned_reviewer
                            else None,
                        }
                        for s in overdue
                    ],
                },
            )
            ReviewSubmission.objects.filter(pk__in=[s.pk for s in overdue]).update(overdue_notified_on=today)
            notified += len(overdue)
    return notified
