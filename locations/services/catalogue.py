"""Writes to the catalogue: bases, sets, rates, blackouts (photos, places: their own modules).

Every service checks that the acting operator owns what it touches (the API narrows querysets too, so
this is the second line), validates through the model (``full_clean``: field rules and constraints),
saves in one transaction and records the event.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.exceptions import ConflictError, DomainError
from config.locking import lock, lock_many, locked_transaction
from config.services import model_update
from locations.catalogue_cache import catalogue_changed
from locations.models import Base, Blackout, OpeningHours, Set
from notifications.services import event_record, event_record_update
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


def _require_own(owner_id: int, organization: Organization, message: str) -> None:
    """Refuse a row another operator keeps (the API narrows its querysets first: this is the second line)."""
    if owner_id != organization.pk:
        raise DomainError(message, code="not_owner")


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
    catalogue_changed()  # ``bulk_create`` sends no signal


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
        event_record_update(
            type="base.updated", subject=base, organization=base.operator, actor=by, changed=changed
        )
    return base


@transaction.atomic
def base_set_active(*, base: Base, active: bool, by) -> Base:
    """List (``active``) or withdraw a whole base from the catalogue."""
    updated = Base.objects.filter(pk=base.pk).exclude(is_active=active).update(is_active=active)
    base.is_active = active
    if updated:
        catalogue_changed()  # ``update`` sends no signal
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
    event_record_update(
        type="set.updated", subject=set_, organization=organization, actor=by, changed=changed
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
    _require_own(blackout.operator_id, organization, _("This blackout belongs to another operator."))
    blackout, _changed = model_update(
        instance=blackout, fields=("starts_at", "ends_at", "reason"), data=data, check=_validate, save=_save
    )
    return blackout


@transaction.atomic
def blackout_delete(*, organization: Organization, blackout: Blackout, by) -> None:
    _require_own(blackout.operator_id, organization, _("This blackout belongs to another operator."))
    blackout.delete()
