"""The shoot week page (``/app/shoot-days/?crew=<id>&week=YYYY-Www``): seven columns with each day's stops,
travel and calls; the conflict service's warnings exactly as the API's conflicts endpoint gives them for
the same days; a call sheet published from the page and its acknowledgements as the recipients use their
links; bad weeks refused in words; constant queries; English on request."""

import html
import re
from datetime import date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from crews.models import CallSheet, CallSheetRecipient
from studio.models import Membership
from tests.clock import pin_now
from tests.crews.factories import (
    CallFactory,
    CrewFactory,
    PersonFactory,
    SceneFactory,
    ShootDayFactory,
    StopFactory,
    StopSceneFactory,
    booking_for,
    local,
)
from tests.factories import MembershipFactory, ProductionFactory

pytestmark = pytest.mark.django_db
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # Monday of 2026-W50
WEEK = "2026-W50"
TUESDAY, WEDNESDAY, SUNDAY = date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 13)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def week():
    with pin_now(NOW):
        scheduler = MembershipFactory(role=Membership.Role.COORDINATOR)
        company = scheduler.organization
        crew = CrewFactory(production=ProductionFactory(company=company, title="霸总的替身新娘"), name="A组")
        tuesday = ShootDayFactory(
            crew=crew, date=TUESDAY, call_at=local(TUESDAY, 6), planned_wrap_at=local(TUESDAY, 20)
        )
        # a held booking, a scene whose actor is not called, and a day of 17.5 hours: three warnings
        held = StopFactory(
            shoot_day=tuesday,
            order=1,
            booking=booking_for(tuesday, status=Booking.Status.HELD),
            starts_at=local(TUESDAY, 8),
            ends_at=local(TUESDAY, 12),
        )
        StopFactory(shoot_day=tuesday, order=2, starts_at=local(TUESDAY, 13), ends_at=local(TUESDAY, 17))
        actor = PersonFactory(company=company, name="林晚", phone="13912345678")
        StopSceneFactory(stop=held, scene=SceneFactory(production=crew.production))
        held.stop_scenes.first().scene.cast.add(actor)
        lead = PersonFactory(company=company, name="周舟", phone="13800001111")
        CallFactory(
            shoot_day=tuesday, person=lead, call_at=local(TUESDAY, 6), released_at=local(TUESDAY, 23, 30)
        )
        wednesday = ShootDayFactory(
            crew=crew, date=WEDNESDAY, call_at=local(WEDNESDAY, 7), planned_wrap_at=local(WEDNESDAY, 19)
        )
        StopFactory(shoot_day=wednesday, order=1, starts_at=local(WEDNESDAY, 8), ends_at=local(WEDNESDAY, 18))
        CallFactory(
            shoot_day=wednesday, person=actor, call_at=local(WEDNESDAY, 7), released_at=local(WEDNESDAY, 19)
        )
        # another crew's day in the same week is not on this crew's page
        ShootDayFactory(crew=CrewFactory(production=crew.production, name="B组"), date=TUESDAY)
    client = Client()
    client.force_login(scheduler.user)
    return {
        "client": client,
        "user": scheduler.user,
        "company": company,
        "crew": crew,
        "days": (tuesday, wednesday),
        "actor": actor,
        "lead": lead,
    }


def _page(week, **extra):
    params = {"crew": week["crew"].pk, "week": WEEK, **extra.pop("params", {})}
    with pin_now(NOW):
        return week["client"].get("/app/shoot-days/", params, **extra)


def _column(page_html: str, day) -> str:
    return page_html.split(f'data-date="{day.isoformat()}"')[1].split("</section>")[0]


def _warnings(column: str) -> list[tuple[str, str]]:
    return [
        (code, html.unescape(text))
        for code, text in re.findall(r'<li data-warning="(\w+)">(.*?)</li>', column)
    ]


@pytest.mark.parametrize("language", [{}, EN])
def test_the_days_warnings_are_the_apis_conflicts_for_the_same_days(week, api, language):
    page = _page(week, **language)
    assert page.status_code == 200
    text = page.content.decode()
    assert [d for d in re.findall(r'<section[^>]*data-date="([\d-]+)"', text)] == [
        f"2026-12-{n:02d}" for n in range(7, 14)
    ]
    client = api(week["user"], week["company"])
    for day in week["days"]:
        with pin_now(NOW):
            conflicts = client.get(f"/api/v1/shoot-days/{day.pk}/conflicts/", **language).json()
        shown = _warnings(_column(text, day.date))
        assert shown == [(item["code"], item["message"]) for item in conflicts]
    tuesday = {code for code, _message in _warnings(_column(text, TUESDAY))}
    assert {"booking_held", "cast_not_called", "day_too_long", "script_not_reviewed"} <= tuesday
    assert "No shooting." in _page(week, **EN).content.decode()  # the days without a shoot day


def test_each_day_shows_its_stops_travel_and_calls(week):
    tuesday = _column(_page(week).content.decode(), TUESDAY)
    assert len(re.findall(r"data-stop-id=", tuesday)) == 2
    assert len(re.findall(r"data-travel-minutes=", tuesday)) == 1  # one move between two stops
    assert f'data-person-id="{week["lead"].pk}"' in tuesday and "06:00" in tuesday


