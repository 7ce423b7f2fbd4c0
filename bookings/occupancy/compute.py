"""Computing an occupancy answer: aggregate SQL on PostgreSQL, the same definitions in Python elsewhere."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bookings.models import Booking
from bookings.occupancy.figures import BOOKED, ZERO, Money, Occupancy, Usage, week_of, window_bounds
from config.dates import months_between
from locations.availability import complement, merge, open_intervals
from locations.models import Base, Blackout, OpeningHours, Set


def occupancy_sets(*, base: Base, first: date, last: date) -> list[Set]:
    """The sets counted: active ones, and deactivated ones with booked time in the window."""
    start, end = window_bounds(first, last)
    return list(
        _counted(Set.objects.filter(base=base), start, end)
        .only("id", "name", "kind", "base_id")
        .order_by("name", "id")
    )


def _counted(sets, start, end):
    """Of ``sets``, the counted ones: active, or with booked time between ``start`` and ``end``."""
    booked = Booking.objects.filter(
        set=OuterRef("pk"), status__in=BOOKED, starts_at__lt=end, ends_at__gt=start
    )
    return sets.filter(Q(is_active=True) | Q(Exists(booked)))


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

# One statement. Open time is the same for every set of a base but for the set's own blackouts: the base's
# open time (opening hours cut to the window, minus the base's blackouts) is split once, and each set
# loses what its own blackouts take of it (``lost``). Booked time is each set's booked periods within its
# open time. ``_SPANS_SQL`` makes these pieces for the counted sets of any number of bases (``base_open``
# unions each base's intervals of every local day from the day before the window, whose overnight
# interval reaches into the first day, to its last). The occupancy splits every piece at local midnight
# (``bounds``: the window's day boundaries), sums it per set and day, and rolls it up to every grain at
# once (``GROUPING SETS``); the booked pieces are also split at clock hours and summed per local hour of
# the day (rows with ``hour`` set), in whole seconds of local wall-clock time (a piece across a change of
# UTC offset would be off by the change; Shanghai has none). A zone's months split them at the local
# months' boundaries instead (``_MONTHS_SQL``).
_SPANS_SQL = """
WITH
whole AS (
    SELECT tstzmultirange(tstzrange(%(start)s, %(end)s)) AS span
),
counted AS (
    SELECT id AS set_id, base_id, kind FROM locations_set WHERE id = ANY(%(sets)s)
),
base_open AS (
    SELECT b.id AS base_id, (CASE
        WHEN NOT EXISTS (SELECT 1 FROM locations_openinghours WHERE base_id = b.id)
            THEN (SELECT span FROM whole)
        ELSE COALESCE((
            SELECT range_agg(tstzrange(
                (d.day + oh.opens) AT TIME ZONE %(tz)s,
                (d.day + (oh.closes <= oh.opens)::int + oh.closes) AT TIME ZONE %(tz)s
            ))
            FROM generate_series(-1, %(days)s - 1) i
            CROSS JOIN LATERAL (SELECT %(first)s::date + i AS day) d
            JOIN locations_openinghours oh
              ON oh.base_id = b.id AND oh.weekday = extract(isodow FROM d.day)::int - 1
        ), '{}'::tstzmultirange) * (SELECT span FROM whole)
    END) - COALESCE((
        SELECT range_agg(tstzrange(starts_at, ends_at)) FROM locations_blackout
        WHERE base_id = b.id AND starts_at < %(end)s AND ends_at > %(start)s
    ), '{}'::tstzmultirange) AS open
    FROM locations_base b
    WHERE b.id = ANY(%(bases)s)
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
    SELECT 'open' AS part, b.base_id, NULL::bigint AS set_id, r AS span FROM base_open b, unnest(b.open) r
    UNION ALL
    SELECT 'lost', c.base_id, s.set_id, r
    FROM set_out s JOIN counted c USING (set_id) JOIN base_open b USING (base_id), unnest(b.open * s.out) r
    UNION ALL
    SELECT 'booked', c.base_id, k.set_id, r
    FROM booked k JOIN counted c USING (set_id) JOIN base_open b USING (base_id)
         LEFT JOIN set_out s ON s.set_id = k.set_id,
         unnest(b.open * k.busy - COALESCE(s.out, '{}'::tstzmultirange)) r
),
"""


def _split_sql(*, step: str, count: str, index: str) -> str:
    """Two CTEs: ``bounds``, the local boundaries ``%(first)s + step × i`` for i = 0 … ``count``, and
    ``split``, every piece cut at them: its seconds per part, base, set and interval ``j`` between two
    bounds. ``index`` gives the interval of a local timestamp ``{t}``."""
    first = index.format(t="lower(p.span) AT TIME ZONE %(tz)s")
    last = index.format(t="(upper(p.span) - interval '1 microsecond') AT TIME ZONE %(tz)s")
    return f"""
