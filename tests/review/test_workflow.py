"""The review workflow's rules, through the services: the state × action × role table and each decision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.exceptions import ConflictError, DomainError, ForbiddenError
from notifications.models import Event
from review import services
from review.models import Finding, ReviewSubmission, SubmissionHistory
from tests.review.conftest import FINDING

pytestmark = pytest.mark.django_db

Stage = ReviewSubmission.Stage
STAGES = [
    Stage.DRAFT,
    *ReviewSubmission.CENTRE_STAGES,
    Stage.REVISION_REQUESTED,
    *ReviewSubmission.FINAL_STAGES,
]
ROLES = [
    "coordinator",
    "company_member",
    "other_coordinator",
    "reviewer",
    "other_reviewer",
    "lead",
    "outsider_reviewer",
]
COMPANY_ACTIONS = {
    "submit": {Stage.DRAFT},
    "withdraw": {Stage.DRAFT, *ReviewSubmission.CENTRE_STAGES, Stage.REVISION_REQUESTED},
    "resubmit": {Stage.REVISION_REQUESTED},
}
CENTRE_ACTIONS = {
    "assign": set(ReviewSubmission.CENTRE_STAGES),
    "pass_preliminary": {Stage.PRELIMINARY_REVIEW},
    "return": {Stage.PRELIMINARY_REVIEW, Stage.CONTENT_AUDIT},
    "approve": {Stage.CONTENT_AUDIT},
    "reject": set(ReviewSubmission.CENTRE_STAGES),
}
CALLS = {
    "submit": lambda s, u: services.submission_submit(submission=s, by=u),
    "withdraw": lambda s, u: services.submission_withdraw(submission=s, by=u),
    "resubmit": lambda s, u: services.submission_resubmit(submission=s, by=u, comment="已按意见修改"),
    "assign": lambda s, u: services.submission_assign(submission=s, by=u),
    "pass_preliminary": lambda s, u: services.submission_pass_preliminary(submission=s, by=u),
    "return": lambda s, u: services.submission_return(submission=s, by=u, findings=[FINDING]),
    "approve": lambda s, u: services.submission_approve(submission=s, by=u),
    "reject": lambda s, u: services.submission_reject(submission=s, by=u, reason="不符合备案要求"),
}


def expected(action: str, stage: str, role: str) -> int:
    """The status the table promises: 200, 403 (role) or 409 (stage)."""
    if action in COMPANY_ACTIONS:
        if role != "coordinator":
            return 403
        return 200 if stage in COMPANY_ACTIONS[action] else 409
    if role not in {"reviewer", "other_reviewer", "lead"}:
        return 403
    if stage not in CENTRE_ACTIONS[action]:
        return 409
    assigned = stage != Stage.SUBMITTED  # the fixture assigns `reviewer` when 初审 starts
    if action == "assign":
        # taking a submission someone holds (or holding it already) conflicts; a lead may reassign
        return 200 if not assigned or role == "lead" else 409
    if assigned and role == "other_reviewer":
        return 403
    return 200


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("action", list(CALLS))
def test_state_action_role_table(world, action, stage):
    outcomes = {}
    for role in ROLES:
        submission = world.submission_in(stage, production=None)
        before = SubmissionHistory.objects.count()
        try:
            result = CALLS[action](submission, getattr(world, role))
        except ConflictError:
            outcomes[role] = 409
        except ForbiddenError:
            outcomes[role] = 403
        else:
            outcomes[role] = 200
            assert SubmissionHistory.objects.count() == before + 1
            entry = SubmissionHistory.objects.filter(submission=result).latest("at", "id")
            assert entry.to_stage == result.stage and entry.actor == getattr(world, role)
        if outcomes[role] != 200:
            assert SubmissionHistory.objects.count() == before
            submission.refresh_from_db()
            assert submission.stage == stage
        # each role starts again from a fresh submission of a fresh production
        world.production = type(world.production).objects.create(
            company=world.company,
            title=f"{world.production.title}+",
            episode_count=80,
            minutes_per_episode=world.production.minutes_per_episode,
            total_investment=world.production.total_investment,
        )
    assert outcomes == {role: expected(action, stage, role) for role in ROLES}


def test_submitting_an_incomplete_dossier_lists_what_is_missing(world):
    submission = world.draft(complete=False)
    with pytest.raises(DomainError) as caught:
        services.submission_submit(submission=submission, by=world.coordinator)
    assert caught.value.status_code == 400
    assert caught.value.code == "incomplete_dossier"
    # key tier (¥3.5M in 2026): all seven documents
    assert set(caught.value.fields["documents"]) == {
        "script",
        "outline",
        "synopsis",
        "cost_allocation_report",
        "actor_fee_pledge",
        "rights_proof",
        "licence",
    }


def test_required_documents_depend_on_tier(world):
    world.production.total_investment = 500000
    world.production.save()
    submission = world.draft(complete=False)
    with pytest.raises(DomainError) as caught:
        services.submission_submit(submission=submission, by=world.coordinator)
    assert set(caught.value.fields["documents"]) == {"outline", "synopsis", "licence"}


def test_a_cut_needs_its_episode_list(world):
    submission = world.draft(kind=ReviewSubmission.Kind.FINISHED_CUT)
    submission.episodes.all().delete()
    with pytest.raises(DomainError) as caught:
        services.submission_submit(submission=submission, by=world.coordinator)
    assert "episodes" in caught.value.fields


def test_submit_snapshots_tier_and_sets_a_working_day_due_date(world):
    submission = world.submission_in(Stage.SUBMITTED)
    assert submission.tier == "key" and submission.tier_rule.effective_from.year == 2026
    assert submission.due_date is not None and submission.stage_entered_at is not None
    event = Event.objects.get(type="review.submitted")
    assert event.payload["submission"] == submission.pk


def test_return_needs_a_finding_the_company_can_read(world):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    with pytest.raises(DomainError) as caught:
        services.submission_return(submission=submission, by=world.reviewer)
    assert caught.value.code == "findings_required"
    services.finding_add(submission=submission, by=world.reviewer, text="内部：请领导复核", internal=True)
    with pytest.raises(DomainError):
        services.submission_return(submission=submission, by=world.reviewer)


def test_revision_request_event_carries_findings_but_never_internal_notes(world):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    services.finding_add(
        submission=submission, by=world.reviewer, text="内部备注：此剧组曾违规", internal=True
    )
    services.finding_add(
        submission=submission, by=world.reviewer, text="第1集片头字幕错误", episode=1, timecode="0:00:05"
    )
    services.submission_return(
        submission=submission, by=world.reviewer, comment="请修改后重新提交", findings=[FINDING]
    )
    event = Event.objects.get(type="review.revision_requested")
    texts = [finding["text"] for finding in event.payload["findings"]]
    assert texts == ["第1集片头字幕错误", FINDING["text"]]
    assert "内部" not in str(event.payload)
    assert event.payload["comment"] == "请修改后重新提交"
    assert list(event.audience.all()) == [world.company]
    assert Finding.objects.filter(submission=submission, decision__isnull=True).count() == 0


def test_approval_issues_the_number_and_tells_the_company(world):
    submission = world.submission_in(Stage.APPROVED)
    year = submission.decided_at.astimezone().year
    assert submission.filing_number == f"(豫)网剧审字({year})第001号"
    event = Event.objects.get(type="review.approved")
    assert event.payload["filing_number"] == submission.filing_number
    assert list(event.audience.all()) == [world.company]


def test_rejection_tells_the_company_the_reason(world):
    submission = world.submission_in(Stage.CONTENT_AUDIT)
    services.submission_reject(submission=submission, by=world.lead, reason="涉及不宜题材")
    event = Event.objects.get(type="review.rejected")
    assert event.payload["reason"] == "涉及不宜题材"


def test_resubmission_creates_the_next_version_linked_to_the_previous(world):
    old = world.submission_in(Stage.REVISION_REQUESTED)
    script = SimpleUploadedFile("script-v2.pdf", b"%PDF-1.7 revised", content_type="application/pdf")
    new = services.submission_resubmit(
        submission=old, by=world.coordinator, comment="已修改", documents={"script": script}
    )
    assert (new.version, new.previous_version, new.stage) == (2, old, Stage.SUBMITTED)
    assert new.documents.count() == old.documents.count()
    assert new.documents.get(doc_type="script").original_name == "script-v2.pdf"
    assert new.documents.get(doc_type="outline").sha256 == old.documents.get(doc_type="outline").sha256
    old.refresh_from_db()
    assert old.stage == Stage.REVISION_REQUESTED
    with pytest.raises(ConflictError):
        services.submission_resubmit(submission=old, by=world.coordinator)


def test_lead_may_assign_to_someone_else_a_reviewer_may_not(world):
    submission = world.submission_in(Stage.SUBMITTED)
    with pytest.raises(ForbiddenError):
        services.submission_assign(submission=submission, by=world.reviewer, reviewer=world.other_reviewer)
    with pytest.raises(DomainError) as caught:
        services.submission_assign(submission=submission, by=world.lead, reviewer=world.centre_member)
    assert caught.value.code == "invalid_reviewer"
    submission = services.submission_assign(
        submission=submission, by=world.lead, reviewer=world.other_reviewer
    )
    assert submission.assigned_reviewer == world.other_reviewer
    assert submission.stage == Stage.PRELIMINARY_REVIEW


def test_a_second_open_dossier_of_the_same_kind_is_refused(world):
    world.submission_in(Stage.SUBMITTED)
    with pytest.raises(ConflictError):
        world.draft()


def test_finding_timecode_and_episode_are_checked(world):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    with pytest.raises(DomainError) as caught:
        services.finding_add(submission=submission, by=world.reviewer, text="x", timecode="1:99:00")
    assert "timecode" in caught.value.fields
    with pytest.raises(DomainError) as caught:
        services.finding_add(submission=submission, by=world.reviewer, text="x", episode=81)
    assert "episode" in caught.value.fields


def test_gate_production_passed_preliminary(world):
    from review.selectors import production_passed_preliminary

    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    assert not production_passed_preliminary(world.production)
    submission = services.submission_pass_preliminary(submission=submission, by=world.reviewer)
    assert production_passed_preliminary(world.production)
    services.submission_return(submission=submission, by=world.reviewer, findings=[FINDING])
    assert not production_passed_preliminary(world.production)  # the next version must pass 初审 again