def test_a_call_sheet_published_from_the_page_shows_who_acknowledged(week):
    tuesday, _wednesday = week["days"]
    with pin_now(NOW):
        published = week["client"].post(f"/app/shoot-days/{tuesday.pk}/publish/")
    assert published.status_code == 200
    sheet = CallSheet.objects.get(shoot_day=tuesday)
    assert 'data-call-sheet-version="1"' in published.content.decode()
    waiting = _column(_page(week).content.decode(), TUESDAY).split("data-waiting>")[1].split("</ul>")[0]
    assert "周舟" in waiting and "13800001111" in waiting  # a planner sees the whole phone number

    recipient = CallSheetRecipient.objects.get(call_sheet=sheet, person=week["lead"])
    with pin_now(NOW):
        acknowledged = Client().post(
            reverse("call-sheet-public-acknowledge", kwargs={"token": recipient.token})
        )
    assert acknowledged.status_code == 200
    column = _column(_page(week).content.decode(), TUESDAY)
    assert "data-waiting>" not in column
    assert f'data-person-id="{week["lead"].pk}">周舟' in column.split("data-acknowledged>")[1]

    # nothing changed: publishing again is refused in place, the column still drawn
    with pin_now(NOW):
        again = week["client"].post(f"/app/shoot-days/{tuesday.pk}/publish/")
    assert again.status_code == 409
    assert 'data-error-code="call_sheet_unchanged"' in again.content.decode()
    assert CallSheet.objects.filter(shoot_day=tuesday).count() == 1


def test_a_member_who_may_not_plan_sees_a_masked_phone_and_no_publish_button(week):
    tuesday, _wednesday = week["days"]
    with pin_now(NOW):
        week["client"].post(f"/app/shoot-days/{tuesday.pk}/publish/")
    member = Client()
    member.force_login(MembershipFactory(organization=week["company"], role=Membership.Role.MEMBER).user)
    with pin_now(NOW):
        text = member.get("/app/shoot-days/", {"crew": week["crew"].pk, "week": WEEK}).content.decode()
    column = _column(text, TUESDAY)
    assert "138****1111" in column and "13800001111" not in column
    assert 'data-action="publish"' not in column


def test_the_page_picks_a_crew_and_this_week_and_refuses_a_bad_week_in_words(week):
    with pin_now(NOW):
        first = week["client"].get("/app/shoot-days/")
    assert first.status_code == 302
    assert first["Location"] == f"/app/shoot-days/?crew={week['crew'].pk}&week={WEEK}"
    for bad in ("2026-W54", "2026-50", "x"):
        refused = _page(week, params={"week": bad}, **EN)
        assert refused.status_code == 400
        assert "for example 2026-W50" in refused.content.decode()
    assert _page(week, params={"crew": "abc"}).status_code == 400


def test_without_a_crew_the_page_opens_on_one_that_shoots_this_week(week):
    """A production in post-production sorts first but shoots nothing: the page skips its empty week."""
    with pin_now(NOW):
        wrapped = ProductionFactory(company=week["company"], title="一部已杀青的剧")
        CrewFactory(production=wrapped, name="A组")
        first = week["client"].get("/app/shoot-days/")
    assert first["Location"] == f"/app/shoot-days/?crew={week['crew'].pk}&week={WEEK}"
    with pin_now(NOW):
        quiet = week["client"].get("/app/shoot-days/", {"week": "2027-W10"})
    assert quiet["Location"].endswith("week=2027-W10")  # nobody shoots then: the first crew, as before


def test_the_week_takes_the_same_number_of_queries_whatever_its_size(week):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert _page(week).status_code == 200
        return len(captured.captured_queries)

    tuesday, wednesday = week["days"]
    with pin_now(NOW):  # the same shape of week: two stops a day, a call sheet published for each
        StopFactory(
            shoot_day=wednesday, order=2, starts_at=local(WEDNESDAY, 18), ends_at=local(WEDNESDAY, 18, 5)
        )
        for day in (tuesday, wednesday):
            assert week["client"].post(f"/app/shoot-days/{day.pk}/publish/").status_code == 200
    small = count()
    with pin_now(NOW):
        for n in range(6):
            StopFactory(
                shoot_day=wednesday,
                order=10 + n,
                starts_at=local(WEDNESDAY, 18, 5 + 5 * n),
                ends_at=local(WEDNESDAY, 18, 9 + 5 * n),
            )
            CallFactory(shoot_day=tuesday, person=PersonFactory(company=week["company"]))
            CallFactory(shoot_day=wednesday, person=PersonFactory(company=week["company"]))
        week["client"].post(f"/app/shoot-days/{tuesday.pk}/publish/")
        week["client"].post(f"/app/shoot-days/{wednesday.pk}/publish/")
    assert count() == small


def test_the_shoot_week_speaks_english_on_request(week):
    assert "通告单" in _page(week).content.decode()
    english = _page(week, **EN).content.decode()
    assert "Call sheet" in english and "通告单" not in english
