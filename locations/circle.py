"""Circle plan: pack a day's needs into concrete free sets a few minutes apart.

Given an origin and items ``{kind or set, from, to}`` in shooting order, find the combinations of free
sets (one per item) whose every leg (origin → first, first → second, …) is within the circle limit,
ranked by total travel.

How it stays fast at province scale (50 bases, 5,000 sets):

1. one query per item for its free candidates (``sets_available``; opening hours read once), one for
   the candidates' bases, one for the measured travel table;
2. travel depends only on bases (a set to itself is 0, to a sibling in its base the walk minutes), so
   the search runs over bases: items become layers of candidate bases, pruned forwards (reachable
   within the limit from the previous layer) and backwards (can still reach the next layer);
3. a K-best dynamic programme over the layered graph keeps the best few partial routes per base and
   layer, so the top routes are exact at base level in O(items × bases² × K);
4. each base route is turned into concrete sets by a small exact DP (reusing one set for consecutive
   items costs 0), and the routes are re-ranked by their concrete total, then price.
"""

import heapq
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from config.localtime import local_text
from locations import conf
from locations.availability import busy_providers, closed_base_ids, opening_hours_table
from locations.models import Base, Set
from locations.selectors import sets_available
from locations.travel import (
    Endpoint,
    as_endpoint,
    base_endpoints_table,
    estimate_minutes,
    measured_minutes,
    travel_minutes_to_bases,
)
from studio.models import Organization


@dataclass
class CircleItem:
    starts_at: datetime
    ends_at: datetime
    kind: str | None = None
    set: Set | None = None
    tags: list[str] = field(default_factory=list)
    max_hourly_rate: Decimal | None = None


@dataclass
class Candidate:
    set_id: int
    base_id: int
    name: str
    kind: str
    hourly_rate: object


@dataclass
class Leg:
    item: int
    set: Candidate
    base: Base
    travel_minutes: int
    alternatives: list[int]


@dataclass
class Plan:
    total_minutes: int
    legs: list[Leg]

    @property
    def hourly_total(self):
        return sum(leg.set.hourly_rate for leg in self.legs)


def _fail(index: int, message: str, field_name: str = "kind"):
    raise DomainError(
        _("Item %(n)d: %(message)s") % {"n": index + 1, "message": message},
        code="circle_plan_impossible",
        fields={"items": {str(index): {field_name: [message]}}},
    )


def _describe(item: CircleItem) -> str:
    what = item.set.name if item.set is not None else Set.Kind(item.kind).label
    return _("%(what)s from %(start)s to %(end)s") % {
        "what": what,
        "start": local_text(item.starts_at),
        "end": local_text(item.ends_at),
    }


def free_sets(item, *, hours: dict, base_ids=None) -> list[tuple] | None:
    """The circle plan's candidates for ``item`` (``locations.circle.CircleItem``): the bookable sets of
    its kind (or its one set) free for its window, at ``base_ids`` if given, as ``(pk, base_id, name,
    kind, hourly_rate)`` by hourly rate and id; the reference is ``free_rows_reference``.
    None where only the reference answers."""
    blocking = [provider.blocking_sql() for provider in busy_providers()]
    if connection.vendor != "postgresql" or None in blocking:
        return None
    where = ["s.is_active", "b.is_active"]
    params: dict = {"starts_at": item.starts_at, "ends_at": item.ends_at}
    if item.set is not None:
        where.append("s.id = %(set)s")
        params["set"] = item.set.pk
    else:
        where.append("s.kind = %(kind)s")
        params["kind"] = item.kind
    for index, tag in enumerate(item.tags):
        where.append(f"s.tags @> %(tag{index})s::jsonb")
        params[f"tag{index}"] = json.dumps([str(tag)], ensure_ascii=False)
    if item.max_hourly_rate is not None:
        where.append("s.hourly_rate <= %(max_hourly_rate)s")
        params["max_hourly_rate"] = item.max_hourly_rate
    if base_ids is not None:
        where.append("s.base_id = ANY(%(bases)s::bigint[])")
        params["bases"] = list(base_ids)
    closed = closed_base_ids(item.starts_at, item.ends_at, hours=hours)
    if closed:
        where.append("s.base_id <> ALL(%(closed)s::bigint[])")
        params["closed"] = sorted(closed)
    where += [f"NOT ({condition})" for condition in blocking if condition]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.base_id, s.name, s.kind, s.hourly_rate "
            "FROM locations_set s JOIN locations_base b ON b.id = s.base_id "
            f"WHERE {' AND '.join(where)} ORDER BY s.hourly_rate ASC, s.id ASC",
            params,
        )
        return cursor.fetchall()


