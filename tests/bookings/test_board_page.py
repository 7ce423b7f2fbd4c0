"""The operator's day board page (``/app/board/``): what it draws, who may open it, its actions in place,
its refresh by ETag, and a constant number of queries."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import conf, services
from bookings.models import Booking
from locations.models import Blackout, OpeningHours
from notifications.models import Delivery, Event
from studio.models import Membership
from tests.bookings.conftest import make_world, pin_now
from tests.factories import BaseFactory, BookingFactory, MembershipFactory, OperatorFactory, SetFactory

pytestmark = pytest.mark.django_db
Status = Booking.Status
TZ = timezone.get_fixed_timezone(8 * 60)
#: a Tuesday; the board shows 2026-12-08
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
DAY = "2026-12-08"
AT = datetime(2026, 12, 8, 0, 0, tzinfo=TZ)


@pytest.fixture
def world():
    with pin_now(NOW):
        return make_world()


@pytest.fixture
def operator(world):
    client = Client()
    client.force_login(world.operator_user)
    return client


def _board(client, world, headers=None, **params):
    with pin_now(NOW):
        return client.get("/app/board/", {"base": world.base.pk, "date": DAY, **params}, **(headers or {}))


FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


def _blocks(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-booking-id="(\d+)" data-status="(\w+)"\s+style', html)


def _book(world, set_index=0, hour=8, hours=4, status=Status.CONFIRMED, **extra):
    with pin_now(NOW):
        return BookingFactory(
            set=world.sets[set_index],
            production=extra.pop("production", world.production),
            starts_at=AT + timedelta(hours=hour),
            ends_at=AT + timedelta(hours=hour + hours),
            status=status,
            **extra,
        )


def test_the_board_draws_each_sets_bookings_like_the_board_api(world, operator, api):
    _book(world, 0, hour=8)
    _book(world, 0, hour=14, production=world.productions[1])
    _book(world, 1, hour=22, hours=6)  # overnight: from 22:00 into the next morning
    _book(world, 2, hour=8 + 24)  # the next day: not on this board
    page = _board(operator, world)
    assert page.status_code == 200
    html = page.content.decode()
    with pin_now(NOW):
        data = (
            api(world.operator_user, world.operator)
            .get(f"/api/v1/bases/{world.base.pk}/board/", {"date": DAY})
            .json()
        )
    for row in data["sets"]:
        lane = html.split(f'data-set-id="{row["id"]}"')[1].split('data-set-id="')[0]
        assert len(_blocks(lane)) == len(row["bookings"])
    assert [len(row["bookings"]) for row in data["sets"]] == [2, 1, 0]
    # the overnight booking is drawn from 22:00 to the end of the day (2/24 of the width)
    assert 'style="left:91.667%;width:8.333%"' in html


def test_opening_hours_and_blackouts_are_drawn_with_the_reason(world, operator):
    OpeningHours.objects.create(base=world.base, weekday=1, opens="08:00", closes="20:00")
    Blackout.objects.create(
        set=world.sets[0],
        starts_at=AT + timedelta(hours=12),
        ends_at=AT + timedelta(hours=14),
        reason="消防检查",
    )
    html = _board(operator, world).content.decode()
    first_lane = html.split(f'data-set-id="{world.sets[0].pk}"')[1].split('data-set-id="')[0]
    assert first_lane.count("data-closed") == 2  # 00:00–08:00 and 20:00–24:00
    assert 'data-closed style="left:0.000%;width:33.333%"' in first_lane
    assert 'data-blackout title="消防检查" style="left:50.000%;width:8.333%">消防检查' in first_lane
    second_lane = html.split(f'data-set-id="{world.sets[1].pk}"')[1].split('data-set-id="')[0]
    assert "data-blackout" not in second_lane


def test_another_operators_base_is_not_found_a_company_is_refused_and_a_stranger_signs_in(world):
    other = OperatorFactory()
    stranger = Client()
    other_operator = Client()
    other_operator.force_login(MembershipFactory(organization=other, role=Membership.Role.OWNER).user)
    company = Client()
    company.force_login(world.company_user)
    assert _board(other_operator, world).status_code == 404
    assert _board(other_operator, world, base=10**12).status_code == 404
    assert _board(company, world).status_code == 403
    assert _board(stranger, world)["Location"].startswith("/accounts/login/?next=")


def test_a_booking_of_another_operator_is_not_found_on_any_action(world, operator):
    with pin_now(NOW):
        foreign = BookingFactory(
            set=SetFactory(base=BaseFactory(operator=OperatorFactory())),
            production=world.production,
            starts_at=AT + timedelta(hours=8),
            status=Status.HELD,
        )
    assert operator.get(f"/app/board/bookings/{foreign.pk}/").status_code == 404
    assert operator.post(f"/app/board/bookings/{foreign.pk}/confirm/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.HELD


def test_bad_parameters_answer_400_naming_the_field(world, operator):
    page = _board(operator, world, date="tomorrow")
    assert page.status_code == 400
    assert 'data-field="date"' in page.content.decode()
    assert _board(operator, world, base="x").status_code == 400
    assert _board(operator, world, base=2**63).status_code == 400


def test_without_a_base_the_board_opens_the_operators_first_base(world, operator):
    with pin_now(NOW):
        response = operator.get("/app/board/")
    assert response["Location"] == f"/app/board/?base={world.base.pk}&date=2026-12-07"


def test_confirming_from_the_board_records_one_event_and_queues_the_companys_email(world, operator):
    hold = _book(world, 0, status=Status.HELD)
    with pin_now(NOW + timedelta(minutes=5)):
        response = operator.post(f"/app/board/bookings/{hold.pk}/confirm/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "board-changed"
    assert 'data-status="confirmed"' in response.content.decode()
    hold.refresh_from_db()
    assert hold.status == Status.CONFIRMED
    (event,) = Event.objects.filter(subject_id=str(hold.pk), type="booking.confirmed")
    company_emails = Delivery.objects.filter(event=event, channel="email", organization=world.company)
    assert company_emails.count() == 1


def test_declining_without_a_reason_is_refused_in_place(world, operator):
    hold = _book(world, 0, status=Status.HELD)
    with pin_now(NOW + timedelta(minutes=5)):
        response = operator.post(f"/app/board/bookings/{hold.pk}/decline/", {"reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-code="reason_required"' in html
    assert "请说明拒绝的原因：制作公司会看到。" in html
    hold.refresh_from_db()
    assert hold.status == Status.HELD


def test_a_state_conflict_is_a_409_shown_in_place(world, operator):
    done = _book(world, 0, status=Status.COMPLETED)
    with pin_now(NOW):
        response = operator.post(f"/app/board/bookings/{done.pk}/confirm/")
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()


def test_the_detail_offers_only_the_actions_the_state_allows(world, operator):
    hold = _book(world, 0, status=Status.HELD)
    html = operator.get(f"/app/board/bookings/{hold.pk}/").content.decode()
    assert set(re.findall(r'data-action="(\w+)"', html)) == {"confirm", "decline"}
    confirmed = _book(world, 1)
    with pin_now(confirmed.starts_at + timedelta(minutes=conf.no_show_grace_minutes())):
        html = operator.get(f"/app/board/bookings/{confirmed.pk}/").content.decode()
    assert set(re.findall(r'data-action="(\w+)"', html)) == {"check_in", "no_show"}


def test_check_in_and_no_show_are_offered_only_once_their_time_has_come(world, operator):
    """The services refuse a check-in before the base's lead and a no-show before the grace: the detail
    does not offer a button that can only fail."""
    confirmed = _book(world, 1)
    lead = timedelta(minutes=world.base.check_in_lead_minutes)
    grace = timedelta(minutes=conf.no_show_grace_minutes())
    offered = {}
    for moment in (NOW, confirmed.starts_at - lead, confirmed.starts_at + grace - timedelta(minutes=1)):
        with pin_now(moment):
            html = operator.get(f"/app/board/bookings/{confirmed.pk}/").content.decode()
        offered[moment] = set(re.findall(r'data-action="(\w+)"', html))
    assert list(offered.values()) == [set(), {"check_in"}, {"check_in"}]


def test_an_unchanged_board_answers_304_and_a_change_gives_a_new_etag(world, operator):
    booking = _book(world, 0, status=Status.HELD)
    first = _board(operator, world, FRAGMENT)
    etag = first["ETag"]
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    assert 'id="pending" class="panel" hx-swap-oob="true"' in first.content.decode()
    again = _board(operator, world, {**FRAGMENT, "HTTP_IF_NONE_MATCH": etag})
    assert again.status_code == 304
    assert again.content == b""
    with pin_now(NOW):  # at the same instant as the hold was written: the state, not the time, tells
        services.booking_confirm(booking=booking, by=world.operator_user)
    changed = _board(operator, world, {**FRAGMENT, "HTTP_IF_NONE_MATCH": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_pending_panel_lists_holds_by_expiry(world, operator):
    late = _book(world, 0, hour=8, status=Status.HELD)
    early = _book(world, 1, hour=10, status=Status.HELD)
    Booking.objects.filter(pk=late.pk).update(hold_expires_at=NOW + timedelta(minutes=50))
    Booking.objects.filter(pk=early.pk).update(hold_expires_at=NOW + timedelta(minutes=20))
    html = _board(operator, world).content.decode()
    panel = html.split('id="pending"')[1]
    assert re.findall(r'<li data-booking-id="(\d+)"', panel) == [str(early.pk), str(late.pk)]
    assert 'data-deadline="2026-12-07T09:20:00+08:00"' in panel


def _add_sets_with_bookings(world, count):
    for _n in range(count):
        set_ = SetFactory(base=world.base)
        with pin_now(NOW):
            BookingFactory(set=set_, production=world.production, starts_at=AT + timedelta(hours=9))
            BookingFactory(set=set_, production=world.productions[1], starts_at=AT + timedelta(hours=15))
        Blackout.objects.create(set=set_, starts_at=AT, ends_at=AT + timedelta(hours=1), reason="保洁")


@pytest.mark.parametrize("path", ["/app/board/", "/app/board/week/", "/app/board/print/"])
def test_board_pages_take_the_same_number_of_queries_whatever_their_size(world, operator, path):
    def count():
        with CaptureQueriesContext(connection) as captured, pin_now(NOW):
            assert operator.get(path, {"base": world.base.pk, "date": DAY}).status_code == 200
        return len(captured.captured_queries)

    _add_sets_with_bookings(world, 2)
    small = count()
    _add_sets_with_bookings(world, 15)
    assert count() == small


def test_the_week_view_sums_booked_hours_per_set_and_day(world, operator):
    _book(world, 0, hour=8, hours=4)
    _book(world, 0, hour=22, hours=6)  # 2 h on the 8th, 4 h on the 9th
    _book(world, 1, hour=8, status=Status.CANCELLED)  # not counted
    with pin_now(NOW):
        html = operator.get("/app/board/week/", {"base": world.base.pk, "date": DAY}).content.decode()
    row = html.split(f'<tr data-set-id="{world.sets[0].pk}">')[1].split("</tr>")[0]
    assert re.findall(r'data-hours="([\d.]+)"', row) == ["6.0", "4.0", "0.0", "0.0", "0.0", "0.0", "0.0"]
    row = html.split(f'<tr data-set-id="{world.sets[1].pk}">')[1].split("</tr>")[0]
    assert set(re.findall(r'data-hours="([\d.]+)"', row)) == {"0.0"}


def test_the_week_view_says_hours_in_the_readers_language(world, operator):
    _book(world, 0, hour=8, hours=4)
    with pin_now(NOW):
        chinese = operator.get("/app/board/week/", {"base": world.base.pk, "date": DAY}).content.decode()
        english = operator.get(
            "/app/board/week/", {"base": world.base.pk, "date": DAY}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'data-hours="4.0">4.0 小时</td>' in chinese
    assert 'data-hours="4.0">4.0 h</td>' in english


def test_the_print_view_lists_the_days_bookings_for_the_gate(world, operator):
    booking = _book(world, 0, hour=8)
    with pin_now(NOW):
        html = operator.get("/app/board/print/", {"base": world.base.pk, "date": DAY}).content.decode()
    assert f'data-booking-id="{booking.pk}"' in html
    assert "08:00–12:00" in html and world.company.name in html
    assert "size: A4 landscape" in (
        open("studio/static/workspace/workspace.css", encoding="utf-8").read()  # noqa: SIM115
    )


def test_the_board_speaks_english_on_request(world, operator):
    _book(world, 0)
    chinese = _board(operator, world).content.decode()
    assert "待您答复的申请" in chinese
    english = _board(operator, world, {"HTTP_ACCEPT_LANGUAGE": "en"}).content.decode()
    assert "Requests waiting for your answer" in english and "待您答复的申请" not in english
