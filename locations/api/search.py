"""The availability search's page as one hand-written statement, read into plain response rows.

``GET /sets/`` answers from here on PostgreSQL. The reference is ``sets_search`` (``locations.selectors``)
with ``WindowCountPagination`` and ``SetOut``: the same filters, ordering, page, count and bytes
(``tests/locations/test_search_variants.py`` compares the two responses byte for byte; the hypothesis
tests of ``test_search_property.py`` hold this path to a brute-force reference). Building that queryset
(the ``NOT EXISTS`` subqueries of the busy providers, the travel-time ``CASE``) and compiling it cost
several times what PostgreSQL takes to run it; here the statement is a join of fixed fragments and
every value a bound parameter:

* the busy providers give their condition as SQL (``BusyProvider.blocking_sql``); where one has none,
  or off PostgreSQL, ``search_rows`` answers None and the view uses the reference;
* travel minutes (from ``travel_within``, the function the reference uses) join as two arrays,
  ``unnest(base ids, minutes)``, instead of a ``CASE`` with one branch per minute value;
* rows become the dicts ``SetOut`` would render, without model instances or serializer fields; photos
  (one statement for the page, as the reference's prefetch) still go through ``SetPhotoOut``.
"""

import json
from collections import defaultdict

from django.db import connection

from locations.api.serializers import SetOut, SetPhotoOut
from locations.availability import busy_providers, closed_base_ids
from locations.models import Set, SetPhoto
from locations.selectors import ORDERINGS, SetSearch, travel_within

# The columns of a response row, in the order ``_row_out`` reads them.
_COLUMNS = (
    "s.id, s.base_id, b.name, b.zone_id, s.kind, s.name, s.tags, s.description, s.area_sqm, "
    "s.crew_capacity, s.amenities, s.hourly_rate, s.day_rate, s.day_length_hours, "
    "s.overtime_rate_per_hour, s.deposit, s.turnover_minutes, s.instant_book, "
    "b.default_turnover_minutes, b.instant_book_default, s.is_active"
)
_ORDER_COLUMNS = {
    "travel_minutes": "travel_minutes",
    "hourly_rate": "s.hourly_rate",
    "day_rate": "s.day_rate",
    "area_sqm": "s.area_sqm",
    "name": "s.name",
    "id": "s.id",
}
_DEFAULT_ORDER = "b.name ASC, s.name ASC, s.id ASC"  # the reference's ``base__name, name, id``
_KIND_LABELS = dict(Set.Kind.choices)
_PHOTO_FIELDS = [field for field in SetPhoto._meta.concrete_fields]


def _order_by(ordering: str | None) -> str:
    if ordering is None:
        return _DEFAULT_ORDER
    terms = []
    for term in ORDERINGS[ordering]:
        column = _ORDER_COLUMNS[term.lstrip("-")]
        terms.append(f"{column} DESC" if term.startswith("-") else f"{column} ASC")
    return ", ".join(terms)


def _filters(organization_id: int, criteria: SetSearch, blocking: list[str]) -> tuple[list[str], dict]:
    """The ``WHERE`` conditions over ``s`` (the set) and ``b`` (its base), and their parameters."""
    where = ["((b.is_active AND s.is_active) OR b.operator_id = %(organization)s)"]
    params: dict = {"organization": organization_id}
    if criteria.kinds:
        where.append("s.kind = ANY(%(kinds)s::text[])")
        params["kinds"] = list(criteria.kinds)
    for index, tag in enumerate(criteria.tags):
        where.append(f"s.tags @> %(tag{index})s::jsonb")  # the ``has`` lookup (``locations.fields``)
        params[f"tag{index}"] = json.dumps([str(tag)], ensure_ascii=False)
    if criteria.bases:
        where.append("s.base_id = ANY(%(bases)s::bigint[])")
        params["bases"] = list(criteria.bases)
    if criteria.zones:
        where.append("b.zone_id = ANY(%(zones)s::bigint[])")
        params["zones"] = list(criteria.zones)
    for name, condition in (
        ("min_area", "s.area_sqm >= %(min_area)s"),
        ("min_capacity", "s.crew_capacity >= %(min_capacity)s"),
        ("max_hourly_rate", "s.hourly_rate <= %(max_hourly_rate)s"),
        ("max_day_rate", "s.day_rate <= %(max_day_rate)s"),
    ):
        if getattr(criteria, name) is not None:
            where.append(condition)
            params[name] = getattr(criteria, name)
    if criteria.available_from is not None and criteria.available_to is not None:
        params["starts_at"], params["ends_at"] = criteria.available_from, criteria.available_to
        closed = closed_base_ids(criteria.available_from, criteria.available_to)
        if closed:
            where.append("s.base_id <> ALL(%(closed)s::bigint[])")
            params["closed"] = sorted(closed)
        where += [f"NOT ({condition})" for condition in blocking if condition]
    return where, params