def free_rows_reference(item: CircleItem, *, hours: dict, base_ids=None):
    """``(pk, base_id, name, kind, hourly_rate)`` of the bookable sets free for ``item`` (in ``base_ids``
    if given), by hourly rate and id, through the ORM: the reference of ``free_sets``
    and its fallback."""
    bookable = Set.objects.filter(is_active=True, base__is_active=True)
    if base_ids is not None:
        bookable = bookable.filter(base_id__in=base_ids)
    queryset = bookable.filter(pk=item.set.pk) if item.set is not None else bookable.filter(kind=item.kind)
    for tag in item.tags:
        queryset = queryset.filter(tags__has=tag)
    if item.max_hourly_rate is not None:
        queryset = queryset.filter(hourly_rate__lte=item.max_hourly_rate)
    queryset = sets_available(queryset, item.starts_at, item.ends_at, hours=hours)
    return queryset.order_by("hourly_rate", "id").values_list("pk", "base_id", "name", "kind", "hourly_rate")


def _layer(item: CircleItem, *, hours: dict, base_ids=None) -> dict[int, list[Candidate]]:
    """The free candidates of ``item`` (in ``base_ids`` if given) by base, in hourly rate and id order."""
    rows = free_sets(item, hours=hours, base_ids=base_ids)
    if rows is None:
        rows = free_rows_reference(item, hours=hours, base_ids=base_ids)
    layer: dict[int, list[Candidate]] = {}
    for row in rows:
        candidate = Candidate(*row)
        layer.setdefault(candidate.base_id, []).append(candidate)
    return layer


def _fail_unreachable(items: list[CircleItem], index: int, within_minutes: int, hours: dict):
    """Item ``index`` has no free set within reach. As if every item's candidates had been read first
    everywhere: an item from ``index`` on with nothing free at all is named before the unreachable one."""
    for later in range(index, len(items)):
        if not _layer(items[later], hours=hours):
            field_name = "set" if items[later].set is not None else "kind"
            _fail(later, _("nothing free: %(item)s.") % {"item": _describe(items[later])}, field_name)
    if index == 0:
        _fail(0, _("no free set within %(n)d minutes of the origin.") % {"n": within_minutes})
    _fail(
        index,
        _("no free set within %(n)d minutes of any set possible for item %(prev)d.")
        % {"n": within_minutes, "prev": index},
    )


class _Travel:
    """Base-to-base minutes, computed on demand from one read of the measured table."""

    def __init__(self, ends: dict[int, Endpoint]):
        self.ends = ends
        keys = [end.key for end in self.ends.values()]
        self.measured = measured_minutes(keys, keys)
        self.memo: dict[tuple[int, int], int] = {}

    def walk(self, base_id: int) -> int:
        return self.ends[base_id].zone.walk_minutes

    def between(self, first: int, second: int) -> int:
        if first == second:
            return 0
        pair = (first, second) if first < second else (second, first)
        if pair not in self.memo:
            a, b = self.ends[pair[0]], self.ends[pair[1]]
            minutes = self.measured.get((a.key, b.key))
            self.memo[pair] = minutes if minutes is not None else estimate_minutes(a, b)
        return self.memo[pair]


def _base_step(travel: _Travel, layers, i: int, b: int, b_next: int) -> int:
    """Minutes from item ``i`` in base ``b`` to item ``i+1`` in ``b_next``, optimistic on set reuse."""
    if b != b_next:
        return travel.between(b, b_next)
    shared = {c.set_id for c in layers[i][b]} & {c.set_id for c in layers[i + 1][b]}
    return 0 if shared else travel.walk(b)


def circle_plan(
    *,
    organization: Organization,
    origin,
    items: list[CircleItem],
    within_minutes: int,
    limit: int = 5,
) -> list[Plan]:
    """The best ``limit`` combinations of free sets for ``items`` from ``origin``, by total travel.

    Item by item, the free candidates are read only at the bases within reach of the previous item's
    reachable bases (the origin for the first; forward pruning), so a plan reads the sets of a few bases
    rather than the province's."""
    hours = opening_hours_table()
    ends = {end.base_id: end for end, active, _operator, _zone in base_endpoints_table() if active}
    travel = _Travel(ends)
    origin_end = as_endpoint(origin)
    origin_set_id = origin.pk if isinstance(origin, Set) else None
    from_origin = travel_minutes_to_bases(origin_end, ends.values())
    layers: list[dict[int, list[Candidate]]] = []
    reachable: list[set[int]] = []

    def first_leg(base_id: int) -> int:
        if origin_set_id is not None and any(c.set_id == origin_set_id for c in layers[0][base_id]):
            return 0
        return from_origin[base_id]

    for i, item in enumerate(items):
        if i == 0:
            # the origin set's own base: the set itself is 0 minutes away whatever the walk
            allowed = {b for b, minutes in from_origin.items() if minutes <= within_minutes}
            if origin_set_id is not None and origin_end.base_id in ends:
                allowed.add(origin_end.base_id)
        else:
            previous = reachable[i - 1]
            allowed = {
                b for b in ends if any(b == p or travel.between(p, b) <= within_minutes for p in previous)
            }
        layers.append(_layer(item, hours=hours, base_ids=sorted(allowed)))
        if i == 0:
            keep = {b for b in layers[0] if first_leg(b) <= within_minutes}
        else:
            # forward pruning: only bases reachable within the limit from the previous layer
            keep = {
                b
                for b in layers[i]
                if any(_base_step(travel, layers, i - 1, p, b) <= within_minutes for p in reachable[i - 1])
            }
        if not keep:
            _fail_unreachable(items, i, within_minutes, hours)
        reachable.append(keep)
    # Backward pruning: drop bases from which the next layer cannot be reached.
    for i in range(len(layers) - 2, -1, -1):
        reachable[i] = {
            b
            for b in reachable[i]
            if any(_base_step(travel, layers, i, b, n) <= within_minutes for n in reachable[i + 1])
        }

    base_ids = set().union(*reachable)
    bases = {base.pk: base for base in Base.objects.select_related("zone").filter(pk__in=base_ids)}

    # K-best DP over bases; K above ``limit`` leaves room for re-ranking after concrete assignment.
    keep_k = max(limit * 3, limit + 5)
    best = {b: [(first_leg(b), (b,))] for b in reachable[0]}
    for i in range(1, len(layers)):
        step = {}
        for b_next in reachable[i]:
            options = []
            for b, routes in best.items():
                minutes = _base_step(travel, layers, i - 1, b, b_next)
                if minutes > within_minutes:
                    continue
                options += [(total + minutes, route + (b_next,)) for total, route in routes]
            if options:
                step[b_next] = heapq.nsmallest(keep_k, options)
        best = step
    routes = heapq.nsmallest(keep_k, (option for routes in best.values() for option in routes))

    plans = [
        plan
        for route in (r for _total, r in routes)
        if (plan := _assign(route, layers, travel, bases, from_origin, origin_set_id, within_minutes))
    ]
    plans.sort(
        key=lambda p: (p.total_minutes, sum(1 for leg in p.legs if leg.travel_minutes), p.hourly_total)
    )
    return plans[:limit]


