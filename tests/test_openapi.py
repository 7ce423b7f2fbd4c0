"""The OpenAPI document at ``/api/schema/`` is valid OpenAPI 3.0 and says what the server does.

Each response below is validated against the schema the document declares for it (``conforms``), so a
field the server sends as ``null`` must be declared nullable, a list must not be declared a page, and
so on. openapi-spec-validator checks the document itself.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30ReadValidator
from openapi_spec_validator import OpenAPIV30SpecValidator

from config.schema_view import clear_schema_cache
from studio.models import Membership
from tests.crews.conftest import plan  # noqa: F401  (the crews fixture: a company, crew A组 and a day)
from tests.crews.factories import CrewMemberFactory, SceneFactory
from tests.factories import (
    BaseFactory,
    CompanyFactory,
    DeliveryFactory,
    EventFactory,
    MembershipFactory,
    OpeningHoursFactory,
    ProductionFactory,
    ReviewSubmissionFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    """The document as the view builds it (no rows are read: views get a placeholder organisation)."""
    with translation.override("zh-hans"):
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def conforms(document, path, method, status, body):
    """Validate a response body against the schema the document declares for it."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    root = {**schema, "components": document["components"]}
    errors = [error.message for error in OAS30ReadValidator(root).iter_errors(body)]
    assert errors == [], errors


def _owner_client(api, company=None):
    company = company or CompanyFactory()
    owner = MembershipFactory(organization=company, role=Membership.Role.OWNER).user
    return company, api(owner, company)


@pytest.mark.request_seconds(60)  # the first request builds the document (seconds, on a busy machine)
def test_served_schema_passes_openapi_spec_validator(client):
    clear_schema_cache()
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    errors = [error.message for error in OpenAPIV30SpecValidator(response.json()).iter_errors()]
    assert errors == []


