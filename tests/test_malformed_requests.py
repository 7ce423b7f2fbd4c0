"""Malformed requests against the current endpoints: every one is a 4xx in the error envelope, never a 500.

Decisions recorded here:
- ``?ordering=`` naming a field the view does not offer is a 400 (DRF would silently ignore it).
- Under ``/api/`` a missing trailing slash is a 404 in the envelope (no redirect: a redirected POST
  loses its body), whose detail names the right path.
- Unknown *query* parameters are ignored (filters are optional and clients add cache-busters);
  unknown *body* fields are a 400.
- A JSON body nested deeper than the recursion limit, or larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``,
  is a 400 / 413.
"""

import json

import pytest
from rest_framework import parsers, serializers
from rest_framework.test import APIClient

from config.api import extra_urlpatterns, router
from config.parsers import JSONParser
from config.serializers import AwareDateTimeField, InputSerializer
from studio.models import Membership, Production
from tests.factories import CompanyFactory, ProductionFactory, token_for

pytestmark = pytest.mark.django_db

VALID = {
    "title": "战神归来",
    "genre": "revenge",
    "episode_count": 80,
    "minutes_per_episode": "1.5",
    "total_investment": "800000.00",
    "planned_start": "2026-12-01",
    "planned_end": "2026-12-07",
}


def body(**changes):
    data = {**VALID, **changes}
    return {key: value for key, value in data.items() if value is not ...}


