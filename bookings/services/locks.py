"""How every booking write locks: one transaction with its lock timeout, rows locked in one order.

Lock order, everywhere: the company row (only when a hold is being added: the holds cap), then sets
by ascending id, then bookings. Nothing locks in another order, so two writers never deadlock; a
writer that waits longer than ``BOOKINGS_LOCK_TIMEOUT_MS`` gets 409 "busy, retry" (``config.locking``).

A window a write frees (a hold released on the way, a cancellation, the old place of a moved
booking) is passed to the waitlist at the end of the write, still under its locks: the offer, which
holds the window for the waiter, never takes a window from under the write that freed it. The waitlist
workflow (``bookings.workflow``) hands its offer over (``defer_offer``); this module runs it.
"""

import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import time

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from bookings import conf
from bookings.errors import BookingBusy
from bookings.models import Booking
from config.locking import lock, lock_many, locked_transaction
from config.rows import RowLoader
from locations.models import Base, OpeningHours, Set
from studio.models import Organization

#: the offers of the windows freed by the booking write in progress, made when it is done
_pending_offers: ContextVar[list[Callable[[], object]] | None] = ContextVar("pending_offers", default=None)


def defer_offer(offer: Callable[[], object]) -> bool:
    """Keep the offer of a freed window for the end of the booking write in progress; False outside one."""
    pending = _pending_offers.get()
    if pending is None:
        return False
    pending.append(offer)
    return True


@contextmanager
def _offers_after_write():
    if _pending_offers.get() is not None:  # an inner transaction: the outermost one offers
        yield
        return
    pending: list[Callable[[], object]] = []
    token = _pending_offers.set(pending)
    try:
        yield
    finally:
        _pending_offers.reset(token)
    for offer in pending:
        offer()


@contextmanager
def booking_transaction():
    """One transaction whose lock waits are capped; a lock not granted in time is a 409 "busy"."""
    with locked_transaction(timeout_ms=conf.lock_timeout_ms(), busy=BookingBusy), _offers_after_write():
        yield


def lock_company(company: Organization) -> None:
    lock(Organization, company.pk)


_SETS = RowLoader(Set, "s")
_BASES = RowLoader(Base, "b")
_OPERATORS = RowLoader(Organization, "o")
#: the sets, their bases, operators and opening hours, in one statement that locks only the sets' rows
_LOCK_SETS = f"""
SELECT {_SETS.columns}, {_BASES.columns}, {_OPERATORS.columns}, (
    SELECT coalesce(json_agg(json_build_array(h.id, h.weekday, h.opens, h.closes) ORDER BY h.weekday, h.id),
        '[]'::json)
    FROM {OpeningHours._meta.db_table} h WHERE h.base_id = s.base_id
)
FROM {Set._meta.db_table} s
JOIN {Base._meta.db_table} b ON b.id = s.base_id
JOIN {Organization._meta.db_table} o ON o.id = b.operator_id
WHERE s.id = ANY(%s::bigint[])
ORDER BY s.id
FOR UPDATE OF s
"""


def _hours_prefetched(base: Base, rows) -> None:
    """Put the base's opening hours where ``base.opening_hours.all()`` finds them, as a prefetch would."""
    if isinstance(rows, str):
        rows = json.loads(rows)
    hours = []
    for pk, weekday, opens, closes in rows:
        found = OpeningHours.from_db(
            connection.alias,
            ["id", "base_id", "weekday", "opens", "closes"],
            [pk, base.pk, weekday, time.fromisoformat(opens), time.fromisoformat(closes)],
        )
        OpeningHours.base.field.set_cached_value(found, base)
        hours.append(found)
    queryset = base.opening_hours.all()
    queryset._result_cache, queryset._prefetch_done = hours, True
    base._prefetched_objects_cache = {"opening_hours": queryset}


def lock_sets(set_ids: Iterable[int]) -> dict[int, Set]:
    """Lock the sets' rows in ascending id order; return them with base, operator and opening hours.

    On PostgreSQL one statement written once (``_LOCK_SETS``) reads them all; elsewhere the ORM does.
    """
    if connection.vendor != "postgresql":
        return _lock_sets_orm(set_ids)
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SETS, [sorted(set(set_ids))])
        rows = cursor.fetchall()
    sets = {}
    for row in rows:
        set_ = _SETS.load(row)
        base = _BASES.load(row, _SETS.width)
        operator = _OPERATORS.load(row, _SETS.width + _BASES.width)
        Set.base.field.set_cached_value(set_, base)
        Base.operator.field.set_cached_value(base, operator)
        _hours_prefetched(base, row[-1])
        sets[set_.pk] = set_
    return sets


def _lock_sets_orm(set_ids: Iterable[int]) -> dict[int, Set]:
    sets = lock_many(Set, set_ids, related=("base__operator",), only_self=True)
    if sets:
        # By the columns themselves: the model's ordering ("base") would join the bases to sort by name.
        hours = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("base_id", "weekday"))
        prefetch_related_objects([set_.base for set_ in sets.values()], hours)
    return sets


def lock_booking(pk: int) -> Booking:
    return lock(Booking, pk, related=("set__base__operator", "company", "production"), only_self=True)
