"""Demo crews: for several companies whose production can shoot this week (past preliminary review, in
pre-production or shooting), a roster, a crew, a week of shoot days, and the call sheets of the next two
days published.

Everything goes through the services, the bookings too: each day the crew requests two sets of one
base through ``booking_create`` (the base's rules, its holds cap, the free check) and the base's operator
confirms them (``booking_confirm``). Each stop's scenes are written for the set it is shot on (a ward
scene on a ward, indoors; a street scene outdoors), everyone in a scene is called, days run 12 hours with
12 hours' rest between them: a scheduler opening any demo day of the week sees no warning
(``tests/test_seed_demo.py`` runs ``shoot_day_warnings`` over all of them).

The months behind them are made in bulk (thousands of rows, ``_seed_history``): every production with a
completed booking of bookings.demo's history gets a crew with a small roster, and each day it shot a
wrapped shoot day on those bookings with its roster called. Idempotent: a second run finds the crews and
the past shoot days and makes nothing.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from bookings import demo as bookings_demo
from bookings import services as bookings
from bookings.models import Booking
from config.exceptions import DomainError
from crews import services
from crews.models import Call, Crew, CrewMember, Person, Role, Scene, ShootDay, Stop
from locations.models import Base, Set
from review.selectors import production_passed_preliminary
from studio.demo import BATCH_SIZE, demo_organizations
from studio.models import Membership, Organization, Production

DEMO_NOTE = "演示剧组"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = [
    "晚",
    "言",
    "晴",
    "念",
    "一鸣",
    "子涵",
    "若曦",
    "浩然",
    "思远",
    "可欣",
    "嘉怡",
    "宇航",
    "梓萱",
    "俊杰",
    "雨桐",
]
#: roster make-up of a demo crew: the heads of department of a ~35-person micro-drama crew (DOMAIN.md) and
#: the cast; everyone is called every day, so the list stays short for a fast seed
ROLE_COUNTS = [
    (Role.DIRECTOR, 1),
    (Role.SCHEDULER, 1),
    (Role.DP, 1),
    (Role.GAFFER, 1),
    (Role.SOUND, 1),
    (Role.ART, 1),
    (Role.MAKEUP, 1),
    (Role.SCRIPT_SUPERVISOR, 1),
    (Role.ACTOR, 4),
    (Role.EXTRA, 1),
]
#: a history crew's roster: the heads and the leads the zone counts on its shoot days (the seed stays quick)
HISTORY_ROLES = [
    (Role.DIRECTOR, 1),
    (Role.SCHEDULER, 1),
    (Role.DP, 1),
    (Role.GAFFER, 1),
    (Role.MAKEUP, 1),
    (Role.ACTOR, 3),
]
DAY_RATES = {Role.DIRECTOR: 3000, Role.DP: 1500, Role.ACTOR: 1200, Role.EXTRA: 200}
WEEK = 7
#: crews in the zone: one per company whose production can shoot this week, at most this many
MAX_CREWS = 3
#: set kinds shot outdoors (a scene there is 外); every other kind is a room (内)
OUTDOOR_KINDS = {Set.Kind.STREET, Set.Kind.ANCIENT_STREET, Set.Kind.COURTYARD}
#: call sheets go out the evening before: the next days' are published, later days are still drafts
PUBLISHED_DAYS = 2
#: a shoot day: (start, end) of each stop, on two sets of the same base (a walk between them)
STOPS = [((8, 0), (13, 0)), ((14, 0), (19, 0))]


def _roster(company: Organization, crew_name: str, rng: random.Random) -> list[tuple[Person, str]]:
    people = []
    for role, count in ROLE_COUNTS:
        for index in range(count):
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
            person = services.person_create(
                company=company,
                name=name,
                phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                email=f"crew{company.pk}-{crew_name}-{role}-{index + 1}@example.com",
                roles=[role],
                day_rate=Decimal(DAY_RATES.get(role, 600)),
            )
            people.append((person, role))
    return people


def _member(organization: Organization, roles=None):
    memberships = Membership.objects.filter(organization=organization, is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    membership = memberships.select_related("user").order_by("pk").first()
    return membership.user if membership else None


def _crew_productions(companies: list[Organization]) -> list[Production]:
    """One production per company that can shoot this week, in the companies' demo order."""
    ready = {Production.Status.PRE_PRODUCTION, Production.Status.SHOOTING}
    chosen = []
    by_company: dict[int, list[Production]] = {}
    for production in Production.objects.filter(company__in=companies, status__in=ready).order_by("pk"):
        by_company.setdefault(production.company_id, []).append(production)
    for company in companies:
        for production in by_company.get(company.pk, []):
            if production_passed_preliminary(production):
                chosen.append(production)
                break
        if len(chosen) == MAX_CREWS:
            break
    return chosen


