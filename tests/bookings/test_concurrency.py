"""Real threads on PostgreSQL, through the API: many requests for one slot, exactly one wins.

Each round releases 200 requests together over a ``RacePool`` of 40 threads (``tests/concurrency.py``
says why the pool has fewer connections than requests) and then checks, with an SQL self-join, that no
two blocking bookings of a set overlap. Rounds alternate between a set that holds requests (company lock + set
lock) and an instant-book set (set lock only).
"""

import os
import random
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from bookings.errors import BookingConflict
from bookings.models import Booking
from bookings.services import lifecycle
from config.localtime import local_text
from locations.models import Set
from tests.bookings.conftest import make_world, morning
from tests.bookings.race import overlapping_pairs
from tests.concurrency import RacePool
from tests.conftest import require_postgresql
from tests.factories import BookingFactory, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REQUESTS = int(os.environ.get("BOOKINGS_RACE_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BOOKINGS_RACE_ROUNDS", "10"))
#: The acceptance repeats the create race 10 times; the reschedule and confirm races (the same 200
#: requests and checks) run 5 rounds each: 6,000 API requests cost ~4 minutes of CI on a slow day.
OTHER_ROUNDS = int(os.environ.get("BOOKINGS_RACE_OTHER_ROUNDS", str(min(ROUNDS, 5))))
#: Threads (and so connections) the requests are dealt out to: 200 connections would not fit in
#: PostgreSQL's 100, 40 keep 40 requests in flight at every moment of a round.
CONNECTIONS = int(os.environ.get("BOOKINGS_RACE_CONNECTIONS", "40"))


@pytest.fixture(autouse=True)
def _patient_locks(settings):
    """The races are about who wins, not about how long a queue of writers may wait for one set.

    40 writers queued on one set's lock wait their turn; on a loaded machine (CI, or the suite running
    on two workers) the last of them can wait past production's 5 s and be told "busy, retry", a 409
    too, with its own test below. A patient timeout keeps every loser's answer the conflict itself.
    """
    settings.BOOKINGS_LOCK_TIMEOUT_MS = 120_000


@pytest.fixture
def pool():
    require_postgresql()
    with RacePool(CONNECTIONS) as instance:
        yield instance


def _client(user, organization):
    client = APIClient()
    client.raise_request_exception = False
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {token_for(user)}", HTTP_X_ORGANIZATION=str(organization.pk)
    )
    return client


def _statuses(responses) -> dict:
    counts: dict = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


def test_200_concurrent_creates_for_one_slot_make_exactly_one_booking_in_every_round(pool, monkeypatch):
    # prepared statements on (config/settings.py), here every statement prepared at its first run: the
    # losers' rollbacks make psycopg deallocate them, and the next request prepares them again
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", 0)
    prepared: list[int] = []
    world = make_world(companies=5, sets=2, max_active_holds_per_company=1000)
    Set.objects.filter(pk=world.sets[1].pk).update(instant_book=True)
    clients = [
        _client(user, company) for user, company in zip(world.company_users, world.companies, strict=True)
    ]
    rng = random.Random(2026)
    for round_number in range(ROUNDS):
        set_ = world.sets[round_number % 2]
        day = 3 + round_number
        calls = []
        for n in range(REQUESTS):
            company = n % len(clients)
            starts = morning(days=day, hour=8) + timedelta(minutes=30 * rng.randrange(4))
            body = {
                "set": set_.pk,
                "production": world.productions[company].pk,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2 + rng.randrange(3))).isoformat(),
            }
            calls.append(lambda c=clients[company], b=body: _post_counting_prepared(c, b, prepared))
        responses, errors = pool.run(calls)
        assert errors == [None] * REQUESTS, [e for e in errors if e][:3]
        counts = _statuses(responses)
        assert counts == {201: 1, 409: REQUESTS - 1}, (round_number, counts)
        refused = [r.json() for r in responses if r.status_code == 409]
        assert {body["code"] for body in refused} == {"booking_conflict"}
        names = {c.name for c in world.companies} | {c.short_name for c in world.companies}
        assert not any(name in body["detail"] for body in refused for name in names)
        assert Booking.objects.filter(set=set_, starts_at__date=morning(days=day).date()).count() == 1
        assert overlapping_pairs() == 0
    # the winners committed through prepared statements
    assert len(prepared) == ROUNDS and min(prepared) > 0, prepared


def _post_counting_prepared(client, body, prepared: list):
    """POST the booking; after a win, count the statements this thread's connection holds prepared (a
    409 rolls back, and psycopg deallocates a connection's prepared statements on every rollback)."""
    response = client.post("/api/v1/bookings/", body, format="json")
    if response.status_code == 201:
        prepared.append(_prepared_statements())
    return response


