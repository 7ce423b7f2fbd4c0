from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery, Event, WebhookEndpoint
from notifications.services import event_record
from studio.models import Membership
from tests.factories import (
    CompanyFactory,
    DeliveryFactory,
    EventFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

MANAGER = Membership.Role.MANAGER


def _ids(response):
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(captured)


# events


def test_events_are_visible_to_the_owner_and_the_audience_only(member, api, queued):
    company, operator, stranger = CompanyFactory(), OperatorFactory(), CompanyFactory()
    shared = event_record(type="booking.requested", organization=company, payload={}, audience=[operator])
    private = event_record(type="production.created", organization=company, payload={})
    theirs = event_record(type="production.created", organization=stranger, payload={})

    assert _ids(api(member(company), company).get("/api/v1/events/")) == {shared.pk, private.pk}
    operator_client = api(member(operator), operator)
    assert _ids(operator_client.get("/api/v1/events/")) == {shared.pk}
    assert operator_client.get(f"/api/v1/events/{shared.pk}/").status_code == 200
    assert operator_client.get(f"/api/v1/events/{private.pk}/").status_code == 404
    assert operator_client.get(f"/api/v1/events/{theirs.pk}/").status_code == 404


def test_event_shows_its_subject_and_payload(member, api):
    production = ProductionFactory()
    user = member(production.company)
    event = event_record(
        type="production.created",
        organization=production.company,
        payload={"title": "龙王归来"},
        actor=user,
        subject=production,
    )
    body = api(user, production.company).get(f"/api/v1/events/{event.pk}/").json()
    assert body["subject"] == {"type": "studio.production", "id": str(production.pk)}
    assert body["payload"] == {"title": "龙王归来"}
    assert body["actor"] == user.pk
    assert body["organization"] == production.company.pk


def test_events_filter_by_type_and_created_range(member, api):
    company = CompanyFactory()
    now = timezone.now()
    old = EventFactory(organization=company, type="booking.confirmed", created_at=now - timedelta(days=3))
    new = EventFactory(organization=company, type="booking.cancelled", created_at=now - timedelta(hours=1))
    other = EventFactory(organization=company, type="production.created", created_at=now - timedelta(hours=2))
    client = api(member(company), company)
    assert _ids(client.get("/api/v1/events/", {"type": "booking.confirmed"})) == {old.pk}
    assert _ids(client.get("/api/v1/events/", {"type_prefix": "booking."})) == {old.pk, new.pk}
    since = (now - timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/v1/events/", {"created_after": since})) == {new.pk, other.pk}
    assert _ids(client.get("/api/v1/events/", {"created_before": since})) == {old.pk}
    ordered = client.get("/api/v1/events/", {"ordering": "created_at"}).json()["results"]
    assert [item["id"] for item in ordered] == [old.pk, other.pk, new.pk]


def test_event_list_query_count_does_not_grow_with_the_page(member, api):
    company, operator = CompanyFactory(), OperatorFactory()
    production = ProductionFactory(company=company)
    for number in range(25):
        event_record(
            type="booking.requested",
            organization=company,
            payload={"n": number},
            subject=production,
            audience=[operator],
            actor=UserFactory(),
        )
    client = api(member(operator), operator)
    assert _queries(client, "/api/v1/events/?page_size=2") == _queries(client, "/api/v1/events/?page_size=25")


# deliveries


def test_deliveries_belong_to_the_recipient_organisation(member, api, queued):
    company, operator = CompanyFactory(), OperatorFactory()
    MembershipFactory(
        organization=operator, role=Membership.Role.OWNER, user=UserFactory(email="o@base.example")
    )
    endpoint = WebhookEndpointFactory(organization=operator)
    event = event_record(
        type="booking.requested",
        organization=company,
        payload={},
        audience=[operator],
        emails=["producer@company.example"],
    )
    operator_ids = set(
        Delivery.objects.filter(event=event, organization=operator).values_list("pk", flat=True)
    )
    company_ids = set(Delivery.objects.filter(event=event, organization=company).values_list("pk", flat=True))
    assert len(operator_ids) == 2 and len(company_ids) == 1

    operator_client = api(member(operator), operator)
    assert _ids(operator_client.get("/api/v1/deliveries/")) == operator_ids
    assert _ids(api(member(company), company).get("/api/v1/deliveries/")) == company_ids
    (company_delivery,) = company_ids
    assert operator_client.get(f"/api/v1/deliveries/{company_delivery}/").status_code == 404
    webhook = operator_client.get("/api/v1/deliveries/", {"channel": "webhook"}).json()["results"]
    assert [item["endpoint"] for item in webhook] == [endpoint.pk]
    assert webhook[0]["event"]["type"] == "booking.requested"


def test_deliveries_filter_by_status_channel_and_event_type(member, api):
    operator = OperatorFactory()
    sent = DeliveryFactory(
        organization=operator,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        event=EventFactory(type="booking.confirmed"),
    )
    dead = DeliveryFactory(
        organization=operator, status=Delivery.Status.DEAD, event=EventFactory(type="review.x")
    )
    hook = DeliveryFactory(
        organization=operator,
        endpoint=WebhookEndpointFactory(organization=operator),
        channel="webhook",
        event=EventFactory(type="booking.confirmed"),
    )
    client = api(member(operator), operator)
    assert _ids(client.get("/api/v1/deliveries/", {"status": "sent"})) == {sent.pk}
    assert _ids(client.get("/api/v1/deliveries/", {"status": "dead"})) == {dead.pk}
    assert _ids(client.get("/api/v1/deliveries/", {"channel": "webhook"})) == {hook.pk}
    assert _ids(client.get("/api/v1/deliveries/", {"event_type": "booking.confirmed"})) == {sent.pk, hook.pk}
    assert client.get("/api/v1/deliveries/", {"status": "lost"}).status_code == 400


def test_delivery_list_query_count_does_not_grow_with_the_page(member, api):
    operator = OperatorFactory()
    endpoint = WebhookEndpointFactory(organization=operator)
    for _number in range(15):
        DeliveryFactory(organization=operator)
        DeliveryFactory(organization=operator, endpoint=endpoint, channel="webhook")
    client = api(member(operator), operator)
    assert _queries(client, "/api/v1/deliveries/?page_size=2") == _queries(
        client, "/api/v1/deliveries/?page_size=30"
    )


def test_manager_retries_a_dead_delivery_and_a_coordinator_may_not(
    member, api, queued, django_capture_on_commit_callbacks
):
    operator = OperatorFactory()
    delivery = DeliveryFactory(organization=operator, status=Delivery.Status.DEAD, attempts=8)
    url = f"/api/v1/deliveries/{delivery.pk}/retry/"
    assert api(member(operator), operator).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api(member(operator, role=MANAGER), operator).post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "retrying"
    assert queued == [([delivery.pk], None)]


def test_retrying_a_sent_delivery_is_409(member, api):
    operator = OperatorFactory()
    delivery = DeliveryFactory(organization=operator, status=Delivery.Status.SENT, sent_at=timezone.now())
    response = api(member(operator, role=MANAGER), operator).post(f"/api/v1/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["code"] == "delivery_already_sent"


# webhook endpoints


@pytest.fixture
def manager_client(member, api):
    def make(organization=None):
        organization = organization or OperatorFactory()
        return organization, api(member(organization, role=MANAGER), organization)

    return make


def test_manager_registers_an_endpoint_and_sees_the_secret_once(manager_client, public_dns):
    organization, client = manager_client()
    response = client.post(
        "/api/v1/webhook-endpoints/",
        {"name": "排期系统", "url": "https://hooks.example.com/sc", "event_types": ["booking.*"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.organization == organization
    assert endpoint.secret == body["secret"]
    assert endpoint.event_types == ["booking.*"]
    assert "secret" not in client.get(f"/api/v1/webhook-endpoints/{endpoint.pk}/").json()
    assert all("secret" not in item for item in client.get("/api/v1/webhook-endpoints/").json()["results"])


def test_secret_sent_by_the_client_is_refused(manager_client, public_dns):
    _organization, client = manager_client()
    response = client.post(
        "/api/v1/webhook-endpoints/",
        {"name": "x", "url": "https://hooks.example.com/sc", "secret": "whsec_mine"},
        format="json",
    )
    assert response.status_code == 400
    assert "secret" in response.json()["fields"]


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://169.254.169.254/", "https://db.internal/"],
)
def test_unsafe_endpoint_url_is_400(manager_client, public_dns, settings, url):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = False
    _organization, client = manager_client()
    response = client.post("/api/v1/webhook-endpoints/", {"name": "x", "url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unsafe_webhook_url"
    assert "url" in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_malformed_event_types_are_400(manager_client, public_dns):
    _organization, client = manager_client()
    response = client.post(
        "/api/v1/webhook-endpoints/",
        {"name": "x", "url": "https://hooks.example.com/x", "event_types": ["Booking Confirmed"]},
        format="json",
    )
    assert response.status_code == 400
    assert "event_types" in response.json()["fields"]


def test_duplicate_endpoint_name_is_400(manager_client, public_dns):
    organization, client = manager_client()
    WebhookEndpointFactory(organization=organization, name="ERP")
    response = client.post(
        "/api/v1/webhook-endpoints/", {"name": "ERP", "url": "https://hooks.example.com/x"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_coordinators_cannot_see_or_change_endpoints(member, api, public_dns):
    operator = OperatorFactory()
    endpoint = WebhookEndpointFactory(organization=operator)
    client = api(member(operator, role=Membership.Role.COORDINATOR), operator)
    assert client.get("/api/v1/webhook-endpoints/").status_code == 403
    assert client.get(f"/api/v1/webhook-endpoints/{endpoint.pk}/").status_code == 403
    response = client.post("/api/v1/webhook-endpoints/", {"name": "x", "url": "https://h.example.com/"})
    assert response.status_code == 403
    assert client.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/rotate-secret/").status_code == 403


def test_other_organisations_endpoint_is_404(manager_client):
    _organization, client = manager_client()
    theirs = WebhookEndpointFactory()
    assert client.get(f"/api/v1/webhook-endpoints/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/webhook-endpoints/{theirs.pk}/ping/").status_code == 404
    assert client.delete(f"/api/v1/webhook-endpoints/{theirs.pk}/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_update_and_rotate_secret(manager_client, public_dns):
    organization, client = manager_client()
    endpoint = WebhookEndpointFactory(organization=organization)
    old_secret = endpoint.secret
    response = client.patch(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/", {"is_active": False, "event_types": []}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_active"] is False
    response = client.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert response.json()["secret"] == endpoint.secret != old_secret
    types = Event.objects.filter(organization=organization).values_list("type", flat=True)
    assert set(types) == {"webhook_endpoint.updated", "webhook_endpoint.secret_rotated"}


def test_ping_sends_one_delivery_to_that_endpoint_only(
    manager_client, queued, django_capture_on_commit_callbacks
):
    organization, client = manager_client()
    endpoint = WebhookEndpointFactory(organization=organization)
    WebhookEndpointFactory(organization=organization)  # another endpoint of the same organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/ping/")
    assert response.status_code == 202, response.json()
    delivery = Delivery.objects.get()
    assert response.json()["id"] == delivery.pk
    assert delivery.endpoint == endpoint
    assert delivery.event.type == "webhook.ping"
    assert queued == [([delivery.pk], None)]


def test_deleting_an_endpoint_ends_its_open_deliveries(manager_client):
    organization, client = manager_client()
    endpoint = WebhookEndpointFactory(organization=organization)
    open_delivery = DeliveryFactory(organization=organization, endpoint=endpoint, channel="webhook")
    sent = DeliveryFactory(
        organization=organization, endpoint=endpoint, channel="webhook", status="sent", sent_at=timezone.now()
    )
    assert client.delete(f"/api/v1/webhook-endpoints/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    open_delivery.refresh_from_db()
    sent.refresh_from_db()
    assert open_delivery.status == Delivery.Status.DEAD
    assert open_delivery.endpoint is None
    assert sent.status == Delivery.Status.SENT


def test_endpoint_list_query_count_does_not_grow_with_the_page(manager_client):
    organization, client = manager_client()
    WebhookEndpointFactory.create_batch(12, organization=organization)
    assert _queries(client, "/api/v1/webhook-endpoints/?page_size=2") == _queries(
        client, "/api/v1/webhook-endpoints/?page_size=12"
    )


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "0", "abc"])
def test_delivery_event_filter_never_500s_and_reveals_nothing(member, api, value):
    operator = OperatorFactory()
    DeliveryFactory(organization=operator)
    response = api(member(operator), operator).get("/api/v1/deliveries/", {"event": value})
    assert response.status_code == 400  # not a database id: refused by the filter, before any query
    assert list(response.json()["fields"]) == ["event"]


def test_filtering_by_another_organisations_event_looks_like_no_match(member, api):
    operator = OperatorFactory()
    theirs = DeliveryFactory()
    response = api(member(operator), operator).get("/api/v1/deliveries/", {"event": theirs.event_id})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pinging_a_switched_off_endpoint_is_a_409_and_sends_nothing(manager_client):
    organization, client = manager_client()
    endpoint = WebhookEndpointFactory(organization=organization, is_active=False)
    response = client.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/ping/")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "endpoint_inactive"
    assert not Delivery.objects.exists()
