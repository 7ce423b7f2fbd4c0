"""How many minutes a crew needs from one point to another: the one function search and scheduling share.

``travel_minutes(origin, destination)`` takes a ``Place``, ``Base``, ``Set`` or a ``(lat, lon)`` pair:

1. the same point → 0; two sets of one base (or a base and a set in it) → the zone's walk minutes;
2. a measured entry in ``TravelTime`` between the two places/bases, in either direction;
3. else great-circle distance × the zone's detour factor ÷ its average speed, rounded up.

Where the two ends lie in different zones the estimate takes the slower settings of the two, so it
stays symmetric. ``travel_minutes_to_bases`` and ``travel_matrix`` answer the same question for many
bases at once with a single query for the measured table, for search and the circle plan;
``base_endpoints`` reads just the columns a trip needs from a base queryset, for callers (search) that
would otherwise load whole bases only to measure distances.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from locations import conf
from locations.catalogue_cache import catalogue_copy
from locations.models import Base, Place, Set, TravelTime, Zone, endpoint_key

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Endpoint:
    """One end of a trip, reduced to what the calculation needs."""

    lat: float
    lon: float
    key: str | None = None  # the TravelTime key, or None for a bare point
    base_id: int | None = None
    set_id: int | None = None
    zone: Zone | None = None


def as_endpoint(obj) -> Endpoint:
    if isinstance(obj, Endpoint):
        return obj
    if isinstance(obj, Set):
        base = obj.base
        return Endpoint(
            float(base.latitude), float(base.longitude), endpoint_key(base), base.pk, obj.pk, base.zone
        )
    if isinstance(obj, Base):
        return Endpoint(float(obj.latitude), float(obj.longitude), endpoint_key(obj), obj.pk, None, obj.zone)
    if isinstance(obj, Place):
        return Endpoint(float(obj.latitude), float(obj.longitude), endpoint_key(obj), zone=obj.zone)
    if isinstance(obj, tuple | list) and len(obj) == 2:
        lat, lon = (float(value) for value in obj)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"Not a coordinate: {obj!r}")
        return Endpoint(lat, lon)
    raise TypeError(f"Cannot travel from or to {obj!r}")


# What a trip needs from a base's zone (see ``_settings`` and ``_walk_minutes``).
_ZONE_TRAVEL_FIELDS = frozenset({"id", "detour_factor", "average_speed_kmh", "walk_minutes"})


def base_endpoints(bases: QuerySet[Base], *extra: str) -> list:
    """The ``Endpoint`` of each base of ``bases``, read as plain values in one query.

    The same ends ``as_endpoint(base)`` gives, without building whole ``Base`` rows (and their
    operators) for a calculation that needs coordinates and zone settings only; each zone is built
    once, as a deferred instance holding just its travel settings (like ``.only()`` would give).
    With ``extra`` column names, each item is ``(endpoint, *values)`` instead.
    """
    # ``Model.from_db`` takes the loaded values in the model's field order.
    zone_fields = [
        field.attname for field in Zone._meta.concrete_fields if field.attname in _ZONE_TRAVEL_FIELDS
    ]
    columns = ("pk", "latitude", "longitude", "zone_id", *extra, *(f"zone__{name}" for name in zone_fields))
    zones: dict[int, Zone] = {}
    ends = []
    for pk, latitude, longitude, zone_id, *values in (
        bases.prefetch_related(None).order_by().values_list(*columns)
    ):
        extra_values, zone_values = values[: len(extra)], values[len(extra) :]
        zone = zones.get(zone_id)
        if zone is None:
            zone = zones[zone_id] = Zone.from_db(bases.db, zone_fields, zone_values)
        # ``endpoint_key`` of a base, spelled out to avoid building the instance it would need.
        end = Endpoint(float(latitude), float(longitude), f"base:{pk}", pk, None, zone)
        ends.append((end, *extra_values) if extra else end)
    return ends


def base_endpoints_table() -> list[tuple[Endpoint, bool, int, int]]:
    """``(endpoint, is_active, operator_id, zone_id)`` of every base: this process's copy
    (``locations.catalogue_cache``), read in one query when the catalogue changed. Read-only."""
    return catalogue_copy(
        "base_endpoints", lambda: base_endpoints(Base.objects.all(), "is_active", "operator_id", "zone_id")
    )


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance; symmetric in its two points by construction."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _settings(first: Zone | None, second: Zone | None) -> tuple[Decimal, Decimal]:
    zones = [zone for zone in (first, second) if zone is not None]
    if not zones:
        return conf.default_detour_factor(), conf.default_speed_kmh()
    return max(zone.detour_factor for zone in zones), min(zone.average_speed_kmh for zone in zones)


def estimate_minutes(origin: Endpoint, destination: Endpoint) -> int:
    detour, speed = _settings(origin.zone, destination.zone)
    km = great_circle_km(origin.lat, origin.lon, destination.lat, destination.lon)
    # Rounded before the ceiling so that float noise never adds a minute.
    return math.ceil(round(km * float(detour) / float(speed) * 60, 6))


def circle_minutes(origin) -> int:
    """The shooting circle around ``origin`` (a place, set or point): its zone's, else the default one."""
    zone = as_endpoint(origin).zone
    return zone.circle_minutes if zone is not None else conf.default_circle_minutes()


