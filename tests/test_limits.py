"""Nothing one client sends may hold a worker for long (issue 10, section 2).

Every endpoint that takes a list gets 100 times its cap, and every endpoint that takes a file 100 times
its size limit: each answers a 4xx envelope within a second of CPU time, after a handful of queries (the
cap is counted on the raw list, before any item is validated or looked up) and, for bodies, without
reading a byte of them. Images over the pixel budget are refused from their header, and every Celery
task has a soft and a hard time limit whose expiry loses no delivery.
"""

import json
import struct
import threading
import time
import zlib
from datetime import datetime, timedelta
from io import BytesIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from config.celery import app as celery_app
from locations.models import Set, SetPhoto
from notifications import conf as notifications_conf
from notifications import tasks
from notifications.models import Delivery
from review.models import ReviewSubmission, SubmissionDocument
from studio.models import Membership
from tests.concurrency import run_together
from tests.conftest import RequestClock, request_clock
from tests.crews.factories import ShootDayFactory
from tests.factories import (
    BaseFactory,
    CompanyFactory,
    DeliveryFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    ReviewSubmissionFactory,
    SetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2030, 3, 4, 9, 0, tzinfo=TZ)  # fixed: the bodies are refused before any date matters
MB = 1024 * 1024
SECOND = 1.0  # the budget of every refusal below, generous for a loaded CI machine
FEW_QUERIES = 6  # authentication and the acting membership; never one per item


