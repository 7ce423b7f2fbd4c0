"""The shared row lock with its timeout: a write that waits too long for a row is a 409 "busy, retry"."""

import threading

import pytest
from django.db import connection, transaction

from config.exceptions import ConflictError
from config.locking import Busy, lock, lock_many, locked_transaction
from crews.models import Person
from crews.services import person_update
from tests.conftest import require_postgresql
from tests.crews.factories import PersonFactory


class OuterBusy(ConflictError):
    code = "outer_busy"


def _hold_row_lock(pk: int, locked: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            lock(Person, pk)
            locked.set()
            release.wait(10)
    finally:
        connection.close()


def _while_locked(pk: int, write):
    """Run ``write`` while another connection holds the row ``pk`` of Person; return what it raised."""
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_row_lock, args=(pk, locked, release))
    holder.start()
    try:
        assert locked.wait(10)
        with pytest.raises(ConflictError) as caught:
            write()
    finally:
        release.set()
        holder.join()
    return caught.value


@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_past_the_timeout_is_409_busy(settings):
    require_postgresql()
    settings.LOCK_TIMEOUT_MS = 200
    person = PersonFactory(name="沈念")
    error = _while_locked(person.pk, lambda: person_update(person=person, name="沈念安"))
    assert type(error) is Busy
    assert (error.code, error.status_code) == ("busy", 409)
    assert Person.objects.get(pk=person.pk).name == "沈念"


@pytest.mark.django_db(transaction=True)
def test_an_inner_locked_transaction_leaves_the_answer_to_the_outermost(settings):
    require_postgresql()
    person = PersonFactory()

    def write():
        with locked_transaction(timeout_ms=200, busy=OuterBusy), locked_transaction(timeout_ms=60_000):
            lock(Person, person.pk)

    assert type(_while_locked(person.pk, write)) is OuterBusy


@pytest.mark.django_db
def test_lock_many_returns_the_rows_by_id_and_leaves_out_the_missing():
    first, second = PersonFactory(), PersonFactory()
    with locked_transaction():
        rows = lock_many(Person, [second.pk, first.pk, second.pk, 0])
    assert list(rows) == sorted([first.pk, second.pk])
    assert rows[first.pk].name == first.name
