import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio.models import Membership, Organization, Production
from tests.factories import CompanyFactory, ProductionFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "闪婚后，豪门总裁宠上天",
    "genre": "romance",
    "episode_count": 80,
    "minutes_per_episode": "1.5",
    "total_investment": "1200000.00",
    "planned_start": "2026-12-01",
    "planned_end": "2026-12-07",
}


def test_company_lists_only_its_own_productions(member, api):
    company, other = CompanyFactory(), CompanyFactory()
    mine = ProductionFactory.create_batch(3, company=company)
    ProductionFactory.create_batch(2, company=other)
    response = api(member(company), company).get("/api/v1/productions/")
    assert response.status_code == 200
    assert sorted(p["id"] for p in response.json()["results"]) == sorted(p.pk for p in mine)


def test_other_companys_production_is_404(member, api):
    company, other = CompanyFactory(), CompanyFactory()
    theirs = ProductionFactory(company=other)
    client = api(member(company), company)
    assert client.get(f"/api/v1/productions/{theirs.pk}/").status_code == 404
    response = client.patch(f"/api/v1/productions/{theirs.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_coordinator_creates_production(member, api):
    company = CompanyFactory()
    response = api(member(company), company).post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 201, response.json()
    production = Production.objects.get(pk=response.json()["id"])
    assert production.company == company
    assert str(production.total_investment) == "1200000.00"


def test_plain_member_cannot_create_production(member, api):
    company = CompanyFactory()
    response = api(member(company, role=Membership.Role.MEMBER), company).post(
        "/api/v1/productions/", VALID, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Production.objects.exists()


def test_base_operator_cannot_create_production(member, api):
    user = member(kind=Organization.Kind.BASE_OPERATOR, role=Membership.Role.OWNER)
    response = api(user).post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 403
    assert not Production.objects.exists()


def test_duplicate_title_is_field_level_400(member, api):
    company = CompanyFactory()
    ProductionFactory(company=company, title=VALID["title"])
    response = api(member(company), company).post("/api/v1/productions/", VALID, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["fields"]


def test_end_before_start_is_400(member, api):
    company = CompanyFactory()
    body = {**VALID, "planned_end": "2026-11-01"}
    response = api(member(company), company).post("/api/v1/productions/", body, format="json")
    assert response.status_code == 400
    assert "planned_end" in response.json()["fields"]


def test_list_query_count_is_constant_in_page_size(member, api):
    company = CompanyFactory()
    client = api(member(company), company)
    ProductionFactory.create_batch(3, company=company)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/productions/?page_size=3").status_code == 200
    ProductionFactory.create_batch(30, company=company)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/productions/?page_size=33").status_code == 200
    assert len(many) == len(few)


def test_user_with_two_organisations_must_choose(member, api):
    first, second = CompanyFactory(), CompanyFactory()
    user = member(first)
    Membership.objects.create(user=user, organization=second, role=Membership.Role.MEMBER)
    ProductionFactory(company=second, title="B")
    response = api(user).get("/api/v1/productions/")
    assert response.status_code == 400
    assert "X-Organization" in response.json()["fields"]
    response = api(user, second).get("/api/v1/productions/")
    assert [p["title"] for p in response.json()["results"]] == ["B"]


def test_acting_for_an_organisation_you_do_not_belong_to_is_404(member, api):
    company, stranger = CompanyFactory(), CompanyFactory()
    response = api(member(company), stranger).get("/api/v1/productions/")
    assert response.status_code == 404


def test_status_is_not_writable_directly(member, api):
    company = CompanyFactory()
    production = ProductionFactory(company=company)
    response = api(member(company), company).patch(
        f"/api/v1/productions/{production.pk}/", {"status": "released"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
    production.refresh_from_db()
    assert production.status == Production.Status.DEVELOPMENT


def test_transition_follows_the_lifecycle(member, api):
    company = CompanyFactory()
    production = ProductionFactory(company=company)
    client = api(member(company), company)
    url = f"/api/v1/productions/{production.pk}/transition/"
    assert client.post(url, {"status": "pre_production"}, format="json").json()["status"] == "pre_production"
    response = client.post(url, {"status": "released"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert client.post(url, {"status": "shooting"}, format="json").status_code == 200
    production.refresh_from_db()
    assert production.status == Production.Status.SHOOTING


def test_transition_of_another_companys_production_is_404(member, api):
    company, other = CompanyFactory(), CompanyFactory()
    theirs = ProductionFactory(company=other)
    response = api(member(company), company).post(
        f"/api/v1/productions/{theirs.pk}/transition/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 404


def test_production_shows_its_review_tier_and_filters_by_it(member, api):
    company = CompanyFactory()
    client = api(member(company), company)
    big = client.post(
        "/api/v1/productions/", {**VALID, "total_investment": "5000000.00"}, format="json"
    ).json()
    small = client.post(
        "/api/v1/productions/", {**VALID, "title": "小成本", "total_investment": "200000.00"}, format="json"
    ).json()
    assert big["tier"] == "key"
    assert small["tier"] == "other"
    listed = client.get("/api/v1/productions/?tier=key").json()["results"]
    assert [p["id"] for p in listed] == [big["id"]]
