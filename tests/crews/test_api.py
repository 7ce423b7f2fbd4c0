"""The crews API: tenancy, constant queries, phone masking, CSV import, wrap, reports, iCal, image."""

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crews import services
from crews.models import Scene
from crews.services.scenes import MAX_ROWS
from studio.models import Membership
from tests.bookings.conftest import pin_now
from tests.conftest import IN_CI
from tests.crews.factories import (
    CallFactory,
    CrewFactory,
    PersonFactory,
    SceneFactory,
    ShootDayFactory,
    booking_for,
    local,
)
from tests.factories import MembershipFactory, ProductionFactory

pytestmark = pytest.mark.django_db


def _fill(plan, *, stops: int, scenes_per_stop: int, people: int):
    """``stops`` stops of ``scenes_per_stop`` scenes each (cast included) and ``people`` people called."""
    called = [PersonFactory(company=plan.company) for _ in range(people)]
    for index in range(stops):
        booking = booking_for(plan.day)
        scenes = [SceneFactory(production=plan.production) for _ in range(scenes_per_stop)]
        for scene in scenes:
            scene.cast.add(*called[:3])
        services.stop_add(
            shoot_day=plan.day,
            booking=booking,
            starts_at=local(plan.date, 7 + index, 0),
            ends_at=local(plan.date, 7 + index, 50),
            scenes=scenes,
        )
    for person in called:
        CallFactory(shoot_day=plan.day, person=person)
    return called


def _count(callable_, status=200):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == status, response.content[:300]
    return len(queries)


@pytest.mark.parametrize("endpoint", ["detail", "conflicts", "list", "publish", "stop", "call", "wrap"])
def test_shoot_day_endpoints_use_constant_queries(plan, api, endpoint):
    def measure(size):
        membership = MembershipFactory(role=Membership.Role.COORDINATOR)
        company = membership.organization
        from types import SimpleNamespace

        from tests.factories import ReviewSubmissionFactory

        production = ProductionFactory(company=company)
        from review.models import ReviewSubmission

        ReviewSubmissionFactory(production=production, stage=ReviewSubmission.Stage.CONTENT_AUDIT)
        day = ShootDayFactory(crew=CrewFactory(production=production), date=plan.date)
        world = SimpleNamespace(company=company, production=production, day=day, date=plan.date)
        _fill(world, stops=size, scenes_per_stop=size, people=size * 3)
        client = api(membership.user, company)
        pk = day.pk
        ContentType.objects.clear_cache()  # both measurements look the event subject's type up once
        if endpoint == "detail":
            return _count(lambda: client.get(f"/api/v1/shoot-days/{pk}/"))
        if endpoint == "conflicts":
            return _count(lambda: client.get(f"/api/v1/shoot-days/{pk}/conflicts/"))
        if endpoint == "list":
            for offset in range(size):
                ShootDayFactory(crew=day.crew, date=day.date.fromordinal(day.date.toordinal() + 1 + offset))
            return _count(lambda: client.get("/api/v1/shoot-days/"))
        if endpoint == "publish":
            return _count(lambda: client.post(f"/api/v1/shoot-days/{pk}/publish/"), status=201)
        if endpoint == "stop":
            scenes = [SceneFactory(production=production).pk for _ in range(size * 2)]
            booking = booking_for(day)
            body = {
                "shoot_day": pk,
                "booking": booking.pk,
                "starts_at": local(plan.date, 19).isoformat(),
                "ends_at": local(plan.date, 20).isoformat(),
                "scenes": scenes,
            }
            return _count(lambda: client.post("/api/v1/stops/", body), status=201)
        if endpoint == "call":
            person = PersonFactory(company=company)
            body = {
                "shoot_day": pk,
                "person": person.pk,
                "role": "gaffer",
                "call_at": local(plan.date, 6).isoformat(),
                "released_at": local(plan.date, 18).isoformat(),
            }
            return _count(lambda: client.post("/api/v1/calls/", body), status=201)
        scene_ids = list(Scene.objects.filter(production=production).values_list("pk", flat=True))
        with pin_now(local(plan.date, 21)):  # a day is wrapped on its date, not before
            return _count(lambda: client.post(f"/api/v1/shoot-days/{pk}/wrap/", {"shot": scene_ids[:size]}))

    # From two stops on (one stop has no company move to look up, so it costs one query less).
    small, large = measure(2), measure(5)
    assert small == large, f"{endpoint}: {small} queries with 2 stops, {large} with 5 stops"


