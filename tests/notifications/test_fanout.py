"""The one-statement outbox fan-out (PostgreSQL) writes exactly the rows of the ORM path, in its order."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from notifications.fanout import EMAIL_ROLES, explicit_emails, fanout_orm, fanout_sql
from notifications.models import Delivery, Event, EventAudience, WebhookEndpoint
from studio.models import Membership
from tests.conftest import require_postgresql
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

EVENT_TYPES = [
    "booking.requested",
    "booking.confirmed",
    "booking.cancelled",
    "booking.waitlist_offered",
    "review.decided",
    "review.submitted",
    "production.created",
    "call_sheet.published",
    "webhook.ping",
    "bookingx",
]
AT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
DELIVERY_FIELDS = ("channel", "organization_id", "to_address", "endpoint_id", "language", "status")
DELIVERY_FIELDS += ("attempts", "last_error", "sending_since", "sent_at")


def _member(organization, role, email, **kwargs):
    return MembershipFactory(organization=organization, role=role, user=UserFactory(email=email), **kwargs)


@pytest.fixture
def organizations():
    company, operator, other = CompanyFactory(), OperatorFactory(), OperatorFactory()
    Role = Membership.Role
    _member(operator, Role.OWNER, "Boss@Base.example")
    _member(operator, Role.MANAGER, "boss@base.example")  # the same address, another case
    _member(operator, Role.COORDINATOR, " desk@base.example ")  # blanks around it
    _member(operator, Role.REVIEWER, "")
    _member(operator, Role.MEMBER, "crew@base.example")  # a role that gets no email
    _member(operator, Role.MANAGER, "gone@base.example", is_active=False)
    MembershipFactory(
        organization=operator, role=Role.MANAGER, user=UserFactory(email="x@y.example", is_active=False)
    )
    _member(company, Role.OWNER, "owner@company.example")
    _member(company, Role.COORDINATOR, "DESK@base.example")  # also a member of the operator, by address
    _member(other, Role.OWNER, "boss@base.example")  # a later organisation: the operator's member wins
    _member(other, Role.REVIEWER, "reviewer@other.example")
    for organization in (operator, other, company):
        WebhookEndpointFactory(organization=organization)
        WebhookEndpointFactory(
            organization=organization, kind=WebhookEndpoint.Kind.WECOM, event_types=["booking.*"]
        )
        WebhookEndpointFactory(organization=organization, event_types=["review.decided", "booking.confirmed"])
        WebhookEndpointFactory(organization=organization, event_types=["booking"])  # no wildcard
        WebhookEndpointFactory(organization=organization, is_active=False)
    return company, operator, other


def _rows(event_id: int) -> tuple[list, list]:
    event = Event.objects.get(pk=event_id)
    deliveries = list(Delivery.objects.filter(event_id=event_id).order_by("pk").values(*DELIVERY_FIELDS))
    assert all(
        at == event.created_at
        for at in Delivery.objects.filter(event_id=event_id).values_list("next_attempt_at", flat=True)
    )
    audience = list(
        EventAudience.objects.filter(event_id=event_id)
        .order_by("pk")
        .values_list("organization_id", flat=True)
    )
    return deliveries, audience


def _event(company, type_, actor, subject):
    return Event(
        type=type_,
        organization=company,
        actor=actor,
        payload={"type": type_, "at": AT, "price": Decimal("12.50"), "n": [1, "2"]},
        subject_type_id=subject[0],
        subject_id=subject[1],
    )


@pytest.mark.parametrize("type_", EVENT_TYPES)
def test_sql_fanout_writes_the_orm_rows_in_the_orm_order(organizations, type_):
    require_postgresql()
    company, operator, other = organizations
    production = ProductionFactory(company=company)
    subject = (ContentType.objects.get_for_model(production).pk, str(production.pk))
    actor = UserFactory()
    audiences = [[], [operator], [company], [operator, company], [other, operator, company]]
    email_lists = [[], ["producer@company.example", "BOSS@base.example", " Producer@Company.example", "bad"]]
    compared = 0
    for audience in audiences:
        for emails in email_lists:
            orm_event = _event(company, type_, actor, subject)
            fanout_orm(event=orm_event, audience=audience, emails=emails)
            sql_event = _event(company, type_, actor, subject)
            event_id, delivery_ids = fanout_sql(
                event=sql_event,
                audience_ids=[member.pk for member in audience],
                emails=explicit_emails(emails),
                roles=EMAIL_ROLES,
                type_=type_,
            )
            expected, sql = _rows(orm_event.pk), _rows(event_id)
            assert sql == expected, (audience, emails)
            assert delivery_ids == sorted(
                Delivery.objects.filter(event_id=event_id).values_list("pk", flat=True)
            )
            stored = Event.objects.values(
                "type", "organization_id", "actor_id", "subject_type_id", "subject_id"
            )
            assert stored.get(pk=event_id) == stored.get(pk=orm_event.pk)
            assert Event.objects.get(pk=event_id).payload == Event.objects.get(pk=orm_event.pk).payload
            compared += len(expected[0])
    assert compared > 0 or type_ == "bookingx"