#: (id, method, path, request kwargs, expected status, field expected in ``fields`` or None)
CASES = [
    (
        "bad-json",
        "post",
        "/productions/",
        {"data": '{"title": ', "content_type": "application/json"},
        400,
        None,
    ),
    (
        "not-utf8",
        "post",
        "/productions/",
        {"data": b"\xff\xfe\x00", "content_type": "application/json"},
        400,
        None,
    ),
    (
        "json-array",
        "post",
        "/productions/",
        {"data": "[1, 2]", "content_type": "application/json"},
        400,
        None,
    ),
    (
        "json-string",
        "post",
        "/productions/",
        {"data": '"hello"', "content_type": "application/json"},
        400,
        None,
    ),
    ("json-null", "post", "/productions/", {"data": "null", "content_type": "application/json"}, 400, None),
    (
        "deeply-nested",
        "post",
        "/productions/",
        {"data": "[" * 100_000, "content_type": "application/json"},
        400,
        None,
    ),
    ("text-plain", "post", "/productions/", {"data": "title=x", "content_type": "text/plain"}, 415, None),
    ("xml", "post", "/productions/", {"data": "<title/>", "content_type": "application/xml"}, 415, None),
    ("unknown-field", "post", "/productions/", {"data": body(colour="red")}, 400, "colour"),
    (
        "count-not-number",
        "post",
        "/productions/",
        {"data": body(episode_count="eighty")},
        400,
        "episode_count",
    ),
    ("count-float", "post", "/productions/", {"data": body(episode_count=1.5)}, 400, "episode_count"),
    ("count-zero", "post", "/productions/", {"data": body(episode_count=0)}, 400, "episode_count"),
    ("count-negative", "post", "/productions/", {"data": body(episode_count=-3)}, 400, "episode_count"),
    ("count-huge", "post", "/productions/", {"data": body(episode_count=10**20)}, 400, "episode_count"),
    ("count-bool-list", "post", "/productions/", {"data": body(episode_count=[True])}, 400, "episode_count"),
    ("money-nan", "post", "/productions/", {"data": body(total_investment="NaN")}, 400, "total_investment"),
    (
        "money-infinity",
        "post",
        "/productions/",
        {"data": body(total_investment="Infinity")},
        400,
        "total_investment",
    ),
    (
        "money-exponent",
        "post",
        "/productions/",
        {"data": body(total_investment="1e400")},
        400,
        "total_investment",
    ),
    (
        "money-negative",
        "post",
        "/productions/",
        {"data": body(total_investment="-1.00")},
        400,
        "total_investment",
    ),
    (
        "money-words",
        "post",
        "/productions/",
        {"data": body(total_investment="八十万")},
        400,
        "total_investment",
    ),
    (
        "minutes-precision",
        "post",
        "/productions/",
        {"data": body(minutes_per_episode="1.25")},
        400,
        "minutes_per_episode",
    ),
    ("unknown-choice", "post", "/productions/", {"data": body(genre="horror-musical")}, 400, "genre"),
    ("choice-wrong-type", "post", "/productions/", {"data": body(genre={"romance": 1})}, 400, "genre"),
    ("bad-date", "post", "/productions/", {"data": body(planned_start="2026-13-45")}, 400, "planned_start"),
    (
        "datetime-as-date",
        "post",
        "/productions/",
        {"data": body(planned_start="yesterday")},
        400,
        "planned_start",
    ),
    ("reversed-range", "post", "/productions/", {"data": body(planned_end="2026-11-01")}, 400, "planned_end"),
    ("title-missing", "post", "/productions/", {"data": body(title=...)}, 400, "title"),
    ("title-blank", "post", "/productions/", {"data": body(title="")}, 400, "title"),
    ("title-too-long", "post", "/productions/", {"data": body(title="剧" * 201)}, 400, "title"),
    ("title-nul", "post", "/productions/", {"data": body(title="a\x00b")}, 400, "title"),
    (
        "title-nested-garbage",
        "post",
        "/productions/",
        {"data": body(title=[[{"a": {"b": []}}]])},
        400,
        "title",
    ),
    (
        "bool-garbage",
        "post",
        "/productions/",
        {"data": body(special_subject="perhaps")},
        400,
        "special_subject",
    ),
    (
        "multipart-missing-fields",
        "post",
        "/productions/",
        {"data": {"title": "x"}, "format": "multipart"},
        400,
        "episode_count",
    ),
    (
        "patch-bad-json",
        "patch",
        "/productions/{pk}/",
        {"data": "{", "content_type": "application/json"},
        400,
        None,
    ),
    ("patch-unknown-field", "patch", "/productions/{pk}/", {"data": {"company": 1}}, 400, "company"),
    (
        "patch-wrong-type",
        "patch",
        "/productions/{pk}/",
        {"data": {"episode_count": "many"}},
        400,
        "episode_count",
    ),
    ("put-partial-body", "put", "/productions/{pk}/", {"data": {"title": "x"}}, 400, "episode_count"),
    ("page-size-zero", "get", "/productions/?page_size=0", {}, 400, "page_size"),
    ("page-size-negative", "get", "/productions/?page_size=-5", {}, 400, "page_size"),
    ("page-size-huge", "get", "/productions/?page_size=1000000", {}, 400, "page_size"),
    ("page-size-words", "get", "/productions/?page_size=ten", {}, 400, "page_size"),
    ("page-size-empty", "get", "/productions/?page_size=", {}, 400, "page_size"),
    ("page-zero", "get", "/productions/?page=0", {}, 400, "page"),
    ("page-negative", "get", "/productions/?page=-1", {}, 400, "page"),
    ("page-words", "get", "/productions/?page=first", {}, 400, "page"),
    ("page-past-end", "get", "/productions/?page=9999", {}, 404, None),
    ("ordering-unknown", "get", "/productions/?ordering=budget", {}, 400, "ordering"),
    ("ordering-unknown-desc", "get", "/productions/?ordering=-company__name", {}, 400, "ordering"),
    ("ordering-one-bad", "get", "/productions/?ordering=title,nope", {}, 400, "ordering"),
    (
        "filter-bad-date",
        "get",
        "/productions/?planned_start_after=31/12/2026",
        {},
        400,
        "planned_start_after",
    ),
    ("filter-unknown-choice", "get", "/productions/?status=filming", {}, 400, "status"),
    ("filter-nul", "get", "/productions/?title=%00", {}, 400, "title"),
    ("search-nul", "get", "/productions/?search=%00", {}, 400, "search"),
    ("unknown-format", "get", "/productions/?format=xml", {}, 404, None),
    ("detail-not-a-number", "get", "/productions/abc/", {}, 404, None),
    ("detail-overflow", "get", "/productions/99999999999999999999999/", {}, 404, None),
    ("detail-missing", "get", "/productions/0/", {}, 404, None),
    ("method-not-allowed", "delete", "/productions/{pk}/", {}, 405, None),
    ("me-put", "put", "/me/", {"data": {}}, 405, None),
    ("token-get", "get", "/auth/token/", {}, 405, None),
    ("org-filter-bad-choice", "get", "/organizations/?kind=studio", {}, 400, "kind"),
    ("org-ordering-unknown", "get", "/organizations/?ordering=contact_phone", {}, 400, "ordering"),
    ("unknown-route", "get", "/no-such-things/", {}, 404, None),
    ("missing-slash-post", "post", "/productions", {"data": VALID}, 404, None),
    ("missing-slash-get", "get", "/productions", {}, 404, None),
    (
        "idempotency-key-too-long",
        "post",
        "/productions/",
        {"data": VALID, "HTTP_IDEMPOTENCY_KEY": "k" * 256},
        400,
        "Idempotency-Key",
    ),
    (
        "x-organization-words",
        "get",
        "/productions/",
        {"HTTP_X_ORGANIZATION": "my-company"},
        400,
        "X-Organization",
    ),
    ("x-organization-overflow", "get", "/productions/", {"HTTP_X_ORGANIZATION": "9" * 30}, 404, None),
    ("x-organization-negative", "get", "/productions/", {"HTTP_X_ORGANIZATION": "-1"}, 404, None),
]


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def client(company, member):
    client = APIClient()
    client.raise_request_exception = False
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member(company))}")
    return client