class SearchRows:
    """A search's rows for ``WindowCountPaginator``: a page and the total from one statement."""

    def __init__(self, source: str, travel: str, params: dict, ordering: str, context: dict):
        self.source, self.travel, self.params, self.ordering = source, travel, params, ordering
        self.context = context

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {self.source}", self.params)
            return cursor.fetchone()[0]

    def window_page(self, offset: int, limit: int) -> tuple[list[dict], int | None]:
        """The rows of ``[offset, offset + limit)`` as response dicts, and the total (None if no row)."""
        sql = (
            f"SELECT {_COLUMNS}, {self.travel} AS travel_minutes, COUNT(*) OVER () {self.source} "
            f"ORDER BY {self.ordering} LIMIT %(limit)s OFFSET %(offset)s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, "limit": limit, "offset": offset})
            rows = cursor.fetchall()
        if not rows:
            return [], None
        photos = self._photos([row[0] for row in rows])
        return [_row_out(row, photos.get(row[0], [])) for row in rows], rows[0][-1]

    def __getitem__(self, index: slice) -> list[dict]:
        return self.window_page(index.start or 0, index.stop - (index.start or 0))[0]

    def __len__(self) -> int:
        return self.count()

    def _photos(self, set_ids: list[int]) -> dict[int, list]:
        columns = ", ".join(field.column for field in _PHOTO_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM locations_setphoto WHERE set_id = ANY(%s::bigint[]) "
                "ORDER BY position ASC, id ASC",
                [set_ids],
            )
            rows = cursor.fetchall()
        if not rows:
            return {}
        names = [field.attname for field in _PHOTO_FIELDS]
        photos = [SetPhoto.from_db(connection.alias, names, row) for row in rows]
        by_set = defaultdict(list)
        for photo, data in zip(
            photos, SetPhotoOut(photos, many=True, context=self.context).data, strict=True
        ):
            by_set[photo.set_id].append(data)
        return by_set


def _money(value) -> str:
    return f"{value:f}"


def _words(value):
    return json.loads(value) if isinstance(value, str) else value


def _row_out(row, photos: list) -> dict:
    """What ``SetOut`` renders for the row (``SetOut.Meta.fields``, in order)."""
    (pk, base_id, base_name, zone_id, kind, name, tags, description, area, capacity, amenities, hourly,
     daily, day_hours, overtime, deposit, turnover, instant, base_turnover, base_instant, active,
     travel, _total) = row  # fmt: skip
    return {
        "id": pk,
        "base": base_id,
        "base_name": base_name,
        "zone": zone_id,
        "kind": kind,
        "kind_label": str(_KIND_LABELS.get(kind, kind)),
        "name": name,
        "tags": _words(tags),
        "description": description,
        "area_sqm": area,
        "crew_capacity": capacity,
        "amenities": _words(amenities),
        "hourly_rate": _money(hourly),
        "day_rate": _money(daily),
        "day_length_hours": day_hours,
        "overtime_rate_per_hour": _money(overtime),
        "deposit": _money(deposit),
        "turnover_minutes": turnover,
        "instant_book": instant,
        "effective_turnover_minutes": turnover if turnover is not None else base_turnover,
        "effective_instant_book": instant if instant is not None else base_instant,
        "is_active": active,
        "photos": photos,
        "travel_minutes": travel,
    }


assert list(_row_out((0,) * 23, [])) == SetOut.Meta.fields, "the rows must follow SetOut's fields"


def search_rows(*, organization, criteria: SetSearch, context: dict) -> SearchRows | None:
    """The search as ``SearchRows``, or None where only the reference answers (see the module docstring)."""
    blocking = [provider.blocking_sql() for provider in busy_providers()]
    if connection.vendor != "postgresql" or organization is None or None in blocking:
        return None
    where, params = _filters(organization.pk, criteria, blocking)
    source = "FROM locations_set s JOIN locations_base b ON b.id = s.base_id"
    travel = "NULL::integer"
    if criteria.origin is not None:
        by_minutes, origin_set_id = travel_within(organization=organization, criteria=criteria)
        reach = [(base_id, minutes) for minutes, ids in sorted(by_minutes.items()) for base_id in ids]
        params["reach_bases"] = [base_id for base_id, _minutes in reach]
        params["reach_minutes"] = [minutes for _base_id, minutes in reach]
        joined = "unnest(%(reach_bases)s::bigint[], %(reach_minutes)s::integer[]) AS t(base_id, minutes)"
        if origin_set_id is None:
            source += f" JOIN {joined} ON t.base_id = s.base_id"
            travel = "t.minutes"
        else:
            # the origin set itself is 0 minutes away, even when its base's walk exceeds the limit
            source += f" LEFT JOIN {joined} ON t.base_id = s.base_id"
            where.append("(t.base_id IS NOT NULL OR s.id = %(origin_set)s)")
            travel = "CASE WHEN s.id = %(origin_set)s THEN 0 ELSE t.minutes END"
            params["origin_set"] = origin_set_id
    ordering = criteria.ordering or ("travel_minutes" if criteria.origin is not None else None)
    source += " WHERE " + " AND ".join(where)
    return SearchRows(source, travel, params, _order_by(ordering), context)
