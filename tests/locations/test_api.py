from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from PIL import Image

from locations.models import Base, Blackout, Set, SetPhoto
from studio.models import Membership
from tests.clock import pin_now
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    CompanyFactory,
    OpeningHoursFactory,
    OperatorFactory,
    PlaceFactory,
    SetFactory,
    SetPhotoFactory,
    ZoneFactory,
    travel_time_for,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, tzinfo=TZ)
#: The day these tests run on: the Tuesday before MONDAY. Availability and search answer relative to
#: now (a day gone by is busy), so a fixed MONDAY needs a fixed now, or the tests expire on 2026-12-07.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with pin_now(NOW):
        yield


@pytest.fixture
def operator_client(member, api):
    def make(operator=None):
        operator = operator or OperatorFactory()
        return api(member(operator, role=Membership.Role.MANAGER), operator), operator

    return make


@pytest.fixture
def company_client(member, api):
    company = CompanyFactory()
    return api(member(company), company)


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# Catalogue scope -------------------------------------------------------------------------------


def test_companies_read_only_the_active_catalogue(company_client):
    listed = SetFactory()
    SetFactory(is_active=False)
    SetFactory(base=BaseFactory(is_active=False))
    assert ids(company_client.get("/api/v1/sets/")) == {listed.pk}
    assert company_client.get(f"/api/v1/sets/{listed.pk}/").status_code == 200


def test_operator_sees_its_own_inactive_sets_but_not_anothers(operator_client):
    client, operator = operator_client()
    mine = SetFactory(base=BaseFactory(operator=operator), is_active=False)
    theirs = SetFactory(is_active=False)
    assert ids(client.get("/api/v1/sets/")) == {mine.pk}
    assert client.get(f"/api/v1/sets/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/sets/{theirs.pk}/availability/?date=2026-12-07").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/v1/sets/{set}/", {"name": "x"}),
        ("post", "/api/v1/sets/{set}/rates/", {"hourly_rate": "1.00"}),
        ("post", "/api/v1/sets/{set}/deactivate/", {}),
        ("patch", "/api/v1/bases/{base}/", {"name": "x"}),
        ("post", "/api/v1/bases/{base}/deactivate/", {}),
        ("patch", "/api/v1/blackouts/{blackout}/", {"reason": "x"}),
        ("delete", "/api/v1/blackouts/{blackout}/", None),
        ("delete", "/api/v1/set-photos/{photo}/", None),
        ("patch", "/api/v1/places/{place}/", {"name": "x"}),
    ],
)
def test_operator_cannot_edit_another_operators_catalogue(operator_client, method, path, body):
    client, _operator = operator_client()
    theirs = SetFactory()
    objects = {
        "set": theirs.pk,
        "base": theirs.base.pk,
        "blackout": BlackoutFactory(set=theirs).pk,
        "photo": SetPhotoFactory(set=theirs).pk,
        "place": PlaceFactory(owner=theirs.base.operator).pk,
    }
    before = Set.objects.values_list("name", "hourly_rate", "is_active").get(pk=theirs.pk)
    response = getattr(client, method)(path.format(**objects), body, format="json")
    assert response.status_code == 404, response.json()
    assert Set.objects.values_list("name", "hourly_rate", "is_active").get(pk=theirs.pk) == before
    assert Blackout.objects.filter(pk=objects["blackout"], reason="设备检修").exists()
    assert SetPhoto.objects.filter(pk=objects["photo"]).exists()


def test_operator_cannot_create_a_set_in_anothers_base(operator_client):
    client, _operator = operator_client()
    theirs = BaseFactory()
    body = {
        "base": theirs.pk,
        "name": "病房A",
        "kind": "hospital_ward",
        "hourly_rate": "300",
        "day_rate": "4000",
    }
    body |= {"overtime_rate_per_hour": "300", "deposit": "1000"}
    response = client.post("/api/v1/sets/", body, format="json")
    assert response.status_code == 400
    assert "base" in response.json()["fields"]
    assert not Set.objects.filter(name="病房A").exists()