def _book(production, base_sets: list[Set], starts_at, ends_at, *, by, operators, now, skip=()):
    """Request and confirm one free set of ``base_sets`` for the stop. One query leaves out the sets booked
    around that time (turnover included, with a margin); the services still decide what is free."""
    margin = timedelta(hours=3)
    busy = set(
        Booking.objects.filter(
            set__in=base_sets,
            status__in=Booking.BLOCKING,
            blocked_from__lt=ends_at + margin,
            blocked_until__gt=starts_at - margin,
        ).values_list("set_id", flat=True)
    )
    for set_ in base_sets:
        if set_.pk in skip or set_.pk in busy:
            continue
        try:
            with transaction.atomic():
                booking = bookings.booking_create(
                    set_=set_,
                    production=production,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    by=by,
                    organization=production.company,
                    note=DEMO_NOTE,
                    now=now,
                )
                if booking.status == booking.Status.HELD:
                    booking = bookings.booking_confirm(booking=booking, by=operators[set_.base_id], now=now)
            return booking
        except DomainError as refusal:
            if refusal.code == "max_active_holds":  # no other set of the base would do
                return None
            continue
    return None


def _scenes_for(production, set_: Set, actors: list[Person], first_number: int, rng) -> list[Scene]:
    outdoor = set_.kind in OUTDOOR_KINDS
    scenes = []
    for offset in range(rng.randint(2, 4)):
        number = first_number + offset
        scenes.append(
            services.scene_create(
                production=production,
                episode=number // 3 + 1,
                number=number % 3 + 1,
                # a night scene indoors is shot behind blackout; outdoors the stops are in daylight
                time_of_day=Scene.TimeOfDay.DAY
                if outdoor
                else rng.choice([Scene.TimeOfDay.DAY, Scene.TimeOfDay.NIGHT]),
                setting=Scene.Setting.EXTERIOR if outdoor else Scene.Setting.INTERIOR,
                set_kind=set_.kind,
                estimated_minutes=rng.choice([10, 15, 20, 30]),
                cast=rng.sample(actors, k=min(len(actors), 2)),
            )
        )
    return scenes


def _plan_week(crew, production, people, base_sets, *, by, operators, now, tz, rng) -> tuple[int, int]:
    actors = [person for person, role in people if role == Role.ACTOR]
    today = now.astimezone(tz).date()
    days = stops = scene_number = 0
    for offset in range(1, WEEK + 1):
        date = today + timedelta(days=offset)
        midnight = datetime.combine(date, datetime.min.time(), tzinfo=tz)
        planned, used = [], set()
        for (start_h, start_m), (end_h, end_m) in STOPS:
            starts_at = midnight.replace(hour=start_h, minute=start_m)
            ends_at = midnight.replace(hour=end_h, minute=end_m)
            shuffled = rng.sample(base_sets, k=len(base_sets))
            booking = _book(
                production, shuffled, starts_at, ends_at, by=by, operators=operators, now=now, skip=used
            )
            if booking is not None:
                used.add(booking.set_id)
                planned.append(booking)
        if not planned:
            continue
        call_at = planned[0].starts_at - timedelta(hours=1)
        wrap_at = planned[-1].ends_at
        day = services.shoot_day_create(
            crew=crew,
            date=date,
            call_at=call_at,
            planned_wrap_at=wrap_at,
            departure_at=call_at - timedelta(minutes=30),
        )
        for booking in planned:
            scenes = _scenes_for(production, booking.set, actors, scene_number, rng)
            scene_number += len(scenes)
            services.stop_add(
                shoot_day=day,
                booking=booking,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                scenes=scenes,
            )
            stops += 1
        for person, role in people:
            actor = role in (Role.ACTOR, Role.EXTRA)
            services.call_add(
                shoot_day=day,
                person=person,
                role=role,
                call_at=call_at,
                makeup_ready_at=call_at + timedelta(minutes=45) if actor else None,
                on_set_at=planned[0].starts_at if actor else None,
                released_at=wrap_at,
            )
        if offset <= PUBLISHED_DAYS:
            services.shoot_day_publish(shoot_day=day, by=by)
        days += 1
    return days, stops


