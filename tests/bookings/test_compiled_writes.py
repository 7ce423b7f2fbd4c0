"""The create path's writes not built by the ORM each time write the rows the ORM writes.

``waitlist.fulfil`` (one ``UPDATE`` written once) against ``_fulfil_orm``; a new booking's ``INSERT``
compiled once (``config.compiled.CompiledInsert``) against ``Booking.save()``.
"""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, WaitlistEntry
from bookings.services.guards import _INSERT_BOOKING, save_blocking
from bookings.services.waitlist import _fulfil_orm, fulfil
from config.compiled import CompiledInsert
from tests.bookings.conftest import morning
from tests.clock import pin_now
from tests.conftest import require_postgresql
from tests.factories import WaitlistEntryFactory

pytestmark = pytest.mark.django_db
ISSUED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)  # a datetime in the JSON breakdown (DjangoJSONEncoder)


def _statuses() -> list[tuple[int, str]]:
    return list(WaitlistEntry.objects.order_by("pk").values_list("pk", "status"))


def test_fulfil_moves_the_rows_the_orm_moves(world):
    require_postgresql()
    start = morning(days=4)
    hour = timedelta(hours=1)
    # entries of every status, overlapping, touching and missing the booked window, on two sets and
    # for two companies
    for set_ in world.sets[:2]:
        for company in world.companies[:2]:
            for status in WaitlistEntry.Status:
                for offset, length in ((-2, 2), (-2, 3), (0, 4), (1, 1), (3, 2), (4, 2), (-6, 20)):
                    WaitlistEntryFactory(
                        set=set_,
                        company=company,
                        status=status,
                        offer_expires_at=start if status == WaitlistEntry.Status.OFFERED else None,
                        starts_at=start + offset * hour,
                        ends_at=start + (offset + length) * hour,
                    )
    before = _statuses()
    windows = [(0, 4), (-1, 1), (4, 6), (2, 3), (-3, -2)]
    for set_ in world.sets[:3]:
        for company in world.companies:
            for begin, end in windows:
                booking = Booking(
                    set=set_, company=company, starts_at=start + begin * hour, ends_at=start + end * hour
                )
                with transaction.atomic():
                    expected_count = _fulfil_orm(booking)
                    expected = _statuses()
                    transaction.set_rollback(True)
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as captured:
                        count = fulfil(booking)
                    assert len(captured) == 1
                    assert (count, _statuses()) == (expected_count, expected)
                    transaction.set_rollback(True)
                assert _statuses() == before
    # and for real: the same rows move, once
    booking = Booking(set=world.set, company=world.company, starts_at=start, ends_at=start + 4 * hour)
    with transaction.atomic():
        expected_count, expected = _fulfil_orm(booking), _statuses()
        transaction.set_rollback(True)
    assert expected_count > 0
    assert fulfil(booking) == expected_count
    assert _statuses() == expected
    assert fulfil(booking) == 0


def _booking(world, *, starts, **fields) -> Booking:
    values = {
        "set": world.set,
        "production": world.production,
        "company": world.company,
        "status": Booking.Status.CONFIRMED,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=4),
        "turnover_minutes": 30,
        "blocked_from": starts - timedelta(minutes=30),
        "blocked_until": starts + timedelta(hours=4, minutes=30),
        "price_breakdown": {"total": Decimal("1200.00"), "lines": [{"at": ISSUED, "hours": 4}]},
        "total_price": Decimal("1200.00"),
        "deposit": Decimal("1000.00"),
    }
    return Booking(**{**values, **fields})


def _row(pk: int) -> dict:
    row = Booking.objects.filter(pk=pk).values().get()
    del row["id"]
    return row


def _instance(booking: Booking) -> dict:
    values = {field.attname: getattr(booking, field.attname) for field in Booking._meta.concrete_fields}
    del values["id"]
    return {**values, "adding": booking._state.adding, "db": booking._state.db}


@pytest.mark.parametrize("variant", ["plain", "everything", "held", "user"])
def test_the_compiled_insert_writes_what_save_writes(world, variant):
    require_postgresql()
    now = datetime(2026, 12, 7, 23, 50, 15, 123456, tzinfo=UTC)  # pinned: the values are only copied
    starts = morning(days=5)
    extra = {
        "plain": {},
        "everything": {
            "batch": uuid.uuid4(),
            "note": "夜戏 'quoted' %s %(x)s",
            "cancellation_fee": Decimal("12.5"),
            "cancellation_reason": "r",
            "decline_reason": "d",
            "checked_in_at": now,
            "checked_out_at": now + timedelta(hours=1),
            "overtime_minutes": 15,
            "overtime_fee": Decimal("75.00"),
            "confirmed_at": now,
            "closed_at": now,
            "reminder_sent_at": now,
            "waitlist_offer": True,
        },
        "held": {"status": Booking.Status.HELD, "hold_expires_at": now + timedelta(minutes=30)},
        "user": {"requested_by": world.company_user},
    }[variant]
    with pin_now(now):
        reference = _booking(world, starts=starts, **extra)
        reference.save()
        compiled = _booking(world, starts=starts + timedelta(days=1), **extra)
        with CaptureQueriesContext(connection) as captured:
            _INSERT_BOOKING.save(compiled)
    assert len(captured) == 1 and captured[0]["sql"].startswith('INSERT INTO "bookings_booking"')
    assert compiled.pk is not None and compiled.pk != reference.pk
    assert compiled._state.adding is False and compiled._state.db == "default"
    shift = {"starts_at", "ends_at", "blocked_from", "blocked_until"}  # a day later, as asked
    expected = {k: v + timedelta(days=1) if k in shift else v for k, v in _row(reference.pk).items()}
    assert _row(compiled.pk) == expected
    expected = {k: v + timedelta(days=1) if k in shift else v for k, v in _instance(reference).items()}
    assert _instance(compiled) == expected
    assert compiled.set is world.set and compiled.production is world.production  # caches kept


def test_a_conflict_is_the_same_409_and_the_transaction_is_marked(world):
    require_postgresql()
    from bookings.errors import BookingConflict

    starts = morning(days=6)
    save_blocking(_booking(world, starts=starts))
    with transaction.atomic():
        with pytest.raises(BookingConflict):
            save_blocking(_booking(world, starts=starts + timedelta(hours=1)))
        assert transaction.get_connection().needs_rollback  # the savepoint is rolled back on leaving
    assert Booking.objects.filter(set=world.set).count() == 1


def test_what_the_compiled_insert_leaves_to_save(world):
    require_postgresql()
    starts = morning(days=7)
    saved = _booking(world, starts=starts)
    saved.save()
    saved.note = "changed"
    with CaptureQueriesContext(connection) as captured:
        _INSERT_BOOKING.save(saved)  # already saved: an UPDATE, by save()
    assert captured[0]["sql"].startswith("UPDATE")
    assert Booking.objects.get(pk=saved.pk).note == "changed"

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    pre_save.connect(receiver, sender=Booking)
    try:
        fresh = _booking(world, starts=starts + timedelta(days=1))
        _INSERT_BOOKING.save(fresh)
    finally:
        pre_save.disconnect(receiver, sender=Booking)
    assert seen == [fresh] and fresh.pk is not None

    assert CompiledInsert(WaitlistEntry)._compile() is not False