@pytest.fixture(scope="module", autouse=True)
def _warm_up():
    """Time the refusals, not the process's first request (the URLs, views and catalogues load once)."""
    for language in ("zh-hans", "en"):
        assert APIClient(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/productions/").status_code == 401


def refused(call, django_assert_max_num_queries, *, status=400):
    """Run ``call`` (one request) and check it is a fast, cheap ``status`` envelope; return its body."""
    with django_assert_max_num_queries(FEW_QUERIES):
        # CPU time of this thread (the test client serves the request in it): other processes loading
        # the machine do not count, as they did in wall-clock time
        started = time.thread_time()
        response = call()
        elapsed = time.thread_time() - started
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert elapsed < SECOND, f"{elapsed:.2f} s of CPU"
    return body


def assert_capped(messages, cap):
    """A list refused for its length alone: one message naming the cap, no per-item errors."""
    assert isinstance(messages, list) and len(messages) == 1, str(messages)[:300]
    assert str(cap) in messages[0]


@pytest.fixture
def company(member, api):
    company = CompanyFactory()
    return company, api(member(company), company)


@pytest.fixture
def operator(member, api):
    operator = OperatorFactory()
    return operator, api(member(operator, role=Membership.Role.MANAGER), operator)


def window(hours=4):
    return {"starts_at": MORNING.isoformat(), "ends_at": (MORNING + timedelta(hours=hours)).isoformat()}


# Lists: 100 times the cap --------------------------------------------------------------------------


def test_booking_batch_of_100_times_the_cap_is_refused_before_any_item_is_looked_up(
    company, django_assert_max_num_queries
):
    organization, client = company
    production = ProductionFactory(company=organization)
    set_ = SetFactory()
    items = [{"set": set_.pk, "production": production.pk, **window()} for _ in range(31 * 100)]
    body = refused(
        lambda: client.post("/api/v1/booking-batches/", {"items": items}, format="json"),
        django_assert_max_num_queries,
    )
    assert_capped(body["fields"]["items"], 31)


def test_booking_batch_cap_follows_its_setting(company, settings, django_assert_max_num_queries):
    organization, client = company
    settings.BOOKINGS_BATCH_MAX_ITEMS = 2
    production = ProductionFactory(company=organization)
    items = [{"set": SetFactory().pk, "production": production.pk, **window()} for _ in range(3)]
    body = refused(
        lambda: client.post("/api/v1/booking-batches/", {"items": items}, format="json"),
        django_assert_max_num_queries,
    )
    assert_capped(body["fields"]["items"], 2)


def test_circle_plan_of_100_times_the_cap_is_refused_before_any_item_is_looked_up(
    company, django_assert_max_num_queries
):
    _organization, client = company
    set_ = SetFactory()
    frm, to = MORNING.isoformat(), (MORNING + timedelta(hours=3)).isoformat()
    body_in = {"origin": {"set": set_.pk}, "items": [{"set": set_.pk, "from": frm, "to": to}] * 1200}
    body = refused(
        lambda: client.post("/api/v1/circle-plans/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["items"], 12)


def test_circle_plan_item_tags_of_100_times_the_cap_are_refused(company, django_assert_max_num_queries):
    _organization, client = company
    frm, to = MORNING.isoformat(), (MORNING + timedelta(hours=3)).isoformat()
    item = {"kind": "hospital_ward", "from": frm, "to": to, "tags": ["x" * 60] * 500}
    body_in = {"origin": {"lat": "35.1", "lon": "113.9"}, "items": [item]}
    body = refused(
        lambda: client.post("/api/v1/circle-plans/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["items"]["0"]["tags"], 5)


def test_base_with_100_times_the_opening_hours_is_refused(operator, django_assert_max_num_queries):
    _organization, client = operator
    hours = [{"weekday": 1, "opens": "08:00", "closes": "20:00"}] * 700
    body_in = {"zone": BaseFactory().zone_id, "name": "一号基地", "kind": "indoor", "opening_hours": hours}
    body = refused(
        lambda: client.post("/api/v1/bases/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["opening_hours"], 7)


@pytest.mark.parametrize("field", ["tags", "amenities"])
def test_set_with_100_times_the_words_is_refused(operator, field, django_assert_max_num_queries):
    organization, client = operator
    base = BaseFactory(operator=organization)
    body_in = {"base": base.pk, "name": "病房", "kind": "hospital_ward", field: ["y" * 60] * 3000}
    body = refused(
        lambda: client.post("/api/v1/sets/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"][field], 30)


@pytest.mark.parametrize("parameter", ["kind", "tag", "base", "zone"])
def test_set_search_with_100_times_the_values_is_refused(company, parameter, django_assert_max_num_queries):
    _organization, client = company
    values = ",".join(str(n) for n in range(1, 5001))
    body = refused(lambda: client.get("/api/v1/sets/", {parameter: values}), django_assert_max_num_queries)
    assert_capped(body["fields"][parameter], 50)


def test_travel_time_with_100_times_the_ends_is_refused(operator, django_assert_max_num_queries):
    _organization, client = operator
    body_in = {"ends": [{"place": 10_000_000}] * 200, "minutes": 7}
    body = refused(
        lambda: client.post("/api/v1/travel-times/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["ends"], 2)


def test_person_with_100_times_the_roles_is_refused(company, django_assert_max_num_queries):
    _organization, client = company
    body_in = {"name": "张三", "roles": ["no-such-role"] * 1600}
    body = refused(
        lambda: client.post("/api/v1/people/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["roles"], 16)


def test_scene_with_100_times_the_cast_is_refused_before_the_ids_are_looked_up(
    company, django_assert_max_num_queries
):
    organization, client = company
    production = ProductionFactory(company=organization)
    body_in = {"production": production.pk, "episode": 1, "number": 1, "cast": list(range(1, 50_001))}
    body = refused(
        lambda: client.post("/api/v1/scenes/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["cast"], 500)


def test_stop_with_100_times_the_scenes_is_refused(company, django_assert_max_num_queries):
    _organization, client = company
    body_in = {"scenes": list(range(1, 50_001)), **window()}
    body = refused(
        lambda: client.post("/api/v1/stops/", body_in, format="json"), django_assert_max_num_queries
    )
    assert_capped(body["fields"]["scenes"], 500)


def test_wrap_with_100_times_the_shot_scenes_is_refused(company, django_assert_max_num_queries):
    organization, client = company
    day = ShootDayFactory(crew__production__company=organization, crew__company=organization)
    body = refused(
        lambda: client.post(
            f"/api/v1/shoot-days/{day.pk}/wrap/", {"shot": list(range(1, 100_001))}, format="json"
        ),
        django_assert_max_num_queries,
    )
    assert_capped(body["fields"]["shot"], 1000)


def test_webhook_endpoint_with_100_times_the_event_types_is_refused(operator, django_assert_max_num_queries):
    _organization, client = operator
    body_in = {"name": "排期", "url": "https://hooks.example.com/sc", "event_types": ["Not A Type!"] * 5000}
    body = refused(
        lambda: client.post("/api/v1/webhook-endpoints/", body_in, format="json"),
        django_assert_max_num_queries,
    )
    assert_capped(body["fields"]["event_types"], 50)


def test_review_episodes_of_100_times_the_cap_are_refused(company, django_assert_max_num_queries):
    organization, client = company
    submission = ReviewSubmissionFactory(production=ProductionFactory(company=organization))
    episodes = [{"number": 1, "duration_seconds": 0}] * 100_000  # 100 × 1,000: invalid, and never looked at
    payload = json.dumps({"episodes": episodes})  # encoded before the clock starts: the client's work
    body = refused(
        lambda: client.put(
            f"/api/v1/review-submissions/{submission.pk}/episodes/", payload, content_type="application/json"
        ),
        django_assert_max_num_queries,
    )
    assert_capped(body["fields"]["episodes"], 1000)


def test_capped_lists_show_max_items_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert schema["BatchInRequest"]["properties"]["items"]["maxItems"] == 31
    assert schema["CirclePlanInRequest"]["properties"]["items"]["maxItems"] == 12
    assert schema["BaseInRequest"]["properties"]["opening_hours"]["maxItems"] == 7
    assert schema["WrapInRequest"]["properties"]["shot"]["maxItems"] == 1000
    assert schema["EpisodesInRequest"]["properties"]["episodes"]["maxItems"] == 1000


# Files: 100 times the size limit, never read ------------------------------------------------------


class UnreadBody:
    """A request body of ``size`` bytes produced only as it is read; counts what was read."""

    def __init__(self, size: int, head: bytes = b""):
        self.size, self.head, self.read_bytes = size, head, 0

    def _take(self, limit: int) -> bytes:
        left = self.size - self.read_bytes
        n = left if limit is None or limit < 0 else min(limit, left)
        start, self.read_bytes = self.read_bytes, self.read_bytes + n
        head = self.head[start : start + n]
        return head + b"0" * (n - len(head))

    def read(self, size=-1):
        return self._take(size)

    def readline(self, size=-1):
        return self._take(64 * 1024 if size is None or size < 0 else min(size, 64 * 1024))


BOUNDARY = "limitsboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def huge_upload(client, url, size, *, field="file", name="big.csv"):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = UnreadBody(size, head)
    response = client.generic(
        "POST", url, content_type=MULTIPART, **{"wsgi.input": body, "CONTENT_LENGTH": str(size)}
    )
    return response, body


def refused_unread(client, url, size, django_assert_max_num_queries, **kwargs):
    """``huge_upload`` answered by a fast 413 envelope without a byte of the body read; the envelope."""
    sent = {}

    def call():
        sent["response"], sent["body"] = huge_upload(client, url, size, **kwargs)
        return sent["response"]

    envelope = refused(call, django_assert_max_num_queries, status=413)
    assert envelope["code"] == "request_too_large"
    assert sent["body"].read_bytes == 0
    return envelope


def test_set_import_of_100_times_the_limit_is_413_unread(operator, django_assert_max_num_queries):
    _organization, client = operator
    body = refused_unread(client, "/api/v1/sets/import/", 500 * MB, django_assert_max_num_queries)
    assert "5 MB" in body["fields"]["file"][0]


def test_scene_import_of_100_times_the_limit_is_413_unread(company, django_assert_max_num_queries):
    _organization, client = company
    body = refused_unread(client, "/api/v1/scenes/import/", 500 * MB, django_assert_max_num_queries)
    assert "5 MB" in body["fields"]["file"][0]


def test_set_photo_of_100_times_the_limit_is_413_unread(operator, django_assert_max_num_queries):
    organization, client = operator
    set_ = SetFactory(base=BaseFactory(operator=organization))
    url = f"/api/v1/sets/{set_.pk}/photos/"
    body = refused_unread(client, url, 500 * MB, django_assert_max_num_queries, field="image", name="a.png")
    assert "5 MB" in body["fields"]["image"][0]
    assert not SetPhoto.objects.exists()


def test_review_document_of_100_times_the_limit_is_413_unread(company, django_assert_max_num_queries):
    organization, client = company
    submission = ReviewSubmissionFactory(production=ProductionFactory(company=organization))
    url = f"/api/v1/review-submissions/{submission.pk}/documents/"
    body = refused_unread(client, url, 2000 * MB, django_assert_max_num_queries, name="a.pdf")
    assert "20 MB" in body["fields"]["file"][0]
    assert not SubmissionDocument.objects.exists()


def test_resubmission_of_100_times_its_limit_is_413_unread(company, django_assert_max_num_queries):
    organization, client = company
    submission = ReviewSubmissionFactory(
        production=ProductionFactory(company=organization), stage=ReviewSubmission.Stage.REVISION_REQUESTED
    )
    url = f"/api/v1/review-submissions/{submission.pk}/resubmit/"
    limit = 20 * MB * len(SubmissionDocument.Type)  # one replacement per document type
    refused_unread(client, url, 100 * limit, django_assert_max_num_queries, field="script", name="a.pdf")
    assert ReviewSubmission.objects.count() == 1


def test_a_multipart_body_to_an_endpoint_that_takes_no_file_is_held_to_the_json_limit(
    company, django_assert_max_num_queries
):
    _organization, client = company
    body = refused_unread(client, "/api/v1/productions/", 6 * MB, django_assert_max_num_queries)
    assert body["fields"] == {}


def test_a_real_50_mb_upload_is_refused_fast(operator, django_assert_max_num_queries):
    _organization, client = operator
    upload = SimpleUploadedFile("sets.csv", b"base,name\n" + b"x" * (50 * MB), content_type="text/csv")
    body = refused(
        lambda: client.post("/api/v1/sets/import/", {"file": upload}, format="multipart"),
        django_assert_max_num_queries,
        status=413,
    )
    assert body["code"] == "request_too_large"
    assert not Set.objects.exists()


def test_a_csv_just_over_the_limit_is_413_naming_the_file(operator, settings):
    _organization, client = operator
    settings.LOCATIONS_IMPORT_MAX_BYTES = 1000  # the body is within the form's overhead, the file is not
    upload = SimpleUploadedFile("sets.csv", b"base,name\n" + b"x" * 2000, content_type="text/csv")
    response = client.post("/api/v1/sets/import/", {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert list(response.json()["fields"]) == ["file"]


@pytest.fixture
def operator_admin():
    operator = OperatorFactory()
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=operator, role=Membership.Role.MANAGER)
    client = Client()
    client.force_login(user)
    return client, operator


def test_admin_csv_import_of_100_times_the_limit_is_413_unread(operator_admin):
    client, _operator = operator_admin
    started = time.thread_time()
    response, body = huge_upload(client, reverse("admin:locations_set_import"), 500 * MB)
    assert time.thread_time() - started < SECOND
    assert response.status_code == 413 and body.read_bytes == 0


def test_admin_form_of_100_times_the_request_limit_is_413_unread(operator_admin, settings):
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator))
    url = reverse("admin:locations_set_change", args=[set_.pk])
    started = time.thread_time()
    response, body = huge_upload(client, url, 100 * settings.REQUEST_MAX_BYTES, field="photos-0-image")
    assert time.thread_time() - started < SECOND
    assert response.status_code == 413 and body.read_bytes == 0


def test_admin_csv_import_over_the_csv_limit_is_a_form_error(operator_admin, settings):
    client, operator = operator_admin
    settings.LOCATIONS_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("sets.csv", b"base,name\n" + b"x" * 2000, content_type="text/csv")
    response = client.post(reverse("admin:locations_set_import"), {"operator": operator.pk, "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Set.objects.exists()


# Pixel bombs ---------------------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (decoding it would need gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "width,height",
    [
        (10_000, 5_000),  # 50 megapixels: over the 40 MP budget, under Pillow's own bomb limit
        (100_000, 100_000),  # 10 gigapixels: Pillow's DecompressionBombError, never a 500
    ],
)
def test_a_pixel_bomb_photo_is_a_fast_400_naming_the_image(
    operator, width, height, django_assert_max_num_queries
):
    organization, client = operator
    set_ = SetFactory(base=BaseFactory(operator=organization))
    bomb = SimpleUploadedFile("bomb.png", png_header_only(width, height), content_type="image/png")
    started = time.thread_time()
    response = client.post(f"/api/v1/sets/{set_.pk}/photos/", {"image": bomb}, format="multipart")
    assert time.thread_time() - started < SECOND
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "photo_too_large"
    assert list(response.json()["fields"]) == ["image"]
    assert not SetPhoto.objects.exists()


def test_a_pixel_bomb_photo_is_refused_in_the_admin_too(operator_admin):
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator))
    url = reverse("admin:locations_set_change", args=[set_.pk])
    page = client.get(url)
    form = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data = {
        "base": set_.base_id,
        "name": set_.name,
        "kind": set_.kind,
        "hourly_rate": set_.hourly_rate,
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-0-image": SimpleUploadedFile(
            "bomb.png", png_header_only(10_000, 5_000), content_type="image/png"
        ),
        "photos-0-position": "0",
        "blackouts-TOTAL_FORMS": "0",
        "blackouts-INITIAL_FORMS": "0",
    }
    response = client.post(url, {**form, **data})
    assert response.status_code == 200  # the form again, with the error
    errors = [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    assert any(form_errors.get("image") for formset in errors for form_errors in formset)
    assert not SetPhoto.objects.exists()


def test_a_normal_photo_still_goes_through(operator):
    organization, client = operator
    set_ = SetFactory(base=BaseFactory(operator=organization))
    buffer = BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, "PNG")
    photo = SimpleUploadedFile("ward.png", buffer.getvalue(), content_type="image/png")
    response = client.post(f"/api/v1/sets/{set_.pk}/photos/", {"image": photo}, format="multipart")
    assert response.status_code == 201, response.json()
    assert (response.json()["width"], response.json()["height"]) == (64, 48)


# Celery: time limits -------------------------------------------------------------------------------


def test_every_task_has_a_soft_and_a_hard_time_limit():
    celery_app.loader.import_default_modules()
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 8
    for name, task in ours.items():
        soft = task.soft_time_limit or celery_app.conf.task_soft_time_limit
        hard = task.time_limit or celery_app.conf.task_time_limit
        assert soft and hard and soft < hard, name


def test_a_row_being_sent_stays_leased_until_its_task_is_surely_dead():
    assert notifications_conf.send_lease_seconds() >= max(tasks.DELIVERY_TIME_LIMIT, tasks.BATCH_TIME_LIMIT)


def test_a_send_cut_short_by_the_soft_limit_is_a_counted_attempt_and_retried():
    delivery = DeliveryFactory()
    with mock.patch("notifications.attempts.delivery_send", side_effect=SoftTimeLimitExceeded()):
        tasks.delivery_attempt_task.run(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert "SoftTimeLimitExceeded" in delivery.last_error


def test_a_send_cut_short_at_the_attempt_cap_ends_dead(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    delivery = DeliveryFactory(attempts=1, status=Delivery.Status.RETRYING)
    with mock.patch("notifications.attempts.delivery_send", side_effect=SoftTimeLimitExceeded()):
        tasks.delivery_attempt_task.run(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DEAD, 2)


def test_a_batch_stopped_by_its_soft_limit_queues_what_it_did_not_reach():
    ids = [11, 12, 13, 14]
    done = []

    def attempt(*, delivery_id):
        if delivery_id == 13:
            raise SoftTimeLimitExceeded()
        done.append(delivery_id)
        return "sent"

    with (
        mock.patch("notifications.tasks.delivery_attempt", side_effect=attempt),
        mock.patch("notifications.tasks.deliveries_enqueue") as enqueue,
    ):
        assert tasks.deliveries_attempt_task.run(ids) == 2
    assert done == [11, 12]
    enqueue.assert_called_once_with([13, 14])


def test_a_batch_past_its_budget_queues_the_rest_instead_of_starting_them(monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_BUDGET_SECONDS", 0)
    with (
        mock.patch("notifications.tasks.delivery_attempt", return_value="retrying") as attempt,
        mock.patch("notifications.tasks.deliveries_enqueue") as enqueue,
    ):
        assert tasks.deliveries_attempt_task.run([21, 22, 23]) == 1
    attempt.assert_called_once_with(delivery_id=21)
    enqueue.assert_called_once_with([22, 23])


def test_a_soft_limit_outside_the_send_queues_the_delivery_again():
    with (
        mock.patch("notifications.tasks.delivery_attempt", side_effect=SoftTimeLimitExceeded()),
        mock.patch("notifications.tasks.deliveries_enqueue") as enqueue,
    ):
        assert tasks.delivery_attempt_task.run(31) is None
    enqueue.assert_called_once_with([31])


def test_a_refusal_speaks_the_request_language():
    chinese, _body = huge_upload(APIClient(), "/api/v1/sets/import/", 500 * MB)
    english, _body = huge_upload(APIClient(HTTP_ACCEPT_LANGUAGE="en"), "/api/v1/sets/import/", 500 * MB)
    assert (chinese.status_code, english.status_code) == (413, 413)
    assert english.json()["detail"] == "The file is too large: at most 5 MB."
    assert chinese.json()["detail"] != english.json()["detail"]


# The suite's own guard: no request on the test database takes more than a few seconds -------------------


def test_a_slow_request_fails_its_test(api, monkeypatch):
    monkeypatch.setattr(request_clock, "current_limit", 0)
    assert api().get("/api/v1/productions/").status_code == 401
    assert [name for _cpu, _wall, name in request_clock.slow] == ["GET /api/v1/productions/"]
    request_clock.slow.clear()  # caught: that was the point, not a failure of this test


def test_requests_that_overlap_others_are_not_held_to_the_limit():
    clock = RequestClock(0)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/bookings/"}
    both_in_flight = threading.Barrier(2)

    def overlapping():
        clock.started(None, environ=environ)
        both_in_flight.wait(timeout=5)
        clock.finished(None)

    assert run_together([overlapping, overlapping]) == ([None, None], [None, None])
    assert clock.slow == []
    clock.started(None, environ=environ)
    clock.finished(None)
    assert [name for _cpu, _wall, name in clock.slow] == ["POST /api/v1/bookings/"]
