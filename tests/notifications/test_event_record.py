import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from notifications.models import AppendOnlyError, Delivery, Event, EventAudience, WebhookEndpoint
from notifications.services import event_record
from studio.models import Membership
from tests.factories import (
    CompanyFactory,
    EventFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db


def _member(organization, role, email, **kwargs):
    return MembershipFactory(organization=organization, role=role, user=UserFactory(email=email), **kwargs)


def test_rolled_back_transaction_leaves_no_event_no_delivery_and_queues_nothing(
    queued, django_capture_on_commit_callbacks
):
    company, operator = CompanyFactory(), OperatorFactory()
    _member(operator, Membership.Role.OWNER, "boss@base.example")
    WebhookEndpointFactory(organization=operator)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        event_record(type="booking.requested", organization=company, payload={}, audience=[operator])
        assert Delivery.objects.count() == 2
        raise RuntimeError("the caller failed after recording")
    assert callbacks == []
    assert queued == []
    assert not Event.objects.exists()
    assert not Delivery.objects.exists()
    assert not EventAudience.objects.exists()


def test_commit_fans_out_one_delivery_per_recipient_and_channel(queued, django_capture_on_commit_callbacks):
    company, operator, bystander = CompanyFactory(), OperatorFactory(), OperatorFactory()
    _member(operator, Membership.Role.OWNER, "Boss@Base.example")
    _member(operator, Membership.Role.MANAGER, "boss@base.example")  # same address, other case
    _member(operator, Membership.Role.COORDINATOR, "desk@base.example")
    _member(operator, Membership.Role.REVIEWER, "")  # no address
    _member(operator, Membership.Role.MEMBER, "crew@base.example")  # role not notified
    _member(operator, Membership.Role.MANAGER, "gone@base.example", is_active=False)
    _member(bystander, Membership.Role.OWNER, "other@elsewhere.example")
    all_types = WebhookEndpointFactory(organization=operator)
    robot = WebhookEndpointFactory(
        organization=operator, kind=WebhookEndpoint.Kind.WECOM, event_types=["booking.*"]
    )
    WebhookEndpointFactory(organization=operator, event_types=["review.decided"])
    WebhookEndpointFactory(organization=operator, is_active=False)
    WebhookEndpointFactory(organization=bystander)

    with django_capture_on_commit_callbacks(execute=True):
        event = event_record(
            type="booking.requested",
            organization=company,
            payload={"booking": 7},
            audience=[operator, operator],
            emails=["DESK@base.example", "producer@company.example", "not an address"],
        )

    deliveries = Delivery.objects.filter(event=event)
    emails = {(d.to_address.lower(), d.organization_id) for d in deliveries if d.channel == "email"}
    assert emails == {
        ("boss@base.example", operator.pk),
        ("desk@base.example", operator.pk),
        ("producer@company.example", company.pk),
    }
    hooks = {(d.channel, d.endpoint_id, d.organization_id) for d in deliveries if d.channel != "email"}
    assert hooks == {("webhook", all_types.pk, operator.pk), ("wecom", robot.pk, operator.pk)}
    assert deliveries.count() == 5
    assert {d.status for d in deliveries} == {Delivery.Status.PENDING}
    assert len({d.message_id for d in deliveries}) == 5
    assert list(EventAudience.objects.filter(event=event).values_list("organization_id", flat=True)) == [
        operator.pk
    ]
    assert len(queued) == 1
    assert sorted(queued[0][0]) == sorted(d.pk for d in deliveries)


def test_one_transactions_deliveries_are_queued_together(queued, django_capture_on_commit_callbacks):
    company, operator = CompanyFactory(), OperatorFactory()
    WebhookEndpointFactory(organization=operator)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = event_record(type="booking.requested", organization=company, payload={}, audience=[operator])
        second = event_record(type="booking.requested", organization=company, payload={}, audience=[operator])
    ids = sorted(Delivery.objects.filter(event__in=[first, second]).values_list("pk", flat=True))
    assert len(ids) == 2
    assert [sorted(call[0]) for call in queued] == [ids]
    with django_capture_on_commit_callbacks(execute=True):
        third = event_record(type="booking.requested", organization=company, payload={}, audience=[operator])
    assert sorted(queued[-1][0]) == [Delivery.objects.get(event=third).pk]


def test_owner_without_audience_gets_an_event_and_no_delivery(queued, django_capture_on_commit_callbacks):
    company = CompanyFactory()
    _member(company, Membership.Role.OWNER, "owner@company.example")
    WebhookEndpointFactory(organization=company)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_record(type="production.created", organization=company, payload={"title": "x"})
    assert Event.objects.filter(pk=event.pk).exists()
    assert not Delivery.objects.exists()
    assert queued == []


def test_subject_and_actor_are_stored():
    production = ProductionFactory()
    user = UserFactory()
    event = event_record(
        type="production.created", organization=production.company, payload={}, actor=user, subject=production
    )
    event.refresh_from_db()
    assert event.subject_type == ContentType.objects.get_for_model(production)
    assert event.subject_id == str(production.pk)
    assert event.subject_label == f"studio.production:{production.pk}"
    assert event.actor == user


def test_anonymous_actor_is_stored_as_nobody():
    event = event_record(type="x.y", organization=CompanyFactory(), payload={}, actor=AnonymousUser())
    assert event.actor_id is None


def test_events_cannot_be_changed_or_deleted():
    event = EventFactory()
    event.payload = {"tampered": True}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(type="other")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.payload == {"changed": ["title"]}


@pytest.mark.django_db
def test_a_moved_model_keeps_the_subject_label_it_was_published_under():
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Event
    from review.models import ReviewSubmission

    event = Event(subject_type=ContentType.objects.get_for_model(ReviewSubmission), subject_id="5")
    assert event.subject_label == "studio.reviewsubmission:5"