def _prepared_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_200_concurrent_reschedules_into_one_slot_move_exactly_one_booking(pool):
    world = make_world(companies=5, sets=1, max_days_ahead=120)
    set_ = world.set
    rounds = OTHER_ROUNDS
    bookings = []
    for slot in range(REQUESTS):
        day, index = divmod(slot, 4)
        starts = morning(days=20 + day, hour=5 + 4 * index)
        company = len(bookings) % 5
        bookings.append(
            BookingFactory(
                set=set_,
                production=world.productions[company],
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
            )
        )
    clients = [
        _client(user, company) for user, company in zip(world.company_users, world.companies, strict=True)
    ]
    for round_number in range(rounds):
        target = morning(days=2 + round_number, hour=10)
        body = {"starts_at": target.isoformat(), "ends_at": (target + timedelta(hours=3)).isoformat()}
        movable = [b for b in bookings if b.starts_at > target + timedelta(days=5)]
        by_company = {company.pk: client for company, client in zip(world.companies, clients, strict=True)}
        calls = [
            (
                lambda b=b, c=by_company[b.company_id], body=body: c.post(
                    f"/api/v1/bookings/{b.pk}/reschedule/", body, format="json"
                )
            )
            for b in movable[:REQUESTS]
        ]
        responses, errors = pool.run(calls)
        assert errors == [None] * len(calls)
        counts = _statuses(responses)
        assert counts == {200: 1, 409: len(calls) - 1}, (round_number, counts)
        winner = next(r.json()["id"] for r in responses if r.status_code == 200)
        bookings = [b for b in bookings if b.pk != winner]
        assert Booking.objects.filter(set=set_, starts_at=target).count() == 1
        assert overlapping_pairs() == 0


def test_confirm_racing_confirm_and_decline_has_exactly_one_winner(pool):
    world = make_world(companies=1, sets=1, max_active_holds_per_company=1000)
    operator = _client(world.operator_user, world.operator)
    for round_number in range(OTHER_ROUNDS):
        starts = morning(days=3 + round_number)
        booking = lifecycle.booking_create(
            set_=world.set,
            production=world.production,
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            by=world.company_user,
        )
        # Confirm and decline both leave ``held``: only one may happen. (Cancel is not raced here:
        # confirming and then cancelling is a legitimate sequence.)
        verbs = ["decline" if n % 4 == 3 else "confirm" for n in range(REQUESTS)]
        calls = [
            (
                lambda pk=booking.pk, verb=verb: operator.post(
                    f"/api/v1/bookings/{pk}/{verb}/",
                    {"reason": "场景检修"} if verb == "decline" else {},
                    format="json",
                )
            )
            for verb in verbs
        ]
        responses, errors = pool.run(calls)
        assert errors == [None] * REQUESTS
        counts = _statuses(responses)
        assert counts == {200: 1, 409: REQUESTS - 1}, (round_number, counts)
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"invalid_status"}
        booking.refresh_from_db()
        (won,) = [n for n, response in enumerate(responses) if response.status_code == 200]
        assert booking.status == {"confirm": "confirmed", "decline": "declined"}[verbs[won]]
        assert responses[won].json()["status"] == booking.status


def test_the_exclusion_constraint_refuses_an_overlap_written_behind_the_services_back():
    require_postgresql()
    booking = BookingFactory(status=Booking.Status.HELD)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        BookingFactory(set=booking.set, starts_at=booking.starts_at + timedelta(hours=1))
    # a closed booking does not block
    BookingFactory(set=booking.set, starts_at=booking.starts_at, status=Booking.Status.CANCELLED)


def test_losing_to_the_constraint_is_the_same_friendly_409(monkeypatch):
    require_postgresql()
    world = make_world(companies=2, sets=1)
    starts = morning()
    BookingFactory(set=world.set, production=world.productions[0], starts_at=starts)
    monkeypatch.setattr(lifecycle, "check_free", lambda *args, **kwargs: None)
    with pytest.raises(BookingConflict) as caught:
        lifecycle.booking_create(
            set_=world.set,
            production=world.productions[1],
            starts_at=starts + timedelta(hours=1),
            ends_at=starts + timedelta(hours=3),
            by=None,
        )
    window = f"{local_text(starts + timedelta(hours=1))}–{local_text(starts + timedelta(hours=3))}"
    assert str(caught.value.detail) == f"{world.set.name} 刚被另一请求预订，时间与 {window} 重叠。"
    assert Booking.objects.count() == 1


def test_a_lock_wait_past_the_timeout_is_409_busy(settings):
    require_postgresql()
    import threading

    from django.db import connection

    settings.BOOKINGS_LOCK_TIMEOUT_MS = 200
    world = make_world(companies=1, sets=1)
    Set.objects.filter(pk=world.set.pk).update(instant_book=True)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                list(Set.objects.select_for_update().filter(pk=world.set.pk))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(10)
        response = _client(world.company_user, world.company).post(
            "/api/v1/bookings/",
            {
                "set": world.set.pk,
                "production": world.production.pk,
                "starts_at": morning().isoformat(),
                "ends_at": morning(hour=12).isoformat(),
            },
            format="json",
        )
    finally:
        release.set()
        holder.join()
    assert response.status_code == 409
    assert response.json()["code"] == "busy"
    assert Booking.objects.count() == 0
