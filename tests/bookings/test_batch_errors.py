"""A batch's errors say the message and count items from 1 (第 3 项 is the third), in both languages."""

import pytest

from bookings.models import Booking
from tests.bookings.conftest import morning
from tests.bookings.test_api import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_api(api, world):
    return api(world.company_user, world.company)


def test_invalid_third_item_is_named_with_its_message(world, company_api):
    items = [body(world, set_=s) for s in world.sets]
    del items[2]["starts_at"]

    chinese = company_api.post("/api/v1/booking-batches/", {"items": items}, format="json")
    assert chinese.status_code == 400
    assert chinese.json()["detail"] == "输入无效：items › 第 3 项 › starts_at：该字段是必填项。"
    # fields mirror the request body: the third item's errors sit at its position in the list
    errors = chinese.json()["fields"]["items"]
    third = errors[2] if isinstance(errors, list) else errors["2"]
    assert third == {"starts_at": ["该字段是必填项。"]}

    english = company_api.post(
        "/api/v1/booking-batches/", {"items": items}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["detail"] == "Invalid input: items › item 3 › starts_at: This field is required."
    assert Booking.objects.count() == 0


def test_conflicting_fourth_item_counts_from_one(world, company_api):
    items = [body(world, set_=s) for s in world.sets] + [
        body(world, set_=world.sets[0], starts=morning(hour=10))
    ]
    chinese = company_api.post("/api/v1/booking-batches/", {"items": items}, format="json")
    assert chinese.status_code == 409
    assert chinese.json()["detail"].startswith("第 4 项：")
    assert chinese.json()["fields"]["items"]["3"]
    english = company_api.post(
        "/api/v1/booking-batches/", {"items": items}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["detail"].startswith("Item 4: ")
