"""Writes to the catalogue: bases, sets, rates, photos, blackouts, places, travel times.

Every service checks that the acting operator owns what it touches (the API narrows querysets too, so
this is the second line), validates through the model (``full_clean``: field rules and constraints),
saves in one transaction and records the event.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from config.exceptions import ConflictError, DomainError
from config.locking import lock, lock_many, locked_transaction
from config.services import model_update
from config.uploads import image_check_pixels
from locations import conf
from locations.models import Base, Blackout, OpeningHours, Place, Set, SetPhoto, TravelTime
from notifications.services import event_record
from studio.models import Organization

BASE_FIELDS = (
    "zone",
    "kind",
    "name",
    "address",
    "district",
    "latitude",
    "longitude",
    "description",
    "min_notice_minutes",
    "max_days_ahead",
    "min_duration_minutes",
    "max_duration_minutes",
    "slot_step_minutes",
    "default_turnover_minutes",
    "instant_book_default",
    "cancellation_policy",
    "hold_ttl_minutes",
    "max_active_holds_per_company",
    "check_in_lead_minutes",
)
#: Booking rules an operator sets in the admin only (the API does not offer them yet).
BASE_ADMIN_FIELDS = (*BASE_FIELDS, "requires_preliminary_review")
RATE_FIELDS = ("hourly_rate", "day_rate", "day_length_hours", "overtime_rate_per_hour", "deposit")
SET_FIELDS = (
    "name",
    "kind",
    "tags",
    "description",
    "area_sqm",
    "crew_capacity",
    "amenities",
    *RATE_FIELDS,
    "turnover_minutes",
    "instant_book",
)
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def _validate(instance, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` with Django's messages turned into a field-level DomainError."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        first = next(iter(fields.values()))[0]
        raise DomainError(first, code="invalid", fields=fields) from None


def _save(instance, **kwargs) -> None:
    """Save; a unique constraint lost to a concurrent writer becomes the same 409 as a duplicate."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError:
        raise ConflictError(_("This conflicts with an existing record."), code="duplicate") from None


def _require_operator(organization: Organization) -> None:
    if organization.kind != Organization.Kind.BASE_OPERATOR:
        raise DomainError(_("Only base operators keep a catalogue."), code="wrong_organization_kind")


def _require_owner(organization: Organization, base: Base) -> None:
    if base.operator_id != organization.pk:
        raise DomainError(
            _("This base belongs to another operator."), code="not_owner", fields={"base": [_("Not yours.")]}
        )


def _clean_text_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").replace("；", ",").replace(";", ",").split(",")
    cleaned = []
    for item in value:
        word = str(item).strip()
        if word and word not in cleaned:
            cleaned.append(word)
    return cleaned


def _replace_opening_hours(base: Base, opening_hours: list[dict]) -> None:
    weekdays = [row["weekday"] for row in opening_hours]
    if len(weekdays) != len(set(weekdays)):
        raise DomainError(
            _("One opening interval per weekday."),
            code="invalid",
            fields={"opening_hours": [_("A weekday appears twice.")]},
        )
    base.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(base=base, weekday=row["weekday"], opens=row["opens"], closes=row["closes"])
        for row in opening_hours
    )


# Bases -------------------------------------------------------------------------------------------


@transaction.atomic
def base_create(*, operator: Organization, by, opening_hours: list[dict] | None = None, **data) -> Base:
    """Create a base (or a cluster of stand-alone locations) for a base operator."""
    _require_operator(operator)
    base = Base(operator=operator, **{k: v for k, v in data.items() if k in BASE_ADMIN_FIELDS})
    _validate(base)
    _save(base)
    if opening_hours is not None:
        _replace_opening_hours(base, opening_hours)
    event_record(
        type="base.created", organization=operator, actor=by, subject=base, payload={"base": base.pk}
    )
    return base


@locked_transaction()
def base_update(*, base: Base, by, opening_hours: list[dict] | None = None, **data) -> Base:
    """Change a base's details, booking rules and (when given) its whole opening-hours table."""
    base, changed = model_update(
        instance=lock(Base, base.pk), fields=BASE_ADMIN_FIELDS, data=data, check=_validate, save=_save
    )
    if opening_hours is not None:
        _replace_opening_hours(base, opening_hours)
        changed.append("opening_hours")
    if changed:
        event_record(
            type="base.updated",
            organization=base.operator,
            actor=by,
            subject=base,
            payload={"base": base.pk, "changed": changed},
        )
    return base


