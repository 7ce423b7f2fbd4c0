"""Publishing call sheets: versions, deliveries per person and channel, diffs, links, acknowledgements."""

import json
import re

import pytest
from django.core import mail

from crews import services
from crews.models import CallSheet, CallSheetRecipient, Role, ShootDay
from notifications.messages import WECOM_MAX_BYTES
from notifications.models import Delivery, WebhookEndpoint
from notifications.sending import wecom_body
from notifications.tasks import delivery_attempt
from tests.crews.factories import CallFactory, PersonFactory, SceneFactory, booking_for, local
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet_day(plan):
    """The plan's day: a stop, two actors (makeup and on-set times), a director, a WeCom robot, a webhook."""
    booking = booking_for(plan.day)
    lead = PersonFactory(company=plan.company, name="林晚", email="linwan@example.com")
    second = PersonFactory(company=plan.company, name="顾言", email="guyan@example.com")
    director = PersonFactory(
        company=plan.company, name="王导", email="director@example.com", roles=["director"]
    )
    scene = SceneFactory(production=plan.production, episode=1, number=3)
    scene.cast.add(lead, second)
    services.stop_add(
        shoot_day=plan.day,
        booking=booking,
        starts_at=local(plan.date, 8),
        ends_at=local(plan.date, 12),
        scenes=[scene],
    )
    for person in (lead, second):
        CallFactory(
            shoot_day=plan.day,
            person=person,
            call_at=local(plan.date, 6),
            makeup_ready_at=local(plan.date, 7, 30),
            on_set_at=local(plan.date, 8),
            released_at=local(plan.date, 18),
        )
    CallFactory(shoot_day=plan.day, person=director, role=Role.DIRECTOR)
    WebhookEndpointFactory(organization=plan.company, kind=WebhookEndpoint.Kind.WECOM, name="剧组群机器人")
    WebhookEndpointFactory(organization=plan.company, name="ERP")
    plan.people = {"lead": lead, "second": second, "director": director}
    return plan


def _deliveries(version_sheet):
    return Delivery.objects.filter(event__payload__call_sheet=version_sheet.pk)


def test_publishing_creates_version_one_and_one_delivery_per_person_and_channel(sheet_day):
    plan = sheet_day
    response = plan.client.post(f"/api/v1/shoot-days/{plan.day.pk}/publish/")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    sheet = CallSheet.objects.get(pk=body["id"])
    snapshot = sheet.snapshot
    assert snapshot["date"] == plan.date.isoformat()
    assert snapshot["call_at"].startswith(f"{plan.date.isoformat()}T06:00:00+08:00")
    assert [scene["label"] for scene in snapshot["stops"][0]["scenes"]] == ["1-3"]
    lead_line = next(line for line in snapshot["lines"] if line["name"] == "林晚")
    assert lead_line["makeup_ready_at"][11:16] == "07:30" and lead_line["on_set_at"][11:16] == "08:00"
    assert snapshot["contacts"] == [
        {"name": "王导", "role": "director", "phone": plan.people["director"].phone}
    ]
    assert ShootDay.objects.get(pk=plan.day.pk).status == ShootDay.Status.PUBLISHED

    deliveries = _deliveries(sheet)
    emails = sorted(deliveries.filter(channel=Delivery.Channel.EMAIL).values_list("to_address", flat=True))
    assert emails == sorted(
        ["linwan@example.com", "guyan@example.com", "director@example.com", "scheduler@example.com"]
    )
    assert deliveries.filter(channel=Delivery.Channel.WECOM).count() == 1
    assert deliveries.filter(channel=Delivery.Channel.WEBHOOK).count() == 1
    assert sorted(body["not_acknowledged"]) == ["林晚", "王导", "顾言"]
    assert body["acknowledged"] == []


