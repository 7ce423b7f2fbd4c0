"""Occupancy and revenue of a base: hand-computed figures, both computations, the API, CSV, query counts.

The fixture: Thursday 2031-03-06 to Monday 2031-03-10 (two ISO weeks: from 03-03 and from 03-10) at a
base open Wed 08:00–01:00 (overnight), Thu 08:00–20:00, Fri 08:00–02:00 (overnight), Sat 08:00–20:00,
Mon 08:00–20:00, closed on Sunday. Set ``病房`` (hospital ward) has a blackout Thu 14:00–16:00; the whole
base one Mon 19:00–21:00 (only 19–20 is open time).

Open hours per day:   Thu   Fri   Sat   Sun   Mon
  病房 (ward)          11    16    14     0    11     (Thu: 00–01 from Wed, 08–20, minus 14–16)
  酒吧 (bar)           13    16    14     0    11     (Sat: 00–02 from Fri and 08–20)
Booked hours:
  病房: confirmed Thu 08–14 (6), completed Sat 10–20 (10); a no-show Mon 08–12 and a free
        cancellation Fri 08–10 book nothing.
  酒吧: confirmed Wed 23–Thu 01 (1 on Thu: it started before the window), a hold Thu 10–12 (not
        booked), confirmed overnight Fri 22–Sat 02 (2 + 2), checked in Mon 13–19 (6), cancelled
        Mon 08–12 with a fee of 600.
"""

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.api.serializers import OccupancyOut
from bookings.models import Booking
from bookings.occupancy import Occupancy, Usage, base_occupancy, occupancy_data
from bookings.occupancy.compute import _utilisation_python
from bookings.occupancy.figures import hours, utilisation, week_of
from bookings.occupancy.output import _hours_text, _ratio_text
from locations.models import Set
from tests.factories import (
    BaseFactory,
    BlackoutFactory,
    BookingFactory,
    OpeningHoursFactory,
    OperatorFactory,
    SetFactory,
)

pytestmark = pytest.mark.django_db

