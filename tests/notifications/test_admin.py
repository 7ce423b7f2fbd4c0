import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Delivery, WebhookEndpoint
from studio.models import Membership
from tests.factories import (
    DeliveryFactory,
    EventFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db


def _staff(organization, role=Membership.Role.MANAGER):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=organization, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_staff_sees_only_their_organisations_events_and_cannot_edit_them():
    operator = OperatorFactory()
    mine, theirs = EventFactory(organization=operator), EventFactory()
    client = _staff(operator)
    page = client.get("/admin/notifications/event/")
    assert page.status_code == 200
    assert mine in page.context["cl"].queryset and theirs not in page.context["cl"].queryset
    assert client.get(f"/admin/notifications/event/{theirs.pk}/change/").status_code == 302  # not found
    detail = client.get(f"/admin/notifications/event/{mine.pk}/change/")
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert client.get("/admin/notifications/event/add/").status_code == 403
    assert client.post(f"/admin/notifications/event/{mine.pk}/delete/", {"post": "yes"}).status_code == 403


def test_retry_now_action_queues_unsent_deliveries_of_the_managers_organisation(queued):
    operator = OperatorFactory()
    dead = DeliveryFactory(organization=operator, status=Delivery.Status.DEAD, attempts=8)
    sent = DeliveryFactory(organization=operator, status=Delivery.Status.SENT, sent_at=timezone.now())
    foreign = DeliveryFactory(status=Delivery.Status.DEAD)
    client = _staff(operator)
    response = client.post(
        "/admin/notifications/delivery/",
        {"action": "retry_now", "_selected_action": [dead.pk, sent.pk, foreign.pk]},
        follow=True,
    )
    assert response.status_code == 200
    dead.refresh_from_db()
    foreign.refresh_from_db()
    assert dead.status == Delivery.Status.RETRYING
    assert foreign.status == Delivery.Status.DEAD
    texts = [str(message) for message in response.context["messages"]]
    assert any("1" in text for text in texts)
    assert any(str(sent) in text for text in texts)


def test_coordinator_cannot_retry_from_the_admin():
    operator = OperatorFactory()
    DeliveryFactory(organization=operator, status=Delivery.Status.DEAD)
    page = _staff(operator, role=Membership.Role.COORDINATOR).get("/admin/notifications/delivery/")
    assert page.status_code == 200
    assert "retry_now" not in page.context["cl"].model_admin.get_actions(page.wsgi_request)


def test_admin_refuses_a_private_endpoint_and_creates_a_public_one_with_a_secret(public_dns, settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    operator = OperatorFactory()
    client = _staff(operator)
    form = {
        "organization": operator.pk,
        "name": "ERP",
        "kind": "standard",
        "event_types": "[]",
        "is_active": "on",
    }
    refused = client.post(
        "/admin/notifications/webhookendpoint/add/", {**form, "url": "https://10.0.0.5/hook"}
    )
    assert refused.status_code == 200
    assert "url" in refused.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()
    created = client.post(
        "/admin/notifications/webhookendpoint/add/", {**form, "url": "https://hooks.example.com/h"}
    )
    assert created.status_code == 302, created.context["adminform"].form.errors
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organization == operator
    assert endpoint.secret.startswith("whsec_")


def test_coordinator_cannot_see_endpoints_in_the_admin():
    operator = OperatorFactory()
    WebhookEndpointFactory(organization=operator)
    client = _staff(operator, role=Membership.Role.COORDINATOR)
    assert client.get("/admin/notifications/webhookendpoint/").status_code == 403