def _assign(route, layers, travel: _Travel, bases, from_origin, origin_set_id, within_minutes) -> Plan | None:
    """The cheapest concrete sets along a base route (exact DP; ties go to the lower hourly rate)."""
    # state: set_id → (minutes, price, chain of candidates, legs' minutes)
    states = {}
    for c in layers[0][route[0]]:
        minutes = 0 if c.set_id == origin_set_id else from_origin[route[0]]
        if minutes <= within_minutes:
            states[c.set_id] = (minutes, c.hourly_rate, [c], [minutes])
    if not states:
        return None
    for i in range(1, len(route)):
        nxt = {}
        for c in layers[i][route[i]]:
            choice = None
            for prev_id, (total, price, chain, legs) in states.items():
                if route[i - 1] != route[i]:
                    leg = travel.between(route[i - 1], route[i])
                else:
                    leg = 0 if prev_id == c.set_id else travel.walk(route[i])
                if leg > within_minutes:
                    continue
                option = (total + leg, price + c.hourly_rate, chain + [c], legs + [leg])
                if choice is None or option[:2] < choice[:2]:
                    choice = option
            if choice is not None:
                nxt[c.set_id] = choice
        if not nxt:
            return None
        states = nxt
    total, _price, chain, legs = min(states.values(), key=lambda s: s[:2])
    return Plan(
        total_minutes=total,
        legs=[
            Leg(
                item=i,
                set=c,
                base=bases[c.base_id],
                travel_minutes=legs[i],
                alternatives=[o.set_id for o in layers[i][c.base_id] if o.set_id != c.set_id][:5],
            )
            for i, c in enumerate(chain)
        ],
    )


#: how a leg's minutes were found
STAY, WALK, MEASURED, ESTIMATED = "stay", "walk", "measured", "estimated"


def leg_sources(origin, plans: list[Plan]) -> list[list[str]]:
    """For each plan, how each leg's minutes were found (``STAY`` in place, ``WALK``, ``MEASURED``,
    ``ESTIMATED``), by the rules ``locations.travel`` applied; one query for the measured table."""
    start = as_endpoint(origin)
    ends = {leg.base.pk: as_endpoint(leg.base) for plan in plans for leg in plan.legs}
    keys = {end.key for end in ends.values()}
    measured = measured_minutes(keys | ({start.key} if start.key else set()), keys)
    answers = []
    for plan in plans:
        sources, previous = [], start
        for leg in plan.legs:
            end = ends[leg.base.pk]
            if previous.base_id is not None and previous.base_id == end.base_id:
                source = WALK if leg.travel_minutes else STAY
            elif previous.key is not None and (previous.key, end.key) in measured:
                source = MEASURED
            else:
                source = ESTIMATED
            sources.append(source)
            previous = end
        answers.append(sources)
    return answers


def validate_items(items: list[CircleItem]) -> None:
    """Items are in shooting order, one after another, each window sensible."""
    if not items:
        raise DomainError(_("Give at least one item."), code="invalid", fields={"items": [_("Empty.")]})
    if len(items) > conf.circle_plan_max_items():
        raise DomainError(
            _("At most %(n)d items.") % {"n": conf.circle_plan_max_items()},
            code="invalid",
            fields={"items": [_("Too many.")]},
        )
    for index, item in enumerate(items):
        if item.ends_at <= item.starts_at:
            _fail(index, _("to must be after from."), "to")
        if index and item.starts_at < items[index - 1].ends_at:
            _fail(
                index,
                _("starts before item %(prev)d ends; list the day in order.") % {"prev": index},
                "from",
            )
