"""Errors of the bookings app: a broken rule is a 400 whose ``code`` names the rule; a clash is a 409."""

from django.utils.translation import gettext_lazy as _

from config.exceptions import ConflictError, DomainError


class BookingRuleViolation(DomainError):
    """A booking rule of the base refused the request; ``code`` names the rule."""

    code = "booking_rule"


class BookingConflict(ConflictError):
    """The set is already taken for (part of) the window."""

    code = "booking_conflict"


class BookingBusy(ConflictError):
    """Another request holds the set's lock for too long: retry."""

    code = "busy"

    def __init__(self, detail=None, **kwargs):
        super().__init__(detail or _("The set is busy with another request; please retry."), **kwargs)


class InvalidTransition(ConflictError):
    """The booking's status does not allow the action (e.g. confirming a cancelled booking)."""

    code = "invalid_status"


class HoldExpired(ConflictError):
    """The hold's time ran out before it was confirmed."""

    code = "hold_expired"


class CheckInWindow(ConflictError):
    """The check-in time lies outside its window: from the base's lead before the start until now."""

    code = "check_in_window"


class CheckOutWindow(ConflictError):
    """The check-out time lies outside its window: from the check-in until now."""

    code = "check_out_window"