@transaction.atomic
def base_set_active(*, base: Base, active: bool, by) -> Base:
    """List (``active``) or withdraw a whole base from the catalogue."""
    updated = Base.objects.filter(pk=base.pk).exclude(is_active=active).update(is_active=active)
    base.is_active = active
    if updated:
        event_record(
            type="base.activated" if active else "base.deactivated",
            organization=base.operator,
            actor=by,
            subject=base,
            payload={"base": base.pk},
        )
    return base


# Sets --------------------------------------------------------------------------------------------


def _prepare_set_data(data: dict) -> dict:
    prepared = {k: v for k, v in data.items() if k in SET_FIELDS}
    for name in ("tags", "amenities"):
        if name in prepared:
            prepared[name] = _clean_text_list(prepared[name])
    return prepared


@transaction.atomic
def set_create(*, organization: Organization, base: Base, by, **data) -> Set:
    """Add a set to one of the operator's bases."""
    _require_owner(organization, base)
    set_ = Set(base=base, **_prepare_set_data(data))
    _validate(set_)
    _save(set_)
    event_record(
        type="set.created", organization=organization, actor=by, subject=set_, payload={"set": set_.pk}
    )
    return set_


@locked_transaction()
def set_update(*, organization: Organization, set_: Set, by, base: Base | None = None, **data) -> Set:
    """Change a set's description, kind, tags, size or rate card (or move it to another own base)."""
    set_ = lock(Set, set_.pk, related=("base",))
    _require_owner(organization, set_.base)
    prepared = _prepare_set_data(data)
    if base is not None and base.pk != set_.base_id:
        _require_owner(organization, base)
        prepared = {"base": base, **prepared}
    set_, changed = model_update(
        instance=set_, fields=("base", *SET_FIELDS), data=prepared, check=_validate, save=_save
    )
    if not changed:
        return set_
    event_record(
        type="set.updated",
        organization=organization,
        actor=by,
        subject=set_,
        payload={"set": set_.pk, "changed": changed},
    )
    return set_


@transaction.atomic
def sets_set_active(*, organization: Organization, sets: Iterable[Set], active: bool, by) -> int:
    """Activate or deactivate several of the operator's sets at once; returns how many changed."""
    ids = [s.pk for s in sets]
    foreign = Set.objects.filter(pk__in=ids).exclude(base__operator=organization)
    if foreign.exists():
        raise DomainError(_("Some of these sets belong to another operator."), code="not_owner")
    changed = Set.objects.filter(pk__in=ids).exclude(is_active=active).update(is_active=active)
    if changed:
        event_record(
            type="set.activated" if active else "set.deactivated",
            organization=organization,
            actor=by,
            payload={"sets": ids, "changed": changed},
        )
    return changed


@locked_transaction()
def sets_update_rates(*, organization: Organization, sets: Iterable[Set], by, **rates) -> int:
    """Apply the given rate-card fields (any of hourly, day rate and length, overtime, deposit) to sets."""
    rates = {k: v for k, v in rates.items() if k in RATE_FIELDS and v is not None}
    if not rates:
        raise DomainError(_("Give at least one rate to change."), code="invalid")
    locked = list(lock_many(Set, (s.pk for s in sets), related=("base",)).values())
    for set_ in locked:
        _require_owner(organization, set_.base)
        for name, value in rates.items():
            setattr(set_, name, value)
        _validate(set_, exclude=["base"])
    Set.objects.bulk_update(locked, list(rates))
    event_record(
        type="set.rates_updated",
        organization=organization,
        actor=by,
        payload={"sets": [s.pk for s in locked], "rates": {k: str(v) for k, v in rates.items()}},
    )
    return len(locked)


def set_photo_check(image) -> str:
    """Refuse a photo over the size or pixel budget, unreadable, or not what it claims; return its format."""
    if image.size > conf.photo_max_bytes():
        raise DomainError(
            _("The photo is larger than %(mb)d MB.") % {"mb": conf.photo_max_bytes() // (1024 * 1024)},
            code="photo_too_large",
            fields={"image": [_("Too large.")]},
        )
    # the pixel count is read from the header before anything else looks at the data (decompression bombs)
    image_check_pixels(image, max_pixels=conf.photo_max_pixels(), field="image", code="photo_too_large")
    try:
        image.seek(0)
        with Image.open(image) as probe:
            detected = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            _("The file is not a readable image."),
            code="invalid_image",
            fields={"image": [_("Not an image.")]},
        ) from None
    finally:
        image.seek(0)
    if detected not in PHOTO_FORMATS:
        raise DomainError(
            _("Use a JPEG, PNG or WebP photo."),
            code="invalid_image",
            fields={"image": [_("Unsupported format.")]},
        )
    declared = getattr(image, "content_type", None)
    if declared and declared != PHOTO_FORMATS[detected]:
        raise DomainError(
            _("The file's content type does not match its contents."),
            code="invalid_image",
            fields={
                "image": [
                    _("Declared %(declared)s, but it is %(actual)s.")
                    % {"declared": declared, "actual": PHOTO_FORMATS[detected]}
                ]
            },
        )
    return detected


