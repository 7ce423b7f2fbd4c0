"""Review notifications end to end: a real Celery worker on Redis + PostgreSQL (the notifications suite's
``worker`` fixture), a webhook receiver on 127.0.0.1 and emails written to files."""

import email
import email.policy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, Event
from notifications.webhooks import signature_verify
from review.models import ReviewSubmission
from review.tasks import notify_overdue
from studio.models import Membership
from tests.factories import WebhookEndpointFactory
from tests.notifications.receiver import Receiver
from tests.notifications.test_worker_integration import (  # noqa: F401 - the shared fixture
    _wait_for,
    _wait_for_relay_cycle,
    _wait_for_runs,
    worker,
)
from tests.review.conftest import FINDING

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

Stage = ReviewSubmission.Stage


@pytest.fixture
def hook():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def _emails_to(worker, address):  # noqa: F811 - the fixture's value
    messages = [
        email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
        for path in (worker.var_dir / "mail").glob("*.log")
        for chunk in path.read_bytes().split(b"-" * 79)
        if chunk.strip()
    ]
    return [message for message in messages if message["To"] == address]


def _sent(event) -> list[str]:
    return sorted(Delivery.objects.filter(event=event).values_list("channel", "status"))


def test_returning_a_submission_delivers_one_email_and_one_signed_webhook_with_the_findings(
    world,
    worker,  # noqa: F811
    hook,
):
    endpoint = WebhookEndpointFactory(organization=world.company, url=hook.url, event_types=["review.*"])
    assert list(
        Membership.objects.filter(organization=world.company, user__email__gt="")
        .exclude(role=Membership.Role.MEMBER)
        .values_list("user__email", flat=True)
    ) == [world.coordinator.email]
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    from review import services

    services.finding_add(submission=submission, by=world.reviewer, text="内部：请主任复核", internal=True)
    services.submission_return(submission=submission, by=world.reviewer, comment="请修改", findings=[FINDING])
    event = Event.objects.get(type="review.revision_requested")
    _wait_for(
        lambda: _sent(event) == [("email", "sent"), ("webhook", "sent")],
        timeout=30,
        worker=worker,
        what="the revision request's email and webhook",
    )
    requests = [r for r in hook.requests if json.loads(r["body"])["type"] == "review.revision_requested"]
    assert len(requests) == 1
    (request,) = requests
    assert signature_verify(secret=endpoint.secret, headers=request["headers"], body=request["body"])
    body = json.loads(request["body"])
    assert [f["text"] for f in body["data"]["payload"]["findings"]] == [FINDING["text"]]
    assert "内部" not in request["body"].decode()

    mails = [
        m
        for m in _emails_to(worker, world.coordinator.email)
        if "review.revision_requested" in m["X-Shooting-Circle-Event"]
    ]
    assert len(mails) == 1
    text = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert FINDING["text"] in text and "内部" not in text
    _wait_for_relay_cycle(worker)  # a relay cycle later, nothing was sent twice
    assert (
        len([r for r in hook.requests if json.loads(r["body"])["type"] == "review.revision_requested"]) == 1
    )
    assert Delivery.objects.filter(event=event).count() == 2


def test_overdue_notice_reaches_the_lead_once_per_day_however_often_the_task_runs(
    world,
    worker,  # noqa: F811
):
    submission = world.submission_in(Stage.PRELIMINARY_REVIEW)
    ReviewSubmission.objects.filter(pk=submission.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    runs = [notify_overdue.delay().id for _ in range(3)]  # through Redis, run by the worker
    _wait_for(
        lambda: Delivery.objects.filter(event__type="review.overdue", status="sent").exists(),
        timeout=30,
        worker=worker,
        what="the overdue notice",
    )
    _wait_for_runs(worker, notify_overdue.name, ids=runs)  # the other two runs have done (nothing)
    assert Event.objects.filter(type="review.overdue").count() == 1
    deliveries = Delivery.objects.filter(event__type="review.overdue")
    assert list(deliveries.values_list("to_address", "status")) == [(world.lead.email, "sent")]

    def overdue_mails(user):
        return [m for m in _emails_to(worker, user.email) if m["X-Shooting-Circle-Event"] == "review.overdue"]

    assert len(overdue_mails(world.lead)) == 1
    text = overdue_mails(world.lead)[0].get_body(preferencelist=("plain",)).get_content()
    assert world.production.title in text
    assert overdue_mails(world.reviewer) == []  # the lead is told, not every reviewer
    submission.refresh_from_db()
    assert submission.overdue_notified_on == timezone.localdate()
