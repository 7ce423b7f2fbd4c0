"""Every date the API takes, as a query parameter or in a body, outside 2000–2100 is a 400 naming it.

``DATE_INPUTS`` lists every date and datetime input of the API. ``test_every_date_input_is_listed``
compares it with the OpenAPI schema (parameters and JSON bodies of format ``date`` / ``date-time``),
so an endpoint added later fails here until it is listed, and then gets the same checks:

- hypothesis draws dates from years 1–1999 and 2101–9999 (datetimes with assorted UTC offsets):
  each is a 400 whose ``fields`` names the input;
- fixed cases (``0001-01-01``, ``0640-06-30``, ``9999-12-31`` and the days just outside the range);
- the range's own first and last day are not refused, so the refusal is about the range.

Windows longer than an endpoint serves are 400s too (``test_window_longer_than_*``).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from studio.models import Membership, Organization
from tests.bookings.scoping import SCOPING as BOOKINGS
from tests.crews.scoping import SCOPING as CREWS
from tests.factories import (
    BaseFactory,
    BookingFactory,
    MembershipFactory,
    OrganizationFactory,
    SetFactory,
    token_for,
)
from tests.locations.scoping import SCOPING as LOCATIONS
from tests.review.scoping import SCOPING as REVIEW
from tests.studio.scoping import SCOPING as STUDIO

FACTORIES = {**LOCATIONS, **BOOKINGS, **CREWS, **REVIEW, **STUDIO}
COMPANY = Organization.Kind.PRODUCTION_COMPANY
OPERATOR = Organization.Kind.BASE_OPERATOR
CENTRE = Organization.Kind.REVIEW_CENTRE


def _operators_booking(owner):
    return BookingFactory(set=SetFactory(base=BaseFactory(operator=owner)))


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # as in the schema, ``{id}`` for the object
    kind: str  # the acting organisation's kind
    make: Any = None  # owner organisation -> the object behind ``{id}`` (a scoping factory by basename)
    query: dict = field(default_factory=dict, hash=False)  # other parameters the request needs

    def __str__(self):
        return f"{self.method.upper()} {self.path}"


E = Endpoint
#: every endpoint that takes a date, with the date inputs it takes: (input, "date" or "date-time")
DATE_INPUTS: dict[Endpoint, list[tuple[str, str]]] = {
    E("get", "/api/v1/bases/{id}/board/", OPERATOR, "base-board"): [("date", "date")],
    E("get", "/api/v1/bases/{id}/occupancy/", OPERATOR, "base-board"): [("from", "date"), ("to", "date")],
    E("post", "/api/v1/blackouts/", OPERATOR): [("starts_at", "date-time"), ("ends_at", "date-time")],
    E("patch", "/api/v1/blackouts/{id}/", OPERATOR, "blackout"): [
        ("starts_at", "date-time"),
        ("ends_at", "date-time"),
    ],
    E("post", "/api/v1/booking-batches/", COMPANY): [
        ("items[].starts_at", "date-time"),
        ("items[].ends_at", "date-time"),
    ],
    E("get", "/api/v1/bookings/", COMPANY): [
        ("date", "date"),
        ("starts_after", "date-time"),
        ("starts_before", "date-time"),
    ],
    E("post", "/api/v1/bookings/", COMPANY): [("starts_at", "date-time"), ("ends_at", "date-time")],
    E("post", "/api/v1/bookings/{id}/check-in/", OPERATOR, _operators_booking): [("at", "date-time")],
    E("post", "/api/v1/bookings/{id}/check-out/", OPERATOR, _operators_booking): [("at", "date-time")],
    E("post", "/api/v1/bookings/{id}/reschedule/", COMPANY, "booking"): [
        ("starts_at", "date-time"),
        ("ends_at", "date-time"),
    ],
    E("post", "/api/v1/bookings/quote/", COMPANY): [("starts_at", "date-time"), ("ends_at", "date-time")],
    E("post", "/api/v1/calls/", COMPANY): [
        ("call_at", "date-time"),
        ("released_at", "date-time"),
        ("makeup_ready_at", "date-time"),
        ("on_set_at", "date-time"),
    ],
    E("put", "/api/v1/calls/{id}/", COMPANY, "call"): [
        ("call_at", "date-time"),
        ("released_at", "date-time"),
        ("makeup_ready_at", "date-time"),
        ("on_set_at", "date-time"),
    ],
    E("patch", "/api/v1/calls/{id}/", COMPANY, "call"): [
        ("call_at", "date-time"),
        ("released_at", "date-time"),
        ("makeup_ready_at", "date-time"),
        ("on_set_at", "date-time"),
    ],
    E("post", "/api/v1/circle-plans/", COMPANY): [("items[].from", "date-time"), ("items[].to", "date-time")],
    E("post", "/api/v1/crew-members/", COMPANY): [("starts_on", "date"), ("ends_on", "date")],
    E("put", "/api/v1/crew-members/{id}/", COMPANY, "crew-member"): [
        ("starts_on", "date"),
        ("ends_on", "date"),
    ],
    E("patch", "/api/v1/crew-members/{id}/", COMPANY, "crew-member"): [
        ("starts_on", "date"),
        ("ends_on", "date"),
    ],
    E("get", "/api/v1/deliveries/", COMPANY): [
        ("created_after", "date-time"),
        ("created_before", "date-time"),
    ],
    E("get", "/api/v1/events/", COMPANY): [("created_after", "date-time"), ("created_before", "date-time")],
    E("get", "/api/v1/productions/", COMPANY): [
        ("planned_start_after", "date"),
        ("planned_start_before", "date"),
    ],
    E("post", "/api/v1/productions/", COMPANY): [("planned_start", "date"), ("planned_end", "date")],
    E("put", "/api/v1/productions/{id}/", COMPANY, "production"): [
        ("planned_start", "date"),
        ("planned_end", "date"),
    ],
    E("patch", "/api/v1/productions/{id}/", COMPANY, "production"): [
        ("planned_start", "date"),
        ("planned_end", "date"),
    ],
    E("get", "/api/v1/review-centres/{id}/turnaround/", CENTRE, "review-centre"): [
        ("since", "date"),
        ("until", "date"),
    ],
    E("get", "/api/v1/review-centres/{id}/dashboard/", CENTRE, "review-centre"): [
        ("since", "date"),
        ("until", "date"),
    ],
    E("get", "/api/v1/review-submissions/", COMPANY): [("due_before", "date")],
    E("get", "/api/v1/sets/", COMPANY): [("available_from", "date-time"), ("available_to", "date-time")],
    E("get", "/api/v1/sets/{id}/availability/", OPERATOR, "set"): [("date", "date")],
    E("get", "/api/v1/shoot-days/", COMPANY): [("date", "date")],
    E("post", "/api/v1/shoot-days/", COMPANY): [
        ("date", "date"),
        ("call_at", "date-time"),
        ("planned_wrap_at", "date-time"),
        ("departure_at", "date-time"),
    ],
    E("put", "/api/v1/shoot-days/{id}/", COMPANY, "shoot-day"): [
        ("call_at", "date-time"),
        ("planned_wrap_at", "date-time"),
        ("departure_at", "date-time"),
    ],
    E("patch", "/api/v1/shoot-days/{id}/", COMPANY, "shoot-day"): [
        ("call_at", "date-time"),
        ("planned_wrap_at", "date-time"),
        ("departure_at", "date-time"),
    ],
    E("post", "/api/v1/stops/", COMPANY): [("starts_at", "date-time"), ("ends_at", "date-time")],
    E("put", "/api/v1/stops/{id}/", COMPANY, "stop"): [("starts_at", "date-time"), ("ends_at", "date-time")],
    E("patch", "/api/v1/stops/{id}/", COMPANY, "stop"): [
        ("starts_at", "date-time"),
        ("ends_at", "date-time"),
    ],
    E("post", "/api/v1/waitlist-entries/", COMPANY): [("starts_at", "date-time"), ("ends_at", "date-time")],
}
CASES = [(endpoint, name, fmt) for endpoint, inputs in DATE_INPUTS.items() for name, fmt in inputs]


# --- the list is complete: compared with the OpenAPI schema -------------------------------------------


def _date_fields(schema: dict, components: dict, prefix: str = "") -> list[tuple[str, str]]:
    if "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    found = []
    if schema.get("format") in {"date", "date-time"}:
        found.append((prefix, schema["format"]))
    for name, sub in schema.get("properties", {}).items():
        if not sub.get("readOnly"):
            found += _date_fields(sub, components, f"{prefix}.{name}" if prefix else name)
    if "items" in schema:
        found += _date_fields(schema["items"], components, f"{prefix}[]")
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, []):
            found += _date_fields(sub, components, prefix)
    return found


def schema_date_inputs() -> set[tuple[str, str, str, str]]:
    """(method, path, input, format) for every date or datetime parameter and body field in the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                fmt = parameter.get("schema", {}).get("format")
                if fmt in {"date", "date-time"}:
                    found.add((method, path, parameter["name"], fmt))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                for name, fmt in _date_fields(content["schema"], components):
                    found.add((method, path, name, fmt))
    return found


