from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from locations.models import Set
from studio.models import Membership
from tests.factories import BaseFactory, MembershipFactory, OperatorFactory, SetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_admin():
    operator = OperatorFactory()
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=operator, role=Membership.Role.MANAGER)
    client = Client()
    client.force_login(user)
    return client, operator


def test_operator_lists_and_edits_only_its_own_bases_and_sets(operator_admin):
    client, operator = operator_admin
    mine = SetFactory(base=BaseFactory(operator=operator, name="我的基地"), name="我的病房")
    theirs = SetFactory(base=BaseFactory(name="别人的基地"), name="别人的病房")
    page = client.get(reverse("admin:locations_set_changelist")).content.decode()
    assert "我的病房" in page and "别人的病房" not in page
    page = client.get(reverse("admin:locations_base_changelist")).content.decode()
    assert "我的基地" in page and "别人的基地" not in page
    assert client.get(reverse("admin:locations_set_change", args=[mine.pk])).status_code == 200
    # Outside the admin's queryset, as if missing: the admin redirects to its index.
    response = client.get(reverse("admin:locations_set_change", args=[theirs.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.get(reverse("admin:locations_base_change", args=[theirs.base.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    page = client.get(reverse("admin:locations_base_change", args=[mine.base.pk])).content.decode()
    assert "我的病房" in page  # inline sets


def test_bulk_actions_only_touch_own_sets(operator_admin):
    client, operator = operator_admin
    mine = SetFactory(base=BaseFactory(operator=operator))
    theirs = SetFactory()
    url = reverse("admin:locations_set_changelist")
    client.post(url, {"action": "deactivate", "_selected_action": [mine.pk, theirs.pk]})
    assert Set.objects.get(pk=mine.pk).is_active is False
    assert Set.objects.get(pk=theirs.pk).is_active is True
    response = client.post(url, {"action": "set_rates", "_selected_action": [mine.pk]})
    assert response.status_code == 200 and b"apply" in response.content
    client.post(
        url,
        {"action": "set_rates", "_selected_action": [mine.pk, theirs.pk], "apply": "1", "hourly_rate": "450"},
    )
    assert Set.objects.get(pk=mine.pk).hourly_rate == Decimal("450.00")
    assert Set.objects.get(pk=theirs.pk).hourly_rate == Decimal("300.00")


def test_admin_csv_import_rejects_a_bad_file_and_loads_a_good_one(operator_admin):
    client, operator = operator_admin
    BaseFactory(operator=operator, name="一号基地")
    url = reverse("admin:locations_set_import")
    assert client.get(url).status_code == 200
    header = "base,name,kind,hourly_rate,day_rate,overtime_rate_per_hour,deposit\n"
    bad = (
        header + "一号基地,病房1,hospital_ward,300,4500,300,1000\n一号基地,病房2,nonsense,300,4500,300,1000\n"
    )
    response = client.post(url, {"operator": operator.pk, "file": SimpleUploadedFile("a.csv", bad.encode())})
    assert response.status_code == 200
    assert "3" in response.content.decode() and not Set.objects.exists()
    good = header + "一号基地,病房1,病房,300,4500,300,1000\n"
    response = client.post(url, {"operator": operator.pk, "file": SimpleUploadedFile("a.csv", good.encode())})
    assert response.status_code == 302
    assert Set.objects.get().kind == "hospital_ward"


def test_operator_cannot_import_for_another_operator(operator_admin):
    client, _operator = operator_admin
    other = OperatorFactory()
    BaseFactory(operator=other, name="一号基地")
    body = "base,name,kind,hourly_rate,day_rate,overtime_rate_per_hour,deposit\n"
    body += "一号基地,病房1,病房,300,4500,300,1000\n"
    response = client.post(
        reverse("admin:locations_set_import"),
        {"operator": other.pk, "file": SimpleUploadedFile("a.csv", body.encode())},
    )
    assert response.status_code == 200  # the form refuses an operator outside the user's own
    assert not Set.objects.exists()
