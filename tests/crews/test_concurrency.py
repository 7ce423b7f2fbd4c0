"""Real threads on PostgreSQL: one person called to 50 overlapping shoot days of 50 crews at once."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from crews.models import Call, Role
from studio.models import Membership
from tests.conftest import require_postgresql
from tests.crews.factories import CrewFactory, PersonFactory, ShootDayFactory, local, shoot_date
from tests.factories import MembershipFactory, ProductionFactory, token_for

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 50


def test_fifty_concurrent_overlapping_calls_of_one_person_let_exactly_one_through():
    require_postgresql()
    membership = MembershipFactory(role=Membership.Role.COORDINATOR)
    company, user = membership.organization, membership.user
    token = token_for(user)
    person = PersonFactory(company=company, name="沈念")
    date = shoot_date()
    days = [
        ShootDayFactory(
            crew=CrewFactory(production=ProductionFactory(company=company), name="A组"), date=date
        )
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def call(index: int) -> None:
        try:
            client = APIClient()
            client.raise_request_exception = False
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_ORGANIZATION=str(company.pk))
            # Every period overlaps every other one: they all contain 10:00–11:00.
            body = {
                "shoot_day": days[index].pk,
                "person": person.pk,
                "role": Role.ACTOR,
                "call_at": local(date, 6, index % 4 * 15).isoformat(),
                "released_at": local(date, 11 + index % 5).isoformat(),
            }
            barrier.wait(timeout=60)
            response = client.post("/api/v1/calls/", body, format="json")
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(statuses) == THREADS
    assert statuses.count(201) == 1, sorted(statuses)
    assert statuses.count(409) == THREADS - 1, sorted(statuses)
    assert not [code for code in statuses if code >= 500]
    assert Call.objects.filter(person=person).count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM crews_call a JOIN crews_call b
              ON a.person_id = b.person_id AND a.id < b.id
             AND tstzrange(a.call_at, a.released_at) && tstzrange(b.call_at, b.released_at)
            """
        )
        assert cursor.fetchone()[0] == 0


def test_the_database_refuses_an_overlapping_call_written_past_the_service():
    require_postgresql()
    from django.db import IntegrityError, transaction

    from tests.crews.factories import CallFactory

    person = PersonFactory()
    date = shoot_date()
    first = ShootDayFactory(crew=CrewFactory(production=ProductionFactory(company=person.company)), date=date)
    second = ShootDayFactory(
        crew=CrewFactory(production=ProductionFactory(company=person.company)), date=date
    )
    CallFactory(shoot_day=first, person=person, call_at=local(date, 6), released_at=local(date, 12))
    with pytest.raises(IntegrityError, match="call_no_overlap"), transaction.atomic():
        CallFactory(shoot_day=second, person=person, call_at=local(date, 11), released_at=local(date, 18))
