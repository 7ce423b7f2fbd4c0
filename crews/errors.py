"""The crews app's domain errors (all 409: the request conflicts with the schedule as it stands)."""

from config.exceptions import ConflictError


class PersonDoubleCalled(ConflictError):
    """The person's call period overlaps a call on another shoot day."""

    code = "person_double_called"


class CrewDoubleStop(ConflictError):
    """The crew would be at two stops at once."""

    code = "crew_double_stop"


class StopBookingMismatch(ConflictError):
    """The stop's booking belongs to another production, is not active, or does not cover the stop."""

    code = "stop_booking_mismatch"


class ShootDayClosed(ConflictError):
    """The shoot day is wrapped and can no longer change."""

    code = "shoot_day_wrapped"


class WrapTooEarly(ConflictError):
    """A shoot day is wrapped on its date or later, never ahead of it."""

    code = "wrap_window"
