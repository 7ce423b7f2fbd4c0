"""The bookings admin: each participant sees its own rows; actions call the services and report refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import Booking
from studio.models import Membership
from tests.factories import BaseFactory, BookingFactory, MembershipFactory, SetFactory, UserFactory

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


def _base_choices(listing) -> set[str]:
    for spec in listing.context["cl"].filter_specs:
        if getattr(spec, "field_path", None) == "set__base":
            return {label for _pk, label in spec.lookup_choices}
    return set()


def test_the_base_filter_offers_the_operators_own_bases_only(client, world):
    second = SetFactory(base=BaseFactory(operator=world.operator, name="平原二号基地"))
    rival = SetFactory(base=BaseFactory(name="别家基地"))
    BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.productions[1], set=second)
    BookingFactory(production=world.productions[2], set=rival)
    client.force_login(_staff(world, world.operator))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert _base_choices(listing) == {"平原影视基地", "平原二号基地"}
    assert "别家基地" not in listing.content.decode()


def test_a_companys_base_filter_offers_the_bases_it_booked_only(client, world):
    elsewhere = SetFactory(base=BaseFactory(name="横店某基地"))
    BaseFactory(name="从未合作的基地")
    BookingFactory(production=world.production, set=world.set)
    BookingFactory(production=world.production, set=elsewhere)
    BookingFactory(production=world.productions[1], set=SetFactory(base=BaseFactory(name="别家订的基地")))
    client.force_login(_staff(world, world.company))
    listing = client.get(reverse("admin:bookings_booking_changelist"))
    assert _base_choices(listing) == {"平原影视基地", "横店某基地"}
