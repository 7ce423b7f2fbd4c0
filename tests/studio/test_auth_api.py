import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from studio.models import Membership
from tests.factories import PASSWORD, CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_then_me_lists_memberships(member):
    company = CompanyFactory(name="平原甜宠影业")
    user = member(company, role=Membership.Role.OWNER)
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == user.username
    assert [(m["role"], m["organization"]["name"]) for m in me["memberships"]] == [("owner", "平原甜宠影业")]


def test_wrong_password_is_401_in_envelope():
    user = UserFactory()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "fields"}


def test_unauthenticated_is_401():
    response = APIClient().get("/api/v1/productions/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_repeated_failures_lock_the_account_even_with_the_right_password(settings):
    user = UserFactory()
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_token_endpoint_is_throttled(monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "auth_token", "2/min")
    from django.core.cache import cache

    cache.clear()
    client = APIClient(REMOTE_ADDR="10.9.8.7")
    codes = [
        client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code
        for _ in range(3)
    ]
    assert codes[-1] == 429


def _acting_queries(client) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/productions/")
    assert response.status_code == 200, response.content[:300]
    return [query["sql"] for query in captured.captured_queries]


def test_token_and_acting_membership_are_read_in_one_query(member, api):
    company = CompanyFactory()
    user = member(company)
    with_header = _acting_queries(api(user, company))
    without_header = _acting_queries(api(user))
    # The header lets the token, the user and the membership come back together: one query fewer.
    assert len(with_header) == len(without_header) - 1
    assert "authtoken_token" in with_header[0] and "studio_membership" in with_header[0]


def test_token_with_another_organisation_is_404_and_a_bad_header_400(member, api):
    company, other = CompanyFactory(), CompanyFactory()
    client = api(member(company), other)
    assert client.get("/api/v1/productions/").status_code == 404
    client.defaults["HTTP_X_ORGANIZATION"] = "abc"
    response = client.get("/api/v1/productions/")
    assert response.status_code == 400
    assert "X-Organization" in response.json()["fields"]


def test_inactive_user_or_membership_cannot_act(member, api):
    company = CompanyFactory()
    user = member(company)
    client = api(user, company)
    Membership.objects.filter(user=user).update(is_active=False)
    assert client.get("/api/v1/productions/").status_code == 404
    Membership.objects.filter(user=user).update(is_active=True)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/api/v1/productions/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_unknown_token_is_401_with_or_without_organisation():
    company = CompanyFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40, HTTP_X_ORGANIZATION=str(company.pk))
    assert client.get("/api/v1/productions/").status_code == 401
