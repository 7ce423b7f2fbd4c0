"""Reads of the catalogue: what an organisation may see, availability, search and calendars.

The catalogue is shared: every signed-in organisation reads active bases and their active sets; a
base operator also sees its own inactive bases and sets. Blackouts and travel-time entries are the
operator's own records.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from config.scoping import scope
from locations.availability import (
    BusyInterval,
    busy_providers,
    closed_base_ids,
    complement,
    merge,
    open_intervals,
)
from locations.catalogue_cache import catalogue_copy
from locations.models import (
    Base,
    Blackout,
    OpeningHours,
    Place,
    Set,
    SetPhoto,
    TravelTime,
    Zone,
)
from locations.travel import as_endpoint, base_endpoints_table, travel_minutes_to_bases
from studio.models import Organization


@scope(Zone)
def zones_visible_to(*, organization: Organization) -> QuerySet[Zone]:
    return Zone.objects.all()


def zones_managed_by(*, organization: Organization) -> QuerySet[Zone]:
    """The zone ``organization`` manages (a zone-management organisation runs at most one), with its
    review centre."""
    return Zone.objects.filter(management=organization).select_related("review_centre")


@scope(Base)
def bases_visible_to(*, organization: Organization) -> QuerySet[Base]:
    return (
        Base.objects.filter(Q(is_active=True) | Q(operator=organization))
        .select_related("zone", "operator")
        .prefetch_related(Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday")))
    )


def bases_owned_by(*, organization: Organization) -> QuerySet[Base]:
    return bases_visible_to(organization=organization).filter(operator=organization)


@scope(Set)
def sets_visible_to(*, organization: Organization) -> QuerySet[Set]:
    return (
        Set.objects.filter(Q(is_active=True, base__is_active=True) | Q(base__operator=organization))
        .select_related("base__zone")
        .prefetch_related(Prefetch("photos", queryset=SetPhoto.objects.order_by("position", "id")))
    )


def sets_owned_by(*, organization: Organization) -> QuerySet[Set]:
    return sets_visible_to(organization=organization).filter(base__operator=organization)


@scope(SetPhoto)
def set_photos_visible_to(*, organization: Organization) -> QuerySet[SetPhoto]:
    return SetPhoto.objects.filter(set__in=sets_visible_to(organization=organization).values("pk"))


def set_photos_owned_by(*, organization: Organization) -> QuerySet[SetPhoto]:
    return SetPhoto.objects.filter(set__base__operator=organization).select_related("set")


@scope(Blackout)
def blackouts_owned_by(*, organization: Organization) -> QuerySet[Blackout]:
    return Blackout.objects.filter(
        Q(set__base__operator=organization) | Q(base__operator=organization)
    ).select_related("set__base", "base")


@scope(Place)
def places_visible_to(*, organization: Organization) -> QuerySet[Place]:
    return Place.objects.select_related("zone")


#: at most this many places are kept in a process's copy (``place_from_copy``)
PLACES_KEPT = 10_000


def place_from_copy(pk: int) -> Place | None:
    """Place ``pk`` as ``places_visible_to`` reads it (zone loaded), if this process's copy holds it.

    Places are a public catalogue (``places_visible_to`` is the same for every organisation), so a place
    read once is kept per process for the current catalogue version (``locations.catalogue_cache``: every
    save or delete of a place or a zone replaces it); ``place_keep`` adds one. None: read it from the
    database. The instance is shared by every later caller: read-only.
    """
    return catalogue_copy("places", dict).get(pk)


def place_keep(place: Place) -> None:
    """Keep ``place``, just read through ``places_visible_to``, in this process's copy (see above)."""
    kept = catalogue_copy("places", dict)
    if len(kept) < PLACES_KEPT:
        kept[place.pk] = place


def places_owned_by(*, organization: Organization) -> QuerySet[Place]:
    return places_visible_to(organization=organization).filter(owner=organization)


@scope(TravelTime)
def travel_times_owned_by(*, organization: Organization) -> QuerySet[TravelTime]:
    return TravelTime.objects.filter(owner=organization).select_related(
        "place_a", "place_b", "base_a", "base_b"
    )


# Availability ------------------------------------------------------------------------------------