def test_another_companys_people_crews_scenes_and_call_sheets_are_404(plan, api):
    other = MembershipFactory(role=Membership.Role.OWNER)
    outsider = api(other.user, other.organization)
    person = PersonFactory(company=plan.company)
    scene = SceneFactory(production=plan.production)
    sheet = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)
    for url in (
        f"/api/v1/people/{person.pk}/",
        f"/api/v1/crews/{plan.crew.pk}/",
        f"/api/v1/scenes/{scene.pk}/",
        f"/api/v1/shoot-days/{plan.day.pk}/",
        f"/api/v1/shoot-days/{plan.day.pk}/conflicts/",
        f"/api/v1/call-sheets/{sheet.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
        assert plan.client.get(url).status_code == 200, url
    assert outsider.post(f"/api/v1/shoot-days/{plan.day.pk}/publish/").status_code == 404
    assert outsider.get("/api/v1/call-sheets/").json()["count"] == 0
    # Nor can an outsider point at our objects from their own writes.
    response = outsider.post(
        "/api/v1/calls/",
        {
            "shoot_day": plan.day.pk,
            "person": person.pk,
            "role": "actor",
            "call_at": local(plan.date, 6).isoformat(),
            "released_at": local(plan.date, 7).isoformat(),
        },
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"shoot_day", "person"}


def test_phone_is_masked_in_lists_and_full_on_detail_for_planners(plan, api):
    person = PersonFactory(company=plan.company, phone="13812345678")
    listed = plan.client.get("/api/v1/people/").json()["results"]
    assert [item["phone"] for item in listed if item["id"] == person.pk] == ["138****5678"]
    assert plan.client.get(f"/api/v1/people/{person.pk}/").json()["phone"] == "13812345678"
    member = MembershipFactory(organization=plan.company, role=Membership.Role.MEMBER)
    assert api(member.user, plan.company).get(f"/api/v1/people/{person.pk}/").json()["phone"] == "138****5678"


def test_scene_csv_import_is_all_or_nothing_with_row_and_reason(plan):

    PersonFactory(company=plan.company, name="林晚")
    good = (
        "episode,number,day_night,int_ext,set_kind,estimated_minutes,cast,description\n"
        "1,1,日,内,病房,20,林晚,醒来\n"
        "1,2,夜,外,,15,,\n"
    )
    bad = good + "1,3,黄昏,内,,15,,\n1,4,日,内,,15,路人甲,\n"

    response = plan.client.post(
        "/api/v1/scenes/import/",
        {"production": plan.production.pk, "file": SimpleUploadedFile("s.csv", bad.encode())},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    rows = response.json()["fields"]["rows"]
    assert rows[0].startswith("Row 4: day_night must be day or night")
    assert rows[1] == "Row 5: 路人甲 is not in your roster."
    assert not Scene.objects.filter(production=plan.production).exists()

    response = plan.client.post(
        "/api/v1/scenes/import/",
        {"production": plan.production.pk, "file": SimpleUploadedFile("s.csv", good.encode("gb18030"))},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    first = Scene.objects.get(production=plan.production, episode=1, number=1)
    assert (first.time_of_day, first.setting, first.set_kind) == ("day", "int", "hospital_ward")
    assert [p.name for p in first.cast.all()] == ["林晚"]


def test_wrap_marks_scenes_shot_and_offers_the_rest_for_the_next_day(plan):
    scenes = [SceneFactory(production=plan.production) for _ in range(3)]
    services.stop_add(
        shoot_day=plan.day,
        booking=booking_for(plan.day),
        starts_at=local(plan.date, 8),
        ends_at=local(plan.date, 12),
        scenes=scenes,
    )
    tomorrow = ShootDayFactory(crew=plan.crew, date=plan.date.fromordinal(plan.date.toordinal() + 1))
    assert set(Scene.objects.filter(pk__in=[s.pk for s in scenes]).values_list("status", flat=True)) == {
        "scheduled"
    }

    with pin_now(local(plan.date, 21)):  # a day is wrapped on its date, not before
        response = plan.client.post(f"/api/v1/shoot-days/{plan.day.pk}/wrap/", {"shot": [scenes[0].pk]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["shot"] == [scenes[0].pk]
    assert [scene["id"] for scene in body["carried_forward"]] == [scenes[1].pk, scenes[2].pk]
    assert body["next_shoot_day"] == tomorrow.pk
    statuses = dict(Scene.objects.filter(pk__in=[s.pk for s in scenes]).values_list("pk", "status"))
    assert statuses == {scenes[0].pk: "shot", scenes[1].pk: "planned", scenes[2].pk: "planned"}
    again = plan.client.post(f"/api/v1/shoot-days/{plan.day.pk}/wrap/", {"shot": []})
    assert again.status_code == 409

    progress = plan.client.get(f"/api/v1/crews/{plan.crew.pk}/progress/").json()
    assert progress["scenes_shot"] == 1 and progress["scenes_left"] == 2
    assert progress["days"][0]["scenes_planned"] == 3 and progress["days"][0]["scenes_shot"] == 1


def test_day_out_of_days_as_json_and_csv(plan):
    person = PersonFactory(company=plan.company, name="林晚")
    CallFactory(shoot_day=plan.day, person=person)
    ShootDayFactory(crew=plan.crew, date=plan.date.fromordinal(plan.date.toordinal() + 1))

    report = plan.client.get(f"/api/v1/crews/{plan.crew.pk}/day-out-of-days/").json()
    assert report["people"][0]["works"] == [plan.date.isoformat()]
    assert report["people"][0]["total_days"] == 1

    response = plan.client.get(f"/api/v1/crews/{plan.crew.pk}/day-out-of-days/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("林晚,") and lines[1].endswith(",W,,1")


def test_person_ical_feed_by_private_token(plan, api):
    person = PersonFactory(company=plan.company, name="林晚")
    CallFactory(
        shoot_day=plan.day, person=person, call_at=local(plan.date, 6), released_at=local(plan.date, 18)
    )
    url = plan.client.post(f"/api/v1/people/{person.pk}/feed-url/", {}).json()["url"]
    anonymous = api()

    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and plan.production.title.encode() in response.content
    assert anonymous.get("/api/v1/people/calendar.ics?token=wrong-token-xxxxxxxx").status_code == 404


@pytest.mark.request_seconds(30)  # a headless Chromium starts and renders within the request
def test_call_sheet_image_renders_as_png(plan, api, settings):
    binary = os.environ.get("CREWS_CHROMIUM_BINARY", "/usr/bin/chromium")
    if not os.path.exists(binary):
        if IN_CI:
            pytest.fail(f"{binary} is missing: the call-sheet image cannot be rendered under CI")
        pytest.skip(f"{binary} is missing")
    settings.CREWS_CHROMIUM_BINARY = binary
    person = PersonFactory(company=plan.company, name="林晚")
    CallFactory(shoot_day=plan.day, person=person)
    sheet = services.shoot_day_publish(shoot_day=plan.day, by=plan.user)

    response = api().get(f"/api/v1/call-sheets/public/{sheet.token}/image/")

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/png"
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(response.content))
    assert image.width == 480 and 200 < image.height < 4000
    colours = image.convert("L").getcolors(maxcolors=256 * 256)
    assert colours is not None and len(colours) > 10  # text was drawn, not a blank page


def test_scene_choice_filters_refuse_unknown_values_and_ignore_blank_ones(plan):
    client = plan.client
    for parameter in ("set_kind", "setting", "time_of_day", "status"):
        refused = client.get(f"/api/v1/scenes/?{parameter}=bogus")
        assert refused.status_code == 400
        assert list(refused.json()["fields"]) == [parameter]
        assert client.get(f"/api/v1/scenes/?{parameter}=").status_code == 200


def test_deleting_a_published_shoot_day_is_a_409_and_keeps_it(plan):
    # the day's state refuses the delete: a conflict, like editing a wrapped day, not a 400 naming no field
    services.shoot_day_publish(shoot_day=plan.day, by=plan.user)
    response = plan.client.delete(f"/api/v1/shoot-days/{plan.day.pk}/")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "shoot_day_published"
    assert plan.client.get(f"/api/v1/shoot-days/{plan.day.pk}/").status_code == 200


def test_a_scene_file_over_the_row_limit_is_a_400_naming_the_file(plan):
    rows = "".join(f"1,{number}\n" for number in range(1, MAX_ROWS + 2))
    upload = SimpleUploadedFile("s.csv", ("episode,number\n" + rows).encode())
    response = plan.client.post(
        "/api/v1/scenes/import/", {"production": plan.production.pk, "file": upload}, format="multipart"
    )
    assert response.status_code == 400, response.json()
    assert set(response.json()["fields"]) == {"file"}
    assert not Scene.objects.exists()
