"""The review workflow, as a table (see ``config.workflow``)::

    draft ─submit→ submitted ─assign→ preliminary_review ─pass→ content_audit ─approve→ approved
    preliminary_review | content_audit ─reassign→ (the same stage, another reviewer)
    preliminary_review | content_audit ─add_finding→ (the same stage; sent with the next decision)
    preliminary_review | content_audit ─return→ revision_requested ─resubmit→ (next version) submitted
    submitted | preliminary_review | content_audit ─reject→ rejected
    draft | submitted | preliminary_review | content_audit | revision_requested ─withdraw→ withdrawn

The company submits, withdraws and resubmits (the API); the centre's reviewers do the rest (the admin).
Every transition locks the submission row and refuses (409) when its stage moved since the caller
loaded it, writes one history row with the working days spent in the stage it leaves, and records its
event for the other side (none for a draft withdrawn: the centre never saw it). A decision (pass,
return, approve, reject) delivers the findings recorded since the last one with its event.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from config.workflow import Transition, Workflow, transitions
from notifications.services import event_record
from review.calendar import WorkingDayCalendar
from review.errors import REVIEW_ACTIONS, InvalidTransition, NotReviewer
from review.models import Finding, ReviewCentreProfile, ReviewSubmission, SubmissionHistory
from review.permissions import is_centre_lead, require_company_member, require_reviewer
from studio.models import Organization

Stage = ReviewSubmission.Stage
Decision = SubmissionHistory.Decision
UNDER_REVIEW = {Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT}

#: what the production company does; the centre's reviewers do the rest
COMPANY_ACTIONS = frozenset({"submit", "withdraw", "resubmit"})
#: the decisions: only the assignee (or a centre lead) takes them, and they deliver the pending findings
DECISIONS = frozenset({"pass", "return", "approve", "reject"})
#: the history row each action writes
HISTORY = {
    "submit": Decision.SUBMITTED,
    "withdraw": Decision.WITHDRAWN,
    "resubmit": Decision.RESUBMITTED,
    "assign": Decision.ASSIGNED,
    "reassign": Decision.ASSIGNED,
    "pass": Decision.PASSED,
    "return": Decision.RETURNED,
    "approve": Decision.APPROVED,
    "reject": Decision.REJECTED,
}
#: the key of ``REVIEW_ACTIONS`` naming an action in a refusal, where it is not the action's own
PHRASE = {"reassign": "assign"}


def centre_profile(centre: Organization) -> ReviewCentreProfile:
    """The centre's settings, or the defaults when it has not saved any (never created here: no race)."""
    return ReviewCentreProfile.objects.filter(centre=centre).first() or ReviewCentreProfile(centre=centre)


def require_handler(submission: ReviewSubmission, by) -> None:
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


def finding_public(finding: Finding) -> dict:
    """What the company may read of a finding (internal notes are never passed here)."""
    return {
        "id": finding.pk,
        "episode": finding.episode,
        "timecode": finding.timecode,
        "severity": finding.severity,
        "text": finding.text,
    }


def _deliver_findings(submission: ReviewSubmission, decision: SubmissionHistory) -> list[dict]:
    pending = Finding.objects.filter(submission=submission, decision__isnull=True)
    public = [finding_public(f) for f in pending.filter(internal=False).order_by("episode", "timecode", "id")]
    pending.update(decision=decision)
    return public


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


