"""The create path's reads written once per process agree with the ORM reads they replace."""

from datetime import UTC, time, timedelta

import pytest
from django.db import transaction

from bookings.services.guards import _BLOCKING_ROWS, _blocking_rows
from bookings.services.locks import _lock_sets_orm, lock_sets
from config.compiled import CompiledQuery
from studio.models import Organization
from studio.selectors import productions_visible_to
from tests.conftest import require_postgresql
from tests.factories import (
    BaseFactory,
    BookingFactory,
    CompanyFactory,
    OpeningHoursFactory,
    ProductionFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_lock_sets_reads_what_the_orm_reads(django_assert_num_queries):
    require_postgresql()
    base = BaseFactory()  # its cancellation policy is JSON: converted like the ORM converts it
    OpeningHoursFactory(base=base, weekday=2, opens=time(9, 30), closes=time(18, 0))
    OpeningHoursFactory(base=base, weekday=0, opens=time(6, 0), closes=time(23, 45))
    OpeningHoursFactory(base=base, weekday=5, opens=time(0, 0), closes=time(5, 0))
    sets = [SetFactory(base=base), SetFactory(base=base, instant_book=True), SetFactory()]
    ids = [sets[2].pk, sets[0].pk, sets[1].pk, 10**12]
    with transaction.atomic():
        expected = _lock_sets_orm(ids)
        with django_assert_num_queries(1):
            found = lock_sets(ids)
            assert list(found) == list(expected) == sorted(set_.pk for set_ in sets)
            for pk, set_ in found.items():
                orm = expected[pk]
                assert _fields(set_) == _fields(orm)
                assert _fields(set_.base) == _fields(orm.base)
                assert _fields(set_.base.operator) == _fields(orm.base.operator)
                hours = [_fields(row) for row in set_.base.opening_hours.all()]
                assert hours == [_fields(row) for row in orm.base.opening_hours.all()]  # by weekday
                assert set_.effective_instant_book == orm.effective_instant_book
                assert not set_._state.adding
                assert all(row.base is set_.base for row in set_.base.opening_hours.all())
    assert len(expected[sets[0].pk].base.opening_hours.all()) == 3


def test_compiled_query_returns_what_the_queryset_returns(django_assert_num_queries):
    require_postgresql()
    mine, theirs = ProductionFactory(), ProductionFactory()

    def build(organization_id, pk):
        return productions_visible_to(organization=Organization(pk=organization_id)).filter(pk=pk)

    lookup = CompiledQuery(build, organization_id=int, pk=int)
    company = mine.company
    assert lookup.run(organization_id=company.pk, pk=mine.pk) == [mine]
    with django_assert_num_queries(1):  # select_related("company") comes along
        (found,) = lookup.run(organization_id=company.pk, pk=mine.pk)
        assert found.company.name == company.name and found.title == mine.title
    assert lookup.run(organization_id=company.pk, pk=theirs.pk) == []
    assert lookup.run(organization_id=theirs.company_id, pk=theirs.pk) == [theirs]


def test_a_value_that_does_not_reach_the_sql_is_not_compiled():
    require_postgresql()
    CompanyFactory()
    lookup = CompiledQuery(
        lambda organization_id, pk: Organization.objects.filter(pk=organization_id),
        organization_id=int,
        pk=int,
    )
    assert lookup.run(organization_id=1, pk=2) is None


def test_compiled_reads_agree_on_datetimes():
    require_postgresql()
    booking = BookingFactory()
    start = booking.blocked_from.astimezone(UTC)
    for offset in (-3, -1, 0, 1, 3):
        window = (start + timedelta(hours=offset), start + timedelta(hours=offset + 2))
        expected = list(_blocking_rows(booking.set_id, *window))
        assert (
            _BLOCKING_ROWS.run(set_id=booking.set_id, blocked_from=window[0], blocked_until=window[1])
            == expected
        )
    assert _BLOCKING_ROWS.run(
        set_id=booking.set_id, blocked_from=start, blocked_until=start + timedelta(hours=1)
    )


def test_converters_remembered_per_connection_convert_every_run(django_assert_num_queries):
    """JSON, decimals and datetimes come back converted on the runs after the first (the converters
    are looked up once per connection)."""
    require_postgresql()
    from locations.models import Set

    sets = [SetFactory(tags=["a", "b"]), SetFactory(tags=[])]
    lookup = CompiledQuery(lambda pk: Set.objects.select_related("base").filter(pk=pk), pk=int)
    for _round in range(3):
        for set_ in sets:
            with django_assert_num_queries(1):
                (found,) = lookup.run(pk=set_.pk)
            orm = Set.objects.select_related("base").get(pk=set_.pk)
            assert _fields(found) == _fields(orm) and _fields(found.base) == _fields(orm.base)
    assert len(lookup._shapes) == 1
