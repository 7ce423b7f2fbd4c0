"""What the circle planner page shows of the circle plan: reads only, a constant number of queries.

``plan_day`` runs the same ``circle_plan`` the API answers with; ``plan_cards`` dresses its plans for a
person (set names, photos, each leg's minutes and how they were found, the quote of each item, the
day's totals, the bases that confirm only productions past 初审); ``plan_map`` gives the schematic map
its coordinates. Prices are the bookings quote (``bookings.pricing.quote``), the number a booking of
the same window will hold.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from locations import conf
from locations.circle import (
    CircleItem,
    Plan,
    circle_plan,
    leg_sources,
    validate_items,
)
from locations.models import Base, Place, Set
from locations.selectors import sets_visible_to
from locations.travel import as_endpoint, circle_minutes

#: the rings drawn round the start on the schematic map (minutes)
RINGS = (5, 10, 15)


@dataclass
class DayPlan:
    origin: object
    items: list[CircleItem]
    within_minutes: int
    plans: list[Plan]


def plan_day(*, organization, origin, items: list[CircleItem], within_minutes: int | None, limit: int = 5):
    """The circle plan of the day, as ``POST /api/v1/circle-plans/`` computes it (``DomainError`` if none)."""
    validate_items(items)
    within = within_minutes if within_minutes is not None else circle_minutes(origin)
    plans = circle_plan(
        organization=organization, origin=origin, items=items, within_minutes=within, limit=limit
    )
    return DayPlan(origin=origin, items=items, within_minutes=within, plans=plans)


@dataclass
class LegCard:
    item: int
    set: Set
    starts_at: datetime
    ends_at: datetime
    travel_minutes: int
    source: str
    price: Decimal
    deposit: Decimal
    review_gate: bool

    @property
    def photo(self):
        photos = list(self.set.photos.all())
        return photos[0] if photos else None


@dataclass
class PlanCard:
    number: int
    total_minutes: int
    legs: list[LegCard] = field(default_factory=list)

    @property
    def total_price(self) -> Decimal:
        return sum((leg.price for leg in self.legs), Decimal("0.00"))

    @property
    def total_deposit(self) -> Decimal:
        return sum((leg.deposit for leg in self.legs), Decimal("0.00"))

    @property
    def review_gates(self) -> list[str]:
        return sorted({leg.set.base.name for leg in self.legs if leg.review_gate})

    @property
    def set_ids(self) -> list[int]:
        return [leg.set.pk for leg in self.legs]


def plan_sets(*, organization, plans: list[Plan]) -> dict[int, Set]:
    """The plans' sets with their base, zone and photos (two queries, whatever the plans)."""
    ids = {leg.set.set_id for plan in plans for leg in plan.legs}
    return {s.pk: s for s in sets_visible_to(organization=organization).filter(pk__in=ids)}


def plan_cards(*, organization, day: DayPlan, production=None) -> list[PlanCard]:
    from bookings.pricing import quote  # the page's prices are the booking's: one pricing for both
    from review.selectors import production_passed_preliminary

    sets = plan_sets(organization=organization, plans=day.plans)
    sources = leg_sources(day.origin, day.plans)
    gated = any(s.base.requires_preliminary_review for s in sets.values())
    passed = production is not None and gated and production_passed_preliminary(production)
    cards = []
    for number, (plan, plan_sources) in enumerate(zip(day.plans, sources, strict=True), start=1):
        card = PlanCard(number=number, total_minutes=plan.total_minutes)
        for leg, source in zip(plan.legs, plan_sources, strict=True):
            set_ = sets[leg.set.set_id]
            item = day.items[leg.item]
            priced = quote(set_, item.starts_at, item.ends_at)
            card.legs.append(
                LegCard(
                    item=leg.item,
                    set=set_,
                    starts_at=item.starts_at,
                    ends_at=item.ends_at,
                    travel_minutes=leg.travel_minutes,
                    source=source,
                    price=priced.total,
                    deposit=priced.deposit,
                    review_gate=set_.base.requires_preliminary_review and not passed,
                )
            )
        cards.append(card)
    return cards


def _km_per_minute(origin) -> float:
    """How far a minute of driving reaches from ``origin`` (its zone's speed over its detour factor)."""
    end = as_endpoint(origin)
    if end.zone is not None:
        speed, detour = float(end.zone.average_speed_kmh), float(end.zone.detour_factor)
    else:
        speed, detour = float(conf.default_speed_kmh()), float(conf.default_detour_factor())
    return speed / detour / 60


def _ring(lat: float, lon: float, km: float, points: int = 72) -> list[list[float]]:
    """A circle of ``km`` round a point, as longitude/latitude pairs (small distances: flat earth)."""
    dlat = km / 111.32
    dlon = km / (111.32 * max(math.cos(math.radians(lat)), 0.01))
    return [
        [
            round(lon + dlon * math.cos(2 * math.pi * i / points), 6),
            round(lat + dlat * math.sin(2 * math.pi * i / points), 6),
        ]
        for i in range(points + 1)
    ]


def _name(origin) -> str:
    return origin.name if isinstance(origin, Place | Base | Set) else ""


def plan_map(*, day: DayPlan, cards: list[PlanCard]) -> dict:
    """The schematic map: the start, its 5/10/15-minute rings, every plan's bases and legs."""
    start = as_endpoint(day.origin)
    reach = _km_per_minute(day.origin)
    return {
        "start": {"name": _name(day.origin), "lon": start.lon, "lat": start.lat},
        "rings": [{"minutes": m, "path": _ring(start.lat, start.lon, reach * m)} for m in RINGS],
        "plans": [
            {
                "number": card.number,
                "total_minutes": card.total_minutes,
                "total_price": str(card.total_price),
                "legs": [
                    {
                        "item": leg.item,
                        "set": leg.set.pk,
                        "name": leg.set.name,
                        "base": leg.set.base.name,
                        "lon": float(leg.set.base.longitude),
                        "lat": float(leg.set.base.latitude),
                        "minutes": leg.travel_minutes,
                        "source": leg.source,
                        "price": str(leg.price),
                        "photo": leg.photo.image.url if leg.photo is not None else "",
                    }
                    for leg in card.legs
                ],
            }
            for card in cards
        ],
    }
