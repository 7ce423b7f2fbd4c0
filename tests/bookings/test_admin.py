"""The bookings admin: each participant sees its own rows; actions call the services and report refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Booking
from studio.models import Membership
from tests.factories import BookingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff(world, organization):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=organization, role=Membership.Role.OWNER)
    return user


def test_operator_confirms_from_the_admin_and_a_refusal_is_a_message(client, world):
    held = BookingFactory(production=world.production, set=world.set, status=Booking.Status.HELD)
    done = BookingFactory(production=world.production, set=world.sets[1], status=Booking.Status.CANCELLED)
    foreign = BookingFactory(status=Booking.Status.HELD)
    client.force_login(_staff(world, world.operator))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert listing.status_code == 200
    shown = {row.pk for row in listing.context["cl"].queryset}
    assert shown == {held.pk, done.pk}
    response = client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "confirm", "_selected_action": [held.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"#{done.pk}" in text for text in texts)
    response = client.get(reverse("admin:bookings_booking_change", args=[foreign.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # as if missing


def test_company_sees_its_own_bookings_only(client, world):
    mine = BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.productions[1], set=world.sets[1])
    client.force_login(_staff(world, world.company))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert {row.pk for row in listing.context["cl"].queryset} == {mine.pk}
