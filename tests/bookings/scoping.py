"""Scoping-walker factories for the bookings routes (contract: see ``tests/test_scoping.py``).

``booking`` and ``booking-batch`` are ``Scope.PARTICIPANTS``: the owner is the booking's production
company, and the base operator the factory makes is the other participant. ``waitlist-entry`` belongs
to its company; ``base-board`` (``/bases/{id}/board/``) to the base's operator; ``zone-stats``
(``/zones/{id}/stats/``) to the zone's management.
"""

from studio.models import Organization
from tests.factories import BaseFactory, BookingFactory, ProductionFactory, WaitlistEntryFactory, ZoneFactory


def _booking(owner: Organization):
    return BookingFactory(production=ProductionFactory(company=owner))


def _board(owner: Organization):
    return BaseFactory(operator=owner)


_board.owner_kind = Organization.Kind.BASE_OPERATOR


def _zone(owner: Organization):
    return ZoneFactory(management=owner)


_zone.owner_kind = Organization.Kind.ZONE_MANAGEMENT

SCOPING = {
    "booking": _booking,
    "booking-batch": _booking,
    "waitlist-entry": lambda owner: WaitlistEntryFactory(company=owner),
    "base-board": _board,
    "zone-stats": _zone,
}
