"""Hidden is hidden: a deactivated set (or a set of a deactivated base) answers every request that names it
exactly like a set that does not exist, to everyone but its own operator.

Each case sends the same request twice with the same set id: once while the set exists but is hidden,
once after the row is deleted (truly missing). The two answers must be byte-for-byte the same.
"""

from datetime import timedelta

import pytest

from locations.models import Base, Set
from studio.models import Membership
from tests.bookings.conftest import morning
from tests.factories import MembershipFactory, OperatorFactory

pytestmark = pytest.mark.django_db


def _window(days=5):
    starts = morning(days=days)
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=4)).isoformat()}


def _booking_body(world, set_id):
    return {"set": set_id, "production": world.production.pk, **_window()}


REQUESTS = {
    "quote": ("/api/v1/bookings/quote/", lambda world, set_id: {"set": set_id, **_window()}),
    "booking": ("/api/v1/bookings/", _booking_body),
    "batch": ("/api/v1/booking-batches/", lambda world, set_id: {"items": [_booking_body(world, set_id)]}),
    "batch-skip-conflicts": (
        "/api/v1/booking-batches/",
        lambda world, set_id: {"items": [_booking_body(world, set_id)], "skip_conflicts": True},
    ),
    "waitlist": ("/api/v1/waitlist-entries/", _booking_body),
}


def _hide(world, how):
    if how == "set":
        Set.objects.filter(pk=world.set.pk).update(is_active=False)
    else:
        Base.objects.filter(pk=world.base.pk).update(is_active=False)


def _hidden_then_missing(client, world, url, make_body):
    set_id = world.set.pk
    hidden = client.post(url, make_body(world, set_id), format="json")
    Set.objects.filter(pk=set_id).delete()
    missing = client.post(url, make_body(world, set_id), format="json")
    return hidden, missing


@pytest.mark.parametrize("how", ["set", "base"])
@pytest.mark.parametrize("request_name", list(REQUESTS))
def test_a_company_cannot_tell_a_hidden_set_from_a_missing_one(world, api, how, request_name):
    url, make_body = REQUESTS[request_name]
    client = api(world.company_user, world.company)
    _hide(world, how)
    hidden, missing = _hidden_then_missing(client, world, url, make_body)
    assert missing.status_code == 400 and missing.json()["code"] == "invalid", missing.content
    assert str(world.set.pk) in missing.content.decode()  # the answer is about the set id
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)


@pytest.mark.parametrize("how", ["set", "base"])
def test_a_competing_operator_gets_no_quote_of_a_hidden_set(world, api, how):
    rival = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.MEMBER)
    client = api(rival.user, rival.organization)
    url, make_body = REQUESTS["quote"]
    # control: while the set is listed, anyone may price it
    listed = client.post(url, make_body(world, world.set.pk), format="json")
    assert listed.status_code == 200, listed.content
    _hide(world, how)
    hidden, missing = _hidden_then_missing(client, world, url, make_body)
    assert missing.status_code == 400
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    assert "cancellation_policy" not in hidden.content.decode()


def test_the_operator_still_prices_its_own_withdrawn_set(world, api):
    """Its operator sees a withdrawn set in ``/sets/`` and may still quote it (the rule of the catalogue)."""
    Set.objects.filter(pk=world.set.pk).update(is_active=False)
    client = api(world.operator_user, world.operator)
    assert client.get(f"/api/v1/sets/{world.set.pk}/").status_code == 200
    response = client.post("/api/v1/bookings/quote/", {"set": world.set.pk, **_window()}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["total"] == "1200.00"
