"""The workspace's doors: the landing page, sign-in with the API's lockout, the organisation chooser and
each kind's home."""

import re

import pytest
from django.conf import settings
from django.test import Client

from studio.models import Membership, Organization
from studio.web.acting import SESSION_KEY
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = Organization.Kind


def _member(kind, role=Membership.Role.OWNER, **user):
    organization = OrganizationFactory(kind=kind)
    membership = MembershipFactory(organization=organization, role=role, user=UserFactory(**user))
    return membership.user, organization


def test_signed_out_root_is_a_landing_page_with_the_way_in():
    response = Client().get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/accounts/login/"' in page
    assert "拍摄圈" in page and "登录" in page


def test_pages_send_a_signed_out_visitor_to_sign_in_and_back():
    response = Client().get("/app/board/?date=2026-12-01")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/app/board/%3Fdate%3D2026-12-01"


def test_an_operator_signs_in_and_lands_on_the_board():
    user, _ = _member(Kind.BASE_OPERATOR, username="operator9")
    client = Client()
    response = client.post("/accounts/login/", {"username": "operator9", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/app/board/"


@pytest.mark.parametrize(
    ("kind", "home"),
    [
        (Kind.REVIEW_CENTRE, "/admin/review/reviewsubmission/"),
        (Kind.PRODUCTION_COMPANY, "/app/circle/"),
    ],
)
def test_each_kind_has_its_home(kind, home):
    user, _ = _member(kind)
    client = Client()
    client.force_login(user)
    assert client.get("/")["Location"] == home


def test_a_wrong_password_is_refused_in_place_and_repeated_failures_lock_the_account():
    _member(Kind.BASE_OPERATOR, username="operator8")
    client = Client()
    refused = client.post("/accounts/login/", {"username": "operator8", "password": "wrong"})
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "operator8", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "operator8", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()


def test_a_member_of_several_organisations_chooses_one_and_the_session_keeps_it():
    user, operator = _member(Kind.BASE_OPERATOR)
    centre = OrganizationFactory(kind=Kind.REVIEW_CENTRE)
    MembershipFactory(organization=centre, user=user, role=Membership.Role.REVIEWER)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response["Location"] == "/accounts/organization/?next=%2F"
    chooser = client.get(response["Location"]).content.decode()
    assert operator.name in chooser and centre.name in chooser

    response = client.post("/accounts/organization/", {"organization": centre.pk, "next": "/"})
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == centre.pk
    assert client.get("/")["Location"] == "/admin/review/reviewsubmission/"

    client.post("/accounts/organization/", {"organization": operator.pk, "next": "/"})
    assert client.get("/")["Location"] == "/app/board/"


def test_choosing_an_organisation_one_is_not_a_member_of_is_refused_like_a_missing_one():
    user, _ = _member(Kind.BASE_OPERATOR)
    MembershipFactory(user=user, organization=OrganizationFactory(kind=Kind.PRODUCTION_COMPANY))
    foreign = OrganizationFactory(kind=Kind.BASE_OPERATOR)
    client = Client()
    client.force_login(user)
    answers = [
        client.post("/accounts/organization/", {"organization": value, "next": "/"})
        for value in (foreign.pk, 10**12, "x")
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    # the same page each time, but for the masked CSRF token every page carries
    assert len({re.sub(rb"[A-Za-z0-9]{64}", b"", answer.content) for answer in answers}) == 1
    assert SESSION_KEY not in client.session


def test_the_chooser_never_redirects_off_site():
    user, organization = _member(Kind.BASE_OPERATOR)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/organization/", {"organization": organization.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_signing_out_is_a_post_and_ends_the_session():
    user, _ = _member(Kind.BASE_OPERATOR)
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/app/board/").status_code == 302


def test_the_language_switch_turns_pages_english():
    client = Client()
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in" in page and "登录" not in page
