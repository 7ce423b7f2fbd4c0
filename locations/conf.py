"""Settings of the locations app: ``LOCATIONS_<NAME>`` in Django settings, else the environment
(``config.appconf``).
"""

from decimal import Decimal

from config.appconf import app_settings

_get = app_settings("LOCATIONS")


def default_detour_factor() -> Decimal:
    """Road distance over great-circle distance, used where a zone does not say."""
    return Decimal(str(_get("DEFAULT_DETOUR_FACTOR", "1.4")))


def default_speed_kmh() -> Decimal:
    """Average door-to-door speed of a crew van in town."""
    return Decimal(str(_get("DEFAULT_SPEED_KMH", "30")))


def default_walk_minutes() -> int:
    return int(_get("DEFAULT_WALK_MINUTES", 3))


def default_circle_minutes() -> int:
    return int(_get("DEFAULT_CIRCLE_MINUTES", 15))


def photo_max_bytes() -> int:
    return int(_get("PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def photo_max_pixels() -> int:
    return int(_get("PHOTO_MAX_PIXELS", 40_000_000))


def import_max_bytes() -> int:
    """The largest catalogue CSV accepted (5,000 rows of a few hundred bytes fit with room to spare)."""
    return int(_get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def availability_max_days() -> int:
    """The longest range a set's calendar answers for at once."""
    return int(_get("AVAILABILITY_MAX_DAYS", 31))


def search_max_window_days() -> int:
    """The longest ``available_from``/``available_to`` window a search accepts."""
    return int(_get("SEARCH_MAX_WINDOW_DAYS", 31))


def feed_days_ahead() -> int:
    return int(_get("FEED_DAYS_AHEAD", 60))


def circle_plan_max_items() -> int:
    return int(_get("CIRCLE_PLAN_MAX_ITEMS", 12))


def circle_plan_max_results() -> int:
    return int(_get("CIRCLE_PLAN_MAX_RESULTS", 10))
