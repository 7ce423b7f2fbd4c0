from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locations.availability import closed_base_ids, open_intervals, opening_hours_table
from locations.models import Set
from locations.selectors import set_busy_intervals, set_free_intervals, sets_available
from tests.factories import BaseFactory, BlackoutFactory, OpeningHoursFactory, SetFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def free(set_, start, end) -> bool:
    return sets_available(Set.objects.filter(pk=set_.pk), start, end).exists()


def test_monday_is_a_monday():
    assert MONDAY.weekday() == 0


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((0, 6), (0, 10), True),  # ends exactly when the blackout starts: adjacent, free
        ((0, 14), (0, 18), True),  # starts exactly when it ends: adjacent, free
        ((0, 6), (0, 10, 1), False),  # touches by one minute
        ((0, 13, 59), (0, 18), False),
        ((0, 11), (0, 12), False),  # inside
        ((0, 8), (0, 16), False),  # around
    ],
)
def test_set_blackout_hides_a_window_that_touches_it_and_only_then(start, end, expected):
    set_ = SetFactory()
    BlackoutFactory(set=set_, starts_at=at(0, 10), ends_at=at(0, 14))
    assert free(set_, at(*start), at(*end)) is expected


def test_base_blackout_hides_every_set_of_the_base_but_not_other_bases():
    set_, sibling, elsewhere = SetFactory(), None, SetFactory()
    sibling = SetFactory(base=set_.base)
    BlackoutFactory(set=None, base=set_.base, starts_at=at(1, 0), ends_at=at(2, 0))
    window = (at(1, 8), at(1, 9))
    assert not free(set_, *window)
    assert not free(sibling, *window)
    assert free(elsewhere, *window)
    assert free(set_, at(2, 0), at(2, 9))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((0, 8), (0, 20), True),  # exactly the opening hours
        ((0, 7, 59), (0, 12), False),  # starts before opening
        ((0, 12), (0, 20, 1), False),  # runs past closing
        ((0, 20), (0, 21), False),  # after closing
        ((1, 8), (1, 9), False),  # Tuesday has no row: closed
    ],
)
def test_closing_hours_hide_a_window_that_touches_them_and_only_then(start, end, expected):
    base = BaseFactory()
    OpeningHoursFactory(base=base, weekday=0, opens=time(8), closes=time(20))
    set_ = SetFactory(base=base)
    assert free(set_, at(*start), at(*end)) is expected


def test_overnight_hours_cover_windows_across_midnight_and_chain_days():
    base = BaseFactory()
    OpeningHoursFactory(base=base, weekday=0, opens=time(6), closes=time(2))  # Mon 06:00 → Tue 02:00
    OpeningHoursFactory(base=base, weekday=1, opens=time(2), closes=time(2))  # Tue 02:00 → Wed 02:00
    set_ = SetFactory(base=base)
    assert free(set_, at(0, 22), at(1, 1, 30))
    assert free(set_, at(0, 6), at(2, 2))  # the union of two touching intervals
    assert not free(set_, at(0, 5), at(0, 7))
    assert not free(set_, at(2, 1), at(2, 3))


def test_base_without_opening_hours_is_always_open():
    set_ = SetFactory()
    assert free(set_, at(0, 0), at(3, 0))


def test_bases_sharing_a_timetable_are_judged_alike_and_others_on_their_own():
    day, late, other_day = BaseFactory(), BaseFactory(), BaseFactory()
    for base in (day, other_day):
        for weekday in range(7):
            OpeningHoursFactory(base=base, weekday=weekday, opens=time(8), closes=time(20))
    OpeningHoursFactory(base=late, weekday=0, opens=time(8), closes=time(23))
    always = BaseFactory()
    with CaptureQueriesContext(connection) as queries:
        assert closed_base_ids(at(0, 9), at(0, 19)) == set()
    assert len(queries) == 1
    assert closed_base_ids(at(0, 19), at(0, 22)) == {day.pk, other_day.pk}
    assert closed_base_ids(at(1, 9), at(1, 10)) == {late.pk}
    hours = opening_hours_table()
    assert always.pk not in hours
    assert closed_base_ids(at(0, 21), at(1, 9), hours=hours) == {day.pk, other_day.pk, late.pk}


def test_open_round_the_clock_row():
    hours = [(0, time(0), time(0))]
    assert open_intervals(hours, at(0, 0), at(1, 0)) == [(at(0, 0), at(1, 0))]


def test_calendar_shows_closed_and_blackout_and_free_without_reason_to_others():
    base = BaseFactory()
    OpeningHoursFactory(base=base, weekday=0, opens=time(8), closes=time(20))
    set_ = SetFactory(base=base)
    BlackoutFactory(set=set_, starts_at=at(0, 10), ends_at=at(0, 12), reason="私人包场")
    now = at(-7, 9)  # a week before: no notice or horizon margin reaches into the day
    busy = set_busy_intervals(set_, at(0, 0), at(1, 0), viewer=None, now=now)
    assert [(b.kind, b.starts_at, b.ends_at, b.reason) for b in busy] == [
        ("closed", at(0, 0), at(0, 8), ""),
        ("blackout", at(0, 10), at(0, 12), ""),
        ("closed", at(0, 20), at(1, 0), ""),
    ]
    assert set_free_intervals(busy, at(0, 0), at(1, 0)) == [(at(0, 8), at(0, 10)), (at(0, 12), at(0, 20))]
    owner_view = set_busy_intervals(set_, at(0, 0), at(1, 0), viewer=base.operator, now=now)
    assert [b.reason for b in owner_view if b.kind == "blackout"] == ["私人包场"]
