"""Every event type reads as words: email (text and HTML) and the WeCom robot's markdown, both languages.

The types come from the code (``tests.event_docs.emitted_types``) and each one's realistic payload from
docs/events.md, so a new event type is rendered here as soon as it is emitted and documented.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.messages import BUILDERS, WECOM_COLOURS, WECOM_MAX_BYTES, email_parts, wecom_markdown
from notifications.models import Event
from studio.models import Organization
from tests.event_docs import documented_payloads, emitted_types
from tests.factories import CompanyFactory, OperatorFactory

pytestmark = pytest.mark.django_db

CREATED = datetime(2026, 12, 20, 9, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
EVENT_TYPES = sorted(emitted_types())
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
MODEL_LABEL = re.compile(r"\b(bookings|crews|studio|review|locations|notifications)\.[a-z]+\b")
#: what WeCom's markdown message understands (see ``notifications.messages.WECOM_MAX_BYTES``)
WECOM_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def _event(event_type: str, organization: Organization) -> Event:
    return Event(
        type=event_type,
        organization=organization,
        payload=documented_payloads()[event_type],
        created_at=CREATED,
    )


def _problems(text: str) -> list[str]:
    found = [f"code {code!r}" for code in CODE.findall(text)]
    found += [f"brace {brace!r}" for brace in re.findall(r"[{}]", text)]
    found += [f"model label {label.group(0)!r}" for label in MODEL_LABEL.finditer(text)]
    found += ["API path"] if "/api/" in text else []
    found += ["raw ISO time"] if re.search(r"\d{4}-\d{2}-\d{2}T\d{2}", text) else []
    found += ["dict or list text"] if re.search(r"\[['\"]|['\"]\]|': ", text) else []
    return found


@pytest.fixture
def readers(db):
    return {"company": CompanyFactory(name="平原甜宠影业"), "operator": OperatorFactory(name="平原影视基地")}


def test_every_emitted_event_type_has_a_message_of_its_own():
    assert sorted(set(EVENT_TYPES) - set(BUILDERS)) == []


@pytest.mark.parametrize("event_type", EVENT_TYPES)
@pytest.mark.parametrize("reader", ["company", "operator"])
def test_every_event_type_reads_as_words_in_email_and_wecom(event_type, reader, readers):
    to = readers[reader]
    event = _event(event_type, readers["company"])
    email = email_parts(event, "zh-hans", to=to)
    markdown = wecom_markdown(event, "zh-hans", to=to)
    for part, text in (
        ("subject", email.subject),
        ("text", email.text),
        ("html", email.html),
        ("wecom", markdown),
    ):
        assert _problems(text) == [], (event_type, part, text)
    # the 【拍摄圈】 prefix on every subject, Chinese first and the English below
    assert email.subject.startswith("【拍摄圈】") and " / [Shooting Circle] " in email.subject
    assert email.text.index("您收到此邮件") < email.text.index("You receive this")
    assert email.html.startswith("<!DOCTYPE html>") and email.html.index('lang="zh-hans"') < email.html.index(
        'lang="en"'
    )
    # WeCom: within its size limit, only the tags it understands, Chinese first
    assert len(markdown.encode()) <= WECOM_MAX_BYTES
    tags = {match.group(1) for match in WECOM_TAG.finditer(markdown)}
    assert tags <= {"font"}, tags
    assert set(re.findall(r'<font color="([a-z]+)">', markdown)) <= set(WECOM_COLOURS)
    assert markdown.startswith("### <font color=")


def test_a_booking_message_carries_what_a_crew_needs_in_words(readers):
    event = _event("booking.confirmed", readers["company"])
    email = email_parts(event, "zh-hans", to=readers["company"])
    assert email.subject.startswith("【拍摄圈】预订已确认：别墅01 · 平原影视基地")
    for expected in (
        "河南省新乡市平原示范区影视大道 1 号",
        "2026年12月21日",
        "08:00–12:00",
        "¥1,200.00",
        "王经理",
    ):
        assert expected in email.text and expected in email.html
    assert "http://127.0.0.1:8000/admin/bookings/booking/1623/change/" in email.html
    markdown = wecom_markdown(event, to=readers["company"])
    assert markdown.index("预订已确认") < markdown.index("Booking confirmed")
    assert "[查看预订](http://127.0.0.1:8000/admin/bookings/booking/1623/change/)" in markdown


def test_an_operator_is_told_the_real_deadline_and_gets_the_day_board(readers, settings):
    settings.SITE_URL = "https://pai.example"
    event = _event("booking.requested", readers["company"])
    email = email_parts(event, "zh-hans", to=readers["operator"])
    # hold_expires_at 2026-12-20T10:30:00+08:00, the booking on 2026-12-21
    assert "请在 2026年12月20日（星期日）10:30 前确认或拒绝" in email.text
    assert "Confirm or decline by Sun 20 Dec 2026, 10:30" in email.text
    assert "https://pai.example/app/board/?base=3&amp;date=2026-12-21" in email.html
    assert "https://pai.example/app/board/?base=3&date=2026-12-21" in email.text
    assert "/admin/bookings/booking/" not in email.text  # the operator works on the board


def test_review_messages_use_stage_and_severity_words(readers):
    event = _event("review.revision_requested", readers["company"])
    email = email_parts(event, "zh-hans", to=readers["company"])
    assert "较重" in email.text and "[major]" not in email.text
    assert "退回修改" in email.text or "要求修改" in email.text
    assert "/admin/review/reviewsubmission/55/change/" in email.text


def test_wecom_drops_the_english_part_before_cutting_a_long_message(readers):
    payload = dict(documented_payloads()["review.overdue"])
    row = payload["submissions"][0]
    payload["submissions"] = [dict(row, submission=index, title=f"第{index}部剧") for index in range(60)]
    event = Event(type="review.overdue", organization=readers["company"], payload=payload, created_at=CREATED)
    markdown = wecom_markdown(event)
    assert len(markdown.encode()) <= WECOM_MAX_BYTES
    assert "Overdue" not in markdown and markdown.endswith("…")
