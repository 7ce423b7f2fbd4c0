"""Scoping factories for the locations routes (see tests/test_scoping.py for the contract)."""

from notifications.models import FeedToken
from studio.models import Organization
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    PlaceFactory,
    SetFactory,
    SetPhotoFactory,
    ZoneFactory,
    travel_time_for,
)

OPERATOR = Organization.Kind.BASE_OPERATOR


def _operator_owned(factory):
    factory.owner_kind = OPERATOR
    return factory


def make_zone(owner):
    return ZoneFactory()


def make_place(owner):
    return PlaceFactory(owner=owner)


def make_base(owner):
    return BaseFactory(operator=owner)


def make_set(owner):
    return SetFactory(base=BaseFactory(operator=owner))


def make_set_photo(owner):
    return SetPhotoFactory(set=make_set(owner))


def make_blackout(owner):
    return BlackoutFactory(set=make_set(owner))


def make_travel_time(owner):
    base = BaseFactory(operator=owner)
    return travel_time_for(owner=owner, first=base, second=PlaceFactory(zone=base.zone), minutes=6)


def make_calendar_feed(owner):
    return FeedToken.objects.create(
        kind=FeedToken.Kind.SET, organization=owner, set=SetFactory(), token=f"feed-token-{owner.pk}"
    )


def make_circle_plan(owner):
    return make_set(owner)


SCOPING = {
    "zone": make_zone,
    "place": _operator_owned(make_place),
    "base": _operator_owned(make_base),
    "set": _operator_owned(make_set),
    "set-photo": _operator_owned(make_set_photo),
    "blackout": _operator_owned(make_blackout),
    "travel-time": _operator_owned(make_travel_time),
    "calendar-feed": make_calendar_feed,
    "circle-plan": _operator_owned(make_circle_plan),
}


# Hidden objects: to everyone but their operator, exactly missing ones (see tests/test_scoping.py).


def make_withdrawn_set(owner):
    return SetFactory(base=BaseFactory(operator=owner), is_active=False)


def make_set_of_withdrawn_base(owner):
    return SetFactory(base=BaseFactory(operator=owner, is_active=False))


def make_withdrawn_base(owner):
    return BaseFactory(operator=owner, is_active=False)


def make_photo_of_withdrawn_set(owner):
    return SetPhotoFactory(set=make_withdrawn_set(owner))


INACTIVE = {
    "set": [_operator_owned(make_withdrawn_set), _operator_owned(make_set_of_withdrawn_base)],
    "base": [_operator_owned(make_withdrawn_base)],
    "set-photo": [_operator_owned(make_photo_of_withdrawn_set)],
}