@transaction.atomic
def set_photo_add(
    *, organization: Organization, set_: Set, image, by, caption: str = "", position=None
) -> SetPhoto:
    """Attach a checked photo (format, content type, size, pixel count) to one of the operator's sets."""
    _require_owner(organization, set_.base)
    set_photo_check(image)
    if position is None:
        position = SetPhoto.objects.filter(set=set_).count()
    photo = SetPhoto(set=set_, caption=caption, position=position)
    photo.image.save(image.name.rsplit("/", 1)[-1], image, save=False)
    photo.save()
    return photo


@transaction.atomic
def set_photo_update(
    *, organization: Organization, photo: SetPhoto, by, image=None, caption=None, position=None
) -> SetPhoto:
    """Change a photo's caption or position, or replace its image (checked like a new photo)."""
    photo = SetPhoto.objects.select_for_update().select_related("set__base").get(pk=photo.pk)
    _require_owner(organization, photo.set.base)
    if caption is not None:
        photo.caption = caption
    if position is not None:
        photo.position = position
    if image is not None:
        set_photo_check(image)
        storage, old_name = photo.image.storage, photo.image.name
        photo.image.save(image.name.rsplit("/", 1)[-1], image, save=False)
        transaction.on_commit(lambda: storage.delete(old_name))
    _validate(photo, exclude=["image"])
    photo.save()
    return photo


@transaction.atomic
def set_photo_delete(*, organization: Organization, photo: SetPhoto, by) -> None:
    _require_owner(organization, photo.set.base)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


# Blackouts ---------------------------------------------------------------------------------------


@transaction.atomic
def blackout_create(
    *,
    organization: Organization,
    by,
    starts_at,
    ends_at,
    set_: Set | None = None,
    base: Base | None = None,
    reason: str = "",
) -> Blackout:
    """Block one set or a whole base for a period."""
    if (set_ is None) == (base is None):
        raise DomainError(
            _("A blackout covers either one set or a whole base."),
            code="invalid",
            fields={"set": [_("Give a set or a base, not both.")]},
        )
    _require_owner(organization, set_.base if set_ is not None else base)
    blackout = Blackout(set=set_, base=base, starts_at=starts_at, ends_at=ends_at, reason=reason)
    _validate(blackout)
    _save(blackout)
    event_record(
        type="blackout.created",
        organization=organization,
        actor=by,
        subject=blackout,
        payload={"blackout": blackout.pk, "set": set_ and set_.pk, "base": base and base.pk},
    )
    return blackout


@locked_transaction()
def blackout_update(*, organization: Organization, blackout: Blackout, by, **data) -> Blackout:
    # of=self: PostgreSQL cannot lock the nullable side of the outer joins to set and base
    blackout = lock(Blackout, blackout.pk, related=("set__base", "base"), only_self=True)
    if blackout.operator_id != organization.pk:
        raise DomainError(_("This blackout belongs to another operator."), code="not_owner")
    for name in ("starts_at", "ends_at", "reason"):
        if name in data:
            setattr(blackout, name, data[name])
    _validate(blackout)
    _save(blackout)
    return blackout


@transaction.atomic
def blackout_delete(*, organization: Organization, blackout: Blackout, by) -> None:
    if blackout.operator_id != organization.pk:
        raise DomainError(_("This blackout belongs to another operator."), code="not_owner")
    blackout.delete()


# Places and travel times -------------------------------------------------------------------------

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
    if place.owner_id != organization.pk:
        raise DomainError(_("This place is maintained by another operator."), code="not_owner")
    for name, value in data.items():
        if name in PLACE_FIELDS:
            setattr(place, name, value)
    _validate(place)
    _save(place)
    return place


@transaction.atomic
def place_delete(*, organization: Organization, place: Place, by) -> None:
    if place.owner_id != organization.pk:
        raise DomainError(_("This place is maintained by another operator."), code="not_owner")
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
    if entry.owner_id != organization.pk:
        raise DomainError(_("This travel time was recorded by another operator."), code="not_owner")
    entry.delete()