def sets_available(
    queryset: QuerySet[Set], starts_at: datetime, ends_at: datetime, *, hours: dict | None = None
) -> QuerySet[Set]:
    """The sets of ``queryset`` free for the whole of ``[starts_at, ends_at)``.

    Free means: the base is open throughout (one small query, see ``closed_base_ids``), and no busy
    provider (blackouts here; bookings once registered, see ``locations.availability``) blocks the set
    at any moment of the window. Providers contribute ``NOT EXISTS`` subqueries, so the result is
    still one lazy queryset that can be filtered, annotated, ordered and paginated further.
    """
    closed = closed_base_ids(starts_at, ends_at, hours=hours)
    if closed:
        queryset = queryset.exclude(base_id__in=closed)
    for provider in busy_providers():
        queryset = queryset.filter(~provider.blocking(starts_at, ends_at))
    return queryset


def set_busy_intervals(
    set_: Set, starts_at: datetime, ends_at: datetime, *, viewer=None, now: datetime | None = None
) -> list[BusyInterval]:
    """Every reason ``set_`` cannot be booked during the range by a request made at ``now``.

    Closing hours, blackouts and whatever the providers add (bookings with the turnover around them,
    the base's notice and horizon: see ``bookings.availability``); names only for the set's operator.
    """
    now = now or timezone.now()
    hours = [(row.weekday, row.opens, row.closes) for row in set_.base.opening_hours.all()]
    closed = [
        BusyInterval(start, end, "closed")
        for start, end in complement(open_intervals(hours, starts_at, ends_at), starts_at, ends_at)
    ]
    busy = list(closed)
    for provider in busy_providers():
        busy += provider.intervals(set_, starts_at, ends_at, viewer=viewer, now=now)
    return sorted(busy)


def set_free_intervals(busy: list[BusyInterval], starts_at: datetime, ends_at: datetime):
    return complement(merge((item.starts_at, item.ends_at) for item in busy), starts_at, ends_at)


# Search ------------------------------------------------------------------------------------------

ORDERINGS = {
    "travel_minutes": ("travel_minutes", "hourly_rate", "id"),
    "-travel_minutes": ("-travel_minutes", "hourly_rate", "id"),
    "hourly_rate": ("hourly_rate", "id"),
    "-hourly_rate": ("-hourly_rate", "id"),
    "day_rate": ("day_rate", "id"),
    "-day_rate": ("-day_rate", "id"),
    "area_sqm": ("area_sqm", "id"),
    "-area_sqm": ("-area_sqm", "id"),
    "name": ("name", "id"),
}


# The base fields ``SetOut`` reads (through ``base_name``, ``zone`` and the ``effective_*`` properties).
SEARCH_BASE_FIELDS = frozenset({"id", "name", "zone", "default_turnover_minutes", "instant_book_default"})


@cache
def _search_deferred_base_fields() -> tuple[str, ...]:
    return tuple(
        f"base__{base_field.name}"
        for base_field in Base._meta.concrete_fields
        if base_field.name not in SEARCH_BASE_FIELDS
    )


@dataclass
class SetSearch:
    """Validated search criteria (see ``locations.api.serializers.SetSearchIn``)."""

    kinds: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bases: list[int] = field(default_factory=list)
    zones: list[int] = field(default_factory=list)
    min_area: int | None = None
    min_capacity: int | None = None
    max_hourly_rate: object = None
    max_day_rate: object = None
    available_from: datetime | None = None
    available_to: datetime | None = None
    origin: object = None  # Place, Set or (lat, lon)
    within_minutes: int | None = None
    ordering: str | None = None


def sets_search(*, organization: Organization, criteria: SetSearch) -> QuerySet[Set]:
    """The sets matching every criterion, with ``travel_minutes`` annotated when an origin is given.

    Nearness is computed per base in Python with ``travel_minutes_to_bases`` (one query for bases, one
    for the measured table: the same function everything else uses, so search never disagrees with a
    call sheet) and handed to the database as a ``CASE`` over ``base_id`` grouped by minute value, so
    filtering by ``within_minutes``, ordering by travel and pagination all happen in SQL.
    """
    queryset = sets_visible_to(organization=organization)
    if criteria.kinds:
        queryset = queryset.filter(kind__in=criteria.kinds)
    for tag in criteria.tags:
        queryset = queryset.filter(tags__has=tag)
    if criteria.bases:
        queryset = queryset.filter(base_id__in=criteria.bases)
    if criteria.zones:
        queryset = queryset.filter(base__zone_id__in=criteria.zones)
    if criteria.min_area is not None:
        queryset = queryset.filter(area_sqm__gte=criteria.min_area)
    if criteria.min_capacity is not None:
        queryset = queryset.filter(crew_capacity__gte=criteria.min_capacity)
    if criteria.max_hourly_rate is not None:
        queryset = queryset.filter(hourly_rate__lte=criteria.max_hourly_rate)
    if criteria.max_day_rate is not None:
        queryset = queryset.filter(day_rate__lte=criteria.max_day_rate)
    if criteria.available_from is not None and criteria.available_to is not None:
        queryset = sets_available(queryset, criteria.available_from, criteria.available_to)
    if criteria.origin is not None:
        queryset = _annotate_travel(queryset, organization=organization, criteria=criteria)
    # A result row needs of its base only what ``SetOut`` shows: not its zone, policies or description.
    queryset = queryset.select_related(None).select_related("base").defer(*_search_deferred_base_fields())
    ordering = criteria.ordering or ("travel_minutes" if criteria.origin is not None else None)
    if ordering:
        return queryset.order_by(*ORDERINGS[ordering])
    return queryset.order_by("base__name", "name", "id")


