"""Every write of the review workflow. Each transition locks the submission row, checks the actor's role
and the current stage, writes exactly one history row and records its event, in one transaction.

Stages (DOMAIN.md)::

    draft ─submit→ submitted ─assign→ preliminary_review ─pass→ content_audit ─approve→ approved
    preliminary_review | content_audit ─return→ revision_requested ─resubmit→ (next version) submitted
    submitted | preliminary_review | content_audit ─reject→ rejected
    draft | submitted | preliminary_review | content_audit | revision_requested ─withdraw→ withdrawn
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
from review.errors import REVIEW_ACTIONS, IncompleteDossier, InvalidTransition, NotReviewer
from review.models import (
    FilingCounter,
    Finding,
    ReviewCentreProfile,
    ReviewSubmission,
    SubmissionDocument,
    SubmissionEpisode,
    SubmissionHistory,
)
from review.permissions import centre_leads, is_centre_lead, require_company_member, require_reviewer
from review.tiers import tier_classify
from studio.models import Organization, Production

Stage = ReviewSubmission.Stage
Decision = SubmissionHistory.Decision


# -- helpers ---------------------------------------------------------------------------------------


def centre_profile(centre: Organization) -> ReviewCentreProfile:
    """The centre's settings, or the defaults when it has not saved any (never created here: no race)."""
    return ReviewCentreProfile.objects.filter(centre=centre).first() or ReviewCentreProfile(centre=centre)


def _lock(submission: ReviewSubmission) -> ReviewSubmission:
    """Lock the row; refuse (409) when its stage moved since the caller loaded ``submission``.

    The caller decided on the stage it saw: a "return" clicked at 初审 must not land on a submission
    that a colleague has meanwhile passed to content audit.
    """
    locked = (
        ReviewSubmission.objects.select_for_update(of=("self",))
        .select_related("production__company", "centre", "assigned_reviewer")
        .get(pk=submission.pk)
    )
    if submission.stage != locked.stage:
        raise InvalidTransition(
            _("Someone else changed this submission meanwhile: it is now in stage “%(stage)s”.")
            % {"stage": locked.get_stage_display()},
            code="stage_changed",
            fields={"stage": [locked.stage]},
        )
    return locked


def _require_stage(submission: ReviewSubmission, allowed: Iterable[str], action: str) -> None:
    """409 unless the submission's stage allows ``action`` (a key of ``REVIEW_ACTIONS``)."""
    phrase = REVIEW_ACTIONS[action]
    if submission.stage not in allowed:
        raise InvalidTransition(
            _("You cannot %(action)s a submission in stage “%(stage)s”.")
            % {"stage": submission.get_stage_display(), "action": phrase},
            fields={"stage": [submission.stage]},
        )


def _require_handler(submission: ReviewSubmission, by) -> None:
    """Reviewers of the centre; once assigned, only the assignee or a centre lead."""
    membership = require_reviewer(user=by, centre=submission.centre)
    if (
        submission.assigned_reviewer_id is not None
        and submission.assigned_reviewer_id != by.pk
        and not is_centre_lead(membership)
    ):
        raise NotReviewer(
            _("This submission is assigned to %(reviewer)s; only they or a centre lead may decide on it.")
            % {"reviewer": submission.assigned_reviewer}
        )


def _enter_stage(submission: ReviewSubmission, stage: str, *, now) -> int | None:
    """Move to ``stage``, restart its clock and due date; return working days spent in the stage left."""
    calendar = WorkingDayCalendar.for_centre(submission.centre)
    spent = None
    if submission.stage_entered_at is not None:
        spent = calendar.working_days_between(
            timezone.localdate(submission.stage_entered_at), timezone.localdate(now)
        )
    submission.stage = stage
    submission.stage_entered_at = now
    submission.overdue_notified_on = None
    limit = centre_profile(submission.centre).stage_limit(stage)
    if limit is None:
        submission.due_date, submission.due_date_estimated = None, False
    else:
        submission.due_date, submission.due_date_estimated = calendar.add_working_days(
            timezone.localdate(now), limit
        )
    return spent


