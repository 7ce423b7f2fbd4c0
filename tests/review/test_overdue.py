from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, Event
from review.models import ReviewSubmission
from review.services import submissions_notify_overdue
from review.tasks import notify_overdue
from tests.factories import ProductionFactory

pytestmark = pytest.mark.django_db

Stage = ReviewSubmission.Stage


def make_overdue(world, stage=Stage.PRELIMINARY_REVIEW, days=1):
    production = ProductionFactory(company=world.company, total_investment=1500000)
    submission = world.submission_in(stage, production=production)
    ReviewSubmission.objects.filter(pk=submission.pk).update(
        due_date=timezone.localdate() - timedelta(days=days)
    )
    return submission


def test_overdue_notice_goes_to_the_centre_lead_once_per_day(world):
    late = make_overdue(world)
    make_overdue(world, stage=Stage.APPROVED)  # decided: never overdue
    on_time = world.submission_in(Stage.SUBMITTED)
    today = timezone.localdate()
    assert notify_overdue() == 1
    event = Event.objects.get(type="review.overdue")
    assert [s["submission"] for s in event.payload["submissions"]] == [late.pk]
    assert event.organization == world.centre
    emails = list(Delivery.objects.filter(event=event, channel="email").values_list("to_address", flat=True))
    assert emails == [world.lead.email]  # the lead, not every reviewer
    assert notify_overdue() == 0  # the next run the same day sends nothing
    assert Event.objects.filter(type="review.overdue").count() == 1
    assert submissions_notify_overdue(today=today + timedelta(days=1)) == 1  # and again the next day
    assert Event.objects.filter(type="review.overdue").count() == 2
    on_time.refresh_from_db()
    assert on_time.overdue_notified_on is None


def test_a_submission_that_becomes_overdue_later_the_same_day_is_reported_alone(world):
    make_overdue(world)
    notify_overdue()
    second = make_overdue(world, stage=Stage.CONTENT_AUDIT)
    assert notify_overdue() == 1
    latest = Event.objects.filter(type="review.overdue").order_by("-id").first()
    assert [s["submission"] for s in latest.payload["submissions"]] == [second.pk]


def test_leaving_the_stage_resets_the_notice(world):
    from review import services

    late = make_overdue(world)
    notify_overdue()
    late = services.submission_pass_preliminary(submission=late, by=world.reviewer)
    assert late.overdue_notified_on is None and late.due_date > timezone.localdate()
