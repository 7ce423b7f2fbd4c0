from datetime import date

import chinese_calendar
import pytest

from review.calendar import WorkingDayCalendar
from review.models import HolidayOverride
from tests.factories import ReviewCentreFactory

NATIONAL = WorkingDayCalendar({})


def test_package_data_the_cases_rely_on():
    # National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked (调休)
    assert not any(chinese_calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert chinese_calendar.is_workday(date(2025, 9, 28)) and chinese_calendar.is_workday(date(2025, 10, 11))
    # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(date(2026, 2, 28))
    # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked
    assert chinese_calendar.is_workday(date(2026, 10, 10))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # National Day 2025, entered Friday 09-26: Sun 09-28, 09-29, 09-30, then 10-09, 10-10
        (date(2025, 9, 26), 5, date(2025, 10, 10)),
        # ... and the 6th working day is the adjusted working Saturday 10-11
        (date(2025, 9, 26), 6, date(2025, 10, 11)),
        # entered on the last day before the holiday: the whole week off is skipped
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        # National Day 2026, entered Wednesday 09-30: 10-08, 10-09, Sat 10-10, 10-12, 10-13
        (date(2026, 9, 30), 5, date(2026, 10, 13)),
        # Spring Festival 2026, entered Friday 02-13: Sat 02-14, then 02-24..02-27
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        # ... the 6th is the adjusted working Saturday 02-28, the 7th Monday 03-02
        (date(2026, 2, 13), 6, date(2026, 2, 28)),
        (date(2026, 2, 13), 7, date(2026, 3, 2)),
        # an ordinary week: entered on a Saturday, five working days end the next Friday
        (date(2026, 3, 7), 5, date(2026, 3, 13)),
    ],
)
def test_due_dates_follow_the_official_calendar(start, days, due):
    assert NATIONAL.add_working_days(start, days) == (due, False)


def test_plain_monday_to_friday_would_be_wrong_over_national_day():
    naive_due, counted, day = date(2025, 9, 26), 0, date(2025, 9, 26)
    while counted < 5:
        day = date.fromordinal(day.toordinal() + 1)
        counted += day.weekday() < 5
        naive_due = day
    assert naive_due == date(2025, 10, 3)
    assert NATIONAL.add_working_days(date(2025, 9, 26), 5)[0] != naive_due


def test_working_days_between_counts_adjusted_days_and_skips_holidays():
    assert NATIONAL.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert NATIONAL.working_days_between(date(2026, 2, 28), date(2026, 2, 13)) == 0


@pytest.mark.django_db
def test_beyond_the_package_weekdays_and_centre_overrides_are_used_and_marked_estimated():
    centre = ReviewCentreFactory()
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 1))
    # no overrides: Friday 2027-01-01 counts as a working day (a guess)
    assert WorkingDayCalendar.for_centre(centre).add_working_days(date(2026, 12, 30), 5) == (
        date(2027, 1, 6),
        True,
    )
    HolidayOverride.objects.create(centre=centre, date=date(2027, 1, 1), name="元旦")
    HolidayOverride.objects.create(centre=centre, date=date(2027, 1, 9), is_working_day=True, name="调休")
    calendar = WorkingDayCalendar.for_centre(centre)
    assert calendar.add_working_days(date(2026, 12, 30), 5) == (date(2027, 1, 7), True)
    assert calendar.add_working_days(date(2027, 1, 7), 2) == (date(2027, 1, 9), True)
    # another centre's overrides do not apply
    assert WorkingDayCalendar.for_centre(ReviewCentreFactory()).add_working_days(date(2026, 12, 30), 5)[
        0
    ] == date(2027, 1, 6)


@pytest.mark.django_db
def test_a_centre_closure_in_a_covered_year_wins_and_is_not_an_estimate():
    centre = ReviewCentreFactory()
    HolidayOverride.objects.create(centre=centre, date=date(2026, 3, 9), name="centre move")
    assert WorkingDayCalendar.for_centre(centre).add_working_days(date(2026, 3, 6), 1) == (
        date(2026, 3, 10),
        False,
    )
