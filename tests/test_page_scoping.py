"""The pages' scoping walker: every workspace page proves that one organisation cannot reach another's.

It walks the URL patterns under ``/app/`` (``config.urls``), so a page added later is checked without
anyone writing a test for it, and a page nobody described fails: each needs an entry in ``PAGES``
saying what its URL names (a base of the operator's, a booking at it) and whether it reads or writes.

For each page: the owner's member is answered (the control); a member of another organisation of the
same kind gets 404, byte for byte like an object that does not exist; a member of an organisation of a
kind the page is not for gets 403; a signed-out visitor is sent to sign in; a member whose role may not
write gets 403 on a page that writes. Nothing changes on the way.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bookings.models import Booking
from studio.models import Membership
from tests.clock import pin_now
from tests.crews.factories import CrewFactory, ShootDayFactory
from tests.factories import (
    BaseFactory,
    BookingFactory,
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    PlaceFactory,
    ProductionFactory,
    SetFactory,
    ZoneFactory,
    ZoneManagementFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
DAY = "2026-12-08"
WEEK = "2026-W50"
MISSING = 10**12

#: page URL name -> (what it names, reads: True for GET pages, False for POST actions). What a page names:
#: an operator's "base" or "booking"; a company's "production", "company_booking" or "crew"; a zone
#: management's "zone"; or
#: "nothing" (a list of the acting organisation's own objects, or the circle planner: an outsider reads its
#: own, empty one); the planner's "plan_query" (its map data) and "sets" (booking or requesting sets)
PAGES = {
    "locations:planner": ("nothing", True),
    "locations:search": ("nothing", True),
    "locations:planner-map": ("plan_query", True),
    "locations:book-plan": ("sets", False),
    "locations:request-set": ("sets", False),
    "bookings:productions": ("nothing", True),
    "bookings:production": ("production", True),
    "bookings:production-spend": ("production", True),
    "bookings:production-spend-csv": ("production", True),
    "bookings:production-booking-quote": ("company_booking", True),
    "bookings:production-booking-cancel": ("company_booking", False),
    "bookings:production-booking-reschedule": ("company_booking", False),
    "crews:shoot-week": ("crew", True),
    "crews:shoot-day-publish": ("shoot_day", False),
    "bookings:board": ("base", True),
    "bookings:board-week": ("base", True),
    "bookings:board-print": ("base", True),
    "bookings:board-pending": ("base", True),
    "bookings:occupancy": ("base", True),
    "bookings:occupancy-data": ("base", True),
    "bookings:occupancy-csv": ("base", True),
    "bookings:occupancy-xlsx": ("base", True),
    "bookings:booking": ("booking", True),
    "bookings:zone": ("zone", True),
    "bookings:zone-data": ("zone", True),
    "bookings:zone-csv": ("zone", True),
    "bookings:zone-print": ("zone", True),
    **{
        f"bookings:booking-{action}": ("booking", False)
        for action in ("confirm", "decline", "check_in", "check_out", "no_show")
    },
}


def _page_names(resolver=None, namespace="", under=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = under + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _page_names(pattern, inner, route)
        elif isinstance(pattern, URLPattern) and route.startswith("app/"):
            yield f"{namespace}{pattern.name}"


def test_every_page_is_described():
    assert set(_page_names()) == set(PAGES)


#: the kinds of object a company owns (the others are an operator's)
COMPANY_OWNED = {"production", "company_booking", "crew", "shoot_day", "nothing"}


@pytest.fixture
def owner():
    with pin_now(NOW):
        operator = OperatorFactory()
        base = BaseFactory(operator=operator)
        booking = BookingFactory(
            set=SetFactory(base=base),
            starts_at=NOW + timedelta(days=1, hours=-1),
            status=Booking.Status.HELD,
        )
    return operator, base, booking


def _target(owner, names):
    """(the owning organisation, the object's pk, the booking whose state must not change)."""
    operator, base, booking = owner
    if names == "zone":
        management = ZoneManagementFactory()
        return management, ZoneFactory(management=management).pk
    if names in {"crew", "shoot_day"}:
        with pin_now(NOW):
            day = ShootDayFactory(
                crew=CrewFactory(production=booking.production), date=booking.starts_at.date()
            )
        return booking.company, day.crew_id if names == "crew" else day.pk
    if names in COMPANY_OWNED:
        return booking.company, {"production": booking.production_id, "nothing": None}.get(names, booking.pk)
    return operator, base.pk if names == "base" else booking.pk


def _client(organization=None, role=Membership.Role.OWNER):
    client = Client()
    if organization is not None:
        client.force_login(MembershipFactory(organization=organization, role=role).user)
    return client


def _call(client, name, target, pk):
    names, reads = PAGES[name]
    with pin_now(NOW):
        if names == "base":
            response = client.get(reverse(name), {"base": pk, "date": DAY})
        elif names == "zone":
            response = client.get(reverse(name), {"zone": pk})
        elif names == "crew":
            response = client.get(reverse(name), {"crew": pk, "week": WEEK})
        elif names == "nothing":
            response = client.get(reverse(name))
        else:
            url = reverse(name, kwargs={"pk": pk})
            response = client.get(url) if reads else client.post(url, {"reason": "满了"})
    return response


def _normalised(content: bytes) -> bytes:
    """The page without its masked CSRF token and its own address (the language switch returns to it)."""
    content = re.sub(rb"[A-Za-z0-9]{64}", b"", content)
    return re.sub(rb'value="/app/[^"]*"', b'value="PATH"', content)


#: the planner's requests, probed by ``test_company_page_refuses_other_kinds_and_unknown_sets``
PLANNER_NAMES = {"plan_query", "sets"}


@pytest.mark.parametrize(
    "name", sorted(n for n, (names, _reads) in PAGES.items() if names not in PLANNER_NAMES)
)
def test_page_answers_its_owner_only(owner, name):
    booking = owner[2]
    names, reads = PAGES[name]
    organization, pk = _target(owner, names)
    same_kind, other_kind = (
        (CompanyFactory, OperatorFactory) if names in COMPANY_OWNED else (OperatorFactory, CompanyFactory)
    )
    if names == "zone":
        same_kind, other_kind = ZoneManagementFactory, CompanyFactory
    state = (booking.status, booking.updated_at)

    if reads:
        assert _call(_client(organization), name, names, pk).status_code == 200  # the control

    outsider = _client(same_kind())
    foreign = _call(outsider, name, names, pk)
    if names == "nothing":  # the outsider's own list, without the owner's objects
        assert foreign.status_code == 200
        assert f"/{booking.production_id}/".encode() not in foreign.content
    else:
        missing = _call(outsider, name, names, MISSING)
        assert (foreign.status_code, missing.status_code) == (404, 404)
        assert _normalised(foreign.content) == _normalised(missing.content)

    assert _call(_client(other_kind()), name, names, pk).status_code == 403
    signed_out = _call(_client(), name, names, pk)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/accounts/login/?next=")
    if not reads:
        assert _call(_client(organization, role=Membership.Role.MEMBER), name, names, pk).status_code == 403

    booking.refresh_from_db()
    assert (booking.status, booking.updated_at) == state


@pytest.fixture
def company_world():
    """A company with a production, a hotel, and a set it may book; another operator's inactive set."""
    with pin_now(NOW):
        company = CompanyFactory()
        production = ProductionFactory(company=company)
        base = BaseFactory()
        bookable = SetFactory(base=base)
        hidden = SetFactory(base=BaseFactory(is_active=False))
        hotel = PlaceFactory(zone=base.zone)
    return company, production, hotel, bookable, hidden


def _company_call(client, name, world, set_pk):
    _company, production, hotel, _bookable, _hidden = world
    _names, reads = PAGES[name]
    fields = {"origin": f"place:{hotel.pk}", "date": DAY, "within": 15, "production": production.pk}
    if name == "locations:request-set":
        fields.update(kind="hospital_ward", start="09:00", end="11:00")
    else:
        fields.update(kind_0="hospital_ward", from_0="09:00", to_0="11:00")
    with pin_now(NOW):
        if reads:
            return client.get(reverse(name), fields)
        return client.post(reverse(name), {**fields, "set": set_pk})


@pytest.mark.parametrize("name", sorted(n for n, (names, _reads) in PAGES.items() if names in PLANNER_NAMES))
def test_company_page_refuses_other_kinds_and_unknown_sets(company_world, name):
    """The planner's map data names no other organisation's object: an operator gets 403, a visitor
    signs in; its requests name sets, and a set the company may not book (inactive, elsewhere) is a 404
    like a missing one."""
    company, _production, _hotel, bookable, hidden = company_world
    _names, reads = PAGES[name]
    if reads:
        assert _company_call(_client(company), name, company_world, None).status_code == 200  # the control
    else:
        foreign = _company_call(_client(company), name, company_world, hidden.pk)
        missing = _company_call(_client(company), name, company_world, MISSING)
        assert (foreign.status_code, missing.status_code) == (404, 404)
        assert _normalised(foreign.content) == _normalised(missing.content)
        member = _client(company, role=Membership.Role.MEMBER)
        assert _company_call(member, name, company_world, bookable.pk).status_code == 403
    assert _company_call(_client(OperatorFactory()), name, company_world, bookable.pk).status_code == 403
    signed_out = _company_call(_client(), name, company_world, bookable.pk)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith("/accounts/login/?next=")
    assert not Booking.objects.filter(company=company).exists()