def travel_within(
    *, organization: Organization, criteria: SetSearch
) -> tuple[dict[int, list[int]], int | None]:
    """``({minutes: [base_id, ...]}, origin set id or None)``: the bases within ``criteria.within_minutes``
    of the origin, grouped by their minutes (the origin set itself is 0 minutes away)."""
    # ``bases_visible_to`` and the search's base and zone filters, over the cached travel ends
    only_bases, only_zones = set(criteria.bases), set(criteria.zones)
    ends = [
        end
        for end, active, operator_id, zone_id in base_endpoints_table()
        if (active or operator_id == organization.pk)
        and (not only_bases or end.base_id in only_bases)
        and (not only_zones or zone_id in only_zones)
    ]
    minutes = _minutes_to_bases(criteria.origin, ends)
    limit = criteria.within_minutes
    by_minutes: dict[int, list[int]] = {}
    for base_id, value in minutes.items():
        if value <= limit:
            by_minutes.setdefault(value, []).append(base_id)
    return by_minutes, criteria.origin.pk if isinstance(criteria.origin, Set) else None


#: at most this many places' minutes to every base are kept per process (``_minutes_to_bases``)
PLACE_MINUTES_KEPT = 1_000


def _minutes_to_bases(origin, ends: list) -> dict[int, int]:
    """``travel_minutes_to_bases(origin, ends)``; from a place, out of this process's copy of its minutes
    to every base, kept for the catalogue version (``locations.catalogue_cache``) under what the
    estimate reads of the place (its key, coordinates and zone settings)."""
    if not isinstance(origin, Place):
        return travel_minutes_to_bases(origin, ends)
    start = as_endpoint(origin)
    zone = start.zone
    if zone is None:
        return travel_minutes_to_bases(start, ends)
    key = (start.key, start.lat, start.lon, zone.pk, zone.detour_factor, zone.average_speed_kmh)
    kept = catalogue_copy("place_minutes", dict)
    every = kept.get(key)
    if every is None:
        every = travel_minutes_to_bases(start, [end for end, *_columns in base_endpoints_table()])
        if len(kept) < PLACE_MINUTES_KEPT:
            kept[key] = every
    try:
        return {end.base_id: every[end.base_id] for end in ends}
    except KeyError:  # ``ends`` read before a change between the two copies' reads (outside a request)
        return travel_minutes_to_bases(start, ends)


def _annotate_travel(
    queryset: QuerySet[Set], *, organization: Organization, criteria: SetSearch
) -> QuerySet[Set]:
    by_minutes, origin_set_id = travel_within(organization=organization, criteria=criteria)
    whens = []
    if origin_set_id is not None:
        whens.append(When(pk=origin_set_id, then=Value(0)))
    whens += [When(base_id__in=ids, then=Value(value)) for value, ids in sorted(by_minutes.items())]
    reachable = [base_id for ids in by_minutes.values() for base_id in ids]
    # the origin set itself is 0 minutes away, even when its base's walk exceeds the limit
    within = (
        Q(base_id__in=reachable) | Q(pk=origin_set_id)
        if origin_set_id is not None
        else Q(base_id__in=reachable)
    )
    queryset = queryset.filter(within)
    if not whens:
        return queryset.annotate(travel_minutes=Value(None, output_field=IntegerField()))
    return queryset.annotate(travel_minutes=Case(*whens, default=Value(None), output_field=IntegerField()))
