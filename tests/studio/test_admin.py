"""The studio admin is scoped like the API: a company's staff see their own rows only; superusers see all."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from studio.models import Membership, Production
from tests.factories import PASSWORD, CompanyFactory, MembershipFactory, ProductionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    return CompanyFactory(name="平原甜宠影业"), CompanyFactory(name="郑州霸总传媒")


def staff_of(company, role=Membership.Role.COORDINATOR):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=company, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_company_staff_lists_only_their_productions(companies):
    mine, theirs = companies
    ProductionFactory(company=mine, title="闪婚总裁")
    ProductionFactory(company=theirs, title="战神归来")
    response = staff_of(mine).get("/admin/studio/production/")
    assert response.status_code == 200
    assert "闪婚总裁" in response.content.decode()
    assert "战神归来" not in response.content.decode()


def test_company_staff_cannot_open_another_companys_production(companies):
    mine, theirs = companies
    production = ProductionFactory(company=theirs)
    client = staff_of(mine)
    # Outside the admin's queryset, as if missing: the admin redirects to its index.
    response = client.get(f"/admin/studio/production/{production.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.post(f"/admin/studio/production/{production.pk}/delete/", {"post": "yes"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Production.objects.filter(pk=production.pk).exists()


def test_company_staff_sees_only_their_organisation(companies):
    mine, theirs = companies
    client = staff_of(mine)
    body = client.get("/admin/studio/organization/").content.decode()
    assert mine.name in body and theirs.name not in body
    response = client.get(f"/admin/studio/organization/{theirs.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    own = client.get(f"/admin/studio/organization/{mine.pk}/change/")
    assert own.status_code == 200
    assert "memberships" in own.content.decode()  # the membership inline


def test_superuser_sees_everything(companies):
    mine, theirs = companies
    ProductionFactory(company=mine, title="闪婚总裁")
    ProductionFactory(company=theirs, title="战神归来")
    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client()
    client.force_login(admin_user)
    body = client.get("/admin/studio/production/").content.decode()
    assert "闪婚总裁" in body and "战神归来" in body


def test_staff_without_membership_sees_no_studio_models():
    user = UserFactory(is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/studio/production/").status_code == 403


def test_staff_creates_a_production_through_the_service(companies):
    mine, theirs = companies
    client = staff_of(mine)
    form = {
        "company": mine.pk,
        "title": "逆袭人生",
        "genre": "revenge",
        "episode_count": 80,
        "minutes_per_episode": "1.5",
        "total_investment": "500000.00",
    }
    response = client.post("/admin/studio/production/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Production.objects.get(title="逆袭人生").company == mine
    response = client.post(
        "/admin/studio/production/add/", {**form, "title": "别人的剧", "company": theirs.pk}
    )
    assert response.status_code == 200  # the other company is not a choice
    assert not Production.objects.filter(title="别人的剧").exists()


def test_admin_is_chinese_by_default(companies):
    body = staff_of(companies[0]).get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in body
    assert "<title>管理首页 | 拍摄圈</title>" in body
    assert '<button type="submit">注销</button>' in body


def test_failed_admin_logins_lock_the_account_out(settings):
    user = UserFactory(is_staff=True)
    client = Client()
    statuses = [
        client.post(
            "/admin/login/?next=/admin/", {"username": user.username, "password": "wrong"}
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the limit-th failure locks out
    response = client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def _move(client, action, productions):
    return client.post(
        "/admin/studio/production/",
        {"action": action, "_selected_action": [production.pk for production in productions]},
        follow=True,
    )


def test_company_staff_moves_productions_along_the_workflow_and_a_refused_row_is_a_message(companies):
    mine, _theirs = companies
    developing = ProductionFactory(company=mine, status=Production.Status.DEVELOPMENT)
    released = ProductionFactory(company=mine, status=Production.Status.RELEASED)
    response = _move(staff_of(mine), "prepare", [developing, released])
    developing.refresh_from_db()
    released.refresh_from_db()
    assert developing.status == Production.Status.PRE_PRODUCTION
    assert released.status == Production.Status.RELEASED
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(texts) == 2
    assert texts[0].startswith(f"{released}: ") and "1" in texts[1]


def test_a_member_without_a_planning_role_is_offered_no_status_action(companies):
    mine, _theirs = companies
    production = ProductionFactory(company=mine, status=Production.Status.DEVELOPMENT)
    client = staff_of(mine, role=Membership.Role.MEMBER)
    listing = client.get("/admin/studio/production/")
    assert listing.status_code == 200 and listing.context["action_form"] is None
    _move(client, "prepare", [production])
    production.refresh_from_db()
    assert production.status == Production.Status.DEVELOPMENT


def test_whose_a_row_is_is_read_without_loading_its_organisation(companies, django_assert_num_queries):
    """Asked for every read-only relation a change page links (one per inline row): no query each."""
    from django.contrib import admin

    production = Production.objects.get(pk=ProductionFactory(company=companies[0]).pk)
    with django_assert_num_queries(0):
        assert admin.site._registry[Production]._owner_id(production) == companies[0].pk
