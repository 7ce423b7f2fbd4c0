"""The base's booking rules, each a 400 whose ``code`` names it (``fields`` says which input broke it)."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.errors import BookingRuleViolation
from config.compiled import CompiledQuery
from config.localtime import local_text
from locations.availability import is_open_throughout
from locations.models import Blackout, Set


def earliest_start(base, now: datetime) -> datetime:
    """The earliest start the minimum notice allows for a request made at ``now``."""
    return now + timedelta(minutes=base.min_notice_minutes)


def latest_start(base, now: datetime) -> datetime:
    """The latest start ``max_days_ahead`` allows for a request made at ``now``."""
    return now + timedelta(days=base.max_days_ahead)


def _grid_minutes(value: datetime) -> float:
    local = timezone.localtime(value)
    return local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60


def on_grid(value: datetime, step: int) -> bool:
    """The grid starts afresh at every local midnight (a step that does not divide a day ends short)."""
    local = timezone.localtime(value)
    return not (local.second or local.microsecond or (local.hour * 60 + local.minute) % step)


def grid_floor(value: datetime, step: int) -> datetime:
    """The last time on the grid at or before ``value``."""
    midnight = timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(minutes=int(_grid_minutes(value) // step) * step)


def grid_ceil(value: datetime, step: int) -> datetime:
    """The first time on the grid at or after ``value`` (the next midnight at the latest)."""
    floor = grid_floor(value, step)
    if floor == value:
        return floor
    midnight = timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(floor + timedelta(minutes=step), midnight + timedelta(days=1))


def _first_blackout(set_id, base_id, starts_at, ends_at):
    return Blackout.objects.filter(
        Q(set_id=set_id) | Q(base_id=base_id), starts_at__lt=ends_at, ends_at__gt=starts_at
    ).order_by("starts_at")[:1]


#: the first blackout of a set or its base overlapping a window, compiled once per process
_FIRST_BLACKOUT = CompiledQuery(
    _first_blackout, set_id=int, base_id=int, starts_at=datetime, ends_at=datetime
)


def check_window(set_: Set, starts_at: datetime, ends_at: datetime, *, now: datetime) -> None:
    """Every rule of ``set_``'s base for a booking of ``[starts_at, ends_at)`` requested at ``now``."""
    base = set_.base
    if ends_at <= starts_at:
        raise BookingRuleViolation(
            _("The end must be after the start."),
            code="ends_before_start",
            fields={"ends_at": [_("Too early.")]},
        )
    if not (set_.is_active and base.is_active):
        raise BookingRuleViolation(
            _("This set is not open for booking."), code="set_inactive", fields={"set": [_("Not bookable.")]}
        )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < base.min_duration_minutes:
        raise BookingRuleViolation(
            _("Book at least %(n)d minutes.") % {"n": base.min_duration_minutes},
            code="min_duration",
            fields={"ends_at": [_("Too short.")]},
        )
    if minutes > base.max_duration_minutes:
        raise BookingRuleViolation(
            _("Book at most %(n)d minutes at once.") % {"n": base.max_duration_minutes},
            code="max_duration",
            fields={"ends_at": [_("Too long.")]},
        )
    step = base.slot_step_minutes
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not on_grid(value, step):
            raise BookingRuleViolation(
                _("Times must fall on the base's %(n)d-minute grid (e.g. 08:00, 08:%(n)02d).") % {"n": step},
                code="slot_step",
                fields={name: [_("Not on the %(n)d-minute grid.") % {"n": step}]},
            )
    if starts_at < earliest_start(base, now):
        raise BookingRuleViolation(
            _("Book at least %(n)d minutes ahead.") % {"n": base.min_notice_minutes},
            code="min_notice",
            fields={"starts_at": [_("Too soon.")]},
        )
    if starts_at > latest_start(base, now):
        raise BookingRuleViolation(
            _("Book at most %(n)d days ahead.") % {"n": base.max_days_ahead},
            code="max_days_ahead",
            fields={"starts_at": [_("Too far ahead.")]},
        )
    hours = [(row.weekday, row.opens, row.closes) for row in base.opening_hours.all()]
    if not is_open_throughout(hours, starts_at, ends_at):
        raise BookingRuleViolation(
            _("The base is closed during part of %(start)s–%(end)s.")
            % {"start": local_text(starts_at), "end": local_text(ends_at)},
            code="opening_hours",
            fields={"starts_at": [_("Outside the opening hours.")]},
        )
    found = _FIRST_BLACKOUT.run(set_id=set_.pk, base_id=set_.base_id, starts_at=starts_at, ends_at=ends_at)
    if found is None:  # not compiled (SQLite)
        found = _first_blackout(set_.pk, set_.base_id, starts_at, ends_at)
    blackout = found[0] if found else None
    if blackout is not None:
        raise BookingRuleViolation(
            _("The set is unavailable from %(start)s to %(end)s.")
            % {"start": local_text(blackout.starts_at), "end": local_text(blackout.ends_at)},
            code="blackout",
            fields={"starts_at": [_("Blocked by the base.")]},
        )