THU, FRI, SAT, SUN, MON = (date(2031, 3, 6) + timedelta(days=n) for n in range(5))
WEEK_A, WEEK_B = date(2031, 3, 3), date(2031, 3, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def book(set_, production, starts_at, ends_at, *, status=Booking.Status.CONFIRMED, lead_hours=24, **extra):
    booking = BookingFactory(
        set=set_, production=production, starts_at=starts_at, ends_at=ends_at, status=status, **extra
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=starts_at - timedelta(hours=lead_hours))
    return booking


@pytest.fixture
def fixture(world):
    base = world.base
    for weekday, opens, closes in [(2, 8, 1), (3, 8, 20), (4, 8, 2), (5, 8, 20), (0, 8, 20)]:
        OpeningHoursFactory(base=base, weekday=weekday, opens=time(opens), closes=time(closes))
    ward, bar, idle = world.sets
    Set.objects.filter(pk=ward.pk).update(name="病房", kind=Set.Kind.HOSPITAL_WARD)
    Set.objects.filter(pk=bar.pk).update(name="酒吧", kind=Set.Kind.BAR)
    Set.objects.filter(pk=idle.pk).update(is_active=False)  # withdrawn, nothing booked: not counted
    BlackoutFactory(set=ward, starts_at=at(THU, 14), ends_at=at(THU, 16))
    BlackoutFactory(set=None, base=base, starts_at=at(MON, 19), ends_at=at(MON, 21))
    p = world.production
    price = {"total_price": Decimal("1200.00")}
    book(ward, p, at(THU, 8), at(THU, 14), lead_hours=48, total_price=Decimal("1800.00"))
    book(
        ward,
        p,
        at(SAT, 10),
        at(SAT, 20),
        status=Booking.Status.COMPLETED,
        lead_hours=120,
        total_price=Decimal("3000.00"),
        overtime_fee=Decimal("300.00"),
    )
    book(
        ward,
        p,
        at(MON, 8),
        at(MON, 12),
        status=Booking.Status.NO_SHOW,
        cancellation_fee=Decimal("1200"),
        **price,
    )
    book(
        ward,
        p,
        at(FRI, 8),
        at(FRI, 10),
        status=Booking.Status.CANCELLED,
        cancellation_fee=Decimal("0"),
        **price,
    )
    book(bar, p, at(THU, 0) - timedelta(hours=1), at(THU, 1), total_price=Decimal("999.00"))
    book(bar, p, at(THU, 10), at(THU, 12), status=Booking.Status.HELD, total_price=Decimal("600.00"))
    book(bar, p, at(FRI, 22), at(SAT, 2), lead_hours=24, **price)
    book(
        bar,
        p,
        at(MON, 13),
        at(MON, 19),
        status=Booking.Status.CHECKED_IN,
        lead_hours=72,
        total_price=Decimal("2100.00"),
    )
    book(
        bar,
        p,
        at(MON, 8),
        at(MON, 12),
        status=Booking.Status.CANCELLED,
        cancellation_fee=Decimal("600"),
        **price,
    )
    # another operator's base, same days: never counted
    elsewhere = SetFactory(base=BaseFactory(operator=OperatorFactory()))
    book(elsewhere, p, at(THU, 8), at(THU, 20), total_price=Decimal("5000.00"))
    BlackoutFactory(set=None, base=elsewhere.base, starts_at=at(THU, 0), ends_at=at(MON, 23))
    world.extra.update(ward=Set.objects.get(pk=ward.pk), bar=Set.objects.get(pk=bar.pk))
    return world


def h(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def usage(result_cell: Usage) -> tuple:
    return result_cell.open_hours, result_cell.booked_hours, result_cell.utilisation


EXPECTED_SET_DAYS = {
    ("ward", THU): (11, 6, "0.5455"),
    ("ward", FRI): (16, 0, "0.0000"),
    ("ward", SAT): (14, 10, "0.7143"),
    ("ward", SUN): (0, 0, None),
    ("ward", MON): (11, 0, "0.0000"),
    ("bar", THU): (13, 1, "0.0769"),
    ("bar", FRI): (16, 2, "0.1250"),
    ("bar", SAT): (14, 2, "0.1429"),
    ("bar", SUN): (0, 0, None),
    ("bar", MON): (11, 6, "0.5455"),
}
EXPECTED_KIND_WEEKS = {
    (Set.Kind.BAR, WEEK_A): (43, 5, "0.1163"),
    (Set.Kind.BAR, WEEK_B): (11, 6, "0.5455"),
    (Set.Kind.HOSPITAL_WARD, WEEK_A): (41, 16, "0.3902"),
    (Set.Kind.HOSPITAL_WARD, WEEK_B): (11, 0, "0.0000"),
}
EXPECTED_BASE_DAYS = {
    THU: (24, 7, "0.2917"),
    FRI: (32, 2, "0.0625"),
    SAT: (28, 12, "0.4286"),
    SUN: (0, 0, None),
    MON: (22, 6, "0.2727"),
}
EXPECTED_BASE_WEEKS = {WEEK_A: (84, 21, "0.2500"), WEEK_B: (22, 6, "0.2727")}
EXPECTED_TOTAL = (106, 27, "0.2547")
EXPECTED_HOURS = {
    0: 2,
    1: 1,
    8: 1,
    9: 1,
    10: 2,
    11: 2,
    12: 2,
    13: 3,
    14: 2,
    15: 2,
    16: 2,
    17: 2,
    18: 2,
    19: 1,
}
EXPECTED_HOURS.update({22: 1, 23: 1})


def expected(triple) -> tuple:
    opened, booked, ratio = triple
    return h(opened), h(booked), None if ratio is None else Decimal(ratio)


def assert_utilisation(result: Occupancy, world) -> None:
    sets = {"ward": world.extra["ward"].pk, "bar": world.extra["bar"].pk}
    assert {key: usage(cell) for key, cell in result.set_days.items()} == {
        (sets[name], day): expected(triple) for (name, day), triple in EXPECTED_SET_DAYS.items()
    }
    assert {key: usage(cell) for key, cell in result.kind_weeks.items()} == {
        key: expected(triple) for key, triple in EXPECTED_KIND_WEEKS.items()
    }
    assert {key: usage(cell) for key, cell in result.base_days.items()} == {
        key: expected(triple) for key, triple in EXPECTED_BASE_DAYS.items()
    }
    assert {key: usage(cell) for key, cell in result.base_weeks.items()} == {
        key: expected(triple) for key, triple in EXPECTED_BASE_WEEKS.items()
    }
    assert usage(result.total) == expected(EXPECTED_TOTAL)
    assert result.hours == {hour: EXPECTED_HOURS.get(hour, 0) * 3600 for hour in range(24)}


def test_utilisation_matches_the_hand_computed_fixture(fixture):
    result = base_occupancy(base=fixture.base, first=THU, last=MON)
    assert [s.name for s in result.sets] == ["病房", "酒吧"]
    assert result.weeks == [WEEK_A, WEEK_B]
    assert_utilisation(result, fixture)


def test_the_python_computation_of_the_embedded_database_agrees(fixture):
    sql = base_occupancy(base=fixture.base, first=THU, last=MON)
    python = Occupancy(base=sql.base, first=THU, last=MON, sets=sql.sets, days=sql.days, weeks=sql.weeks)
    python.set_days = {key: Usage() for key in sql.set_days}
    python.kind_weeks = {key: Usage() for key in sql.kind_weeks}
    python.base_days = {key: Usage() for key in sql.base_days}
    python.base_weeks = {key: Usage() for key in sql.base_weeks}
    python.hours = dict.fromkeys(range(24), 0)
    _utilisation_python(python)
    assert_utilisation(python, fixture)


def test_revenue_cancellations_no_shows_and_lead_time_by_start_week(fixture):
    result = base_occupancy(base=fixture.base, first=THU, last=MON)
    week_a, week_b, total = result.revenue_weeks[WEEK_A], result.revenue_weeks[WEEK_B], result.revenue_total
    assert (week_a.booking_revenue, week_a.cancellation_fees, week_a.no_show_fees, week_a.revenue) == (
        Decimal("6300.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("6300.00"),
    )
    assert (week_a.bookings, week_a.cancellations, week_a.cancellations_with_fee, week_a.no_shows) == (
        3,
        1,
        0,
        0,
    )
    assert week_a.average_lead_hours == h(64)
    assert (week_b.booking_revenue, week_b.cancellation_fees, week_b.no_show_fees, week_b.revenue) == (
        Decimal("2100.00"),
        Decimal("600.00"),
        Decimal("1200.00"),
        Decimal("3900.00"),
    )
    assert (week_b.bookings, week_b.cancellations, week_b.cancellations_with_fee, week_b.no_shows) == (
        1,
        1,
        1,
        1,
    )
    assert week_b.average_lead_hours == h(72)
    assert (total.revenue, total.bookings, total.cancellations, total.no_shows) == (
        Decimal("10200.00"),
        4,
        2,
        1,
    )
    assert total.average_lead_hours == h(66)


def test_the_data_is_exactly_the_documented_serializers_representation(fixture):
    data = occupancy_data(base_occupancy(base=fixture.base, first=THU, last=MON))
    assert json.loads(json.dumps(OccupancyOut(data).data)) == data


@pytest.mark.parametrize("opened", [1, 7, 3600, 39600, 86399, 7862400])
def test_the_fast_text_of_hours_and_ratios_rounds_like_decimal(opened):
    for booked in sorted({0, 1, opened // 3, opened // 2, opened - 1, opened, 18, 5400, 35999}):
        if booked <= opened:
            assert _ratio_text(booked, opened) == str(utilisation(booked, opened))
        assert _hours_text(booked) == str(hours(booked))
    assert _ratio_text(0, 0) is None


def test_a_window_of_one_closed_day_has_no_utilisation(fixture):
    result = base_occupancy(base=fixture.base, first=SUN, last=SUN)
    assert usage(result.total) == (h(0), h(0), None)
    assert result.revenue_total.revenue == Decimal("0.00")
    assert week_of(SUN) == WEEK_A


def test_a_base_without_opening_hours_is_open_round_the_clock(world):
    set_ = world.set
    book(set_, world.production, at(THU, 22), at(FRI, 2))
    result = base_occupancy(base=world.base, first=THU, last=FRI)
    assert usage(result.set_days[set_.pk, THU]) == (h(24), h(2), Decimal("0.0833"))
    assert usage(result.set_days[set_.pk, FRI]) == (h(24), h(2), Decimal("0.0833"))
    assert result.hours[23] == 3600 and result.hours[0] == 3600


def test_a_withdrawn_set_with_booked_time_still_counts(world):
    set_ = world.sets[2]
    book(set_, world.production, at(THU, 8), at(THU, 12), status=Booking.Status.COMPLETED)
    Set.objects.filter(pk=set_.pk).update(is_active=False)
    Set.objects.filter(pk=world.sets[1].pk).update(is_active=False)
    result = base_occupancy(base=world.base, first=THU, last=THU)
    assert [s.pk for s in result.sets] == sorted([world.sets[0].pk, set_.pk])


# API ----------------------------------------------------------------------------------------------


def url(world) -> str:
    return f"/api/v1/bases/{world.base.pk}/occupancy/"


@pytest.fixture
def operator_api(api, world):
    return api(world.operator_user, world.operator)


def test_the_api_answers_the_same_numbers(fixture, operator_api):
    response = operator_api.get(url(fixture), {"from": THU.isoformat(), "to": MON.isoformat()})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["from"], data["to"], data["time_zone"]) == ("2031-03-06", "2031-03-10", "Asia/Shanghai")
    assert [s["name"] for s in data["sets"]] == ["病房", "酒吧"]
    names = {s["id"]: {"病房": "ward", "酒吧": "bar"}[s["name"]] for s in data["sets"]}
    assert {
        (names[c["set"]], date.fromisoformat(c["day"])): (
            Decimal(c["open_hours"]),
            Decimal(c["booked_hours"]),
            None if c["utilisation"] is None else Decimal(c["utilisation"]),
        )
        for c in data["set_days"]
    } == {key: expected(triple) for key, triple in EXPECTED_SET_DAYS.items()}
    assert [(c["kind"], c["week"], c["utilisation"]) for c in data["kind_weeks"]] == [
        ("bar", "2031-03-03", "0.1163"),
        ("bar", "2031-03-10", "0.5455"),
        ("hospital_ward", "2031-03-03", "0.3902"),
        ("hospital_ward", "2031-03-10", "0.0000"),
    ]
    assert [c["utilisation"] for c in data["base_days"]] == ["0.2917", "0.0625", "0.4286", None, "0.2727"]
    assert [(c["week"], c["booked_hours"]) for c in data["base_weeks"]] == [
        ("2031-03-03", "21.00"),
        ("2031-03-10", "6.00"),
    ]
    assert data["total"] == {"open_hours": "106.00", "booked_hours": "27.00", "utilisation": "0.2547"}
    assert [(w["week"], w["revenue"]) for w in data["revenue_weeks"]] == [
        ("2031-03-03", "6300.00"),
        ("2031-03-10", "3900.00"),
    ]
    assert data["revenue_total"] == {
        "booking_revenue": "8400.00",
        "cancellation_fees": "600.00",
        "no_show_fees": "1200.00",
        "revenue": "10200.00",
        "bookings": 4,
        "cancellations": 2,
        "cancellations_with_fee": 1,
        "no_shows": 1,
        "average_lead_hours": "66.00",
    }
    assert {row["hour"]: Decimal(row["booked_hours"]) for row in data["hours"]} == {
        hour: h(EXPECTED_HOURS.get(hour, 0)) for hour in range(24)
    }


def test_only_the_bases_operator_sees_it(fixture, api, member):
    query = {"from": THU.isoformat(), "to": MON.isoformat()}
    other = OperatorFactory()
    assert api(member(other), other).get(url(fixture), query).status_code == 404
    company = fixture.company
    assert api(fixture.company_user, company).get(url(fixture), query).status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "2031-03-10"}, "from"),
        ({"from": "2031-03-06"}, "to"),
        ({"from": "2031-03-06", "to": "2031-03-05"}, "to"),
        ({"from": "2031-03-06", "to": "2032-03-06"}, "to"),  # 367 days
        ({"from": "6 March", "to": "2031-03-10"}, "from"),
    ],
)
def test_bad_windows_are_400_naming_the_field(world, operator_api, query, field):
    response = operator_api.get(url(world), query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_window_of_366_days_is_answered(world, operator_api):
    response = operator_api.get(url(world), {"from": "2031-03-06", "to": "2032-03-05"})
    assert response.status_code == 200
    assert len(response.json()["days"]) == 366


def test_csv_export_has_the_numbers_and_neutralises_formulas(fixture, operator_api):
    Set.objects.filter(pk=fixture.extra["ward"].pk).update(name='=HYPERLINK("http://x")')
    response = operator_api.get(
        url(fixture), {"from": THU.isoformat(), "to": MON.isoformat(), "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "occupancy-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row[1] for row in rows if row}
    assert '\'=HYPERLINK("http://x")' in names
    assert '=HYPERLINK("http://x")' not in names
    total = next(row for row in rows if row and row[4] == "2031-03-06 – 2031-03-10" and len(row) == 8)
    assert total[5:] == ["106.00", "27.00", "25.47"]
    revenue_total = next(row for row in rows if row and row[0] == "2031-03-06 – 2031-03-10")
    assert revenue_total[1:] == ["8400.00", "600.00", "1200.00", "10200.00", "4", "2", "1", "1", "66.00"]


def test_csv_errors_stay_json(world, operator_api):
    response = operator_api.get(url(world), {"from": "2031-03-06", "format": "csv"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"to": [response.json()["fields"]["to"][0]]}


def _queries(operator_api, world) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = operator_api.get(url(world), {"from": THU.isoformat(), "to": MON.isoformat()})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_constant_number_of_queries_whatever_the_sets_and_bookings(world, operator_api):
    OpeningHoursFactory(base=world.base, weekday=3, opens=time(8), closes=time(20))
    BlackoutFactory(set=world.set, starts_at=at(THU, 9), ends_at=at(THU, 10))
    book(world.set, world.production, at(THU, 12), at(THU, 14))
    few = _queries(operator_api, world)
    for n in range(18):
        set_ = SetFactory(base=world.base, kind=list(Set.Kind.values)[n], name=f"extra {n}")
        BlackoutFactory(set=set_, starts_at=at(FRI, 9), ends_at=at(FRI, 10))
        for day in (THU, FRI, SAT):
            book(set_, world.production, at(day, 8), at(day, 12))
            book(set_, world.production, at(day, 14), at(day, 16), status=Booking.Status.CANCELLED)
    assert Set.objects.filter(base=world.base).count() == 21
    assert _queries(operator_api, world) == few
