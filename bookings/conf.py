"""Settings of the bookings app: ``BOOKINGS_<NAME>`` in Django settings, else the environment
(``config.appconf``).
"""

from config.appconf import app_settings

_get = app_settings("BOOKINGS")


def lock_timeout_ms() -> int:
    """How long a booking transaction waits for a set's lock before answering 409 "busy, retry"."""
    return int(_get("LOCK_TIMEOUT_MS", 5000))


def overtime_grace_minutes() -> int:
    """Minutes past the booked end a check-out may run before overtime is billed."""
    return int(_get("OVERTIME_GRACE_MINUTES", 15))


def no_show_grace_minutes() -> int:
    """Minutes after the start without a check-in before a confirmed booking becomes a no-show."""
    return int(_get("NO_SHOW_GRACE_MINUTES", 120))


def reminder_local_hour() -> int:
    """The digest of tomorrow's bookings goes out from this local hour of the day before (0–23)."""
    return int(_get("REMINDER_LOCAL_HOUR", 16))


def waitlist_offer_minutes() -> int:
    """How long a waiter has to book a freed window before the next waiter is told."""
    return int(_get("WAITLIST_OFFER_MINUTES", 60))


def batch_max_items() -> int:
    return int(_get("BATCH_MAX_ITEMS", 31))


def sweep_every_seconds() -> int:
    return int(_get("SWEEP_EVERY_SECONDS", 60))


def reminder_every_seconds() -> int:
    return int(_get("REMINDER_EVERY_SECONDS", 600))


def board_max_sets() -> int:
    return int(_get("BOARD_MAX_SETS", 500))


def board_refresh_seconds() -> int:
    """How often an open day board asks whether anything changed (an unchanged board answers 304)."""
    return int(_get("BOARD_REFRESH_SECONDS", 20))


def feed_days_back() -> int:
    return int(_get("FEED_DAYS_BACK", 30))


def feed_days_ahead() -> int:
    return int(_get("FEED_DAYS_AHEAD", 180))


def occupancy_max_days() -> int:
    """The longest window (in days) the occupancy report answers for."""
    return int(_get("OCCUPANCY_MAX_DAYS", 366))


def zone_max_months() -> int:
    """The longest window of a zone's figures, in months."""
    return int(_get("ZONE_MAX_MONTHS", 12))