def test_changing_one_actors_call_and_republishing_notifies_only_that_actor_and_the_scheduler(sheet_day):
    plan = sheet_day
    first = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)
    call = plan.day.calls.get(person=plan.people["second"])
    response = plan.client.patch(f"/api/v1/calls/{call.pk}/", {"call_at": local(plan.date, 7).isoformat()})
    assert response.status_code == 200, response.content

    response = plan.client.post(f"/api/v1/shoot-days/{plan.day.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 201
    second = CallSheet.objects.get(pk=response.json()["id"])
    assert second.version == first.version + 1 == 2
    emails = sorted(
        _deliveries(second).filter(channel=Delivery.Channel.EMAIL).values_list("to_address", flat=True)
    )
    assert emails == ["guyan@example.com", "scheduler@example.com"]
    line_event = Delivery.objects.get(to_address="guyan@example.com", event__payload__version=2).event
    assert line_event.payload["call_at"] == f"{plan.date.isoformat()}T07:00:00+08:00"  # ISO 8601 with offset
    assert line_event.payload["makeup_ready_at"] == f"{plan.date.isoformat()}T07:30:00+08:00"
    assert line_event.payload["changes"] == ["call time: 06:00 → 07:00"]
    assert second.changes == [
        {
            "person": plan.people["second"].pk,
            "name": "顾言",
            "changes": [{"field": "call_at", "old": "06:00", "new": "07:00"}],
        }
    ]
    recipients = {r.person.name: r for r in second.recipients.select_related("person")}
    assert recipients["顾言"].notified and not recipients["林晚"].notified

    delivery = Delivery.objects.get(to_address="guyan@example.com", event__payload__version=2)
    assert delivery_attempt(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert "06:00 → 07:00" in mail.outbox[-1].body
    assert re.search(r"到场时间：\d{4}年\d+月\d+日（.+）07:00\n", mail.outbox[-1].body)  # as people read it
    assert re.search(r"/call-sheets/public/[A-Za-z0-9_-]+/", mail.outbox[-1].body)
    assert "/api/" not in mail.outbox[-1].body
    chinese, english = mail.outbox[-1].body.split("————————")
    assert "通告时间：06:00 → 07:00" in chinese and "call time: 06:00 → 07:00" in english  # reader's words


def test_republishing_without_a_change_is_refused(sheet_day):
    services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    response = sheet_day.client.post(f"/api/v1/shoot-days/{sheet_day.day.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["code"] == "call_sheet_unchanged"


def test_call_sheet_link_renders_without_login_and_acknowledges_once(sheet_day, api):
    sheet = services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    recipient = sheet.recipients.get(person=sheet_day.people["lead"])
    anonymous = api()

    page = anonymous.get(f"/api/v1/call-sheets/public/{recipient.token}/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "霸总的替身新娘" in html and "林晚" in html and "1-3" in html and "07:30" in html

    # the link messages carry: the same page outside the API
    assert anonymous.get(f"/call-sheets/public/{recipient.token}/").content.decode() == html
    assert anonymous.get("/call-sheets/public/not-the-right-token-at-all/").status_code == 404
    assert anonymous.get("/api/v1/call-sheets/public/not-the-right-token-at-all/").status_code == 404
    assert (
        anonymous.post("/api/v1/call-sheets/public/not-the-right-token-at-all/acknowledge/").status_code
        == 404
    )

    for _ in range(3):
        assert anonymous.post(f"/api/v1/call-sheets/public/{recipient.token}/acknowledge/").status_code == 200
    recipient.refresh_from_db()
    first_ack = recipient.acknowledged_at
    assert first_ack is not None
    anonymous.post(f"/api/v1/call-sheets/public/{recipient.token}/acknowledge/")
    recipient.refresh_from_db()
    assert recipient.acknowledged_at == first_ack
    from notifications.models import Event

    assert Event.objects.filter(type="call_sheet.acknowledged", subject_id=str(sheet.pk)).count() == 1

    body = sheet_day.client.get(f"/api/v1/call-sheets/{sheet.pk}/").json()
    assert body["acknowledged"] == ["林晚"]
    assert sorted(body["not_acknowledged"]) == ["王导", "顾言"]
    group = anonymous.get(f"/api/v1/call-sheets/public/{sheet.token}/")
    assert group.status_code == 200 and "王导" in group.content.decode()


def test_an_unchanged_line_keeps_its_acknowledgement_in_the_next_version(sheet_day):
    plan = sheet_day
    first = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)
    lead = first.recipients.get(person=plan.people["lead"])
    services.call_sheet_acknowledge(recipient=lead)
    call = plan.day.calls.get(person=plan.people["second"])
    services.call_update(call=call, call_at=local(plan.date, 7))
    second = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)

    assert CallSheetRecipient.objects.get(call_sheet=second, person=plan.people["lead"]).acknowledged_at
    assert (
        CallSheetRecipient.objects.get(call_sheet=second, person=plan.people["second"]).acknowledged_at
        is None
    )


def test_a_person_taken_off_the_day_is_told(sheet_day):
    plan = sheet_day
    services.shoot_day_publish(shoot_day=plan.day, by=plan.user)
    services.call_remove(call=plan.day.calls.get(person=plan.people["second"]))
    second = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)

    assert second.changes[0]["changes"] == [{"field": "removed"}]
    assert Delivery.objects.filter(
        to_address="guyan@example.com", event__type="call_sheet.line_withdrawn"
    ).exists()


def test_the_crew_group_robot_gets_the_sheet_in_chinese_first_with_set_address_times_and_link(sheet_day):
    sheet = services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    robot = Delivery.objects.get(event__type="call_sheet.published", channel=Delivery.Channel.WECOM)
    content = json.loads(wecom_body(robot))["markdown"]["content"]
    stop = sheet.snapshot["stops"][0]
    for expected in (
        stop["set"]["name"],
        stop["base"]["address"],
        "06:00",
        "08:00–12:00",
        "/call-sheets/public/",
    ):
        assert expected in content
    assert content.startswith('### <font color="info">通告单') and content.index("集合时间") < content.index(
        "Crew call"
    )
    assert "/api/" not in content and "{" not in content and len(content.encode()) <= WECOM_MAX_BYTES