def _history(
    submission: ReviewSubmission, *, by, at, from_stage: str, decision: str, comment: str = "", spent=None
) -> SubmissionHistory:
    return SubmissionHistory.objects.create(
        submission=submission,
        actor=by,
        at=at,
        from_stage=from_stage,
        to_stage=submission.stage,
        decision=decision,
        comment=comment,
        working_days_in_stage=spent,
    )


def _payload(submission: ReviewSubmission, **extra) -> dict:
    return {
        "submission": submission.pk,
        "production": submission.production_id,
        "title": submission.production.title,
        "company": submission.production.company.name,
        "centre": submission.centre.name,
        "kind": submission.kind,
        "version": submission.version,
        "stage": submission.stage,
        "due_date": submission.due_date.isoformat() if submission.due_date else None,
        "due_date_estimated": submission.due_date_estimated,
        **extra,
    }


def finding_public(finding: Finding) -> dict:
    """What the company may read of a finding (internal notes are never passed here)."""
    return {
        "id": finding.pk,
        "episode": finding.episode,
        "timecode": finding.timecode,
        "severity": finding.severity,
        "text": finding.text,
    }


def _emit(
    type_: str, submission: ReviewSubmission, *, to: Organization, by, payload: dict, emails=()
) -> None:
    event_record(
        type=type_,
        # the event belongs to the side that acted; the other side is its audience
        organization=submission.production.company if to == submission.centre else submission.centre,
        actor=by,
        subject=submission,
        audience=[to],
        emails=list(emails),
        payload=payload,
    )


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


