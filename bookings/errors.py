"""Errors of the bookings app: a broken rule is a 400 whose ``code`` names the rule; a clash is a 409."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


#: What each action is called in a refusal ("A booking with status “declined” cannot be confirmed."):
#: a verb phrase of its own, never a status label (状态为“已拒绝”的预订不能确认。, not …不能已确认。).
BOOKING_ACTIONS = {
    "confirm": pgettext_lazy("booking action", "be confirmed"),
    "decline": pgettext_lazy("booking action", "be declined"),
    "cancel": pgettext_lazy("booking action", "be cancelled"),
    "reschedule": pgettext_lazy("booking action", "be rescheduled"),
    "check_in": pgettext_lazy("booking action", "be checked in"),
    "check_out": pgettext_lazy("booking action", "be checked out"),
    "no_show": pgettext_lazy("booking action", "be marked as a no-show"),
}


class HoldExpired(ConflictError):
    """The hold's time ran out before it was confirmed."""

    code = "hold_expired"


class CheckInWindow(ConflictError):
    """The check-in time lies outside its window: from the base's lead before the start until now."""

    code = "check_in_window"


class CheckOutWindow(ConflictError):
    """The check-out time lies outside its window: from the check-in until now."""

    code = "check_out_window"
