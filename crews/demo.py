"""Demo crews: a roster for the first demo company, A组/B组 for its two busiest productions, a week of shoot
days with stops on the demo bookings, and published call sheets. Idempotent: a second run finds the
crews and makes nothing.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from bookings.models import Booking
from config.exceptions import DomainError
from crews import services
from crews.models import Crew, Person, Role, Scene
from locations.models import Set
from studio.demo import demo_organizations
from studio.models import Membership, Organization, Production

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
#: roster make-up of a ~35-person micro-drama crew (DOMAIN.md), per crew
ROLE_COUNTS = [
    (Role.DIRECTOR, 1),
    (Role.PRODUCER, 1),
    (Role.SCHEDULER, 1),
    (Role.DP, 2),
    (Role.GAFFER, 2),
    (Role.SOUND, 1),
    (Role.ART, 1),
    (Role.PROPS, 1),
    (Role.WARDROBE, 1),
    (Role.MAKEUP, 2),
    (Role.SCRIPT_SUPERVISOR, 1),
    (Role.SET_RUNNER, 2),
    (Role.ACTOR, 6),
    (Role.EXTRA, 4),
]
DAY_RATES = {Role.DIRECTOR: 3000, Role.DP: 1500, Role.ACTOR: 1200, Role.EXTRA: 200}
WEEK = 7
SCENE_KINDS = [
    Set.Kind.CEO_OFFICE,
    Set.Kind.HOSPITAL_WARD,
    Set.Kind.VILLA,
    Set.Kind.BAR,
    Set.Kind.RESTAURANT,
    Set.Kind.STREET,
]


def _roster(company: Organization, crew_name: str, rng: random.Random) -> list[tuple[Person, str]]:
    people = []
    for role, count in ROLE_COUNTS:
        for index in range(count):
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
            person = services.person_create(
                company=company,
                name=name,
                phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                email=f"crew{company.pk}-{crew_name}-{role}-{index + 1}@example.com".replace("组", "zu"),
                roles=[role],
                day_rate=Decimal(DAY_RATES.get(role, 600)),
            )
            people.append((person, role))
    return people


def _scenes(production: Production, actors: list[Person], rng: random.Random) -> list[Scene]:
    scenes = []
    episodes = min(production.episode_count, 20)
    for episode in range(1, episodes + 1):
        for number in range(1, 4):
            scene = services.scene_create(
                production=production,
                episode=episode,
                number=number,
                time_of_day=rng.choice([Scene.TimeOfDay.DAY, Scene.TimeOfDay.NIGHT]),
                setting=rng.choice([Scene.Setting.INTERIOR, Scene.Setting.EXTERIOR]),
                set_kind=rng.choice(SCENE_KINDS),
                estimated_minutes=rng.choice([10, 15, 20, 30]),
                cast=rng.sample(actors, k=min(len(actors), 2)),
            )
            scenes.append(scene)
    return scenes


def _busiest_productions(company: Organization, start: datetime, end: datetime) -> list[Production]:
    return list(
        Production.objects.filter(company=company)
        .annotate(
            upcoming=Count(
                "bookings",
                filter=Q(
                    bookings__status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED],
                    bookings__starts_at__gte=start,
                    bookings__starts_at__lt=end,
                ),
            )
        )
        .order_by("-upcoming", "id")[:2]
    )


def _plan_day(crew, date, people, scenes, scheduler, tz, rng) -> tuple[int, bool]:
    day_start = datetime.combine(date, datetime.min.time(), tzinfo=tz)
    bookings = list(
        Booking.objects.filter(
            production=crew.production,
            status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED],
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
        )
        .select_related("set")
        .order_by("starts_at")
    )
    chosen, last_end = [], None
    for booking in bookings:
        if last_end is None or booking.starts_at >= last_end:
            chosen.append(booking)
            last_end = booking.ends_at
        if len(chosen) == 3:
            break
    if not chosen:
        return 0, False
    call_at = chosen[0].starts_at - timedelta(hours=1)
    wrap_at = chosen[-1].ends_at
    day = services.shoot_day_create(
        crew=crew,
        date=date,
        call_at=call_at,
        planned_wrap_at=wrap_at,
        departure_at=call_at - timedelta(minutes=30),
    )
    open_scenes = [scene for scene in scenes if scene.status == Scene.Status.PLANNED]
    stops = 0
    for booking in chosen:
        batch, open_scenes = open_scenes[:6], open_scenes[6:]
        try:
            services.stop_add(
                shoot_day=day,
                booking=booking,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                scenes=batch,
            )
            stops += 1
        except DomainError:
            continue
        for scene in batch:
            scene.status = Scene.Status.SCHEDULED
    for person, role in people:
        actor = role in (Role.ACTOR, Role.EXTRA)
        try:
            services.call_add(
                shoot_day=day,
                person=person,
                role=role,
                call_at=call_at,
                makeup_ready_at=call_at + timedelta(minutes=45) if actor else None,
                on_set_at=chosen[0].starts_at if actor else None,
                released_at=wrap_at,
            )
        except DomainError:
            continue
    services.shoot_day_publish(shoot_day=day, by=scheduler)
    return stops, True


def seed(*, scale: str, stdout) -> list[str]:
    companies = demo_organizations(Organization.Kind.PRODUCTION_COMPANY, scale="zone")
    if not companies:
        return ["Crews: no demo companies; nothing made."]
    company = companies[0]
    if Crew.objects.filter(company=company, name__in=["A组", "B组"]).exists():
        return ["Crews: the demo crews are already there."]
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    productions = _busiest_productions(company, start, start + timedelta(days=WEEK))
    if not productions:
        return ["Crews: the first demo company has no productions; nothing made."]
    scheduler = (
        Membership.objects.filter(organization=company, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    by = scheduler.user if scheduler else None
    rng = random.Random("pingyuan-crews")
    made_days = made_stops = made_people = 0
    for production, crew_name in zip(productions, ["A组", "B组"], strict=False):
        crew = services.crew_create(production=production, name=crew_name)
        people = _roster(company, crew_name, rng)
        made_people += len(people)
        for person, role in people:
            services.crew_member_add(crew=crew, person=person, role=role, starts_on=today)
        actors = [person for person, role in people if role == Role.ACTOR]
        scenes = _scenes(production, actors, rng)
        for offset in range(1, WEEK + 1):
            stops, planned = _plan_day(crew, today + timedelta(days=offset), people, scenes, by, tz, rng)
            made_days += planned
            made_stops += stops
    return [
        f"Crews: {len(productions)} crews of {company} with {made_people} people, {made_days} shoot days "
        f"with {made_stops} stops on demo bookings, call sheets published."
    ]
