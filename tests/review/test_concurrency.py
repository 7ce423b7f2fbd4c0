"""Real threads on PostgreSQL: conflicting transitions have one winner; concurrent approvals, no gaps."""

from decimal import Decimal

import pytest

from config.exceptions import ConflictError
from review import services
from review.models import FilingCounter, ReviewSubmission, SubmissionHistory
from tests.concurrency import run_together
from tests.conftest import require_postgresql
from tests.factories import ProductionFactory
from tests.review.conftest import FINDING

pytestmark = pytest.mark.slow

Stage = ReviewSubmission.Stage


@pytest.mark.django_db(transaction=True)
def test_20_concurrent_approvals_get_20_distinct_consecutive_numbers(world):
    require_postgresql()
    submissions = [
        world.submission_in(
            Stage.CONTENT_AUDIT,
            production=ProductionFactory(company=world.company, total_investment=Decimal("1500000")),
        )
        for _ in range(20)
    ]
    results, errors = run_together(
        [
            (
                lambda pk=s.pk: services.submission_approve(
                    submission=ReviewSubmission.objects.get(pk=pk), by=world.reviewer
                )
            )
            for s in submissions
        ]
    )
    assert errors == [None] * 20
    sequences = sorted(r.filing_sequence for r in results)
    assert sequences == list(range(1, 21))
    numbers = set(
        ReviewSubmission.objects.filter(stage=Stage.APPROVED).values_list("filing_number", flat=True)
    )
    year = results[0].filing_year
    assert numbers == {f"(豫)网剧审字({year})第{n:03d}号" for n in range(1, 21)}
    assert FilingCounter.objects.get(centre=world.centre, year=year).last_number == 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("stage", "first", "second"),
    [
        (Stage.SUBMITTED, ("assign", "reviewer"), ("assign", "other_reviewer")),
        (Stage.PRELIMINARY_REVIEW, ("pass", "reviewer"), ("return", "lead")),
        (Stage.PRELIMINARY_REVIEW, ("pass", "reviewer"), ("pass", "lead")),
        (Stage.CONTENT_AUDIT, ("approve", "reviewer"), ("reject", "lead")),
        (Stage.CONTENT_AUDIT, ("approve", "reviewer"), ("withdraw", "coordinator")),
        (Stage.REVISION_REQUESTED, ("resubmit", "coordinator"), ("resubmit", "coordinator")),
    ],
)
def test_concurrent_conflicting_transitions_one_wins_the_other_gets_409(world, stage, first, second):
    require_postgresql()
    submission = world.submission_in(stage)
    calls = {
        "assign": lambda user: services.submission_assign(submission=submission, by=user),
        "pass": lambda user: services.submission_pass_preliminary(submission=submission, by=user),
        "return": lambda user: services.submission_return(submission=submission, by=user, findings=[FINDING]),
        "approve": lambda user: services.submission_approve(submission=submission, by=user),
        "reject": lambda user: services.submission_reject(submission=submission, by=user, reason="不予通过"),
        "withdraw": lambda user: services.submission_withdraw(submission=submission, by=user),
        "resubmit": lambda user: services.submission_resubmit(submission=submission, by=user),
    }
    history_before = SubmissionHistory.objects.count()
    results, errors = run_together(
        [lambda a=action, r=role: calls[a](getattr(world, r)) for action, role in (first, second)]
    )
    winners = [r for r in results if r is not None]
    assert len(winners) == 1, errors
    assert [type(e) for e in errors if e is not None] and all(
        isinstance(e, ConflictError) for e in errors if e
    )
    assert SubmissionHistory.objects.count() == history_before + 1
