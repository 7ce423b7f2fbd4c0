"""Demo catalogue: the Pingyuan zone's 158 locations (3 bases + stand-alone locations), or a province.

Idempotent: bases, places and travel times are looked up by name before creating; a base's sets are
topped up to the planned list. Rates follow DOMAIN.md (¥200–600/h; ¥3,000–9,000 a day of 14–16 h;
overtime ~¥300/h; deposit ~¥1,000). Coordinates are plausible points south of Xinxiang city, within
about 10 km of each other.
"""

import math
from datetime import time
from decimal import Decimal

from locations.catalogue_cache import catalogue_changed
from locations.models import Base, OpeningHours, Place, Set, TravelTime, Zone, endpoint_key
from locations.travel import travel_minutes
from studio.demo import demo_organizations
from studio.demo_progress import progress
from studio.models import Organization

K = Set.Kind
ZONE_NAME = "平原示范区拍摄服务圈"

#: kind → (Chinese stem, hourly rate, area m², crew capacity, tags)
KIND_PROFILE = {
    K.HOSPITAL_WARD: ("病房", 280, 45, 30, ["医疗", "虐恋", "都市"]),
    K.ICU: ("ICU重症监护室", 420, 60, 25, ["医疗", "虐恋"]),
    K.OPERATING_ROOM: ("手术室", 450, 55, 25, ["医疗", "悬疑"]),
    K.CEO_OFFICE: ("总裁办公室", 380, 90, 35, ["霸总", "豪门", "都市"]),
    K.OPEN_OFFICE: ("开放式办公区", 300, 220, 50, ["职场", "都市"]),
    K.VILLA: ("别墅", 560, 400, 50, ["豪门", "霸总", "甜宠"]),
    K.APARTMENT: ("公寓", 240, 80, 30, ["都市", "甜宠"]),
    K.BAR: ("酒吧", 320, 150, 40, ["都市", "霸总"]),
    K.RESTAURANT: ("西餐厅", 300, 160, 40, ["都市", "甜宠"]),
    K.BANQUET_HALL: ("宴会厅", 520, 500, 60, ["豪门", "逆袭"]),
    K.COURT: ("法庭", 400, 200, 50, ["律政", "悬疑"]),
    K.POLICE_STATION: ("派出所", 300, 120, 35, ["悬疑", "律政"]),
    K.CIVIL_AFFAIRS_OFFICE: ("民政局婚姻登记处", 280, 100, 30, ["闪婚", "甜宠"]),
    K.CLASSROOM: ("教室", 220, 90, 45, ["校园", "青春"]),
    K.DORMITORY: ("宿舍", 200, 40, 20, ["校园", "青春"]),
    K.STREET: ("街道", 260, 800, 60, ["都市", "逆袭"]),
    K.SUBWAY_CAR: ("地铁车厢", 360, 60, 25, ["都市"]),
    K.AIRCRAFT_CABIN: ("飞机头等舱", 480, 70, 25, ["豪门", "霸总"]),
    K.PERIOD_HOME: ("民国宅院", 340, 260, 45, ["年代", "民国"]),
    K.PALACE_HALL: ("宫殿大殿", 600, 700, 60, ["古装", "宫斗"]),
    K.ANCIENT_STREET: ("古街", 450, 1200, 60, ["古装", "武侠"]),
    K.COURTYARD: ("农家院落", 220, 300, 40, ["乡村", "年代"]),
    K.GREEN_SCREEN: ("绿幕棚", 350, 600, 60, ["特效", "玄幻"]),
    K.OTHER: ("祠堂", 300, 200, 40, ["古装", "年代"]),
}

#: (name, kind, operator index, latitude, longitude, district, [(set kind, count), ...])
ZONE_BASES = [
    (
        "平原短剧产业园一号基地",
        Base.Kind.BASE,
        0,
        "35.196200",
        "113.958400",
        "平原示范区",
        [
            (K.HOSPITAL_WARD, 8),
            (K.ICU, 3),
            (K.OPERATING_ROOM, 3),
            (K.CEO_OFFICE, 6),
            (K.OPEN_OFFICE, 5),
            (K.COURT, 3),
            (K.POLICE_STATION, 3),
            (K.CIVIL_AFFAIRS_OFFICE, 2),
            (K.CLASSROOM, 4),
            (K.DORMITORY, 4),
            (K.APARTMENT, 6),
            (K.GREEN_SCREEN, 4),
            (K.BAR, 3),
            (K.RESTAURANT, 4),
            (K.BANQUET_HALL, 4),
        ],
    ),
    (
        "黄河湾影视基地",
        Base.Kind.BASE,
        1,
        "35.168300",
        "113.985600",
        "平原示范区",
        [
            (K.VILLA, 10),
            (K.APARTMENT, 6),
            (K.BANQUET_HALL, 4),
            (K.BAR, 4),
            (K.RESTAURANT, 5),
            (K.CEO_OFFICE, 4),
            (K.HOSPITAL_WARD, 5),
            (K.ICU, 2),
            (K.SUBWAY_CAR, 2),
            (K.AIRCRAFT_CABIN, 2),
            (K.STREET, 4),
        ],
    ),
    (
        "新乡古韵影视城",
        Base.Kind.BASE,
        2,
        "35.214500",
        "113.924800",
        "原阳县",
        [
            (K.PALACE_HALL, 6),
            (K.ANCIENT_STREET, 5),
            (K.PERIOD_HOME, 8),
            (K.COURTYARD, 6),
            (K.GREEN_SCREEN, 2),
            (K.OTHER, 3),
        ],
    ),
    (
        "示范区实景点·城区",
        Base.Kind.LOCATION_CLUSTER,
        0,
        "35.185400",
        "113.972100",
        "平原示范区",
        [(K.STREET, 4), (K.RESTAURANT, 2), (K.CLASSROOM, 2), (K.APARTMENT, 2)],
    ),
    (
        "示范区实景点·乡村",
        Base.Kind.LOCATION_CLUSTER,
        1,
        "35.150600",
        "113.940300",
        "原阳县",
        [(K.COURTYARD, 4), (K.PERIOD_HOME, 2), (K.STREET, 2)],
    ),
]

