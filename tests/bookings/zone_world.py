"""A hand-computed zone for the zone's figures (tests/bookings/test_zone*.py).

Zone 平原 (managed by 平原示范区管委会, reviewed by 平原审查分中心) over September–October 2026; no
opening hours (open round the clock: 720 h a set in September, 744 in October), no blackouts.

Sets: s1 病房 (ward) and s2 酒吧 (bar) at base 1; s3 病房 at base 2; an inactive s4 at base 1.
Companies A, B, C, D (productions PA and PA2 of A, PB, PC, PD); E books only in another zone.

September bookings (local):                                   October:
  b1  s1 PA  completed  07 08–18 (10 h) ¥3000 + overtime ¥300    b9  s1 PA completed 12 08–16 (8 h) ¥2400
  b2  s2 PB  completed  08 10–14 (4 h)  ¥1200                    b10 s3 PB completed 13 08–12 (4 h) ¥1200
  b3  s3 PC  completed  09 08–20 (12 h) ¥3600
  b4  s1 PC  confirmed  20 08–12 (4 h)  ¥1200
  b5  s2 PA  declined   21 08–12
  b6  s3 PB  cancelled  22 08–12, fee ¥600 (never confirmed)
  b7  s1 PA  expired    25 08–12
  b8  s2 PA2 completed  15 08–14 (6 h)  ¥1800
  b11 s2 PD  completed  16 08–10 (2 h)  ¥600
Leads (request → start, hours): b3 24, b6 24, b11 24, b5 36, b1 48, b7 60, b4 72, b2 120, b8 240;
b9 96, b10 24.

September: served (checked in / completed) productions PA, PA2, PB, PC, PD of 4 companies; crews: PA's
A组 and B组 stop at b1 (2), PB's crew at b2 (1), PC's at b3 (1), PA2 and PD no stop (1 each) → 6.
People called on zone shoot days: p1, p2 (A组), p3 (B组), p4 (PB), p5 (PC) → 5, companies A, B, C.
October: PA (A组 at b9, p1) and PB (crew at b10, p4): 2 companies → withheld.

Review centre (target 4 working days; 2026: 25 Sept and 1–7 Oct holidays, Saturday 10 Oct worked):
  r1 A  submitted Wed 30 Sep, approved Mon 12 Oct → 4 (8, 9, 10 Sat, 12 Oct)
  r2 B  submitted Thu 24 Sep, approved Fri  9 Oct → 5 (28, 29, 30 Sep, 8, 9 Oct)
  r6 C  submitted Tue 29 Sep, approved Sat 10 Oct → 4 (30 Sep, 8, 9, 10 Oct)
  r3 C  submitted Thu 10 Sep, approved Thu 17 Sep → 5;  r4 D submitted Mon 14 Sep, approved Fri 18 Sep → 4
  r5 A  submitted Fri 11 Sep, not decided.
Intake: September 6 (A, B, C, D), October 0. Approvals: September r3, r4 (2 companies: withheld);
October r1, r2, r6 (3 companies): median 4, p90 4.8, 2 within target.

Hotels: 平原宾馆 4 min to base 1, 12 to base 2 (measured); 示范区酒店 9 and 20 (measured); 城东客栈 at
base 1's gate (estimated 0) and 35 min from base 2 (estimated: 12.2 km × 1.4 ÷ 30 km/h).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.models import Booking
from locations.models import Set
from review import services as review_services
from studio.models import Membership
from tests.bookings.conftest import make_world
from tests.clock import pin_now
from tests.crews.factories import CallFactory, CrewFactory, PersonFactory, ShootDayFactory, StopFactory
from tests.factories import (
    BaseFactory,
    BookingFactory,
    CompanyFactory,
    MembershipFactory,
    PlaceFactory,
    ProductionFactory,
    ReviewCentreFactory,
    SetFactory,
    ZoneFactory,
    ZoneManagementFactory,
    travel_time_for,
)
from tests.review.conftest import attach_required

S = Booking.Status
WINDOW = {"from": "2026-09", "to": "2026-10"}


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=timezone.get_default_timezone())


@dataclass
class ZoneWorld:
    zone: object
    other_zone: object
    management: object
    zone_user: object
    other_zone_user: object
    operator_user: object
    company_user: object
    reviewer_user: object
    centre: object
    companies: list
    productions: list
    bases: list


def _book(set_, production, month, day, start, end, *, status=S.COMPLETED, lead=24, **extra):
    starts_at = at(month, day, start)
    booking = BookingFactory(
        set=set_,
        production=production,
        starts_at=starts_at,
        ends_at=at(month, day, end) if end > start else at(month, day + 1, end),
        status=status,
        **extra,
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=starts_at - timedelta(hours=lead))
    return booking


def _shoot_day(production, booking, people, *, crew=None):
    crew = crew or CrewFactory(production=production)
    day = ShootDayFactory(crew=crew, date=timezone.localtime(booking.starts_at).date())
    StopFactory(shoot_day=day, booking=booking, starts_at=booking.starts_at, ends_at=booking.ends_at)
    for person in people:
        CallFactory(shoot_day=day, person=person)
    return crew


def _review(centre, reviewer, coordinator, production, submitted, approved=None):
    with pin_now(submitted):
        draft = review_services.submission_create(
            production=production, centre=centre, kind="planning_dossier", by=coordinator
        )
        attach_required(draft)
        submission = review_services.submission_submit(submission=draft, by=coordinator)
    if approved is None:
        return submission
    with pin_now(approved - timedelta(hours=2)):
        submission = review_services.submission_assign(submission=submission, by=reviewer)
        submission = review_services.submission_pass_preliminary(submission=submission, by=reviewer)
    with pin_now(approved):
        return review_services.submission_approve(submission=submission, by=reviewer)


def build_zone_world() -> ZoneWorld:
    world = make_world(companies=4, sets=2)
    management = ZoneManagementFactory(name="平原示范区管委会")
    centre = ReviewCentreFactory(name="平原审查分中心")
    zone = ZoneFactory(name="平原拍摄服务圈", management=management, review_centre=centre)
    base1 = world.base
    base1.zone = zone
    base1.save(update_fields=["zone"])
    s1, s2 = world.sets
    Set.objects.filter(pk=s1.pk).update(kind=Set.Kind.HOSPITAL_WARD)
    Set.objects.filter(pk=s2.pk).update(kind=Set.Kind.BAR)
    SetFactory(base=base1, is_active=False)
    base2 = BaseFactory(
        operator=world.operator, zone=zone, name="平原二号基地", latitude=Decimal("35.300000")
    )
    s3 = SetFactory(base=base2, kind=Set.Kind.HOSPITAL_WARD)

    a, b, c, d = world.companies
    a.name, b.name, c.name, d.name = "星河影视", "红果短剧", "九州映画", "青禾传媒"
    for company in world.companies:
        company.save(update_fields=["name"])
    pa, pb, pc, pd = world.productions
    for production, title in zip(
        world.productions, ("闪婚总裁", "重生千金", "神医归来", "战神赘婿"), strict=True
    ):
        production.title = title
        production.save(update_fields=["title"])
    pa2 = ProductionFactory(company=a, title="逆袭人生")
    e = CompanyFactory(name="夜色传媒")
    pe = ProductionFactory(company=e, title="豪门弃妇")

    b1 = _book(s1, pa, 9, 7, 8, 18, lead=48, total_price=Decimal("3000"), overtime_fee=Decimal("300"))
    b2 = _book(s2, pb, 9, 8, 10, 14, lead=120, total_price=Decimal("1200"))
    b3 = _book(s3, pc, 9, 9, 8, 20, total_price=Decimal("3600"))
    _book(s1, pc, 9, 20, 8, 12, status=S.CONFIRMED, lead=72, total_price=Decimal("1200"))
    _book(s2, pa, 9, 21, 8, 12, status=S.DECLINED, lead=36)
    _book(s3, pb, 9, 22, 8, 12, status=S.CANCELLED, cancellation_fee=Decimal("600"))
    _book(s1, pa, 9, 25, 8, 12, status=S.EXPIRED, lead=60)
    _book(s2, pa2, 9, 15, 8, 14, lead=240, total_price=Decimal("1800"))
    _book(s2, pd, 9, 16, 8, 10, total_price=Decimal("600"))
    b9 = _book(s1, pa, 10, 12, 8, 16, lead=96, total_price=Decimal("2400"))
    b10 = _book(s3, pb, 10, 13, 8, 12, total_price=Decimal("1200"))

    p1, p2, p3 = (PersonFactory(company=a) for _n in range(3))
    p4, p5 = PersonFactory(company=b), PersonFactory(company=c)
    crew_a = _shoot_day(pa, b1, [p1, p2])
    _shoot_day(pa, b1, [p3])
    crew_b = _shoot_day(pb, b2, [p4])
    _shoot_day(pc, b3, [p5])
    _shoot_day(pa, b9, [p1], crew=crew_a)
    _shoot_day(pb, b10, [p4], crew=crew_b)

    # another zone, its management and a company booking there: counted nowhere in 平原
    other_management = ZoneManagementFactory(name="郑州管委会")
    other_zone = ZoneFactory(name="郑州拍摄服务圈", management=other_management)
    elsewhere = SetFactory(base=BaseFactory(zone=other_zone, name="郑州基地"))
    eb = _book(elsewhere, pe, 9, 10, 8, 20, total_price=Decimal("9000"))
    _shoot_day(pe, eb, [PersonFactory(company=e)])

    hotel1 = PlaceFactory(zone=zone, owner=world.operator, name="平原宾馆")
    hotel2 = PlaceFactory(zone=zone, owner=world.operator, name="示范区酒店")
    PlaceFactory(
        zone=zone, owner=world.operator, name="城东客栈", latitude=base1.latitude, longitude=base1.longitude
    )
    PlaceFactory(zone=zone, owner=world.operator, name="东门", kind="gate")
    for hotel, near, far in ((hotel1, 4, 12), (hotel2, 9, 20)):
        travel_time_for(owner=world.operator, first=hotel, second=base1, minutes=near)
        travel_time_for(owner=world.operator, first=hotel, second=base2, minutes=far)

    reviewer = MembershipFactory(organization=centre, role=Membership.Role.REVIEWER).user
    coordinators = dict(zip((a, b, c, d), world.company_users, strict=True))
    review_productions = []
    for company, title, submitted, approved in [
        (a, "豪门千金", at(9, 30, 10), at(10, 12, 16)),
        (b, "时光恋人", at(9, 24, 10), at(10, 9, 16)),
        (c, "都市狂龙", at(9, 29, 10), at(10, 10, 16)),
        (c, "甜妻来袭", at(9, 10, 10), at(9, 17, 16)),
        (d, "锦绣山河", at(9, 14, 10), at(9, 18, 16)),
        (a, "盛世婚宠", at(9, 11, 10), None),
    ]:
        production = ProductionFactory(company=company, total_investment=Decimal("3500000.00"), title=title)
        review_productions.append(production)
        _review(centre, reviewer, coordinators[company], production, submitted, approved)

    return ZoneWorld(
        zone=zone,
        other_zone=other_zone,
        management=management,
        zone_user=MembershipFactory(organization=management, role=Membership.Role.MEMBER).user,
        other_zone_user=MembershipFactory(organization=other_management, role=Membership.Role.OWNER).user,
        operator_user=world.operator_user,
        company_user=world.company_users[0],
        reviewer_user=reviewer,
        centre=centre,
        companies=[a, b, c, d, e],
        productions=[pa, pa2, pb, pc, pd, pe, *review_productions],
        bases=[base1, base2],
    )