@transaction.atomic
def submission_submit(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """Send a complete draft to the centre (400 listing what is missing otherwise)."""
    require_company_member(user=by, company=submission.production.company)
    locked = _lock(submission)
    _require_stage(locked, [Stage.DRAFT], "submit")
    now = timezone.now()
    _check_complete_and_classify(locked, now=now)
    locked.submitted_at = now
    spent = _enter_stage(locked, Stage.SUBMITTED, now=now)
    locked.save()
    _history(
        locked,
        by=by,
        at=now,
        from_stage=Stage.DRAFT,
        decision=Decision.SUBMITTED,
        comment=comment,
        spent=spent,
    )
    _emit("review.submitted", locked, to=locked.centre, by=by, payload=_payload(locked, comment=comment))
    return locked


@transaction.atomic
def submission_withdraw(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """The company takes its submission back (final)."""
    require_company_member(user=by, company=submission.production.company)
    locked = _lock(submission)
    _require_stage(
        locked,
        [*ReviewSubmission.ACTIVE_STAGES, Stage.REVISION_REQUESTED],
        "withdraw",
    )
    if (
        locked.stage == Stage.REVISION_REQUESTED
        and ReviewSubmission.objects.filter(previous_version=locked).exists()
    ):
        raise InvalidTransition(_("A newer version of this submission exists; withdraw that one."))
    now, from_stage = timezone.now(), locked.stage
    spent = _enter_stage(locked, Stage.WITHDRAWN, now=now)
    locked.decided_at = now
    locked.save()
    _history(
        locked,
        by=by,
        at=now,
        from_stage=from_stage,
        decision=Decision.WITHDRAWN,
        comment=comment,
        spent=spent,
    )
    if from_stage != Stage.DRAFT:
        _emit(
            "review.stage_changed",
            locked,
            to=locked.centre,
            by=by,
            payload=_payload(locked, from_stage=from_stage, comment=comment),
        )
    return locked


@transaction.atomic
def submission_resubmit(
    *,
    submission: ReviewSubmission,
    by,
    comment: str = "",
    documents: dict[str, UploadedFile] | None = None,
    episodes: list[dict] | None = None,
) -> ReviewSubmission:
    """Answer a revision request with the next version, carrying over the documents not replaced."""
    require_company_member(user=by, company=submission.production.company)
    old = _lock(submission)
    _require_stage(old, [Stage.REVISION_REQUESTED], "resubmit")
    if ReviewSubmission.objects.filter(previous_version=old).exists():
        raise InvalidTransition(_("This version has already been resubmitted."), code="already_resubmitted")
    now = timezone.now()
    documents = documents or {}
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
    source = episodes if episodes is not None else old.episodes.values("number", "title", "duration_seconds")
    SubmissionEpisode.objects.bulk_create(
        SubmissionEpisode(submission=new, **dict(episode)) for episode in source
    )
    _check_complete_and_classify(new, now=now)
    new.submitted_at = now
    _enter_stage(new, Stage.SUBMITTED, now=now)
    new.save()
    _history(
        new,
        by=by,
        at=now,
        from_stage=Stage.REVISION_REQUESTED,
        decision=Decision.RESUBMITTED,
        comment=comment,
    )
    _emit(
        "review.submitted", new, to=new.centre, by=by, payload=_payload(new, previous=old.pk, comment=comment)
    )
    return new


# -- review centre ---------------------------------------------------------------------------------


@transaction.atomic
def submission_assign(
    *, submission: ReviewSubmission, by, reviewer=None, comment: str = ""
) -> ReviewSubmission:
    """Assign a reviewer (by default the actor); a submitted dossier thereby enters preliminary review.

    Taking a submission someone else holds needs a centre lead, so two reviewers grabbing the same
    one at once end with one assignee and one 409.
    """
    membership = require_reviewer(user=by, centre=submission.centre)
    reviewer = reviewer or by
    if reviewer != by and not is_centre_lead(membership):
        raise NotReviewer(_("Only a centre lead may assign submissions to someone else."))
    try:
        require_reviewer(user=reviewer, centre=submission.centre)
    except NotReviewer:
        raise DomainError(
            _("%(user)s is not a reviewer of this centre.") % {"user": reviewer},
            code="invalid_reviewer",
            fields={"reviewer": [_("Not a reviewer of this centre.")]},
        ) from None
    locked = _lock(submission)
    _require_stage(locked, ReviewSubmission.CENTRE_STAGES, "assign")
    if locked.assigned_reviewer_id == reviewer.pk:
        raise ConflictError(
            _("The submission is already assigned to %(user)s.") % {"user": reviewer}, code="already_assigned"
        )
    if locked.assigned_reviewer_id is not None and not is_centre_lead(membership):
        raise ConflictError(
            _("The submission is already assigned to %(user)s.") % {"user": locked.assigned_reviewer},
            code="already_assigned",
        )
    now, from_stage = timezone.now(), locked.stage
    locked.assigned_reviewer = reviewer
    spent = None
    if locked.stage == Stage.SUBMITTED:
        spent = _enter_stage(locked, Stage.PRELIMINARY_REVIEW, now=now)
    locked.save()
    _history(
        locked, by=by, at=now, from_stage=from_stage, decision=Decision.ASSIGNED, comment=comment, spent=spent
    )
    if from_stage != locked.stage:
        _emit(
            "review.stage_changed",
            locked,
            to=locked.production.company,
            by=by,
            payload=_payload(locked, from_stage=from_stage),
        )
    return locked


@transaction.atomic
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
    locked = _lock(submission)
    _require_handler(locked, by)
    _require_stage(locked, [Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT], "add_finding")
    return _finding_create(
        locked, by=by, text=text, episode=episode, timecode=timecode, severity=severity, internal=internal
    )


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


def _deliver_findings(submission: ReviewSubmission, decision: SubmissionHistory) -> list[dict]:
    pending = Finding.objects.filter(submission=submission, decision__isnull=True)
    public = [finding_public(f) for f in pending.filter(internal=False).order_by("episode", "timecode", "id")]
    pending.update(decision=decision)
    return public


@transaction.atomic
def submission_pass_preliminary(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """初审 passed: the submission moves on to content audit."""
    require_reviewer(user=by, centre=submission.centre)
    locked = _lock(submission)
    _require_stage(locked, [Stage.PRELIMINARY_REVIEW], "pass")
    _require_handler(locked, by)
    now = timezone.now()
    spent = _enter_stage(locked, Stage.CONTENT_AUDIT, now=now)
    locked.save()
    entry = _history(
        locked,
        by=by,
        at=now,
        from_stage=Stage.PRELIMINARY_REVIEW,
        decision=Decision.PASSED,
        comment=comment,
        spent=spent,
    )
    findings = _deliver_findings(locked, entry)
    _emit(
        "review.stage_changed",
        locked,
        to=locked.production.company,
        by=by,
        payload=_payload(locked, from_stage=Stage.PRELIMINARY_REVIEW, comment=comment, findings=findings),
    )
    return locked


@transaction.atomic
def submission_return(
    *, submission: ReviewSubmission, by, comment: str = "", findings: Iterable[dict] = ()
) -> ReviewSubmission:
    """Return for revision (退回修改) with at least one finding the company can read."""
    require_reviewer(user=by, centre=submission.centre)
    locked = _lock(submission)
    _require_stage(locked, [Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT], "return")
    _require_handler(locked, by)
    for finding in findings:
        _finding_create(locked, by=by, **finding)
    if not Finding.objects.filter(submission=locked, decision__isnull=True, internal=False).exists():
        raise DomainError(
            _("Record at least one finding for the company before returning the submission."),
            code="findings_required",
            fields={"findings": [_("At least one finding is required.")]},
        )
    now, from_stage = timezone.now(), locked.stage
    spent = _enter_stage(locked, Stage.REVISION_REQUESTED, now=now)
    locked.save()
    entry = _history(
        locked, by=by, at=now, from_stage=from_stage, decision=Decision.RETURNED, comment=comment, spent=spent
    )
    delivered = _deliver_findings(locked, entry)
    _emit(
        "review.revision_requested",
        locked,
        to=locked.production.company,
        by=by,
        payload=_payload(locked, from_stage=from_stage, comment=comment, findings=delivered),
    )
    return locked


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


@transaction.atomic
def submission_approve(*, submission: ReviewSubmission, by, comment: str = "") -> ReviewSubmission:
    """Approve after content audit and issue the filing number."""
    require_reviewer(user=by, centre=submission.centre)
    locked = _lock(submission)
    _require_stage(locked, [Stage.CONTENT_AUDIT], "approve")
    _require_handler(locked, by)
    now = timezone.now()
    year = timezone.localdate(now).year
    sequence, number = _next_filing_number(locked, year=year)
    spent = _enter_stage(locked, Stage.APPROVED, now=now)
    locked.filing_year, locked.filing_sequence, locked.filing_number = year, sequence, number
    locked.decided_at = now
    locked.save()
    entry = _history(
        locked,
        by=by,
        at=now,
        from_stage=Stage.CONTENT_AUDIT,
        decision=Decision.APPROVED,
        comment=comment,
        spent=spent,
    )
    findings = _deliver_findings(locked, entry)
    _emit(
        "review.approved",
        locked,
        to=locked.production.company,
        by=by,
        payload=_payload(locked, filing_number=number, comment=comment, findings=findings),
    )
    return locked


@transaction.atomic
def submission_reject(*, submission: ReviewSubmission, by, reason: str) -> ReviewSubmission:
    """Reject (final), with the reason the company is told."""
    require_reviewer(user=by, centre=submission.centre)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("A rejection needs a reason."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    locked = _lock(submission)
    _require_stage(locked, ReviewSubmission.CENTRE_STAGES, "reject")
    _require_handler(locked, by)
    now, from_stage = timezone.now(), locked.stage
    spent = _enter_stage(locked, Stage.REJECTED, now=now)
    locked.decided_at = now
    locked.save()
    entry = _history(
        locked, by=by, at=now, from_stage=from_stage, decision=Decision.REJECTED, comment=reason, spent=spent
    )
    findings = _deliver_findings(locked, entry)
    _emit(
        "review.rejected",
        locked,
        to=locked.production.company,
        by=by,
        payload=_payload(locked, from_stage=from_stage, reason=reason, findings=findings),
    )
    return locked


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
