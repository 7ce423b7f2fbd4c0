"""A waitlist offer holds the freed window for the waiter for the offer's time to live.

The finding: an offer did not hold anything and another company booked the window at once. Now the
offer comes with a hold of the window for the waiter's production (a ``held`` booking flagged
``waitlist_offer``): others get 409 while it lasts, the waiter accepts it into a request, and once the
offer lapses the window is free again (or held for the next waiter).
"""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from bookings.errors import BookingConflict, HoldExpired, InvalidTransition
from bookings.models import Booking, WaitlistEntry
from bookings.services import (
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    bookings_sweep,
    waitlist_accept_offer,
    waitlist_decline_offer,
    waitlist_join,
)
from locations.models import Set
from locations.selectors import set_busy_intervals
from notifications.models import Event
from tests.bookings.conftest import make_world
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 9, 17, tzinfo=TZ)
STARTS = datetime(2026, 12, 9, 9, 0, tzinfo=TZ)
ENDS = STARTS + timedelta(hours=2)
OFFER = timedelta(minutes=60)  # BOOKINGS_WAITLIST_OFFER_MINUTES' default


def pinned(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _taken_and_waited_for(world, waiters=(1,)):
    """Company 0 has the window (confirmed); each of ``waiters`` waits for it, in that order."""
    booking = BookingFactory(
        set=world.set, production=world.productions[0], starts_at=STARTS, ends_at=ENDS, turnover_minutes=30
    )
    entries = [
        waitlist_join(
            organization=world.companies[n],
            set_=world.set,
            starts_at=STARTS,
            ends_at=ENDS,
            production=world.productions[n],
            by=world.company_users[n],
            now=NOW + timedelta(minutes=index),
        )
        for index, n in enumerate(waiters)
    ]
    return booking, entries


def _free_it(world, booking, at):
    booking_cancel(booking=booking, by=world.company_user, reason="剧本调整", now=at)


def _book(world, company, at):
    return booking_create(
        set_=Set.objects.get(pk=world.set.pk),
        production=world.productions[company],
        starts_at=STARTS,
        ends_at=ENDS,
        by=world.company_users[company],
        now=at,
    )


def test_an_offer_holds_the_window_for_the_waiter_and_others_get_409(api):
    world = make_world(companies=3, sets=1)
    booking, [entry] = _taken_and_waited_for(world)
    freed_at = NOW + timedelta(minutes=5)
    _free_it(world, booking, freed_at)

    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    assert entry.offer_expires_at == freed_at + OFFER
    hold = entry.offer_hold
    assert (hold.status, hold.waitlist_offer, hold.production, hold.company) == (
        Booking.Status.HELD,
        True,
        world.productions[1],
        world.companies[1],
    )
    assert (hold.starts_at, hold.ends_at, hold.hold_expires_at) == (STARTS, ENDS, entry.offer_expires_at)
    offer = Event.objects.get(type="booking.waitlist_offered")
    assert offer.payload["held"] is True and offer.payload["hold"] == hold.pk
    assert not Event.objects.filter(type="booking.requested", payload__booking=hold.pk).exists()

    # another company, through the API, a minute before the offer lapses: 409
    third = api(world.company_users[2], world.companies[2])
    body = {
        "set": world.set.pk,
        "production": world.productions[2].pk,
        "starts_at": STARTS.isoformat(),
        "ends_at": ENDS.isoformat(),
    }
    with pinned(entry.offer_expires_at - timedelta(minutes=1)):
        response = third.post("/api/v1/bookings/", body, format="json")
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "booking_conflict"
        availability = third.get(
            f"/api/v1/sets/{world.set.pk}/availability/", {"date": STARTS.date().isoformat()}
        ).json()
    assert {"starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat()} not in availability["free"]
    assert any(
        b["kind"] == "booking" and datetime.fromisoformat(b["starts_at"]) <= STARTS
        for b in availability["busy"]
    )
    assert world.companies[1].name not in str(availability)


def test_the_waiter_accepts_and_the_hold_becomes_its_request(api):
    world = make_world(companies=3, sets=1)
    booking, [entry] = _taken_and_waited_for(world)
    _free_it(world, booking, NOW + timedelta(minutes=5))
    entry.refresh_from_db()
    hold = entry.offer_hold
    waiter = api(world.company_users[1], world.companies[1])
    operator = api(world.operator_user, world.operator)
    accepted_at = NOW + timedelta(minutes=30)
    with pinned(accepted_at):
        # until the waiter answers, neither the operator nor the company acts on the hold as a booking
        refused = operator.post(f"/api/v1/bookings/{hold.pk}/confirm/")
        assert refused.status_code == 409 and refused.json()["code"] == "waitlist_offer_pending"
        refused = waiter.post(f"/api/v1/bookings/{hold.pk}/cancel/", {}, format="json")
        assert refused.status_code == 409 and refused.json()["code"] == "waitlist_offer_pending"
        # another company's waiter cannot accept it: not theirs
        other = api(world.company_users[2], world.companies[2])
        assert other.post(f"/api/v1/waitlist-entries/{entry.pk}/accept/").status_code == 404

        response = waiter.post(f"/api/v1/waitlist-entries/{entry.pk}/accept/")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["id"] == hold.pk and data["status"] == "held" and data["waitlist_offer"] is False
        assert datetime.fromisoformat(data["hold_expires_at"]) == accepted_at + timedelta(
            minutes=world.base.hold_ttl_minutes
        )
        assert waiter.get(f"/api/v1/waitlist-entries/{entry.pk}/").json()["status"] == "fulfilled"
        assert Event.objects.filter(type="booking.requested", payload__booking=hold.pk).exists()
        # now an ordinary request: the operator confirms it
        confirmed = operator.post(f"/api/v1/bookings/{hold.pk}/confirm/")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
        assert waiter.post(f"/api/v1/waitlist-entries/{entry.pk}/accept/").status_code == 409


def test_on_an_instant_book_set_accepting_confirms_at_once():
    world = make_world(companies=2, sets=1, instant_book_default=True)
    booking, [entry] = _taken_and_waited_for(world)
    _free_it(world, booking, NOW)
    entry.refresh_from_db()
    accepted = waitlist_accept_offer(entry=entry, by=world.company_users[1], now=NOW + timedelta(minutes=1))
    assert accepted.pk == entry.offer_hold_id
    assert (accepted.status, accepted.waitlist_offer, accepted.hold_expires_at) == ("confirmed", False, None)


def test_after_the_ttl_the_window_is_free_for_others_and_the_offer_lapsed():
    world = make_world(companies=3, sets=1)
    booking, [entry] = _taken_and_waited_for(world)
    _free_it(world, booking, NOW)
    entry.refresh_from_db()
    hold_pk = entry.offer_hold_id
    lapsed_at = entry.offer_expires_at
    with pytest.raises(BookingConflict):
        _book(world, 2, lapsed_at - timedelta(seconds=1))
    busy = set_busy_intervals(world.set, STARTS, ENDS, viewer=world.companies[2], now=lapsed_at)
    assert [b.kind for b in busy] == []  # the lapsed hold blocks nothing, whether swept or not

    taken = _book(world, 2, lapsed_at)  # no sweep ran: the create releases the lapsed hold
    assert taken.company == world.companies[2]
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LAPSED
    assert Booking.objects.get(pk=hold_pk).status == Booking.Status.EXPIRED
    # the offer's hold lapses quietly: no "your booking expired" to anyone
    assert not Event.objects.filter(type="booking.expired", payload__booking=hold_pk).exists()
    with pytest.raises(InvalidTransition):
        waitlist_accept_offer(entry=entry, by=world.company_users[1], now=lapsed_at)


def test_accepting_a_lapsed_offer_is_409_and_the_window_goes_to_the_next_waiter():
    world = make_world(companies=4, sets=1)
    booking, [first, second] = _taken_and_waited_for(world, waiters=(1, 2))
    _free_it(world, booking, NOW)
    first.refresh_from_db()
    with pytest.raises(HoldExpired) as refused:
        waitlist_accept_offer(entry=first, by=world.company_users[1], now=first.offer_expires_at)
    assert refused.value.code == "offer_lapsed"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistEntry.Status.LAPSED
    assert first.offer_hold.status == Booking.Status.EXPIRED
    assert second.status == WaitlistEntry.Status.OFFERED and second.offer_hold.company == world.companies[2]
    # held for the second waiter now: a third company still gets 409
    with pytest.raises(BookingConflict):
        _book(world, 3, first.offer_expires_at + timedelta(minutes=1))


def test_the_sweep_lapses_the_offer_and_holds_the_window_for_the_next_waiter():
    world = make_world(companies=4, sets=1)
    booking, [first, second] = _taken_and_waited_for(world, waiters=(1, 2))
    _free_it(world, booking, NOW)
    first.refresh_from_db()
    swept = bookings_sweep(now=first.offer_expires_at)
    assert swept["expired"] == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.offer_hold.status) == ("lapsed", "expired")
    assert second.status == "offered" and second.offer_hold.status == "held"
    assert second.offer_expires_at == first.offer_expires_at + OFFER


def test_declining_releases_the_hold_and_offers_the_next_waiter():
    world = make_world(companies=4, sets=1)
    booking, [first, second] = _taken_and_waited_for(world, waiters=(1, 2))
    _free_it(world, booking, NOW)
    first.refresh_from_db()
    waitlist_decline_offer(entry=first, by=world.company_users[1], now=NOW + timedelta(minutes=10))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "declined" and first.offer_hold.status == Booking.Status.CANCELLED
    assert second.status == "offered" and second.offer_hold.production == world.productions[2]


def test_an_offer_hold_neither_counts_towards_nor_is_refused_by_the_holds_cap():
    """Decided: the cap limits the holds a company asks for; a window the waitlist holds for it is not
    one, and accepting it is not refused (the company waited for exactly this window)."""
    world = make_world(companies=2, sets=2, max_active_holds_per_company=1)
    booking, [entry] = _taken_and_waited_for(world)
    # the waiter already holds its one allowed request at the base when the window is freed
    booking_create(
        set_=world.sets[1],
        production=world.productions[1],
        starts_at=STARTS,
        ends_at=ENDS,
        by=None,
        now=NOW,
    )
    _free_it(world, booking, NOW + timedelta(minutes=1))
    entry.refresh_from_db()
    assert entry.status == "offered" and entry.offer_hold.status == "held"
    accepted = waitlist_accept_offer(entry=entry, by=world.company_users[1], now=NOW + timedelta(minutes=2))
    assert accepted.status == "held" and not accepted.waitlist_offer


def test_a_lapsed_hold_released_by_a_create_is_not_offered_from_under_it():
    """Availability calls a lapsed hold's window free, so its create must succeed: the waitlist is told
    at the end of the write, when the window is no longer free."""
    world = make_world(companies=3, sets=1)
    hold = booking_create(
        set_=world.set, production=world.productions[0], starts_at=STARTS, ends_at=ENDS, by=None, now=NOW
    )
    [entry] = [
        waitlist_join(
            organization=world.companies[1],
            set_=world.set,
            starts_at=STARTS,
            ends_at=ENDS,
            production=world.productions[1],
            by=None,
            now=NOW,
        )
    ]
    taken = _book(world, 2, hold.hold_expires_at)
    assert taken.status == "held" and taken.company == world.companies[2]
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_a_decline_by_the_operator_offers_the_waiter_a_hold():
    world = make_world(companies=2, sets=1)
    request = booking_create(
        set_=world.set, production=world.productions[0], starts_at=STARTS, ends_at=ENDS, by=None, now=NOW
    )
    entry = waitlist_join(
        organization=world.companies[1],
        set_=world.set,
        starts_at=STARTS,
        ends_at=ENDS,
        production=world.productions[1],
        by=None,
        now=NOW,
    )
    booking_decline(
        booking=request, by=world.operator_user, reason="场地检修", now=NOW + timedelta(minutes=1)
    )
    entry.refresh_from_db()
    assert entry.status == "offered"
    hold = entry.offer_hold
    with pytest.raises(InvalidTransition) as refused:
        booking_confirm(booking=hold, by=world.operator_user, now=NOW + timedelta(minutes=2))
    assert refused.value.code == "waitlist_offer_pending"


def test_joining_names_the_production_and_a_window_the_rules_allow(api):
    world = make_world(companies=2, sets=1)
    BookingFactory(set=world.set, production=world.productions[0], starts_at=STARTS, ends_at=ENDS)
    waiter = api(world.company_users[1], world.companies[1])
    window = {"set": world.set.pk, "starts_at": STARTS.isoformat(), "ends_at": ENDS.isoformat()}
    with pinned(NOW):
        missing = waiter.post("/api/v1/waitlist-entries/", window, format="json")
        assert missing.status_code == 400 and "production" in missing.json()["fields"]
        off_grid = dict(
            window,
            production=world.productions[1].pk,
            starts_at=(STARTS + timedelta(minutes=10)).isoformat(),
        )
        refused = waiter.post("/api/v1/waitlist-entries/", off_grid, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "slot_step"
        joined = waiter.post(
            "/api/v1/waitlist-entries/", dict(window, production=world.productions[1].pk), format="json"
        )
        assert joined.status_code == 201, joined.content
        assert joined.json()["production"] == world.productions[1].pk and joined.json()["offer_hold"] is None