HOTELS = [
    ("平原示范区宜居酒店", 0, "35.190800", "113.955100"),
    ("黄河湾假日酒店", 1, "35.172900", "113.978300"),
    ("古韵影视城客栈", 2, "35.209700", "113.931200"),
]

#: Province scale: prefecture cities of Henan with a rough centre (lat, lon).
CITIES = [
    ("郑州", 34.7466, 113.6254),
    ("开封", 34.7972, 114.3076),
    ("洛阳", 34.6197, 112.4540),
    ("焦作", 35.2158, 113.2418),
    ("许昌", 34.0357, 113.8523),
    ("安阳", 36.0976, 114.3924),
    ("鹤壁", 35.7476, 114.2974),
    ("濮阳", 35.7617, 115.0291),
    ("南阳", 32.9907, 112.5283),
]


def _rates(kind: str, index: int) -> dict:
    _stem, hourly, _area, _crew, _tags = KIND_PROFILE[kind]
    hourly = max(200, min(600, hourly + (index % 5 - 2) * 20))
    day_length = 16 if index % 3 == 0 else 14
    day_rate = max(3000, min(9000, round(hourly * day_length * 0.75 / 100) * 100))
    return {
        "hourly_rate": Decimal(hourly),
        "day_rate": Decimal(day_rate),
        "day_length_hours": day_length,
        "overtime_rate_per_hour": Decimal(300 if hourly < 450 else 350),
        "deposit": Decimal(2000 if hourly >= 500 else 1000),
    }


def _set(base: Base, kind: str, number: int, index: int) -> Set:
    stem, _hourly, area, crew, tags = KIND_PROFILE[kind]
    return Set(
        base=base,
        name=f"{stem}{number:02d}",
        kind=kind,
        tags=list(tags),
        area_sqm=area + (index % 7) * 10,
        crew_capacity=crew,
        amenities=["空调", "化妆间", "卫生间"] + (["发电车位"] if area > 300 else []),
        turnover_minutes=60 if kind in (K.PALACE_HALL, K.BANQUET_HALL) else None,
        instant_book=True if kind in (K.STREET, K.COURTYARD) else None,
        **_rates(kind, index),
    )


def _top_up_sets(base: Base, plan: list[tuple[str, int]]) -> int:
    existing = set(Set.objects.filter(base=base).values_list("name", flat=True))
    new, index = [], 0
    for kind, count in plan:
        for number in range(1, count + 1):
            index += 1
            candidate = _set(base, kind, number, index)
            if candidate.name not in existing:
                new.append(candidate)
    Set.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _hours(base: Base) -> None:
    if base.kind == Base.Kind.LOCATION_CLUSTER or base.opening_hours.exists():
        return
    OpeningHours.objects.bulk_create(
        OpeningHours(base=base, weekday=day, opens=time(6), closes=time(2)) for day in range(7)
    )
    catalogue_changed()  # ``bulk_create`` sends no signal


def _operators(count: int) -> list[Organization]:
    operators = list(Organization.objects.filter(kind=Organization.Kind.BASE_OPERATOR).order_by("name"))
    for n in range(len(operators), count):
        operators.append(
            Organization.objects.get_or_create(
                name=f"示范区影视基地运营公司{n + 1}",
                defaults={"kind": Organization.Kind.BASE_OPERATOR, "province": "河南", "city": "新乡"},
            )[0]
        )
    return operators


def _base(operator, zone, name, kind, lat, lon, district) -> tuple[Base, bool]:
    return Base.objects.get_or_create(
        operator=operator,
        name=name,
        defaults={
            "zone": zone,
            "kind": kind,
            "latitude": Decimal(lat),
            "longitude": Decimal(lon),
            "district": district,
            "address": f"河南省新乡市{district}",
            "instant_book_default": kind == Base.Kind.LOCATION_CLUSTER,
        },
    )


