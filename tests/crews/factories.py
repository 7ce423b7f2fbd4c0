"""factory_boy factories for the crews app (kept here so that tests/factories.py stays append-only)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from bookings.models import Booking
from crews.models import Call, Crew, CrewMember, Person, Role, Scene, ShootDay, Stop, StopScene
from tests.factories import BookingFactory, CompanyFactory, ProductionFactory, SetFactory


def local(day, hour: int, minute: int = 0) -> datetime:
    """An aware local (Asia/Shanghai) datetime on ``day``; hours past 23 roll into the next day."""
    return datetime.combine(day, time(0, 0), tzinfo=timezone.get_current_timezone()) + timedelta(
        hours=hour, minutes=minute
    )


def shoot_date(days: int = 5):
    return (timezone.localtime() + timedelta(days=days)).date()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"演员{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    roles = factory.LazyFunction(lambda: [Role.ACTOR])
    day_rate = Decimal("800.00")


class CrewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crew

    production = factory.SubFactory(ProductionFactory)
    company = factory.SelfAttribute("production.company")
    name = factory.Sequence(lambda n: f"{chr(65 + n % 26)}组{n}")


class CrewMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrewMember

    crew = factory.SubFactory(CrewFactory)
    person = factory.SubFactory(PersonFactory, company=factory.SelfAttribute("..crew.company"))
    company = factory.SelfAttribute("crew.company")
    role = Role.ACTOR
    starts_on = factory.LazyFunction(shoot_date)
    day_rate = Decimal("800.00")


class SceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scene

    production = factory.SubFactory(ProductionFactory)
    company = factory.SelfAttribute("production.company")
    episode = factory.Sequence(lambda n: n // 20 + 1)
    number = factory.Sequence(lambda n: n % 20 + 1)
    set_kind = ""
    estimated_minutes = 30


class ShootDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShootDay

    crew = factory.SubFactory(CrewFactory)
    company = factory.SelfAttribute("crew.company")
    date = factory.LazyFunction(shoot_date)
    call_at = factory.LazyAttribute(lambda d: local(d.date, 6))
    planned_wrap_at = factory.LazyAttribute(lambda d: local(d.date, 20))


def booking_for(day: ShootDay, *, start_hour=6, end_hour=22, status=Booking.Status.CONFIRMED, **set_kwargs):
    """A booking of a fresh set for the day's production covering ``[start_hour, end_hour)``."""
    set_ = SetFactory(**set_kwargs)
    return BookingFactory(
        set=set_,
        production=day.crew.production,
        status=status,
        starts_at=local(day.date, start_hour),
        ends_at=local(day.date, end_hour),
    )


class StopFactory(factory.django.DjangoModelFactory):
    """A stop written directly (no rules checked); use ``crews.services.stop_add`` to test the rules."""

    class Meta:
        model = Stop

    shoot_day = factory.SubFactory(ShootDayFactory)
    crew = factory.SelfAttribute("shoot_day.crew")
    order = factory.Sequence(lambda n: n + 1)
    booking = factory.LazyAttribute(lambda s: booking_for(s.shoot_day))
    starts_at = factory.LazyAttribute(lambda s: local(s.shoot_day.date, 8))
    ends_at = factory.LazyAttribute(lambda s: local(s.shoot_day.date, 12))


class StopSceneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StopScene

    stop = factory.SubFactory(StopFactory)
    scene = factory.SubFactory(SceneFactory)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    shoot_day = factory.SubFactory(ShootDayFactory)
    person = factory.SubFactory(PersonFactory, company=factory.SelfAttribute("..shoot_day.company"))
    role = Role.ACTOR
    call_at = factory.LazyAttribute(lambda c: c.shoot_day.call_at)
    released_at = factory.LazyAttribute(lambda c: c.shoot_day.planned_wrap_at)
