"""The dates the API takes: 2000-01-01 to 2100-12-31 (Asia/Shanghai), for every date and datetime input.

Outside that range nothing this product plans makes sense, and the machinery misbehaves: year 1
shifted to UTC overflows (a 500), and before 1901 the time zone database gives Shanghai its local
mean time, so answers carried offsets like ``+08:05:43``. Every date or datetime that arrives in a
query parameter or a body is checked here and refused with a 400 naming the field:

- serializer fields: ``DateField`` below and ``config.serializers.AwareDateTimeField`` (also what
  ``ModelInputSerializer`` maps model date and datetime fields to);
- filter parameters: ``config.filters.DjangoFilterBackend`` adds ``validate_in_range`` to every date and
  datetime field of every filter set, declared or generated.

How long a *window* may be is each endpoint's own limit (e.g. ``LOCATIONS_SEARCH_MAX_WINDOW_DAYS``).
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _local_bound(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def in_range(value: date | datetime) -> bool:
    """Whether ``value`` falls within ``EARLIEST``–``LATEST``, a datetime by its local (Shanghai) day."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return EARLIEST <= value.date() <= LATEST
        # compared as instants, so that an extreme offset cannot overflow a conversion
        return _local_bound(EARLIEST) <= value < _local_bound(LATEST + timedelta(days=1))
    return EARLIEST <= value <= LATEST


def _message() -> str:
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def validate_in_range(value) -> None:
    """A validator for Django form fields (filter parameters)."""
    if isinstance(value, date) and not in_range(value):
        raise ValidationError(_message(), code="date_out_of_range")


class InRangeMixin:
    """For DRF date and datetime fields: the parsed value must be in range (checked in
    ``to_internal_value``, so that a field given its own ``validators`` keeps the check)."""

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except serializers.ValidationError as exc:
            if exc.get_codes() == ["overflow"]:  # DRF's: shifting year 1 or 9999 to Shanghai overflowed
                raise serializers.ValidationError(_message(), code="date_out_of_range") from None
            raise
        if not in_range(parsed):
            raise serializers.ValidationError(_message(), code="date_out_of_range")
        return parsed


class DateField(InRangeMixin, serializers.DateField):
    """A calendar date within the range above."""


def months_between(since: date, until: date) -> list[date]:
    """The 1st of every month from ``since``'s to ``until``'s, both included."""
    months, current = [], since.replace(day=1)
    while current <= until:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months
