"""Real threads on PostgreSQL: one person called to 50 overlapping shoot days of 50 crews at once."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from crews.models import Call, Role
from studio.models import Membership
from tests.concurrency import run_together
from tests.conftest import require_postgresql
from tests.crews.factories import CrewFactory, PersonFactory, ShootDayFactory, local, shoot_date
from tests.factories import MembershipFactory, ProductionFactory, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

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

    def request(index: int):
        client = APIClient()  # one per thread: a test client is not shared between threads
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
        return lambda: client.post("/api/v1/calls/", body, format="json")

    responses, errors = run_together([request(index) for index in range(THREADS)])
    assert errors == [None] * THREADS, [error for error in errors if error][:3]
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (THREADS - 1), statuses
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