bounds AS (
    SELECT array_agg((%(first)s::date + {step})::timestamp AT TIME ZONE %(tz)s ORDER BY i) AS at
    FROM generate_series(0, {count}) i
),
split AS (
    SELECT p.part, p.base_id, p.set_id, j,
           extract(epoch FROM sum(least(upper(p.span), b.at[j + 2]) - greatest(lower(p.span), b.at[j + 1])))
               ::bigint AS seconds
    FROM pieces p CROSS JOIN bounds b
    CROSS JOIN LATERAL generate_series({first}, {last}) j
    GROUP BY p.part, p.base_id, p.set_id, j
),"""


_CELLS_SQL = (
    _SPANS_SQL
    + _split_sql(step="i", count="%(days)s", index="({t})::date - %(first)s::date")
    + """
cells AS (
    SELECT s.set_id, s.kind, d.day, d.day - (extract(isodow FROM d.day)::int - 1) AS week,
           COALESCE(o.seconds, 0) - COALESCE(l.seconds, 0) AS opened, COALESCE(k.seconds, 0) AS booked
    FROM counted s
    CROSS JOIN LATERAL (SELECT j, %(first)s::date + j AS day FROM generate_series(0, %(days)s - 1) j) d
    LEFT JOIN split o ON o.part = 'open' AND o.base_id = s.base_id AND o.j = d.j
    LEFT JOIN split l ON l.part = 'lost' AND l.set_id = s.set_id AND l.j = d.j
    LEFT JOIN split k ON k.part = 'booked' AND k.set_id = s.set_id AND k.j = d.j
)
"""
)
_OCCUPANCY_SQL = (
    _CELLS_SQL
    + """
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
)
# The same pieces split at the local months' boundaries, per set and month, summed per base, per kind of
# set and for all the bases (a zone's figures): no day grain, so no set × day cells.
_MONTHS_SQL = (
    _SPANS_SQL
    + _split_sql(
        step="make_interval(months => i)",
        count="%(months)s",
        index="(extract(year FROM {t}) * 12 + extract(month FROM {t}))::int - %(first_month)s",
    )
    + """
cells AS (
    SELECT s.base_id, s.kind, m.j,
           COALESCE(o.seconds, 0) - COALESCE(l.seconds, 0) AS opened, COALESCE(k.seconds, 0) AS booked
    FROM counted s
    CROSS JOIN generate_series(0, %(months)s - 1) m(j)
    LEFT JOIN split o ON o.part = 'open' AND o.base_id = s.base_id AND o.j = m.j
    LEFT JOIN split l ON l.part = 'lost' AND l.set_id = s.set_id AND l.j = m.j
    LEFT JOIN split k ON k.part = 'booked' AND k.set_id = s.set_id AND k.j = m.j
)
SELECT GROUPING(base_id) AS all_bases, GROUPING(kind) AS all_kinds, base_id, kind, j,
       sum(opened)::bigint, sum(booked)::bigint
FROM cells
GROUP BY GROUPING SETS ((base_id, j), (kind, j), (j))
"""
)


def _sql_params(result: Occupancy) -> dict:
    start, end = window_bounds(result.first, result.last)
    return {
        "bases": [result.base.pk],
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


def usage_by_month(*, bases: list[Base], first: date, last: date) -> dict[tuple, Usage]:
    """Open and booked time of ``bases`` over the local days ``first`` (a month's 1st) – ``last`` summed by
    month: keyed ``("base", base id, month)``, ``("kind", kind of set, month)`` and ``(None, None, month)``
    for all of them (months by their 1st day); a cell is there for every month of a base with counted sets.

    The occupancy's definitions (``_SPANS_SQL``) without the day, week and hour grains nor revenue: on
    PostgreSQL two queries (the counted sets, one statement) whatever the number of bases, sets and
    bookings; elsewhere the occupancy of each base, summed."""
    months: dict[tuple, Usage] = {}

    def add(key, usage: Usage) -> None:
        cell = months.setdefault(key, Usage())
        cell.open_seconds += usage.open_seconds
        cell.booked_seconds += usage.booked_seconds

    if connection.vendor != "postgresql":
        for base in bases:
            result = base_occupancy(base=base, first=first, last=last)
            kind_of = {set_.pk: set_.kind for set_ in result.sets}
            for (set_id, day), usage in result.set_days.items():
                month = day.replace(day=1)
                for key in (("base", base.pk, month), ("kind", kind_of[set_id], month), (None, None, month)):
                    add(key, usage)
        return months
    start, end = window_bounds(first, last)
    sets = list(_counted(Set.objects.filter(base__in=bases), start, end).values_list("pk", flat=True))
    if not sets:
        return months
    month_starts = months_between(first, last)
    params = {
        "bases": [base.pk for base in bases],
        "sets": sets,
        "booked": list(BOOKED),
        "start": start,
        "end": end,
        "first": first,
        "days": (last - first).days + 1,
        "months": len(month_starts),
        "first_month": first.year * 12 + first.month,
        "tz": timezone.get_current_timezone_name(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # see _utilisation_sql
        cursor.execute(_MONTHS_SQL, params)
        for all_bases, all_kinds, base_id, kind, j, opened, booked in cursor:
            grain = "base" if not all_bases else "kind" if not all_kinds else None
            key = {"base": base_id, "kind": kind, None: None}[grain]
            months[grain, key, month_starts[j]] = Usage(opened, booked)
    return months


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
