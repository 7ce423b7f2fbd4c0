"""People read an event type's name, not its code: every type registered with its builder has a short name in
each language, and the admin shows the names (the code stays on the event's page, in the API and webhooks)."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from notifications.messages.base import BUILDERS, LABELS, event_type_label, message
from tests.event_docs import documented_payloads, emitted_types
from tests.factories import DeliveryFactory, EventFactory, OperatorFactory

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_event_type_has_a_name_in_each_language():
    types = set(BUILDERS) | emitted_types() | set(documented_payloads())
    assert len(types) > 40
    assert sorted(types - set(LABELS)) == [], "name these: @message(type, label=gettext_lazy(…))"
    for language, words in (("en", re.compile(r"^[A-Z][a-z]")), ("zh-hans", CHINESE)):
        with translation.override(language):
            names = {event_type: event_type_label(event_type) for event_type in sorted(types)}
        unnamed = {event_type: name for event_type, name in names.items() if not words.search(name)}
        assert unnamed == {}, language
        assert [name for name in names.values() if CODE.search(name)] == [], language
        # the admin's filter lists the names: two types with one name could not be told apart
        assert len(set(names.values())) == len(names), language


def test_a_builder_cannot_be_registered_without_the_name_of_its_type():
    with pytest.raises(TypeError):
        message("nothing.named")
    with pytest.raises(TypeError):
        message("one.type", "another.type", label=gettext_lazy("One name for two"))
    assert "nothing.named" not in BUILDERS


def test_an_unknown_type_is_shown_as_it_is():
    assert event_type_label("retired.type") == "retired.type"


TYPES = [
    "booking.confirmed",
    "call_sheet.line_published",
    "review.overdue",
    "webhook.ping",
    "set.deactivated",
]


@pytest.fixture
def events(db):
    operator = OperatorFactory()
    return [EventFactory(organization=operator, type=event_type) for event_type in TYPES]


def _cells(body: str, field: str) -> list[str]:
    return re.findall(rf'<td class="field-{field}[^"]*">(.*?)</td>', body, flags=re.S)


def test_the_event_list_shows_the_names_in_chinese_and_no_codes(admin_client, events):
    body = admin_client.get("/admin/notifications/event/").content.decode()
    cells = _cells(body, "type_label")
    assert len(cells) == len(TYPES)
    assert {"预订已确认", "个人通告已发送", "超期审核", "Webhook 测试", "场景已下架"} == set(cells)
    assert [cell for cell in cells if CODE.search(cell)] == []


def test_the_event_filter_lists_names_and_filters_by_the_code(admin_client, events):
    page = admin_client.get("/admin/notifications/event/")
    body = page.content.decode()
    assert 'href="?type=call_sheet.line_published"' in body
    assert ">个人通告已发送</a>" in body
    filtered = admin_client.get("/admin/notifications/event/", {"type": "call_sheet.line_published"})
    assert [event.type for event in filtered.context["cl"].result_list] == ["call_sheet.line_published"]


def test_the_event_list_in_english_names_the_types_in_english(admin_client, events):
    body = admin_client.get("/admin/notifications/event/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Personal call sent" in _cells(body, "type_label")


def test_the_event_page_shows_the_name_and_the_code_in_small_print(admin_client, events):
    event = events[1]
    body = admin_client.get(f"/admin/notifications/event/{event.pk}/change/").content.decode()
    assert '个人通告已发送<br><small class="quiet">call_sheet.line_published</small>' in body


def test_the_delivery_list_names_the_event(admin_client, events):
    delivery = DeliveryFactory(event=events[0])
    body = admin_client.get("/admin/notifications/delivery/").content.decode()
    assert _cells(body, "event") == [f"预订已确认 #{delivery.event_id}"]