def test_blackout_reasons_are_the_operators_alone(operator_client, company_client):
    client, operator = operator_client()
    set_ = SetFactory(base=BaseFactory(operator=operator))
    BlackoutFactory(
        set=set_,
        starts_at=MONDAY + timedelta(hours=9),
        ends_at=MONDAY + timedelta(hours=11),
        reason="私人包场",
    )
    url = f"/api/v1/sets/{set_.pk}/availability/?date=2026-12-07"
    assert [b["reason"] for b in client.get(url).json()["busy"]] == ["私人包场"]
    assert [b["reason"] for b in company_client.get(url).json()["busy"]] == [""]
    other_client, _ = operator_client()
    assert [b["reason"] for b in other_client.get(url).json()["busy"]] == [""]
    assert other_client.get("/api/v1/blackouts/").json()["results"] == []
    assert company_client.get("/api/v1/blackouts/").status_code == 403


def test_company_cannot_write_the_catalogue(company_client):
    set_ = SetFactory()
    assert company_client.patch(f"/api/v1/sets/{set_.pk}/", {"name": "x"}, format="json").status_code == 403
    assert company_client.post(f"/api/v1/bases/{set_.base.pk}/deactivate/").status_code == 403


# Operator writes ---------------------------------------------------------------------------------


def test_operator_creates_a_base_with_hours_and_a_set_and_changes_rates(operator_client):
    client, operator = operator_client()
    zone = ZoneFactory()
    body = {
        "zone": zone.pk,
        "name": "平原一号基地",
        "latitude": "35.190000",
        "longitude": "113.960000",
        "opening_hours": [{"weekday": 0, "opens": "06:00", "closes": "02:00"}],
        "cancellation_policy": [
            {"hours_before": 48, "fee_percent": 0},
            {"hours_before": 0, "fee_percent": 100},
        ],
    }
    response = client.post("/api/v1/bases/", body, format="json")
    assert response.status_code == 201, response.json()
    base_id = response.json()["id"]
    assert response.json()["opening_hours"] == [{"weekday": 0, "opens": "06:00:00", "closes": "02:00:00"}]
    body = {"base": base_id, "name": "ICU 1", "kind": "icu", "tags": ["医疗", "豪门"], "hourly_rate": "380"}
    body |= {"day_rate": "5200", "overtime_rate_per_hour": "300", "deposit": "1000", "area_sqm": 90}
    response = client.post("/api/v1/sets/", body, format="json")
    assert response.status_code == 201, response.json()
    set_id = response.json()["id"]
    response = client.post(f"/api/v1/sets/{set_id}/rates/", {"hourly_rate": "420.00"}, format="json")
    assert response.json()["hourly_rate"] == "420.00"
    assert response.json()["day_rate"] == "5200.00"


def test_bad_cancellation_policy_is_a_field_error(operator_client):
    client, _operator = operator_client()
    body = {"zone": ZoneFactory().pk, "name": "B", "latitude": "35.1", "longitude": "113.9"}
    body["cancellation_policy"] = [{"hours_before": 24, "fee_percent": 150}]
    response = client.post("/api/v1/bases/", body, format="json")
    assert response.status_code == 400
    assert "cancellation_policy" in response.json()["fields"]


