"""Writes to the places crews start from and to the travel times measured between places and bases."""

from django.db import transaction
from django.utils.translation import gettext as _

from config.exceptions import ConflictError, DomainError
from config.locking import lock, locked_transaction
from config.services import model_update
from locations.models import Base, Place, TravelTime
from locations.services.catalogue import _require_operator, _require_own, _save, _validate
from studio.models import Organization

PLACE_FIELDS = ("zone", "name", "kind", "address", "latitude", "longitude")


@transaction.atomic
def place_create(*, organization: Organization, by, **data) -> Place:
    """Name a point crews start from (a hotel, a gate) in a zone."""
    _require_operator(organization)
    place = Place(owner=organization, **{k: v for k, v in data.items() if k in PLACE_FIELDS})
    _validate(place)
    _save(place)
    return place


@locked_transaction()
def place_update(*, organization: Organization, place: Place, by, **data) -> Place:
    place = lock(Place, place.pk)
    _require_own(place.owner_id, organization, _("This place is maintained by another operator."))
    place, _changed = model_update(
        instance=place, fields=PLACE_FIELDS, data=data, check=_validate, save=_save
    )
    return place


@transaction.atomic
def place_delete(*, organization: Organization, place: Place, by) -> None:
    _require_own(place.owner_id, organization, _("This place is maintained by another operator."))
    place.delete()


def _owns_endpoint(organization: Organization, end) -> bool:
    return (isinstance(end, Base) and end.operator_id == organization.pk) or (
        isinstance(end, Place) and end.owner_id == organization.pk
    )


@transaction.atomic
def travel_time_record(
    *, organization: Organization, by, first, second, minutes: int, note: str = ""
) -> TravelTime:
    """Record (or correct) the measured minutes between two places/bases, at least one of them the operator's.

    The pair is one entry whichever way round it is given; an entry recorded by another operator is a 409.
    """
    _require_operator(organization)
    if not (_owns_endpoint(organization, first) or _owns_endpoint(organization, second)):
        raise DomainError(
            _("Record travel times from or to your own bases and places."),
            code="not_owner",
            fields={"from": [_("Neither end is yours.")]},
        )
    probe = TravelTime()
    probe.set_ends(first, second)
    if probe.key_a == probe.key_b:
        raise DomainError(
            _("The two ends are the same."), code="invalid", fields={"to": [_("Same as from.")]}
        )
    entry = TravelTime.objects.select_for_update().filter(key_a=probe.key_a, key_b=probe.key_b).first()
    if entry is not None and entry.owner_id != organization.pk:
        raise ConflictError(
            _("Another operator has recorded this travel time."), code="travel_time_recorded_by_other"
        )
    if entry is None:
        entry = probe
        entry.owner = organization
    entry.minutes, entry.note = minutes, note
    _validate(entry, exclude=["key_a", "key_b"])
    _save(entry)
    return entry


@transaction.atomic
def travel_time_delete(*, organization: Organization, entry: TravelTime, by) -> None:
    _require_own(entry.owner_id, organization, _("This travel time was recorded by another operator."))
    entry.delete()
