"""Chinese working days: the ``chinesecalendar`` package where it has data, a centre's overrides elsewhere.

The package knows public holidays and adjusted working weekends (调休) for the years the State
Council has announced. For a year it does not cover, Monday–Friday is assumed, corrected by the
``HolidayOverride`` rows a centre enters; results that relied on that guess are marked estimated.
A centre's override always wins over the package (a local closure, a late announcement).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from review.models import HolidayOverride


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Working days for one review centre (or the national calendar when ``overrides`` is empty)."""

    overrides: dict[date, bool]

    @classmethod
    def for_centre(cls, centre) -> "WorkingDayCalendar":
        if centre is None:
            return cls({})
        return cls(dict(HolidayOverride.objects.filter(centre=centre).values_list("date", "is_working_day")))

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """``(working, estimated)`` for ``day``."""
        if day in self.overrides:
            return self.overrides[day], False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5, True

    def add_working_days(self, start: date, days: int) -> tuple[date, bool]:
        """The ``days``-th working day after ``start`` (not counted itself), and whether it is estimated."""
        current, counted, estimated = start, 0, False
        while counted < days:
            current += timedelta(days=1)
            working, guessed = self.is_working_day(current)
            estimated = estimated or guessed
            counted += working
        return current, estimated

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)[0]
        return count