def test_every_date_input_is_listed():
    listed = {(endpoint.method, endpoint.path, name, fmt) for endpoint, name, fmt in CASES}
    in_schema = schema_date_inputs()
    missing = sorted(in_schema - listed)
    assert not missing, f"date inputs in the API schema that tests/test_dates.py does not check: {missing}"
    stale = sorted(listed - in_schema)
    assert not stale, f"listed in tests/test_dates.py but not in the schema: {stale}"


# --- calling an endpoint with one date input ------------------------------------------------------------


class Caller:
    """An owner of an organisation of the endpoint's kind, the object behind ``{id}``, and requests."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        owner = OrganizationFactory(kind=endpoint.kind)
        user = MembershipFactory(organization=owner, role=Membership.Role.OWNER).user
        self.client = APIClient()
        self.client.credentials(
            HTTP_AUTHORIZATION=f"Token {token_for(user)}", HTTP_X_ORGANIZATION=str(owner.pk)
        )
        path = endpoint.path
        if "{id}" in path:
            make = FACTORIES[endpoint.make] if isinstance(endpoint.make, str) else endpoint.make
            path = path.replace("{id}", str(make(owner).pk))
        self.path = path

    def send(self, name: str, value: str):
        if self.endpoint.method == "get":
            return self.client.get(self.path, {**self.endpoint.query, name: value})
        body: dict = {}
        if name.startswith("items[]."):
            body = {"items": [{name.removeprefix("items[]."): value}]}
        else:
            body = {name: value}
        return getattr(self.client, self.endpoint.method)(self.path, body, format="json")


def messages_for(response, name: str) -> list:
    """The messages ``fields`` holds for ``name`` (``items[].from``: ``fields["items"][0]["from"]``)."""
    fields = response.json().get("fields") or {}
    if name.startswith("items[]."):
        items = fields.get("items") or {}
        first = items.get("0") if isinstance(items, dict) else items[0]  # a list's errors by index
        return (first if isinstance(first, dict) else {}).get(name.removeprefix("items[]."), [])
    return fields.get(name, [])


def as_text(value: date | datetime, fmt: str) -> str:
    if fmt == "date-time" and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    if fmt == "date" and isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def names_the_range(message) -> bool:
    return "2000-01-01" in str(message) and "2100-12-31" in str(message)


def assert_refused(response, name: str, text: str):
    assert response.status_code == 400, f"{name}={text}: {response.status_code} {response.content[:300]!r}"
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    messages = messages_for(response, name)
    assert messages, f"{name}={text}: the 400 does not name {name}: {body}"
    assert any(names_the_range(message) for message in messages), (
        f"{name}={text}: not refused for the range: {body}"
    )


@pytest.fixture
def caller(endpoint):
    return Caller(endpoint)


OFFSETS = st.sampled_from([timedelta(0), timedelta(hours=8), timedelta(hours=-5), timedelta(hours=14)])
# Datetimes keep a day away from the range's edges so that no UTC offset carries them inside it.
EARLY_DATES = st.dates(min_value=date(1, 1, 1), max_value=date(1999, 12, 31))
LATE_DATES = st.dates(min_value=date(2101, 1, 1), max_value=date(9999, 12, 31))
EARLY_TIMES = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(1999, 12, 30))
LATE_TIMES = st.datetimes(min_value=datetime(2101, 1, 2), max_value=datetime(9999, 12, 30))


def out_of_range(fmt: str):
    if fmt == "date":
        return st.one_of(EARLY_DATES, LATE_DATES).map(date.isoformat)
    return st.builds(
        lambda moment, offset: moment.replace(microsecond=0, tzinfo=timezone(offset)).isoformat(),
        st.one_of(EARLY_TIMES, LATE_TIMES),
        OFFSETS,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(DATE_INPUTS), ids=str)
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_out_of_range_dates_are_400s_naming_the_input(caller, data):
    endpoint = caller.endpoint
    name, fmt = data.draw(st.sampled_from(DATE_INPUTS[endpoint]), label="input")
    text = data.draw(out_of_range(fmt), label="value")
    assert_refused(caller.send(name, text), name, text)


FIXED = [
    date(1, 1, 1),
    date(640, 6, 30),
    date(1900, 1, 1),
    date(1999, 12, 31),
    date(2101, 1, 1),
    date(9999, 12, 31),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "name", "fmt"), CASES, ids=[f"{e} {n}" for e, n, _f in CASES])
def test_fixed_out_of_range_dates_are_refused_and_the_range_edges_are_not(endpoint, name, fmt):
    caller = Caller(endpoint)
    for value in FIXED:
        text = as_text(value, fmt)
        assert_refused(caller.send(name, text), name, text)
    for value in (date(2000, 1, 1), date(2100, 12, 31)):
        text = as_text(value, fmt)
        response = caller.send(name, text)
        assert response.status_code < 500, response.content[:300]
        if response.status_code == 400:
            assert not any(names_the_range(message) for message in messages_for(response, name)), (
                f"{name}={text} is in range but refused: {response.json()}"
            )


# --- in range still answers; the two reported cases ------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "query"),
    [
        (E("get", "/api/v1/bases/{id}/board/", OPERATOR, "base-board"), {"date": "2031-03-01"}),
        (
            E("get", "/api/v1/bases/{id}/occupancy/", OPERATOR, "base-board"),
            {"from": "2000-01-01", "to": "2000-01-07"},
        ),
        (
            E("get", "/api/v1/bookings/", COMPANY),
            {"date": "2031-03-01", "starts_after": "2031-03-01T00:00+08:00"},
        ),
        (E("get", "/api/v1/events/", COMPANY), {"created_after": "2000-01-01T00:00:00+08:00"}),
        (E("get", "/api/v1/productions/", COMPANY), {"planned_start_after": "2100-12-31"}),
        (
            E("get", "/api/v1/review-centres/{id}/turnaround/", CENTRE, "review-centre"),
            {"until": "2000-12-31"},
        ),
        (
            E("get", "/api/v1/review-centres/{id}/dashboard/", CENTRE, "review-centre"),
            {"since": "2000-01-01", "until": "2000-12-31"},
        ),
        (E("get", "/api/v1/review-submissions/", COMPANY), {"due_before": "2031-03-01"}),
        (
            E("get", "/api/v1/sets/", COMPANY),
            {"available_from": "2100-12-30T08:00+08:00", "available_to": "2100-12-31T20:00+08:00"},
        ),
        (E("get", "/api/v1/sets/{id}/availability/", OPERATOR, "set"), {"date": "2000-01-01", "days": 2}),
        (E("get", "/api/v1/shoot-days/", COMPANY), {"date": "2031-03-01"}),
    ],
    ids=str,
)
def test_in_range_dates_still_answer(endpoint, query):
    caller = Caller(endpoint)
    response = caller.client.get(caller.path, query)
    assert response.status_code == 200, response.content[:300]


@pytest.mark.django_db
def test_turnaround_until_year_one_is_a_400_not_a_500():
    caller = Caller(E("get", "/api/v1/review-centres/{id}/turnaround/", CENTRE, "review-centre"))
    response = caller.client.get(caller.path, {"until": "0001-01-01"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["until"]


@pytest.mark.django_db
def test_availability_of_an_ancient_day_is_a_400_not_local_mean_time():
    caller = Caller(E("get", "/api/v1/sets/{id}/availability/", OPERATOR, "set"))
    response = caller.client.get(caller.path, {"date": "0640-06-30"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["date"]
    answer = caller.client.get(caller.path, {"date": "2000-01-01"}).json()
    assert answer["starts_at"] == "2000-01-01T00:00:00+08:00"


# --- windows longer than an endpoint serves ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "request_data", "name"),
    [
        (
            E("get", "/api/v1/sets/", COMPANY),
            {"available_from": "2031-03-01T08:00+08:00", "available_to": "2031-05-01T08:00+08:00"},
            "available_to",
        ),
        (
            E("get", "/api/v1/sets/{id}/availability/", OPERATOR, "set"),
            {"date": "2031-03-01", "days": 90},
            "days",
        ),
        (
            E("get", "/api/v1/bases/{id}/occupancy/", OPERATOR, "base-board"),
            {"from": "2031-03-01", "to": "2032-03-01"},
            "to",
        ),
        (
            E("get", "/api/v1/review-centres/{id}/turnaround/", CENTRE, "review-centre"),
            {"since": "2000-01-01", "until": "2100-12-31"},
            "since",
        ),
        (
            E("get", "/api/v1/review-centres/{id}/dashboard/", CENTRE, "review-centre"),
            {"since": "2000-01-01", "until": "2100-12-31"},
            "since",
        ),
        (
            E("post", "/api/v1/circle-plans/", COMPANY),
            {
                "origin": {"lat": "35.0", "lon": "113.9"},
                "items": [{"kind": "icu", "from": "2031-03-01T08:00+08:00", "to": "2100-12-31T08:00+08:00"}],
            },
            "items[].to",
        ),
        (
            E("post", "/api/v1/bookings/quote/", COMPANY),
            {"starts_at": "2031-03-01T08:00+08:00", "ends_at": "2100-12-31T08:00+08:00"},
            "ends_at",
        ),
    ],
    ids=str,
)
def test_window_longer_than_the_endpoint_serves_is_a_400_naming_its_end(endpoint, request_data, name):
    caller = Caller(endpoint)
    if endpoint.path == "/api/v1/bookings/quote/":
        request_data = {
            **request_data,
            "set": SetFactory(hourly_rate="99999999.99", day_rate="99999999.99").pk,
        }
    if endpoint.method == "get":
        response = caller.client.get(caller.path, request_data)
    else:
        response = caller.client.post(caller.path, request_data, format="json")
    assert response.status_code == 400, response.content[:300]
    assert messages_for(response, name), response.json()


@pytest.mark.django_db
def test_a_quote_is_refused_only_when_no_booking_could_hold_its_price():
    caller = Caller(E("post", "/api/v1/bookings/quote/", COMPANY))
    set_ = SetFactory(hourly_rate="99999999.99", day_rate="99999999.99", overtime_rate_per_hour="99999999.99")
    starts_at = datetime(2031, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    body = {"set": set_.pk, "starts_at": starts_at.isoformat()}

    three_days = caller.client.post(
        caller.path, {**body, "ends_at": (starts_at + timedelta(days=3)).isoformat()}, format="json"
    )
    assert three_days.status_code == 200, three_days.content[:300]
    assert Decimal(three_days.json()["total"]) > Decimal("99999999.99")
    a_year = caller.client.post(
        caller.path, {**body, "ends_at": (starts_at + timedelta(days=365)).isoformat()}, format="json"
    )
    assert a_year.status_code == 400, a_year.content[:300]
    assert list(a_year.json()["fields"]) == ["ends_at"]