class ReviewWorkflow(Workflow):
    """A submission's stages; the service of each action gives its own checks and fields.

    ``apply`` returns ``{"comment": …, "payload": {…}}``: the history row's comment and what the event
    carries besides the submission's own fields (a resubmission adds ``"next_version"``: the new
    version, which is the one that moves, is saved and is recorded).
    """

    name = "review submission"
    field = "stage"
    table = transitions(
        Transition("submit", {Stage.DRAFT}, Stage.SUBMITTED, "review.submitted"),
        Transition(
            "withdraw",
            {Stage.DRAFT, *ReviewSubmission.CENTRE_STAGES, Stage.REVISION_REQUESTED},
            Stage.WITHDRAWN,
            "review.stage_changed",
        ),
        Transition("resubmit", {Stage.REVISION_REQUESTED}, Stage.SUBMITTED, "review.submitted"),
        Transition("assign", {Stage.SUBMITTED}, Stage.PRELIMINARY_REVIEW, "review.stage_changed"),
        Transition("reassign", UNDER_REVIEW, None),
        Transition("add_finding", UNDER_REVIEW, None),
        Transition("pass", {Stage.PRELIMINARY_REVIEW}, Stage.CONTENT_AUDIT, "review.stage_changed"),
        Transition("return", UNDER_REVIEW, Stage.REVISION_REQUESTED, "review.revision_requested"),
        Transition("approve", {Stage.CONTENT_AUDIT}, Stage.APPROVED, "review.approved"),
        Transition("reject", ReviewSubmission.CENTRE_STAGES, Stage.REJECTED, "review.rejected"),
    )

    def assign_action(self, submission: ReviewSubmission) -> str:
        """``assign`` a submitted dossier (it enters preliminary review), ``reassign`` one under review."""
        return "reassign" if submission.stage in self.table["reassign"].sources else "assign"

    def admit(self, submission: ReviewSubmission, row: Transition, by) -> None:
        if row.action in COMPANY_ACTIONS:
            require_company_member(user=by, company=submission.production.company)
        elif row.action != "add_finding":
            require_reviewer(user=by, centre=submission.centre)

    def lock(self, submission: ReviewSubmission, row: Transition) -> ReviewSubmission:
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

    def authorize(self, submission: ReviewSubmission, row: Transition, by) -> None:
        if row.action == "add_finding":
            require_handler(submission, by)
        elif row.action in DECISIONS:
            # a decision on a stage that does not allow it is refused as such, whoever asks
            self.check(submission, row)
            require_handler(submission, by)

    def refuse(self, submission: ReviewSubmission, row: Transition) -> Exception:
        return InvalidTransition(
            _("You cannot %(action)s a submission in stage “%(stage)s”.")
            % {
                "stage": submission.get_stage_display(),
                "action": REVIEW_ACTIONS[PHRASE.get(row.action, row.action)],
            },
            fields={"stage": [submission.stage]},
        )

    def subject(self, submission: ReviewSubmission, row: Transition, details: dict) -> ReviewSubmission:
        return details["next_version"] if row.action == "resubmit" else submission

    def move(self, submission: ReviewSubmission, row: Transition, now) -> dict:
        """Enter the stage: restart its clock and due date; the working days spent in the stage left."""
        calendar = WorkingDayCalendar.for_centre(submission.centre)
        spent = None
        if submission.stage_entered_at is not None:
            spent = calendar.working_days_between(
                timezone.localdate(submission.stage_entered_at), timezone.localdate(now)
            )
        submission.stage = row.target
        submission.stage_entered_at = now
        submission.overdue_notified_on = None
        limit = centre_profile(submission.centre).stage_limit(row.target)
        if limit is None:
            submission.due_date, submission.due_date_estimated = None, False
        else:
            submission.due_date, submission.due_date_estimated = calendar.add_working_days(
                timezone.localdate(now), limit
            )
        return {"spent": spent}

    def save(self, submission: ReviewSubmission, row: Transition, fields: list[str] | None) -> None:
        if row.action != "add_finding":  # a finding is a row of its own; the submission is unchanged
            submission.save(update_fields=fields)

    def record(self, submission: ReviewSubmission, row: Transition, *, by, now, source, details) -> None:
        if row.action not in HISTORY:
            return
        entry = SubmissionHistory.objects.create(
            submission=submission,
            actor=by,
            at=now,
            from_stage=source,
            to_stage=submission.stage,
            decision=HISTORY[row.action],
            comment=details.get("comment", ""),
            working_days_in_stage=details.get("spent"),
        )
        extra = dict(details.get("payload", {}))
        if row.action in DECISIONS:
            extra["findings"] = _deliver_findings(submission, entry)
        if row.event is None or (row.action == "withdraw" and source == Stage.DRAFT):
            return
        company = submission.production.company
        to = submission.centre if row.action in COMPANY_ACTIONS else company
        event_record(
            type=row.event,
            # the event belongs to the side that acted; the other side is its audience
            organization=company if to == submission.centre else submission.centre,
            actor=by,
            subject=submission,
            audience=[to],
            emails=[],
            payload=_payload(submission, **extra),
        )


REVIEWS = ReviewWorkflow()
