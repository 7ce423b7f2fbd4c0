from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from config.exceptions import DomainError
from locations import services
from locations.models import Set, SetPhoto
from notifications.models import Event
from studio.models import Membership
from tests.admin_forms import change_form_data, inline_errors
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


# Saves go through the catalogue services (as the API's do) ------------------------------------------


def _png(width=64, height=48) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def _with_new_photo(client, set_, upload) -> dict:
    page = client.get(reverse("admin:locations_set_change", args=[set_.pk]))
    data = change_form_data(page)
    data.update({"photos-TOTAL_FORMS": "1", "photos-0-image": upload, "photos-0-position": "0"})
    return data


def _gif() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("ward.png", b"not an image at all", "image/png", None),  # Django's ImageField refuses it first
        ("ward.gif", _gif(), "image/gif", "Unsupported format."),
        ("ward.png", _png(400, 300), "image/png", "Too large."),
    ],
    ids=["not-an-image", "unsupported-format", "too-many-bytes"],
)
def test_a_bad_photo_uploaded_in_the_admin_is_a_form_error_and_nothing_is_saved(
    operator_admin, settings, name, content, content_type, message
):
    settings.LOCATIONS_PHOTO_MAX_BYTES = 1024
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator), name="旧名字")
    data = _with_new_photo(client, set_, SimpleUploadedFile(name, content, content_type=content_type))
    data["name"] = "新名字"  # changed in the same save: rolled back with the refused photo
    response = client.post(reverse("admin:locations_set_change", args=[set_.pk]), data)
    assert response.status_code == 200, response.content[:500]
    photo_errors = next(errors for prefix, errors, _top in inline_errors(response) if prefix == "photos")
    shown = " ".join(str(error) for error in photo_errors[0].get("image", []))
    assert shown, inline_errors(response)
    if message is not None:
        with translation.override("zh-hans"):
            assert translation.gettext(message) in shown
    assert not SetPhoto.objects.exists()
    assert Set.objects.get(pk=set_.pk).name == "旧名字"


def test_a_photo_over_the_pixel_budget_is_refused_in_the_admin(operator_admin, settings):
    settings.LOCATIONS_PHOTO_MAX_PIXELS = 1000
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator))
    upload = SimpleUploadedFile("ward.png", _png(64, 48), content_type="image/png")  # 3,072 pixels
    response = client.post(
        reverse("admin:locations_set_change", args=[set_.pk]), _with_new_photo(client, set_, upload)
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = translation.gettext("Too many pixels.")
    assert any(expected in str(errors) for _prefix, errors, _top in inline_errors(response))
    assert not SetPhoto.objects.exists()


def test_a_good_photo_uploaded_in_the_admin_is_added_by_the_service(operator_admin):
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator))
    upload = SimpleUploadedFile("dir/ward.png", _png(64, 48), content_type="image/png")
    response = client.post(
        reverse("admin:locations_set_change", args=[set_.pk]), _with_new_photo(client, set_, upload)
    )
    assert response.status_code == 302, inline_errors(response)
    photo = SetPhoto.objects.get(set=set_)
    assert (photo.width, photo.height) == (64, 48)


def test_base_changes_in_the_admin_go_through_base_update(operator_admin):
    client, operator = operator_admin
    base = BaseFactory(operator=operator, name="一号基地")
    page = client.get(reverse("admin:locations_base_change", args=[base.pk]))
    data = change_form_data(page)
    data.update(
        {
            "name": "一号影视基地",
            "requires_preliminary_review": "on",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "06:00",
            "opening_hours-0-closes": "22:00",
        }
    )
    response = client.post(reverse("admin:locations_base_change", args=[base.pk]), data)
    assert response.status_code == 302, (response.context["adminform"].form.errors, inline_errors(response))
    base.refresh_from_db()
    assert base.name == "一号影视基地" and base.requires_preliminary_review is True
    assert list(base.opening_hours.values_list("weekday", flat=True)) == [0]
    changed = [event.payload["changed"] for event in Event.objects.filter(type="base.updated")]
    assert ["name", "requires_preliminary_review"] in changed and ["opening_hours"] in changed


def test_a_set_added_in_the_admin_goes_through_set_create(operator_admin):
    client, operator = operator_admin
    base = BaseFactory(operator=operator)
    page = client.get(reverse("admin:locations_set_add"))
    data = change_form_data(page)
    data.update(
        {
            "base": base.pk,
            "name": "急诊室",
            "kind": "hospital_ward",
            "tags": '["医院"]',
            "amenities": "[]",
            "hourly_rate": "300",
            "day_rate": "4500",
            "day_length_hours": "14",
            "overtime_rate_per_hour": "300",
            "deposit": "1000",
            "turnover_minutes": "30",
        }
    )
    data.pop("is_active", None)  # added withdrawn: set_create, then sets_set_active
    response = client.post(reverse("admin:locations_set_add"), data)
    assert response.status_code == 302, (response.context["adminform"].form.errors, inline_errors(response))
    created = Set.objects.get(name="急诊室")
    assert created.is_active is False
    assert {event.type for event in Event.objects.filter(organization=operator)} >= {
        "set.created",
        "set.deactivated",
    }


def test_a_service_refusal_during_an_admin_save_is_a_form_error_and_rolls_back(operator_admin, monkeypatch):
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator), name="旧名字")
    data = _with_new_photo(client, set_, SimpleUploadedFile("a.png", _png(), content_type="image/png"))
    data["name"] = "新名字"

    def refuse(**kwargs):
        raise DomainError("refused", code="invalid", fields={"name": ["Not this name."]})

    monkeypatch.setattr(services, "set_update", refuse)
    response = client.post(reverse("admin:locations_set_change", args=[set_.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": ["Not this name."]}
    assert Set.objects.get(pk=set_.pk).name == "旧名字" and not SetPhoto.objects.exists()


def test_the_admin_travel_time_form_offers_no_withdrawn_base_of_another_operator(operator_admin):
    client, operator = operator_admin
    mine = BaseFactory(operator=operator, is_active=False)
    theirs = BaseFactory(is_active=False)
    listed = BaseFactory(is_active=True)
    form = client.get(reverse("admin:locations_traveltime_add")).context["adminform"].form
    offered = set(form.fields["base_a"].queryset.values_list("pk", flat=True))
    assert {mine.pk, listed.pk} <= offered and theirs.pk not in offered


def test_bases_and_sets_are_withdrawn_in_the_admin_never_deleted(operator_admin):
    client, operator = operator_admin
    set_ = SetFactory(base=BaseFactory(operator=operator))
    assert client.get(reverse("admin:locations_set_delete", args=[set_.pk])).status_code == 403
    assert client.get(reverse("admin:locations_base_delete", args=[set_.base.pk])).status_code == 403