def _image(fmt="PNG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, fmt)
    return buffer.getvalue()


def test_photo_upload_is_checked(operator_client, settings):
    client, operator = operator_client()
    set_ = SetFactory(base=BaseFactory(operator=operator))
    url = f"/api/v1/sets/{set_.pk}/photos/"
    good = SimpleUploadedFile("ward.png", _image(), content_type="image/png")
    response = client.post(url, {"image": good, "caption": "病房全景"}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["width"] == 40
    fake = SimpleUploadedFile("ward.png", b"not an image at all", content_type="image/png")
    assert client.post(url, {"image": fake}, format="multipart").json()["code"] == "invalid_image"
    lying = SimpleUploadedFile("ward.jpg", _image("PNG"), content_type="image/jpeg")
    assert client.post(url, {"image": lying}, format="multipart").status_code == 400
    settings.LOCATIONS_PHOTO_MAX_BYTES = 10
    big = SimpleUploadedFile("ward.png", _image(), content_type="image/png")
    assert client.post(url, {"image": big}, format="multipart").json()["code"] == "photo_too_large"
    assert SetPhoto.objects.filter(set=set_).count() == 1


def test_travel_time_entry_is_one_pair_either_way(operator_client):
    client, operator = operator_client()
    base = BaseFactory(operator=operator)
    hotel = PlaceFactory(owner=operator, zone=base.zone)
    body = {"ends": [{"place": hotel.pk}, {"base": base.pk}], "minutes": 7}
    assert client.post("/api/v1/travel-times/", body, format="json").status_code == 201
    body = {"ends": [{"base": base.pk}, {"place": hotel.pk}], "minutes": 8}
    assert client.post("/api/v1/travel-times/", body, format="json").status_code == 201
    assert [row["minutes"] for row in client.get("/api/v1/travel-times/").json()["results"]] == [8]
    other, _ = operator_client()
    assert other.post("/api/v1/travel-times/", body, format="json").status_code == 400  # neither end theirs


# Search --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (
            "available_from=2026-12-07T10:00:00%2B08:00&available_to=2026-12-07T09:00:00%2B08:00",
            "available_to",
        ),
        ("available_from=2026-12-07T10:00:00%2B08:00", "available_to"),
        ("available_from=2026-12-07T10:00:00&available_to=2026-12-07T12:00:00", "available_from"),
        ("within_minutes=10", "within_minutes"),
        ("kind=spaceship", "kind"),
        ("ordering=travel_minutes", "ordering"),
        ("near_lat=35.1", "near_lon"),
        ("near_place=999999", "near_place"),
        ("min_area=-1", "min_area"),
        ("ordering=colour", "ordering"),
    ],
)
def test_invalid_search_is_400_naming_the_field(company_client, query, field):
    response = company_client.get(f"/api/v1/sets/?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()


def test_unescaped_plus_in_offset_is_understood(company_client):
    SetFactory()
    response = company_client.get(
        "/api/v1/sets/?available_from=2026-12-07T10:00:00+08:00&available_to=2026-12-07T12:00:00+08:00"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 1


def test_nearness_annotates_orders_and_uses_the_zone_circle(company_client):
    zone = ZoneFactory(circle_minutes=15)
    hotel = PlaceFactory(zone=zone, latitude=Decimal("35.19"), longitude=Decimal("113.96"))
    near = SetFactory(base=BaseFactory(zone=zone, latitude=Decimal("35.20"), longitude=Decimal("113.96")))
    nearer = SetFactory(base=BaseFactory(zone=zone, latitude=Decimal("35.191"), longitude=Decimal("113.96")))
    far = SetFactory(base=BaseFactory(zone=zone, latitude=Decimal("35.40"), longitude=Decimal("113.96")))
    measured = SetFactory(
        base=far.base.__class__.objects.create(
            operator=far.base.operator,
            zone=zone,
            name="measured",
            latitude=Decimal("35.5"),
            longitude=Decimal("113.96"),
        )
    )
    travel_time_for(owner=far.base.operator, first=measured.base, second=hotel, minutes=12)
    response = company_client.get(f"/api/v1/sets/?near_place={hotel.pk}")
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [nearer.pk, near.pk, measured.pk]
    assert rows[-1]["travel_minutes"] == 12
    response = company_client.get(
        f"/api/v1/sets/?near_place={hotel.pk}&ordering=-hourly_rate&within_minutes=5"
    )
    assert ids(response) == {nearer.pk, near.pk}


def test_near_set_gives_zero_for_itself_and_walk_for_siblings(company_client):
    zone = ZoneFactory(walk_minutes=4)
    origin = SetFactory(base=BaseFactory(zone=zone))
    sibling = SetFactory(base=origin.base)
    rows = company_client.get(f"/api/v1/sets/?near_set={origin.pk}").json()["results"]
    assert [(row["id"], row["travel_minutes"]) for row in rows] == [(origin.pk, 0), (sibling.pk, 4)]


def test_search_query_count_is_constant_in_page_size_and_matches(company_client):
    zone = ZoneFactory()
    hotel = PlaceFactory(zone=zone)
    query = (
        f"/api/v1/sets/?near_place={hotel.pk}&kind=hospital_ward&tag=都市&max_hourly_rate=500"
        "&available_from=2026-12-07T08:00:00%2B08:00&available_to=2026-12-07T14:00:00%2B08:00&page_size={size}"
    )

    def make(n):
        for _ in range(n):
            base = BaseFactory(zone=zone)
            OpeningHoursFactory(base=base, weekday=0, opens=time(6), closes=time(23))
            set_ = SetFactory(base=base)
            SetPhotoFactory(set=set_)
            BlackoutFactory(set=set_, starts_at=MONDAY - timedelta(days=3))

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert company_client.get(query.format(size=2)).json()["count"] == 2
    make(25)
    with CaptureQueriesContext(connection) as many:
        response = company_client.get(query.format(size=27))
    assert response.json()["count"] == 27
    assert len(response.json()["results"][0]["photos"]) == 1
    assert len(many) == len(few)


# Calendars ----------------------------------------------------------------------------------------


def test_availability_lists_free_and_busy_and_caps_days(company_client):
    base = BaseFactory()
    OpeningHoursFactory(base=base, weekday=0, opens=time(8), closes=time(20))
    set_ = SetFactory(base=base)
    BlackoutFactory(set=set_, starts_at=MONDAY + timedelta(hours=10), ends_at=MONDAY + timedelta(hours=12))
    body = company_client.get(f"/api/v1/sets/{set_.pk}/availability/?date=2026-12-07").json()
    assert [(f["starts_at"], f["ends_at"]) for f in body["free"]] == [
        ("2026-12-07T08:00:00+08:00", "2026-12-07T10:00:00+08:00"),
        ("2026-12-07T12:00:00+08:00", "2026-12-07T20:00:00+08:00"),
    ]
    assert [b["kind"] for b in body["busy"]] == ["closed", "blackout", "closed"]
    assert company_client.get(f"/api/v1/sets/{set_.pk}/availability/?date=2026-13-01").status_code == 400
    assert (
        company_client.get(f"/api/v1/sets/{set_.pk}/availability/?date=2026-12-07&days=32").status_code == 400
    )
    body = company_client.get(f"/api/v1/sets/{set_.pk}/availability/?date=2026-12-07&days=7").json()
    assert body["ends_at"] == "2026-12-14T00:00:00+08:00"


def test_ics_feed_by_private_token(member, api):
    company = CompanyFactory()
    company_client = api(member(company, role=Membership.Role.MANAGER), company)
    set_ = SetFactory()
    BlackoutFactory(set=set_, reason="私人包场")
    response = company_client.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json")
    assert response.status_code == 201, response.json()
    url, token = response.json()["url"], response.json()["token"]
    assert url.endswith(f"/api/v1/sets/{set_.pk}/calendar.ics?token={token}")
    anonymous = api()
    feed = anonymous.get(f"/api/v1/sets/{set_.pk}/calendar.ics?token={token}")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert len(events) == 1
    assert "私人包场" not in feed.content.decode()
    assert anonymous.get(f"/api/v1/sets/{set_.pk}/calendar.ics?token=wrong").status_code == 404
    assert anonymous.get(f"/api/v1/sets/{SetFactory().pk}/calendar.ics?token={token}").status_code == 404
    assert company_client.delete(f"/api/v1/calendar-feeds/{response.json()['id']}/").status_code == 204
    rotated = company_client.post("/api/v1/calendar-feeds/", {"set": set_.pk}, format="json")
    assert rotated.json()["token"] != token
    assert anonymous.get(f"/api/v1/sets/{set_.pk}/calendar.ics?token={token}").status_code == 404


def test_base_list_hides_inactive_bases_of_others(company_client, operator_client):
    active, inactive = BaseFactory(), BaseFactory(is_active=False)
    assert ids(company_client.get("/api/v1/bases/")) == {active.pk}
    client, _ = operator_client(inactive.operator)
    assert ids(client.get("/api/v1/bases/")) == {active.pk, inactive.pk}
    assert Base.objects.count() == 2
