"""Nothing one client sends may hold a worker for long (issue 10, section 2).

Every endpoint that takes a list gets 100 times its cap: each answers a 4xx envelope within a second,
after a handful of queries (the cap is counted on the raw list, before any item is validated or looked
up).
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.models import Membership
from tests.crews.factories import ShootDayFactory
from tests.factories import (
    BaseFactory,
    CompanyFactory,
    OperatorFactory,
    ProductionFactory,
    ReviewSubmissionFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2030, 3, 4, 9, 0, tzinfo=TZ)  # fixed: the bodies are refused before any date matters
MB = 1024 * 1024
SECOND = 1.0  # the budget of every refusal below, generous for a loaded CI machine
FEW_QUERIES = 6  # authentication and the acting membership; never one per item


def refused(call, django_assert_max_num_queries, *, status=400):
    """Run ``call`` (one request) and check it is a fast, cheap ``status`` envelope; return its body."""
    with django_assert_max_num_queries(FEW_QUERIES):
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert elapsed < SECOND, f"{elapsed:.2f} s"
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
    body = refused(
        lambda: client.put(
            f"/api/v1/review-submissions/{submission.pk}/episodes/", {"episodes": episodes}, format="json"
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
