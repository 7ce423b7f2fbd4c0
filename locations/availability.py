"""What makes a set unavailable: closing hours, blackouts, and whatever other apps register (bookings).

A **busy provider** is a ``BusyProvider`` with

* ``blocking(starts_at, ends_at) -> Q``: a condition over ``Set`` rows, true for a set that is busy at
  any moment of ``[starts_at, ends_at)`` (typically ``Q(Exists(...OuterRef("pk")...))``), so that the
  availability filter stays one SQL query whatever the number of sets;
* ``blocking_sql() -> str | None``: the same condition as hand-written SQL for the search's page statement
  and the circle plan's candidates (``locations.api.search``, ``locations.circle.free_sets``), over the
  set ``s`` and its base ``b`` with the window as ``%(starts_at)s`` and ``%(ends_at)s``; ``""`` for a
  provider that never blocks a search, ``None`` (the default) for one without an SQL form, which sends
  searches through ``blocking`` and the ORM;
* ``intervals(set_, starts_at, ends_at, *, viewer, now) -> list[BusyInterval]``: the intervals of the
  range in which a booking of the set, requested at ``now``, may not lie (its availability and
  calendar). ``viewer`` is the acting organisation (or None): a provider must never say *who* made a
  set busy to anyone but that set's operator.

Blackouts are registered here; the bookings app registers its provider from ``AppConfig.ready`` with
``register_busy_provider(...)`` so that held, confirmed and checked-in bookings (turnover included) hide
a set from search, circle plans and calendars without this app knowing about bookings.

Intervals are half-open: a window that ends exactly when a blackout starts is free.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from locations.catalogue_cache import catalogue_copy
from locations.models import Blackout, OpeningHours, Set


@dataclass(frozen=True, order=True)
class BusyInterval:
    """A stretch of time a set cannot be booked; ``reason`` is only filled for its operator."""

    starts_at: datetime
    ends_at: datetime
    kind: str = field(compare=False)  # "closed", "blackout", "booking", ...
    reason: str = field(default="", compare=False)


_BUSY_PROVIDERS: list = []


def register_busy_provider(provider) -> None:
    """Add a provider (see the module docstring); registering the same one twice is harmless."""
    if provider not in _BUSY_PROVIDERS:
        _BUSY_PROVIDERS.append(provider)


def busy_providers() -> list:
    return list(_BUSY_PROVIDERS)


class BusyProvider:
    """The base of a busy provider: one of a kind (registering another instance of it changes nothing)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def blocking_sql(self) -> str | None:
        return None


class BlackoutProvider(BusyProvider):
    """Blackouts of the set itself or of its whole base."""

    def blocking(self, starts_at: datetime, ends_at: datetime) -> Q:
        overlapping = Blackout.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        return Q(Exists(overlapping.filter(set=OuterRef("pk")))) | Q(
            Exists(overlapping.filter(base=OuterRef("base_id")))
        )

    def blocking_sql(self) -> str:
        overlapping = "starts_at < %(ends_at)s AND ends_at > %(starts_at)s"
        return (
            f"EXISTS (SELECT 1 FROM locations_blackout WHERE set_id = s.id AND {overlapping})"
            f" OR EXISTS (SELECT 1 FROM locations_blackout WHERE base_id = s.base_id AND {overlapping})"
        )

    def intervals(
        self, set_: Set, starts_at: datetime, ends_at: datetime, *, viewer=None, now: datetime | None = None
    ) -> list[BusyInterval]:
        owner = viewer is not None and viewer.pk == set_.base.operator_id
        rows = Blackout.objects.filter(
            Q(set=set_) | Q(base_id=set_.base_id), starts_at__lt=ends_at, ends_at__gt=starts_at
        ).values_list("starts_at", "ends_at", "reason")
        return [
            BusyInterval(max(start, starts_at), min(end, ends_at), "blackout", reason if owner else "")
            for start, end, reason in rows
        ]