def _history_roster(crew: Crew, index: int, rng: random.Random) -> list[tuple[Person, str]]:
    """A history crew's people (unsaved)."""
    people = []
    for role, count in HISTORY_ROLES:
        for number in range(count):
            person = Person(
                company_id=crew.company_id,
                name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
                phone=f"13{index:05d}{len(people):04d}",
                email=f"crew{crew.production_id}-{role}-{number + 1}@example.com",
                roles=[role],
                day_rate=Decimal(DAY_RATES.get(role, 600)),
            )
            people.append((person, role))
    return people


def _seed_history(companies: list[Organization], *, now, tz) -> str:
    """The crews behind the zone's past months (bookings.demo's history), in bulk: for every production
    with a completed demo booking before today, its crew (the week's crew when it has one) and roster,
    and on each day it shot a wrapped shoot day whose stops are that day's completed bookings, everyone
    on the roster called from an hour before the first stop to the end of the last. The crews served in
    a month (distinct crews with a completed booking in the zone) are then the crews with a shoot day
    in it, whichever way they are counted."""
    today = timezone.localdate(now)
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    if ShootDay.objects.filter(company__in=companies, date__lt=today).exists():
        return "Crews: the demo months' crews are already there."
    booked = (
        Booking.objects.filter(
            company__in=companies,
            note=bookings_demo.DEMO_NOTE,
            status=Booking.Status.COMPLETED,
            starts_at__lt=midnight,
        )
        .order_by("production_id", "starts_at")
        .values_list("pk", "production_id", "company_id", "starts_at", "ends_at", "checked_out_at")
    )
    days: dict[int, dict] = {}
    for pk, production_id, company_id, starts_at, ends_at, checked_out_at in booked:
        stops = days.setdefault(production_id, {}).setdefault(timezone.localdate(starts_at, tz), [])
        stops.append((pk, company_id, starts_at, ends_at, checked_out_at))
    crews = {crew.production_id: crew for crew in Crew.objects.filter(production_id__in=days)}
    new_crews = [
        Crew(production_id=production_id, company_id=next(iter(by_day.values()))[0][1], name="A组")
        for production_id, by_day in days.items()
        if production_id not in crews
    ]
    Crew.objects.bulk_create(new_crews, batch_size=BATCH_SIZE)
    crews.update({crew.production_id: crew for crew in new_crews})
    rng = random.Random("pingyuan-crews-history")
    rosters = {crew.pk: _history_roster(crew, index, rng) for index, crew in enumerate(new_crews)}
    new_people = [person for crew in new_crews for person, _role in rosters[crew.pk]]
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    members = [
        CrewMember(
            crew=crew,
            person=person,
            company_id=crew.company_id,
            role=role,
            starts_on=min(days[crew.production_id]),
            ends_on=max(days[crew.production_id]),
            day_rate=person.day_rate,
        )
        for crew in new_crews
        for person, role in rosters[crew.pk]
    ]
    CrewMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
    shoot_days, stops = [], []
    for production_id, by_day in days.items():
        crew = crews[production_id]
        for date, day_stops in by_day.items():
            call_at = day_stops[0][2] - timedelta(hours=1)
            day = ShootDay(
                crew=crew,
                company_id=crew.company_id,
                date=date,
                call_at=call_at,
                departure_at=call_at - timedelta(minutes=30),
                planned_wrap_at=day_stops[-1][3],
                status=ShootDay.Status.WRAPPED,
                wrapped_at=max(checked_out_at for *_rest, checked_out_at in day_stops),
            )
            shoot_days.append(day)
            stops += [
                Stop(shoot_day=day, crew=crew, order=order, booking_id=pk, starts_at=start, ends_at=end)
                for order, (pk, _company, start, end, _out) in enumerate(day_stops, start=1)
            ]
    ShootDay.objects.bulk_create(shoot_days, batch_size=BATCH_SIZE)
    for stop in stops:
        stop.shoot_day_id = stop.shoot_day.pk
    Stop.objects.bulk_create(stops, batch_size=BATCH_SIZE)
    calls = _call_rosters([day.pk for day in shoot_days])
    return (
        f"Crews (the demo months): {len(crews)} crews ({len(new_crews)} new, {len(new_people)} people), "
        f"{len(shoot_days)} wrapped shoot days with {len(stops)} stops and {calls} calls."
    )