@pytest.mark.request_seconds(60)
def test_schema_is_built_once_per_process_and_language(client, monkeypatch):
    clear_schema_cache()
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = client.get("/api/schema/?format=json")
    second = client.get("/api/schema/?format=json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(calls) == 1
    english = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert len(calls) == 2  # translated per language
    assert (
        english.json()["components"]["schemas"]["BaseKindEnum"]["description"]
        != (first.json()["components"]["schemas"]["BaseKindEnum"]["description"])
    )


def test_deliveries_with_no_endpoint_or_no_address_conform(document, api):
    company, client = _owner_client(api)
    event = EventFactory(organization=company)
    DeliveryFactory(event=event)  # email: no endpoint
    endpoint = WebhookEndpointFactory(organization=company)
    DeliveryFactory(event=event, endpoint=endpoint, channel="webhook")  # webhook: no address
    response = client.get("/api/v1/deliveries/")
    assert response.status_code == 200
    assert {row["endpoint"] for row in response.json()["results"]} == {None, endpoint.pk}
    assert {row["to_address"] == "" for row in response.json()["results"]} == {True, False}
    conforms(document, "/api/v1/deliveries/", "get", 200, response.json())


def test_an_event_without_an_actor_conforms(document, api):
    # events a task records (a lapsed hold, a delivery given up) have no acting user
    company, client = _owner_client(api)
    production = ProductionFactory(company=company)
    kind = ContentType.objects.get_for_model(production)
    event = EventFactory(organization=company, actor=None, subject_type=kind, subject_id=production.pk)
    response = client.get(f"/api/v1/events/{event.pk}/")
    assert response.status_code == 200
    assert response.json()["actor"] is None
    conforms(document, "/api/v1/events/{id}/", "get", 200, response.json())
    conforms(document, "/api/v1/events/", "get", 200, client.get("/api/v1/events/").json())


def test_first_review_submission_has_no_previous_version_and_conforms(document, api):
    company, client = _owner_client(api)
    submission = ReviewSubmissionFactory(production=ProductionFactory(company=company))
    response = client.get(f"/api/v1/review-submissions/{submission.pk}/")
    assert response.status_code == 200
    assert response.json()["previous_version"] is None
    conforms(document, "/api/v1/review-submissions/{id}/", "get", 200, response.json())


def test_shoot_day_conflicts_are_a_list_as_documented(document, plan):  # noqa: F811
    response = plan.client.get(f"/api/v1/shoot-days/{plan.day.pk}/conflicts/")
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    conforms(document, "/api/v1/shoot-days/{id}/conflicts/", "get", 200, response.json())


def test_circle_plans_document_the_200_they_answer(document):
    responses = document["paths"]["/api/v1/circle-plans/"]["post"]["responses"]
    assert "200" in responses
    assert "201" not in responses


def test_opening_hours_are_a_local_time_of_day(document, api):
    base = BaseFactory()
    OpeningHoursFactory(base=base)
    _company, client = _owner_client(api)
    response = client.get(f"/api/v1/bases/{base.pk}/")
    assert response.status_code == 200
    assert response.json()["opening_hours"][0]["opens"] == "06:00:00"
    conforms(document, "/api/v1/bases/{id}/", "get", 200, response.json())
    opens = document["components"]["schemas"]["OpeningHours"]["properties"]["opens"]
    assert "format" not in opens
    assert opens["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/crews/{id}/", "PatchedCrewUpdateInRequest"),
        ("/api/v1/crew-members/{id}/", "PatchedCrewMemberUpdateInRequest"),
        ("/api/v1/scenes/{id}/", "PatchedSceneUpdateInRequest"),
        ("/api/v1/shoot-days/{id}/", "PatchedShootDayUpdateInRequest"),
    ],
)
def test_patch_is_documented_with_the_update_input_all_optional(document, path, component):
    body = document["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}
    schema = document["components"]["schemas"][component]
    assert "required" not in schema
    assert schema["additionalProperties"] is False
    refused = {"crew", "person", "production", "status", "date", "shot_on", "id", "created_at"}
    assert refused.isdisjoint(schema["properties"])


def test_every_patch_request_schema_is_partial(document):
    for path, operations in document["paths"].items():
        if "patch" not in operations or "requestBody" not in operations["patch"]:
            continue
        ref = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert "required" not in schema, path


def test_every_patch_and_put_answers_what_get_reads(document):
    """An update answers with the object as it is read, never documented as its own input."""
    checked = []
    for path, operations in document["paths"].items():
        if "get" not in operations or not {"put", "patch"} & set(operations):
            continue
        read = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        for method in ("put", "patch"):
            if method in operations:
                answer = operations[method]["responses"]["200"]["content"]["application/json"]["schema"]
                assert answer == read, (method, path)
                checked.append(path)
    assert "/api/v1/productions/{id}/" in checked
    assert "/api/v1/webhook-endpoints/{id}/" in checked


def test_a_patched_production_and_endpoint_conform(document, api, settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS = True  # the endpoint is a loopback address
    company, client = _owner_client(api)
    production = ProductionFactory(company=company)
    endpoint = WebhookEndpointFactory(organization=company, url="http://127.0.0.1:9/hook")
    for path, pk, body in [
        ("/api/v1/productions/{id}/", production.pk, {"episode_count": 80}),
        ("/api/v1/webhook-endpoints/{id}/", endpoint.pk, {"is_active": False}),
    ]:
        response = client.patch(path.format(id=pk), body, format="json")
        assert response.status_code == 200, (path, response.content)
        assert response.json()["id"] == pk
        conforms(document, path, "patch", 200, response.json())


def test_empty_patch_changes_nothing_and_answers_200(plan, document):  # noqa: F811
    member = CrewMemberFactory(crew=plan.crew)
    scene = SceneFactory(production=plan.production)
    for path, pk in [
        ("/api/v1/crews/{id}/", plan.crew.pk),
        ("/api/v1/crew-members/{id}/", member.pk),
        ("/api/v1/scenes/{id}/", scene.pk),
        ("/api/v1/shoot-days/{id}/", plan.day.pk),
    ]:
        response = plan.client.patch(path.format(id=pk), {}, format="json")
        assert response.status_code == 200, (path, response.content)
        conforms(document, path, "patch", 200, response.json())
    plan.crew.refresh_from_db()
    assert plan.crew.name == "A组"


def test_unknown_fields_and_page_bounds_are_declared(document):
    assert document["components"]["schemas"]["CrewInRequest"]["additionalProperties"] is False
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/crews/"]["get"]["parameters"]}
    assert parameters["page"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}


def test_operations_are_tagged_by_resource(document):
    tags = {tag["name"] for tag in document["tags"]}
    assert {"crews", "shoot-days", "sets", "bookings", "review-submissions"} <= tags
    assert "v1" not in tags
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation and path.startswith("/api/v1/"):
                assert operation["tags"] == [path.split("/")[3]], path


def test_no_default_breaks_its_own_format(document):
    person_email = document["components"]["schemas"]["PersonInRequest"]["properties"]["email"]
    assert "default" not in json.dumps(person_email)
    assert "default" not in document["components"]["schemas"]["DeliveryOut"]["properties"]["to_address"]


def test_every_query_parameter_is_described_and_choices_carry_their_labels(document):
    undescribed = [
        f"{method} {path} {parameter['name']}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not parameter.get("description")
    ]
    assert undescribed == []
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/sets/"]["get"]["parameters"]}
    assert "travel_minutes" in parameters["near_place"]["description"]
    assert "minutes" in parameters["within_minutes"]["description"]
    assert "available_to" in parameters["available_from"]["description"]
    assert "* `villa` - 别墅" in parameters["kind"]["description"]


def test_an_action_on_one_object_takes_no_list_parameters(document):
    names = {p["name"] for p in document["paths"]["/api/v1/shoot-days/{id}/conflicts/"]["get"]["parameters"]}
    assert names.isdisjoint({"page", "page_size", "crew", "date", "ordering"})


def test_an_idempotency_key_outside_its_documented_pattern_is_refused(api):
    _company, client = _owner_client(api)
    response = client.post("/api/v1/productions/", {}, format="json", HTTP_IDEMPOTENCY_KEY="two words")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["Idempotency-Key"]


def test_an_invalid_choice_names_the_valid_values_with_their_labels(api):
    _company, client = _owner_client(api)
    response = client.get("/api/v1/sets/", {"kind": "别墅"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "别墅" in detail.split("别墅", 1)[1]  # the refused value, then the label among the valid ones
    assert "villa" in detail
    assert "hospital_ward" in detail
    message = response.json()["fields"]["kind"]
    assert "villa" in json.dumps(message, ensure_ascii=False)
