"""The crews admin: scoped like the API, and every save goes through the roster and scene services."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from crews.models import Person, Scene
from notifications.models import Event
from studio.models import Membership
from tests.admin_forms import change_form_data, inline_errors
from tests.crews.factories import CrewFactory, CrewMemberFactory, PersonFactory, SceneFactory
from tests.factories import CompanyFactory, MembershipFactory, ProductionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_admin():
    company = CompanyFactory()
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=company, role=Membership.Role.COORDINATOR)
    client = Client()
    client.force_login(user)
    return client, company


def test_the_scene_cast_picker_offers_only_the_scenes_companys_people(company_admin):
    client, company = company_admin
    scene = SceneFactory(production=ProductionFactory(company=company))
    ours = PersonFactory(company=company, name="林小雨")
    theirs = PersonFactory(name="别家演员")
    page = client.get(reverse("admin:crews_scene_change", args=[scene.pk]))
    offered = set(page.context["adminform"].form.fields["cast"].queryset)
    assert offered == {ours}
    assert "别家演员" not in page.content.decode()

    data = change_form_data(page)
    data["cast"] = [str(ours.pk), str(theirs.pk)]
    refused = client.post(reverse("admin:crews_scene_change", args=[scene.pk]), data)
    assert refused.status_code == 200 and "cast" in refused.context["adminform"].form.errors
    assert not scene.cast.exists()


def test_a_scene_saved_in_the_admin_goes_through_scene_update(company_admin, monkeypatch):
    from crews.services import scenes

    client, company = company_admin
    scene = SceneFactory(production=ProductionFactory(company=company), description="")
    actor = PersonFactory(company=company)
    calls = []
    original = scenes.scene_update
    monkeypatch.setattr(
        "crews.services.scene_update", lambda **kwargs: calls.append(sorted(kwargs)) or original(**kwargs)
    )
    page = client.get(reverse("admin:crews_scene_change", args=[scene.pk]))
    data = change_form_data(page)
    data.update({"cast": [str(actor.pk)], "description": "天台对峙"})
    response = client.post(reverse("admin:crews_scene_change", args=[scene.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert calls == [["by", "cast", "description", "scene"]]
    scene.refresh_from_db()
    assert scene.description == "天台对峙" and list(scene.cast.all()) == [actor]


def test_a_scene_number_taken_in_the_production_is_a_form_error_not_a_500(company_admin):
    client, company = company_admin
    production = ProductionFactory(company=company)
    SceneFactory(production=production, episode=1, number=2)
    scene = SceneFactory(production=production, episode=1, number=3)
    page = client.get(reverse("admin:crews_scene_change", args=[scene.pk]))
    data = {**change_form_data(page), "number": "2"}
    response = client.post(reverse("admin:crews_scene_change", args=[scene.pk]), data)
    assert response.status_code == 200
    assert "number" in response.context["adminform"].form.errors
    assert Scene.objects.get(pk=scene.pk).number == 3


def test_a_person_added_in_the_admin_goes_through_person_create(company_admin):
    client, company = company_admin
    page = client.get(reverse("admin:crews_person_add"))
    offered = set(page.context["adminform"].form.fields["company"].queryset)
    assert offered == {company}
    data = {
        **change_form_data(page),
        "company": company.pk,
        "name": "周晓",
        "phone": "13800000000",
        "roles": ["actor", "director"],
        "day_rate": "800",
        "is_active": "on",
    }
    response = client.post(reverse("admin:crews_person_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(name="周晓")
    assert person.company == company
    assert person.roles == ["actor", "director"]
    assert Event.objects.filter(type="person.created", subject_id=str(person.pk)).exists()


def test_the_person_form_offers_roles_in_words_and_the_companys_accounts_as_a_list(company_admin):
    """No JSON list of role codes, and no raw-id lookup opening the user list (a 403 for company staff)."""
    client, company = company_admin
    member = MembershipFactory(organization=company).user
    stranger = MembershipFactory().user
    person = PersonFactory(company=company, roles=["actor"])
    page = client.get(reverse("admin:crews_person_change", args=[person.pk]))
    html = page.content.decode()
    assert '<input type="checkbox" name="roles" value="actor"' in html
    assert re.search(r'<input type="checkbox" name="roles" value="actor"[^>]*checked', html)
    assert "演员" in html and "[&quot;actor&quot;]" not in html and '["actor"]' not in html
    user_field = page.context["adminform"].form.fields["user"]
    assert set(user_field.queryset) >= {member} and stranger not in set(user_field.queryset)
    assert 'id="lookup_id_user"' not in html and "/admin/auth/user/" not in html
    assert re.search(r'<select name="user"[^>]*>', html)


def test_a_person_cannot_be_linked_to_another_organisations_user_account(company_admin):
    client, company = company_admin
    person = PersonFactory(company=company)
    stranger = MembershipFactory().user
    member = MembershipFactory(organization=company).user
    page = client.get(reverse("admin:crews_person_change", args=[person.pk]))
    data = {**change_form_data(page), "user": str(stranger.pk)}
    refused = client.post(reverse("admin:crews_person_change", args=[person.pk]), data)
    assert refused.status_code == 200 and "user" in refused.context["adminform"].form.errors
    assert stranger.username not in refused.content.decode()  # the list names no stranger
    data["user"] = str(member.pk)
    accepted = client.post(reverse("admin:crews_person_change", args=[person.pk]), data)
    assert accepted.status_code == 302
    person.refresh_from_db()
    assert person.user == member
    assert Event.objects.filter(type="person.updated", subject_id=str(person.pk)).exists()


def test_crew_members_are_changed_and_removed_through_the_roster_services(company_admin):
    client, company = company_admin
    crew = CrewFactory(production=ProductionFactory(company=company))
    kept = CrewMemberFactory(crew=crew)
    removed = CrewMemberFactory(crew=crew)
    page = client.get(reverse("admin:crews_crew_change", args=[crew.pk]))
    data = change_form_data(page)
    prefix = next(prefix for prefix, _errors, _top in inline_errors(page))
    rows = {int(data[f"{prefix}-{index}-id"]): index for index in range(2)}
    data[f"{prefix}-{rows[kept.pk]}-ends_on"] = kept.starts_on.replace(
        year=kept.starts_on.year - 1
    ).isoformat()
    response = client.post(reverse("admin:crews_crew_change", args=[crew.pk]), data)
    assert response.status_code == 200  # crew_member_update: the end is before the start
    assert any(errors for _prefix, errors, _top in inline_errors(response) for errors in errors)
    data[f"{prefix}-{rows[kept.pk]}-ends_on"] = ""
    data[f"{prefix}-{rows[removed.pk]}-DELETE"] = "on"
    response = client.post(reverse("admin:crews_crew_change", args=[crew.pk]), data)
    assert response.status_code == 302
    assert list(crew.members.values_list("pk", flat=True)) == [kept.pk]


def test_the_crew_page_takes_the_same_number_of_queries_whatever_its_members(company_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, company = company_admin
    crew = CrewFactory(production=ProductionFactory(company=company))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:crews_crew_change", args=[crew.pk])).status_code == 200
        return len(captured)

    CrewMemberFactory(crew=crew)
    one = queries()
    for _ in range(4):
        CrewMemberFactory(crew=crew)
    assert queries() == one