def _measure(owner, first, second) -> bool:
    """Record a 'measured' time near the estimate (roads are rarely straight): one per pair."""
    probe = TravelTime()
    probe.set_ends(first, second)
    if TravelTime.objects.filter(key_a=probe.key_a, key_b=probe.key_b).exists():
        return False
    estimate = travel_minutes(first, second)
    probe.owner, probe.minutes, probe.note = owner, max(2, estimate + (len(first.name) % 4) - 1), "实测"
    probe.save()
    return True


def _link_zone(zone: Zone) -> None:
    """The zone's management (zone1's organisation) and its own review centre (the demo's first)."""
    links = {
        "management": demo_organizations(Organization.Kind.ZONE_MANAGEMENT)[:1],
        "review_centre": demo_organizations(Organization.Kind.REVIEW_CENTRE)[:1],
    }
    changed = {
        field: orgs[0] for field, orgs in links.items() if orgs and getattr(zone, f"{field}_id") != orgs[0].pk
    }
    if changed:
        Zone.objects.filter(pk=zone.pk).update(**changed)


def _seed_zone(stdout) -> list[str]:
    zone, _ = Zone.objects.get_or_create(
        name=ZONE_NAME,
        defaults={
            "city": "新乡",
            "detour_factor": Decimal("1.35"),
            "average_speed_kmh": Decimal("28"),
            "walk_minutes": 3,
            "circle_minutes": 15,
        },
    )
    _link_zone(zone)
    operators = _operators(3)
    bases, new_sets = [], 0
    for name, kind, operator_index, lat, lon, district, plan in ZONE_BASES:
        base, _created = _base(operators[operator_index], zone, name, kind, lat, lon, district)
        _hours(base)
        new_sets += _top_up_sets(base, plan)
        bases.append(base)
    hotels = []
    for name, operator_index, lat, lon in HOTELS:
        hotel, _ = Place.objects.get_or_create(
            zone=zone,
            name=name,
            defaults={
                "owner": operators[operator_index],
                "kind": Place.Kind.HOTEL,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
            },
        )
        hotels.append(hotel)
    bases = list(Base.objects.select_related("zone").filter(pk__in=[b.pk for b in bases]))
    measured = 0
    for hotel in hotels:
        for base in bases:
            measured += _measure(base.operator, hotel, base)
    for i, first in enumerate(bases):
        for second in bases[i + 1 :]:
            measured += _measure(first.operator, first, second)
    total = Set.objects.filter(base__zone=zone).count()
    keys = [endpoint_key(b) for b in bases]
    recorded = TravelTime.objects.filter(key_a__in=keys).count()
    return [
        f"Locations: {ZONE_NAME}: {len(bases)} bases/location clusters, {total} sets ({new_sets} new), "
        f"{len(hotels)} hotels, {recorded} measured travel times ({measured} new)"
    ]


def _seed_province(stdout) -> list[str]:
    target_bases, target_sets = 50, 5000
    zone_bases = Base.objects.filter(zone__name=ZONE_NAME).count()
    extra_bases = target_bases - zone_bases
    operators = _operators(3)
    kinds = list(KIND_PROFILE)
    created_sets = 0
    remaining_sets = target_sets - Set.objects.filter(base__zone__name=ZONE_NAME).count()
    per_base = math.ceil(remaining_sets / extra_bases)
    for n in progress(range(extra_bases), total=extra_bases, label="Province bases", stdout=stdout):
        city, lat, lon = CITIES[n % len(CITIES)]
        zone, _ = Zone.objects.get_or_create(name=f"{city}拍摄服务圈", defaults={"city": city})
        ring = n // len(CITIES)
        angle = (n * 2.399) % (2 * math.pi)
        base, _created = _base(
            operators[n % len(operators)],
            zone,
            f"{city}影视基地{ring + 1}号",
            Base.Kind.BASE,
            f"{lat + 0.03 * (ring + 1) * math.sin(angle):.6f}",
            f"{lon + 0.03 * (ring + 1) * math.cos(angle):.6f}",
            city,
        )
        _hours(base)
        count = max(0, min(per_base, remaining_sets - n * per_base))
        plan = [
            (kinds[(n + i) % len(kinds)], count // len(kinds) + (1 if i < count % len(kinds) else 0))
            for i in range(len(kinds))
        ]
        created_sets += _top_up_sets(base, [(kind, c) for kind, c in plan if c])
    return [
        f"Locations (province): {Base.objects.count()} bases, {Set.objects.count()} sets "
        f"({created_sets} new), {Zone.objects.count()} zones"
    ]


def seed(*, scale: str, stdout, now) -> list[str]:
    summary = _seed_zone(stdout)
    if scale == "province":
        summary += _seed_province(stdout)
    return summary