def assert_envelope(response, status, field=None):
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    data = response.json()
    assert set(data) == {"code", "detail", "fields"}, data
    assert isinstance(data["code"], str) and data["code"]
    assert isinstance(data["detail"], str) and data["detail"]
    assert isinstance(data["fields"], dict)
    if field is not None:
        assert field in data["fields"], data
        assert all(isinstance(message, str) for message in data["fields"][field]), data
    return data


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_request_is_a_4xx_envelope(client, company, method, path, kwargs, status, field):
    production = ProductionFactory(company=company)
    kwargs = dict(kwargs)
    if "data" in kwargs and "content_type" not in kwargs and "format" not in kwargs:
        kwargs["format"] = "json"
    response = getattr(client, method)("/api/v1" + path.format(pk=production.pk), **kwargs)
    assert_envelope(response, status, field)


def test_enough_cases():
    assert len(CASES) >= 30


def test_no_malformed_create_made_a_production(client):
    for _id, method, path, kwargs, _status, _field in CASES:
        if method == "post" and path == "/productions/":
            extra = {} if "content_type" in kwargs or "format" in kwargs else {"format": "json"}
            client.post("/api/v1" + path, **kwargs, **extra)
    assert not Production.objects.exists()


def test_missing_slash_detail_names_the_right_path(client):
    data = assert_envelope(client.get("/api/v1/productions"), 404)
    assert "/api/v1/productions/" in data["detail"]


def test_body_over_the_upload_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/api/v1/productions/", json.dumps({**VALID, "title": "x" * 5000}), content_type="application/json"
    )
    assert_envelope(response, 413)
    assert not Production.objects.exists()


@pytest.mark.parametrize(
    "authorization", ["Token", "Token a b", "Token not-a-real-token", "Bearer abc", "Basic !!!"]
)
def test_bad_authorization_header_is_401_envelope(authorization):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get("/api/v1/productions/")
    assert_envelope(response, 401)


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "someone"},
        {"username": ["a"], "password": "x"},
        {"username": "a", "password": "x", "remember": True},
        {"username": "a" * 151, "password": "x"},
    ],
    ids=["missing-password", "username-list", "unknown-field", "username-too-long"],
)
def test_malformed_token_request_is_400(payload):
    response = APIClient().post("/api/v1/auth/token/", payload, format="json")
    data = assert_envelope(response, 400)
    assert data["fields"]


def test_acting_for_a_foreign_organisation_is_404(client):
    other = CompanyFactory()
    assert_envelope(client.get("/api/v1/productions/", HTTP_X_ORGANIZATION=str(other.pk)), 404)


def test_member_of_two_organisations_without_header_is_400(company, member):
    user = member(company)
    Membership.objects.create(user=user, organization=CompanyFactory(), role=Membership.Role.MEMBER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    assert_envelope(client.get("/api/v1/productions/"), 400, "X-Organization")


class _When(InputSerializer):
    starts_at = AwareDateTimeField()


@pytest.mark.parametrize(
    "value", ["2026-03-01T08:00:00", "2026-03-01 08:00", "2026-02-30T08:00:00+08:00", 12345]
)
def test_naive_or_invalid_datetime_is_refused(value):
    data = _When(data={"starts_at": value})
    assert not data.is_valid()
    assert "starts_at" in data.errors


def test_aware_datetime_is_accepted():
    data = _When(data={"starts_at": "2026-03-01T08:00:00+08:00"})
    assert data.is_valid(), data.errors


def test_naive_datetime_error_leaves_as_field_envelope():
    from config.exceptions import api_exception_handler

    data = _When(data={"starts_at": "2026-03-01T08:00:00"})
    with pytest.raises(serializers.ValidationError) as caught:
        data.is_valid(raise_exception=True)
    response = api_exception_handler(caught.value, {})
    assert response.status_code == 400
    assert set(response.data) == {"code", "detail", "fields"}
    assert "starts_at" in response.data["fields"]


def test_a_value_the_database_refuses_is_a_400_envelope():
    from django.db import DataError

    from config.exceptions import api_exception_handler

    response = api_exception_handler(DataError('time zone displacement out of range: "+20:57"'), {})
    assert response.status_code == 400
    assert response.data["code"] == "invalid_value"
    assert set(response.data) == {"code", "detail", "fields"}


def test_ids_beyond_any_column_are_a_400(client, company):
    # PostgreSQL compares the huge id and finds no such person; SQLite's driver cannot bind it at all.
    production = ProductionFactory(company=company)
    body = {"production": production.pk, "episode": 1, "number": 1, "cast": [10**25]}
    assert_envelope(client.post("/api/v1/scenes/", body, format="json"), 400)
    response = client.get("/api/v1/scenes/?episode=" + "9" * 25)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert_envelope(response, 400)


#: the filter parameters that take a plain id (not a choice among the caller's objects)
ID_FILTERS = [("/bookings/", "base"), ("/deliveries/", "event"), ("/deliveries/", "endpoint")]


@pytest.mark.parametrize(("path", "parameter"), ID_FILTERS)
@pytest.mark.parametrize("value", ["1.5", "1e3", "0", "-1", "9" * 25])
def test_an_id_filter_takes_a_whole_id_or_answers_400_naming_it(company, member, path, parameter, value):
    # ?base=1.5 was read as base 1 (the column rounds it) and answered that base's bookings
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member(company, role=Membership.Role.OWNER))}")
    data = assert_envelope(client.get(f"/api/v1{path}", {parameter: value}), 400, parameter)
    assert len(data["fields"][parameter]) == 1, data


