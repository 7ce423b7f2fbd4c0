"""docs/events.md documents every event type the code can emit, with payloads that follow the conventions."""

from tests.event_docs import ISO_WITH_OFFSET, documented_payloads, emitted_types, times_in


def test_every_emitted_event_type_is_documented_and_nothing_else():
    emitted = emitted_types()
    assert {"booking.requested", "call_sheet.line_published", "review.overdue", "webhook.ping"} <= emitted
    assert sorted(emitted - set(documented_payloads())) == [], "document these in docs/events.md"
    assert sorted(set(documented_payloads()) - emitted) == [], "no longer emitted"


def test_documented_times_are_iso_8601_with_offset():
    for event_type, payload in documented_payloads().items():
        for path, value in times_in(payload):
            assert value is None or ISO_WITH_OFFSET.match(value), (event_type, path, value)
