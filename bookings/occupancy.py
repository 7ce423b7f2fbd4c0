"""Occupancy and revenue of one base over a window of local days, for its operator (docs/occupancy.md).

Definitions (the page and docs/occupancy.md say the same in words):

- **Window**: the local (Asia/Shanghai) days ``first``–``last``, both included; a week is an ISO week
  (Monday first) cut to the window.
- **Sets**: the base's active sets, and any deactivated set that still has booked time in the window.
- **Open hours** of a set on a day: the base's opening hours that fall on that local day (an interval
  running past midnight, ``08:00–02:00``, gives its last two hours to the next day; a base without
  opening hours is open round the clock) minus the set's own and the base's blackouts.
- **Booked hours**: the part of the open hours covered by a *booked* booking's period
  ``[starts_at, ends_at)`` (turnover not included), split at local midnight. Booked means
  ``confirmed``, ``checked_in`` or ``completed``: a hold is not yet sold, and cancelled, declined,
  expired and no-show bookings did not use the set (no-shows are counted on their own).
- **Utilisation** = booked hours ÷ open hours, per set × day, kind × week, base × day and base × week;
  none where there were no open hours.
- **Revenue** (CNY, Decimal) by the week a booking *starts*: the price and overtime fee of booked
  bookings, the fees of cancellations and of no-shows. Cancellations, no-shows and the average lead
  time (request to start, booked bookings) count bookings starting in the window.
- **Busiest hours**: booked hours per local clock hour (0–23) over the window.

On PostgreSQL every figure comes from aggregate SQL (multiranges, ``GROUPING SETS``): one query for the
sets, one statement for utilisation at every grain and the busiest hours, one for revenue, whatever the
number of sets and bookings. The embedded SQLite of ``make run`` has no ranges: there the same
definitions are computed in Python from the rows of the window (``_utilisation_python``), correct but
not meant for province scale; revenue is the same ORM aggregate on both.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from locations.availability import complement, merge, open_intervals
from locations.models import Base, Blackout, OpeningHours, Set

#: statuses whose period counts as booked time and whose price counts as revenue
BOOKED = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN, Booking.Status.COMPLETED)

HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0.00")


def hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(HOURS, ROUND_HALF_UP)


def utilisation(booked_seconds: int, open_seconds: int) -> Decimal | None:
    if not open_seconds:
        return None
    return (Decimal(booked_seconds) / Decimal(open_seconds)).quantize(RATIO, ROUND_HALF_UP)


@dataclass
class Usage:
    """Open and booked seconds of one cell (a set's day, a kind's week, the base's day or week)."""

    open_seconds: int = 0
    booked_seconds: int = 0

    @property
    def open_hours(self) -> Decimal:
        return hours(self.open_seconds)

    @property
    def booked_hours(self) -> Decimal:
        return hours(self.booked_seconds)

    @property
    def utilisation(self) -> Decimal | None:
        return utilisation(self.booked_seconds, self.open_seconds)


@dataclass
class Money:
    """Revenue and counts of the bookings starting in one week (or the whole window)."""

    booking_revenue: Decimal = ZERO
    cancellation_fees: Decimal = ZERO
    no_show_fees: Decimal = ZERO
    bookings: int = 0
    cancellations: int = 0
    cancellations_with_fee: int = 0
    no_shows: int = 0
    lead_seconds: int = 0

    @property
    def revenue(self) -> Decimal:
        return self.booking_revenue + self.cancellation_fees + self.no_show_fees

    @property
    def average_lead_hours(self) -> Decimal | None:
        return hours(self.lead_seconds // self.bookings) if self.bookings else None

    def add(self, other: "Money") -> None:
        for name in (
            "booking_revenue",
            "cancellation_fees",
            "no_show_fees",
            "bookings",
            "cancellations",
            "cancellations_with_fee",
            "no_shows",
            "lead_seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Occupancy:
    """``base_occupancy``'s answer: every cell present (zeros included), in display order."""

    base: Base
    first: date
    last: date
    sets: list[Set]
    days: list[date]
    weeks: list[date]
    set_days: dict[tuple[int, date], Usage] = field(default_factory=dict)
    kind_weeks: dict[tuple[str, date], Usage] = field(default_factory=dict)
    base_days: dict[date, Usage] = field(default_factory=dict)
    base_weeks: dict[date, Usage] = field(default_factory=dict)
    total: Usage = field(default_factory=Usage)
    revenue_weeks: dict[date, Money] = field(default_factory=dict)
    revenue_total: Money = field(default_factory=Money)
    hours: dict[int, int] = field(default_factory=dict)  # local clock hour -> booked seconds

    @property
    def kinds(self) -> list[str]:
        return sorted({set_.kind for set_ in self.sets})


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def window_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def occupancy_sets(*, base: Base, first: date, last: date) -> list[Set]:
    """The sets counted: active ones, and deactivated ones with booked time in the window."""
    start, end = window_bounds(first, last)
    booked = Booking.objects.filter(
        set=OuterRef("pk"), status__in=BOOKED, starts_at__lt=end, ends_at__gt=start
    )
    return list(
        Set.objects.filter(base=base)
        .filter(Q(is_active=True) | Q(Exists(booked)))
        .only("id", "name", "kind", "base_id")
        .order_by("name", "id")
    )


def base_occupancy(*, base: Base, first: date, last: date) -> Occupancy:
    """Utilisation, revenue, cancellations, no-shows, lead time and busiest hours of ``base`` over the
    local days ``first``–``last`` (both included); a constant number of queries."""
    sets = occupancy_sets(base=base, first=first, last=last)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weeks = sorted({week_of(day) for day in days})
    result = Occupancy(base=base, first=first, last=last, sets=sets, days=days, weeks=weeks)
    result.hours = dict.fromkeys(range(24), 0)
    if sets:
        if connection.vendor == "postgresql":
            _utilisation_sql(result)
        else:
            _utilisation_python(result)
    _revenue(result)
    return result


# PostgreSQL ---------------------------------------------------------------------------------------

# One statement. Open time is the same for every set but for the set's own blackouts: the base's open
# time (opening hours cut to the window, minus the base's blackouts) is split into days once, and each
# set loses what its own blackouts take of it (``lost``). Booked time is each set's booked periods within
# its open time. Every piece is split at local midnight (``bounds``: the window's day boundaries), summed
# per set and day, and rolled up to every grain at once (``GROUPING SETS``); the booked pieces are also
# split at clock hours and summed per local hour of the day (rows with ``hour`` set), in whole seconds of
# local wall-clock time (a piece across a change of UTC offset would be off by the change; Shanghai has
# none). ``opening`` unions the base's intervals of every local day from the day before the window (whose
# overnight interval reaches into the first day) to its last.
_OCCUPANCY_SQL = """
WITH
whole AS (
    SELECT tstzmultirange(tstzrange(%(start)s, %(end)s)) AS span
),
opening AS (
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM locations_openinghours WHERE base_id = %(base)s)
            THEN (SELECT span FROM whole)
        ELSE COALESCE((
            SELECT range_agg(tstzrange(
                (d.day + oh.opens) AT TIME ZONE %(tz)s,
                (d.day + (oh.closes <= oh.opens)::int + oh.closes) AT TIME ZONE %(tz)s
            ))
            FROM generate_series(-1, %(days)s - 1) i
            CROSS JOIN LATERAL (SELECT %(first)s::date + i AS day) d
            JOIN locations_openinghours oh
              ON oh.base_id = %(base)s AND oh.weekday = extract(isodow FROM d.day)::int - 1
        ), '{}'::tstzmultirange) * (SELECT span FROM whole)
    END AS open
),
base_open AS (
    SELECT o.open - COALESCE((
        SELECT range_agg(tstzrange(starts_at, ends_at)) FROM locations_blackout
        WHERE base_id = %(base)s AND starts_at < %(end)s AND ends_at > %(start)s
    ), '{}'::tstzmultirange) AS open
    FROM opening o
),
set_out AS (
    SELECT set_id, range_agg(tstzrange(starts_at, ends_at)) AS out
    FROM locations_blackout
    WHERE set_id = ANY(%(sets)s) AND starts_at < %(end)s AND ends_at > %(start)s
    GROUP BY set_id
),
booked AS (
    SELECT set_id, range_agg(tstzrange(starts_at, ends_at)) AS busy
    FROM bookings_booking
    WHERE set_id = ANY(%(sets)s) AND status = ANY(%(booked)s)
      AND blocked_from < %(end)s AND starts_at < %(end)s AND ends_at > %(start)s
    GROUP BY set_id
),
pieces AS (
    SELECT 'open' AS part, NULL::bigint AS set_id, r AS span FROM base_open b, unnest(b.open) r
    UNION ALL
    SELECT 'lost', s.set_id, r FROM base_open b, set_out s, unnest(b.open * s.out) r
    UNION ALL
    SELECT 'booked', k.set_id, r
    FROM base_open b CROSS JOIN booked k LEFT JOIN set_out s ON s.set_id = k.set_id,
         unnest(b.open * k.busy - COALESCE(s.out, '{}'::tstzmultirange)) r
),
bounds AS (
    SELECT array_agg((%(first)s::date + i)::timestamp AT TIME ZONE %(tz)s ORDER BY i) AS at
    FROM generate_series(0, %(days)s) i
),
by_day AS (
    SELECT p.part, p.set_id, j,
           extract(epoch FROM sum(least(upper(p.span), b.at[j + 2]) - greatest(lower(p.span), b.at[j + 1])))
               ::bigint AS seconds
    FROM pieces p CROSS JOIN bounds b
    CROSS JOIN LATERAL generate_series(
        (lower(p.span) AT TIME ZONE %(tz)s)::date - %(first)s::date,
        ((upper(p.span) - interval '1 microsecond') AT TIME ZONE %(tz)s)::date - %(first)s::date
    ) j
    GROUP BY p.part, p.set_id, j
),
cells AS (
    SELECT s.id AS set_id, s.kind, d.day, d.day - (extract(isodow FROM d.day)::int - 1) AS week,
           COALESCE(o.seconds, 0) - COALESCE(l.seconds, 0) AS opened, COALESCE(k.seconds, 0) AS booked
    FROM locations_set s
    CROSS JOIN LATERAL (SELECT j, %(first)s::date + j AS day FROM generate_series(0, %(days)s - 1) j) d
    LEFT JOIN by_day o ON o.part = 'open' AND o.j = d.j
    LEFT JOIN by_day l ON l.part = 'lost' AND l.set_id = s.id AND l.j = d.j
    LEFT JOIN by_day k ON k.part = 'booked' AND k.set_id = s.id AND k.j = d.j
    WHERE s.id = ANY(%(sets)s)
)
SELECT NULL::int AS hour,
       GROUPING(set_id, day) AS by_set_day, GROUPING(kind, week) AS by_kind_week,
       GROUPING(day) AS by_day, GROUPING(week) AS by_week,
       set_id, kind, day, week, sum(opened)::bigint, sum(booked)::bigint
FROM cells
GROUP BY GROUPING SETS ((set_id, day), (kind, week), (day), (week), ())
UNION ALL
SELECT (k %% 24)::int, 1, 1, 1, 1, NULL, NULL, NULL, NULL, 0,
       sum(n * (least(b, (k + 1) * 3600) - greatest(a, k * 3600)))::bigint
FROM (
    -- booked pieces of the same shape (local start time of day, length) split alike: split each once
    SELECT a %% 86400 AS a, a %% 86400 + (b - a) AS b, count(*) AS n
    FROM (
        SELECT extract(epoch FROM lower(p.span) AT TIME ZONE %(tz)s)::bigint AS a,
               extract(epoch FROM upper(p.span) AT TIME ZONE %(tz)s)::bigint AS b
        FROM pieces p WHERE p.part = 'booked'
    ) local_seconds
    GROUP BY 1, 2
) shapes
CROSS JOIN LATERAL generate_series(a / 3600, (b - 1) / 3600) k
GROUP BY 1
"""


def _sql_params(result: Occupancy) -> dict:
    start, end = window_bounds(result.first, result.last)
    return {
        "base": result.base.pk,
        "sets": [set_.pk for set_ in result.sets],
        "booked": list(BOOKED),
        "start": start,
        "end": end,
        "first": result.first,
        "days": len(result.days),
        "tz": timezone.get_current_timezone_name(),
    }


def _utilisation_sql(result: Occupancy) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner cannot see how few rows the set-returning functions give; its estimate would pass
        # jit_above_cost and JIT compilation alone took seconds (bench/occupancy.py) for a few ms of work.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_OCCUPANCY_SQL, _sql_params(result))
        for (
            hour,
            by_set_day,
            by_kind_week,
            by_day,
            by_week,
            set_id,
            kind,
            day,
            week,
            opened,
            booked,
        ) in cursor:
            usage = Usage(opened, booked)
            if hour is not None:
                result.hours[hour] = booked
            elif not by_set_day:
                result.set_days[set_id, day] = usage
            elif not by_kind_week:
                result.kind_weeks[kind, week] = usage
            elif not by_day:
                result.base_days[day] = usage
            elif not by_week:
                result.base_weeks[week] = usage
            else:
                result.total = usage


# Elsewhere (the embedded SQLite) ------------------------------------------------------------------


def _intersect(
    first: Iterable[tuple[datetime, datetime]], second: Iterable[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The intersection of two unions of half-open intervals."""
    a, b = merge(first), merge(second)
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _seconds(spans: Iterable[tuple[datetime, datetime]]) -> int:
    return int(sum((end - start).total_seconds() for start, end in spans))


def _utilisation_python(result: Occupancy) -> None:
    """The same definitions in Python, for databases without ranges (development only)."""
    start, end = window_bounds(result.first, result.last)
    set_ids = [set_.pk for set_ in result.sets]
    week_hours = OpeningHours.objects.filter(base=result.base).values_list("weekday", "opens", "closes")
    opened = open_intervals(list(week_hours), start, end)
    blackouts = defaultdict(list)
    rows = Blackout.objects.filter(
        Q(set_id__in=set_ids) | Q(base=result.base), starts_at__lt=end, ends_at__gt=start
    ).values_list("set_id", "starts_at", "ends_at")
    for set_id, starts_at, ends_at in rows:
        for target in [set_id] if set_id else set_ids:
            blackouts[target].append((starts_at, ends_at))
    busy = defaultdict(list)
    rows = Booking.objects.filter(
        set_id__in=set_ids, status__in=BOOKED, starts_at__lt=end, ends_at__gt=start
    ).values_list("set_id", "starts_at", "ends_at")
    for set_id, starts_at, ends_at in rows:
        busy[set_id].append((starts_at, ends_at))
    days = {day: window_bounds(day, day) for day in result.days}
    for set_ in result.sets:
        capacity = _intersect(opened, complement(blackouts[set_.pk], start, end))
        booked = _intersect(capacity, busy[set_.pk])
        for day, span in days.items():
            usage = Usage(_seconds(_intersect(capacity, [span])), _seconds(_intersect(booked, [span])))
            result.set_days[set_.pk, day] = usage
            for cell in (
                result.kind_weeks.setdefault((set_.kind, week_of(day)), Usage()),
                result.base_days.setdefault(day, Usage()),
                result.base_weeks.setdefault(week_of(day), Usage()),
                result.total,
            ):
                cell.open_seconds += usage.open_seconds
                cell.booked_seconds += usage.booked_seconds
        for piece_start, piece_end in booked:
            hour = timezone.localtime(piece_start).replace(minute=0, second=0, microsecond=0)
            while hour < piece_end:
                following = hour + timedelta(hours=1)
                result.hours[hour.hour] += _seconds([(max(hour, piece_start), min(following, piece_end))])
                hour = following


# Revenue (portable) -------------------------------------------------------------------------------


def _revenue(result: Occupancy) -> None:
    """Money and counts by the week bookings start, one aggregate query."""
    start, end = window_bounds(result.first, result.last)
    booked = Q(status__in=BOOKED)
    cancelled = Q(status=Booking.Status.CANCELLED)
    no_show = Q(status=Booking.Status.NO_SHOW)
    rows = (
        Booking.objects.filter(
            set__in=[set_.pk for set_ in result.sets], starts_at__gte=start, starts_at__lt=end
        )
        .annotate(week=TruncWeek("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("week")
        .annotate(
            booking_revenue=Sum(F("total_price") + F("overtime_fee"), filter=booked),
            cancellation_fees=Sum("cancellation_fee", filter=cancelled),
            no_show_fees=Sum("cancellation_fee", filter=no_show),
            bookings=Count("id", filter=booked),
            cancellations=Count("id", filter=cancelled),
            cancellations_with_fee=Count("id", filter=cancelled & Q(cancellation_fee__gt=0)),
            no_shows=Count("id", filter=no_show),
            lead=Sum(F("starts_at") - F("created_at"), filter=booked),
        )
        .order_by("week")
    )
    result.revenue_weeks = {week: Money() for week in result.weeks}
    for row in rows:
        money = Money(
            booking_revenue=row["booking_revenue"] or ZERO,
            cancellation_fees=row["cancellation_fees"] or ZERO,
            no_show_fees=row["no_show_fees"] or ZERO,
            bookings=row["bookings"],
            cancellations=row["cancellations"],
            cancellations_with_fee=row["cancellations_with_fee"],
            no_shows=row["no_shows"],
            lead_seconds=int(row["lead"].total_seconds()) if row["lead"] is not None else 0,
        )
        result.revenue_weeks[timezone.localtime(row["week"]).date()] = money
        result.revenue_total.add(money)


# Output -------------------------------------------------------------------------------------------
#
# ``occupancy_data`` writes the answer directly in its JSON form (``OccupancyOut``'s representation, which
# a test holds it to): at 100 sets × 91 days the serializer alone took longer than the SQL.

NO_USAGE = Usage()


def _hours_text(seconds: int) -> str:
    """``hours(seconds)`` as text, in integers (half up): 5400 → ``"1.50"``."""
    centi = (seconds * 100 + 1800) // 3600
    return f"{centi // 100}.{centi % 100:02d}"


def _ratio_text(booked: int, opened: int) -> str | None:
    """``utilisation(booked, opened)`` as text, in integers (half up)."""
    if not opened:
        return None
    ratio = (booked * 20000 + opened) // (2 * opened)
    return f"{ratio // 10000}.{ratio % 10000:04d}"


def _usage(usage: Usage, **keys) -> dict:
    return {
        **keys,
        "open_hours": _hours_text(usage.open_seconds),
        "booked_hours": _hours_text(usage.booked_seconds),
        "utilisation": _ratio_text(usage.booked_seconds, usage.open_seconds),
    }


def _money(money: Money, **keys) -> dict:
    return {
        **keys,
        "booking_revenue": f"{money.booking_revenue:.2f}",
        "cancellation_fees": f"{money.cancellation_fees:.2f}",
        "no_show_fees": f"{money.no_show_fees:.2f}",
        "revenue": f"{money.revenue:.2f}",
        "bookings": money.bookings,
        "cancellations": money.cancellations,
        "cancellations_with_fee": money.cancellations_with_fee,
        "no_shows": money.no_shows,
        "average_lead_hours": _hours_text(money.lead_seconds // money.bookings) if money.bookings else None,
    }


def occupancy_data(result: Occupancy) -> dict:
    """The answer in display order, as the API's JSON (``OccupancyOut``) has it: the charts draw this."""
    labels = {kind: str(label) for kind, label in Set.Kind.choices}
    days = [(day, day.isoformat()) for day in result.days]
    weeks = [(week, week.isoformat()) for week in result.weeks]
    cells = result.set_days
    return {
        "base": result.base.pk,
        "base_name": result.base.name,
        "from": result.first.isoformat(),
        "to": result.last.isoformat(),
        "time_zone": timezone.get_current_timezone_name(),
        "sets": [
            {"id": s.pk, "name": s.name, "kind": s.kind, "kind_label": labels.get(s.kind, s.kind)}
            for s in result.sets
        ],
        "days": [text for _day, text in days],
        "weeks": [text for _week, text in weeks],
        "set_days": [
            _usage(cells.get((s.pk, day), NO_USAGE), set=s.pk, day=text)
            for s in result.sets
            for day, text in days
        ],
        "kind_weeks": [
            _usage(
                result.kind_weeks.get((kind, week), NO_USAGE),
                kind=kind,
                kind_label=labels.get(kind, kind),
                week=text,
            )
            for kind in result.kinds
            for week, text in weeks
        ],
        "base_days": [_usage(result.base_days.get(day, NO_USAGE), day=text) for day, text in days],
        "base_weeks": [_usage(result.base_weeks.get(week, NO_USAGE), week=text) for week, text in weeks],
        "total": _usage(result.total),
        "revenue_weeks": [_money(result.revenue_weeks[week], week=text) for week, text in weeks],
        "revenue_total": _money(result.revenue_total),
        "hours": [{"hour": hour, "booked_hours": _hours_text(result.hours[hour])} for hour in range(24)],
    }


def _percent(ratio: str | None) -> str:
    """``"0.2547"`` → ``"25.47"``: the ratio's four decimals are the percentage's two."""
    if ratio is None:
        return ""
    basis_points = int(ratio.replace(".", ""))
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def occupancy_rows(data: dict) -> list[list]:
    """``occupancy_data`` as spreadsheet rows (header rows in words): utilisation at every grain, revenue
    by week, booked hours by clock hour, separated by blank rows."""
    names = {s["id"]: (s["name"], s["kind_label"]) for s in data["sets"]}
    window = f"{data['from']} – {data['to']}"
    usage = ["open_hours", "booked_hours"]
    rows = [
        [
            _("Scope"),
            _("Name"),
            _("Kind"),
            _("Period"),
            _("Date"),
            _("Open hours"),
            _("Booked hours"),
            _("Utilisation (%)"),
        ]
    ]
    for cell in data["set_days"]:
        name, kind = names[cell["set"]]
        rows.append(
            [
                _("Set"),
                name,
                kind,
                _("Day"),
                cell["day"],
                *(cell[k] for k in usage),
                _percent(cell["utilisation"]),
            ]
        )
    for cell in data["kind_weeks"]:
        rows.append(
            [
                _("Kind"),
                cell["kind_label"],
                cell["kind_label"],
                _("Week from"),
                cell["week"],
                *(cell[k] for k in usage),
                _percent(cell["utilisation"]),
            ]
        )
    for cell in data["base_days"]:
        rows.append(
            [
                _("Base"),
                data["base_name"],
                "",
                _("Day"),
                cell["day"],
                *(cell[k] for k in usage),
                _percent(cell["utilisation"]),
            ]
        )
    for cell in data["base_weeks"]:
        rows.append(
            [
                _("Base"),
                data["base_name"],
                "",
                _("Week from"),
                cell["week"],
                *(cell[k] for k in usage),
                _percent(cell["utilisation"]),
            ]
        )
    total = data["total"]
    rows.append(
        [
            _("Base"),
            data["base_name"],
            "",
            _("Whole window"),
            window,
            *(total[k] for k in usage),
            _percent(total["utilisation"]),
        ]
    )
    money = [
        "booking_revenue",
        "cancellation_fees",
        "no_show_fees",
        "revenue",
        "bookings",
        "cancellations",
        "cancellations_with_fee",
        "no_shows",
    ]
    rows += [
        [],
        [
            _("Week from"),
            _("Booking revenue (CNY)"),
            _("Cancellation fees (CNY)"),
            _("No-show fees (CNY)"),
            _("Revenue (CNY)"),
            _("Booked bookings"),
            _("Cancellations"),
            _("Cancellations with a fee"),
            _("No-shows"),
            _("Average lead time (hours)"),
        ],
    ]
    for week in [*data["revenue_weeks"], {**data["revenue_total"], "week": window}]:
        lead = week["average_lead_hours"]
        rows.append([week["week"], *(week[k] for k in money), "" if lead is None else lead])
    rows += [[], [_("Hour"), _("Booked hours")]]
    rows += [[f"{hour['hour']:02d}:00", hour["booked_hours"]] for hour in data["hours"]]
    return rows