register_busy_provider(BlackoutProvider())


# Opening hours -----------------------------------------------------------------------------------


def _local_dates(starts_at: datetime, ends_at: datetime) -> list[date]:
    """Every local date whose opening interval may reach into the range (the day before included)."""
    first = timezone.localtime(starts_at).date() - timedelta(days=1)
    last = timezone.localtime(ends_at).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def open_intervals(
    hours: Iterable[tuple[int, time, time]], starts_at: datetime, ends_at: datetime
) -> list[tuple[datetime, datetime]]:
    """The merged open intervals of a base over the range, from its ``(weekday, opens, closes)`` rows.

    No rows at all means open at all times.
    """
    by_weekday = {weekday: (opens, closes) for weekday, opens, closes in hours}
    if not by_weekday:
        return [(starts_at, ends_at)]
    tz = timezone.get_current_timezone()
    spans = []
    for day in _local_dates(starts_at, ends_at):
        if day.weekday() not in by_weekday:
            continue
        opens, closes = by_weekday[day.weekday()]
        start = datetime.combine(day, opens, tzinfo=tz)
        end_day = day + timedelta(days=1) if closes <= opens else day
        end = datetime.combine(end_day, closes, tzinfo=tz)
        if end > starts_at and start < ends_at:
            spans.append((max(start, starts_at), min(end, ends_at)))
    return merge(spans)


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of half-open intervals; touching intervals join."""
    merged: list[list[datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def complement(
    spans: Iterable[tuple[datetime, datetime]], starts_at: datetime, ends_at: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of ``[starts_at, ends_at)`` outside the given intervals."""
    gaps, cursor = [], starts_at
    for start, end in merge(spans):
        if start > cursor:
            gaps.append((cursor, min(start, ends_at)))
        cursor = max(cursor, end)
        if cursor >= ends_at:
            break
    if cursor < ends_at:
        gaps.append((cursor, ends_at))
    return [(start, end) for start, end in gaps if start < end]


def is_open_throughout(
    hours: Iterable[tuple[int, time, time]], starts_at: datetime, ends_at: datetime
) -> bool:
    return open_intervals(hours, starts_at, ends_at) == [(starts_at, ends_at)]


def opening_hours_table() -> dict[int, list[tuple[int, time, time]]]:
    """``{base_id: [(weekday, opens, closes), ...]}`` for every base with hours: this process's copy
    (``locations.catalogue_cache``), read in one query when the catalogue changed. Read-only."""
    return catalogue_copy("opening_hours", _read_opening_hours)


def _read_opening_hours() -> dict[int, list[tuple[int, time, time]]]:
    hours = defaultdict(list)
    # By the columns themselves: the default ordering would join bases only to sort by their names.
    rows = OpeningHours.objects.order_by("base_id", "weekday").values_list(
        "base_id", "weekday", "opens", "closes"
    )
    for base_id, weekday, opens, closes in rows:
        hours[base_id].append((weekday, opens, closes))
    return dict(hours)


def closed_base_ids(starts_at: datetime, ends_at: datetime, *, hours: dict | None = None) -> set[int]:
    """Bases not open for the whole window; one query over the (small) opening-hours table.

    Computed in Python rather than SQL because a window may cross midnight and several days and be
    covered only by the union of overnight intervals; bases are few (hundreds at most), so this stays
    cheap and exact, and the result is a plain ``base_id NOT IN (...)`` for the database. Pass
    ``hours`` (from ``opening_hours_table``) to check many windows with one query.
    """
    if hours is None:
        hours = opening_hours_table()
    # Bases mostly share a few weekly timetables: decide each distinct timetable once.
    open_throughout: dict[tuple, bool] = {}
    closed = set()
    for base_id, rows in hours.items():
        week = tuple(rows)
        if week not in open_throughout:
            open_throughout[week] = is_open_throughout(week, starts_at, ends_at)
        if not open_throughout[week]:
            closed.add(base_id)
    return closed
