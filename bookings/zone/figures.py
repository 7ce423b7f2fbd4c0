"""The window of a zone's figures (whole local months), its limits, and the suppression rule."""

import re
from datetime import date, datetime, time

from django.db.models import Aggregate, FloatField
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from bookings import conf
from config.dates import in_range, months_between
from config.serializers import InputSerializer

#: a cell built from fewer companies than this (but at least one) is suppressed
MIN_COMPANIES = 3
#: the travel limits of the circle block, in minutes
CIRCLE_LIMITS = (5, 10, 15)
#: months shown when the request names none: this one and the five before it
DEFAULT_MONTHS = 6

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def suppressed(companies: int) -> bool:
    """Whether a cell built from ``companies`` companies is withheld: one or two could be read off it.

    A cell with no company at all is shown (a zero names nobody)."""
    return 0 < companies < MIN_COMPANIES


def month_text(month: date) -> str:
    return month.strftime("%Y-%m")


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    return add_months(month, 1)


def month_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The local instants from the first month's first day to the day after the last month ends."""
    tz = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(
        next_month(last), time.min, tzinfo=tz
    )


def last_day(month: date) -> date:
    return date.fromordinal(next_month(month).toordinal() - 1)


class MonthField(serializers.CharField):
    """A month as ``YYYY-MM`` (a ``YYYY-MM-DD`` date is taken as its month), within the API's dates."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        match = _MONTH.match(text[:7]) if len(text) in (7, 10) else None
        try:
            month = date(int(match[1]), int(match[2]), 1) if match else None
            if month is not None and len(text) == 10:
                date.fromisoformat(text)
        except ValueError:
            month = None
        if month is None:
            raise serializers.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-09."))
        if not in_range(month) or not in_range(last_day(month)):
            raise serializers.ValidationError(_("Give a month between 2000-01 and 2100-12."))
        return month


class ZoneStatsIn(InputSerializer):
    """Whole local months ``from`` to ``to``, both included (default: the last six months)."""

    # ``from`` is a Python keyword: declared through the class namespace
    locals()["from"] = MonthField(required=False, help_text=_("First month (YYYY-MM)."))
    to = MonthField(required=False, help_text=_("Last month, included (YYYY-MM)."))

    def validate(self, attrs):
        first, last = attrs.get("from"), attrs.get("to")
        if first is None and last is None:
            last = timezone.localdate().replace(day=1)
        if first is None:
            first = add_months(last, 1 - DEFAULT_MONTHS)
        elif last is None:
            last = add_months(first, DEFAULT_MONTHS - 1)
        if last < first:
            raise serializers.ValidationError({"to": [_("Must not be before from.")]})
        if len(months_between(first, last)) > conf.zone_max_months():
            raise serializers.ValidationError(
                {"to": [_("The window may span at most %(n)d months.") % {"n": conf.zone_max_months()}]}
            )
        return {"from": first, "to": last}


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` of a number (None over no rows)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
