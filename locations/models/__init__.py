"""Zones, bases, sets and the places crews start from: the catalogue base operators sell.

``catalogue``: the shooting-service zones, bases with their opening hours and blackouts, sets with their
photos; ``travel``: the places crews start from and the travel times between them.
"""

from locations.models.catalogue import (
    LATITUDE,
    MONEY,
    Base,
    Blackout,
    OpeningHours,
    Set,
    SetPhoto,
    Zone,
    default_cancellation_policy,
    set_photo_path,
    validate_cancellation_policy,
)
from locations.models.travel import Place, TravelTime, endpoint_key

__all__ = [
    "LATITUDE",
    "MONEY",
    "Base",
    "Blackout",
    "OpeningHours",
    "Place",
    "Set",
    "SetPhoto",
    "TravelTime",
    "Zone",
    "default_cancellation_policy",
    "endpoint_key",
    "set_photo_path",
    "validate_cancellation_policy",
]