def _walk_minutes(end: Endpoint) -> int:
    return end.zone.walk_minutes if end.zone is not None else conf.default_walk_minutes()


def _without_measurement(origin: Endpoint, destination: Endpoint) -> int | None:
    """The answer when no measurement applies (same point, same base), else None."""
    if origin.set_id is not None and origin.set_id == destination.set_id:
        return 0
    if origin.base_id is not None and origin.base_id == destination.base_id:
        if origin.set_id is None and destination.set_id is None:
            return 0
        return _walk_minutes(origin)
    if origin.key is not None and origin.key == destination.key:
        return 0
    if (
        origin.key is None
        and destination.key is None
        and (origin.lat, origin.lon)
        == (
            destination.lat,
            destination.lon,
        )
    ):
        return 0
    return None


def _pair(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first < second else (second, first)


def travel_minutes(origin, destination) -> int:
    """Minutes from ``origin`` to ``destination``: measured where recorded, else estimated."""
    origin, destination = as_endpoint(origin), as_endpoint(destination)
    fixed = _without_measurement(origin, destination)
    if fixed is not None:
        return fixed
    if origin.key is not None and destination.key is not None:
        key_a, key_b = _pair(origin.key, destination.key)
        measured = TravelTime.objects.filter(key_a=key_a, key_b=key_b).values_list("minutes", flat=True)
        for minutes in measured:
            return minutes
    return estimate_minutes(origin, destination)


def measured_minutes(keys_from: Iterable[str], keys_to: Iterable[str]) -> dict[tuple[str, str], int]:
    """Measured entries between a key in ``keys_from`` and one in ``keys_to``, keyed both ways, from
    this process's copy of the measured table (``locations.catalogue_cache``; one query when it changed)."""
    keys_from, keys_to = set(keys_from), set(keys_to)
    if not keys_from or not keys_to:
        return {}
    table = catalogue_copy("measured_minutes", _read_measured)
    near, far = sorted((keys_from, keys_to), key=len)
    found = {}
    for key in near:
        for other, minutes in table.get(key, ()):
            if other in far:
                found[(key, other)] = minutes
                found[(other, key)] = minutes
    return found


def _read_measured() -> dict[str, list[tuple[str, int]]]:
    """``{key: [(other key, minutes), ...]}``, each entry under both of its ends."""
    table: dict[str, list[tuple[str, int]]] = {}
    for key_a, key_b, minutes in TravelTime.objects.order_by().values_list("key_a", "key_b", "minutes"):
        table.setdefault(key_a, []).append((key_b, minutes))
        if key_b != key_a:
            table.setdefault(key_b, []).append((key_a, minutes))
    return table


def travel_minutes_to_bases(origin, bases: Iterable[Base | Endpoint]) -> dict[int, int]:
    """``{base_id: minutes}`` from ``origin`` to each base (zones loaded, or ``base_endpoints``), with
    one measured-table query.

    For a set as origin its own base answers the walk minutes; the caller gives the set itself 0.
    """
    origin = as_endpoint(origin)
    ends = [as_endpoint(base) for base in bases]
    measured = measured_minutes([origin.key], [end.key for end in ends]) if origin.key else {}
    result = {}
    for end in ends:
        if origin.set_id is not None and origin.base_id == end.base_id:
            result[end.base_id] = _walk_minutes(origin)
            continue
        fixed = _without_measurement(origin, end)
        if fixed is None:
            fixed = measured.get((origin.key, end.key))
        result[end.base_id] = fixed if fixed is not None else estimate_minutes(origin, end)
    return result


def travel_matrix(bases: Iterable[Base]) -> dict[tuple[int, int], int]:
    """``{(base_id, base_id): minutes}`` between every two of ``bases`` (zones loaded); one query."""
    ends = [as_endpoint(base) for base in bases]
    keys = [end.key for end in ends]
    measured = measured_minutes(keys, keys)
    matrix = {}
    for i, first in enumerate(ends):
        matrix[(first.base_id, first.base_id)] = 0
        for second in ends[i + 1 :]:
            minutes = measured.get((first.key, second.key))
            if minutes is None:
                minutes = estimate_minutes(first, second)
            matrix[(first.base_id, second.base_id)] = matrix[(second.base_id, first.base_id)] = minutes
    return matrix
