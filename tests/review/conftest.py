import importlib
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from review import conf, services
from review.models import ReviewSubmission, SubmissionEpisode, TierRule
from review.tiers import tier_classify
from studio.models import Membership, Organization, Production
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProductionFactory,
    ReviewCentreFactory,
    SubmissionDocumentFactory,
)

Stage = ReviewSubmission.Stage
Role = Membership.Role


@dataclass
class ReviewWorld:
    centre: Organization
    lead: object
    reviewer: object
    other_reviewer: object
    centre_member: object
    company: Organization
    coordinator: object
    company_member: object
    other_company: Organization
    other_coordinator: object
    outsider_reviewer: object
    production: Production

    def draft(self, *, production=None, kind=ReviewSubmission.Kind.PLANNING_DOSSIER, complete=True):
        production = production or self.production
        submission = services.submission_create(
            production=production, centre=self.centre, kind=kind, by=self.coordinator
        )
        if complete:
            attach_required(submission)
        return submission

    def submission_in(self, stage: str, **kwargs) -> ReviewSubmission:
        """A submission brought to ``stage`` through the services (assigned to ``reviewer`` from 初审 on)."""
        submission = self.draft(**kwargs)
        if stage == Stage.DRAFT:
            return submission
        submission = services.submission_submit(submission=submission, by=self.coordinator)
        if stage == Stage.WITHDRAWN:
            return services.submission_withdraw(submission=submission, by=self.coordinator)
        if stage == Stage.SUBMITTED:
            return submission
        submission = services.submission_assign(submission=submission, by=self.reviewer)
        if stage == Stage.PRELIMINARY_REVIEW:
            return submission
        if stage == Stage.REVISION_REQUESTED:
            return services.submission_return(submission=submission, by=self.reviewer, findings=[FINDING])
        if stage == Stage.REJECTED:
            return services.submission_reject(submission=submission, by=self.reviewer, reason="题材不符")
        submission = services.submission_pass_preliminary(submission=submission, by=self.reviewer)
        if stage == Stage.CONTENT_AUDIT:
            return submission
        assert stage == Stage.APPROVED
        return services.submission_approve(submission=submission, by=self.reviewer)


FINDING = {"episode": 3, "timecode": "0:01:15", "severity": "major", "text": "第3集1分15秒：对白需修改。"}


def attach_required(submission: ReviewSubmission) -> None:
    production = submission.production
    tier, _rule = tier_classify(
        total_investment=production.total_investment,
        special_subject=production.special_subject,
        on=timezone.localdate(),
    )
    for doc_type in conf.required_documents(kind=submission.kind, tier=tier):
        SubmissionDocumentFactory(submission=submission, doc_type=doc_type, uploaded_by=submission.created_by)
    if submission.kind == ReviewSubmission.Kind.FINISHED_CUT:
        SubmissionEpisode.objects.bulk_create(
            SubmissionEpisode(submission=submission, number=n, duration_seconds=90) for n in range(1, 4)
        )


def _member(organization, role, username=None):
    kwargs = {"organization": organization, "role": role}
    if username:
        kwargs["user__username"] = username
    user = MembershipFactory(**kwargs).user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def ensure_tier_rules() -> None:
    """The data migration's rules (a transactional test's flush removes them for the tests after it)."""
    seed_migration = importlib.import_module("studio.migrations.0003_seed_tier_rules")
    seed_migration.seed_rules(TierRule)


@pytest.fixture
def world(db) -> ReviewWorld:
    ensure_tier_rules()
    centre = ReviewCentreFactory(name="平原审查服务分中心", short_name="平原分中心")
    company = CompanyFactory()
    other_company = CompanyFactory()
    return ReviewWorld(
        centre=centre,
        lead=_member(centre, Role.OWNER),
        reviewer=_member(centre, Role.REVIEWER),
        other_reviewer=_member(centre, Role.REVIEWER),
        centre_member=_member(centre, Role.MEMBER),
        company=company,
        coordinator=_member(company, Role.COORDINATOR),
        company_member=_member(company, Role.MEMBER),
        other_company=other_company,
        other_coordinator=_member(other_company, Role.COORDINATOR),
        outsider_reviewer=_member(ReviewCentreFactory(), Role.REVIEWER),
        production=ProductionFactory(
            company=company, total_investment=Decimal("3500000.00"), title="闪婚总裁"
        ),
    )