def _call_rosters(day_ids: list[int]) -> int:
    """Call each day's crew roster from the day's call to its wrap, in the database: one INSERT … SELECT
    a batch of days instead of building some 60,000 rows in Python (the seed must stay quick). The past
    days keep who was called and when; makeup and on-set times are left out."""
    quote = connection.ops.quote_name
    call, day, member = (model._meta.db_table for model in (Call, ShootDay, CrewMember))
    created = 0
    with connection.cursor() as cursor:
        for start in range(0, len(day_ids), BATCH_SIZE):
            batch = day_ids[start : start + BATCH_SIZE]
            cursor.execute(
                f"INSERT INTO {quote(call)} (shoot_day_id, person_id, role, call_at, released_at, note) "
                f"SELECT d.id, m.person_id, m.role, d.call_at, d.planned_wrap_at, '' "
                f"FROM {quote(day)} d JOIN {quote(member)} m ON m.crew_id = d.crew_id "
                f"WHERE d.id IN ({', '.join(['%s'] * len(batch))})",
                batch,
            )
            created += cursor.rowcount
    return created


def seed(*, scale: str, stdout, now) -> list[str]:
    companies = demo_organizations(Organization.Kind.PRODUCTION_COMPANY, scale="zone")
    if not companies:
        return ["Crews: no demo companies; nothing made."]
    week = _seed_week(companies, now=now)
    return [week, _seed_history(companies, now=now, tz=timezone.get_current_timezone())]


def _seed_week(companies: list[Organization], *, now) -> str:
    from locations.demo import ZONE_NAME

    if Crew.objects.filter(company__in=companies, production__bookings__note=DEMO_NOTE).exists():
        return "Crews: the demo crews are already there."
    productions = _crew_productions(companies)
    if not productions:
        return "Crews: no demo production can shoot this week; nothing made."
    bases = list(
        Base.objects.filter(zone__name=ZONE_NAME, kind=Base.Kind.BASE, is_active=True)
        .select_related("operator", "zone")
        .order_by("pk")
    )
    operators = {base.pk: _member(base.operator) for base in bases}
    tz = timezone.get_current_timezone()
    rng = random.Random("pingyuan-crews")
    made_days = made_stops = made_people = 0
    names = []
    for index, production in enumerate(productions):
        company = production.company
        by = _member(company, [Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.COORDINATOR])
        base = bases[index % len(bases)]
        base_sets = list(Set.objects.filter(base=base, is_active=True).select_related("base").order_by("pk"))
        crew = services.crew_create(production=production, name="A组")
        people = _roster(company, f"{crew.pk}", rng)
        made_people += len(people)
        for person, role in people:
            services.crew_member_add(crew=crew, person=person, role=role, starts_on=timezone.localdate(now))
        days, stops = _plan_week(
            crew, production, people, base_sets, by=by, operators=operators, now=now, tz=tz, rng=rng
        )
        made_days += days
        made_stops += stops
        names.append(f"{company}《{production.title}》@{base.name}")
    return (
        f"Crews: {len(productions)} crews ({'; '.join(names)}) with {made_people} people, {made_days} shoot "
        f"days with {made_stops} stops on confirmed bookings; the next {PUBLISHED_DAYS} days' call sheets "
        "published."
    )