@pytest.mark.parametrize(("path", "parameter"), ID_FILTERS)
def test_an_id_filter_is_an_integer_in_the_schema(path, parameter):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    parameters = {item["name"]: item for item in schema["paths"][f"/api/v1{path}"]["get"]["parameters"]}
    assert parameters[parameter]["schema"]["type"] == "integer", parameters[parameter]


#: the yes/no filter parameters (declared or generated from a boolean column)
BOOLEAN_FILTERS = [("/productions/", "special_subject"), ("/webhook-endpoints/", "is_active")]


@pytest.mark.parametrize(("path", "parameter"), BOOLEAN_FILTERS)
@pytest.mark.parametrize("value", ["maybe", "yes", "2", "-1.5e308"])
def test_a_yes_no_filter_refuses_anything_but_true_or_false(company, member, path, parameter, value):
    # ?special_subject=maybe answered every production, as if the parameter had not been given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member(company, role=Membership.Role.OWNER))}")
    assert_envelope(client.get(f"/api/v1{path}", {parameter: value}), 400, parameter)


@pytest.mark.parametrize(("path", "parameter"), BOOLEAN_FILTERS)
@pytest.mark.parametrize("value", ["true", "false", "True", "1", "0", ""])
def test_a_yes_no_filter_takes_true_false_1_0_or_nothing(company, member, path, parameter, value):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member(company, role=Membership.Role.OWNER))}")
    assert client.get(f"/api/v1{path}", {parameter: value}).status_code == 200


def test_a_refused_yes_no_value_is_explained_in_chinese(company, member):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member(company, role=Membership.Role.OWNER))}")
    data = client.get("/api/v1/productions/", {"special_subject": "maybe"}).json()
    assert data["fields"]["special_subject"] == ["请填写 true 或 false。"]


def test_a_deeply_nested_body_to_the_review_api_is_a_400_in_the_readers_language(client):
    # the review viewset named DRF's JSONParser: RecursionError (500) and English parse errors
    response = client.post("/api/v1/review-submissions/", "[" * 100_000, content_type="application/json")
    assert_envelope(response, 400)
    response = client.post("/api/v1/review-submissions/", "\x00", content_type="application/json")
    assert_envelope(response, 400)
    assert response.json()["detail"] == "请求正文不是有效的 JSON（第 1 行，第 1 列）。"


def _parser_classes(view) -> list:
    """The parsers of a viewset and of each of its ``@action`` routes."""
    actions = [getattr(view, name) for name in dir(view) if hasattr(getattr(view, name), "mapping")]
    found = list(getattr(view, "parser_classes", []))
    for handler in actions:
        found += handler.kwargs.get("parser_classes", [])
    return found


def test_every_view_parses_json_with_the_hardened_parser():
    views = [viewset for _prefix, viewset, _basename in router.registry]
    views += [pattern.callback.cls for pattern in extra_urlpatterns if hasattr(pattern.callback, "cls")]
    plain = [
        (view.__name__, parser)
        for view in views
        for parser in _parser_classes(view)
        if issubclass(parser, parsers.JSONParser) and not issubclass(parser, JSONParser)
    ]
    assert plain == []
