"""Demo bookings: three months of history and three weeks ahead across the Pingyuan zone (3–10 crews per
base per day in the last two weeks and ahead, fewer before).

Past days completed (a few no-shows and cancellations); today, at every base, a booking in every state
the hour allows (done, no-show, checked in, still to come, held, cancelled, declined, a lapsed hold);
future days confirmed with some holds awaiting the operator and some cancellations with their fee, plus
waitlist entries on busy windows. Crews book one to three sets a day, 14-hour days or half days.

The rows obey the booking rules although they are bulk-inserted (the services would take minutes and
send thousands of notifications): they are planned in memory against every blocking booking already
there (turnover on both sides), so the insert never meets the exclusion constraint; prices and deposits
come from ``bookings.pricing``; a company never has more live holds at a base than the base allows, and
a hold lives no longer than the base's hold time; a production books only while it can shoot (not in
development in the past, not after its wrap in the future). ``tests/test_seed_demo.py`` checks each rule
over the seeded zone. Idempotent: once the zone has demo bookings, nothing more is made.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from bookings import conf, pricing
from bookings.models import Booking, WaitlistEntry
from locations.models import Set
from studio.demo import demo_organizations
from studio.demo_progress import progress
from studio.models import Organization, Production

DEMO_NOTE = "演示数据"
#: three months of history (the occupancy charts' range), three weeks ahead
DAYS_BACK, DAYS_AHEAD = 91, 20
#: crews per base per day: recent and coming days, older history (where each crew books one set)
CREWS, OLD_CREWS = (3, 10), (3, 6)
#: (start hour, minutes, length in hours): a full 14-hour day, a morning, an afternoon into the night
SHIFTS = [(7, 0, 14), (7, 0, 14), (8, 0, 6), (14, 30, 8), (9, 0, 10)]
#: today's crews at each base: mornings over by the afternoon, long days under way, evening and night shoots
TODAY_SHIFTS = [
    (7, 0, 6),
    (8, 0, 6),
    (7, 0, 14),
    (9, 0, 10),
    (18, 0, 6),
    (18, 30, 5),
    (20, 0, 6),
    (19, 0, 6),
    (17, 0, 6),
    (19, 30, 5),
]
Status = Booking.Status
#: the states today's board shows at every base, in the order they are handed out
TODAY_STATES = [
    Status.COMPLETED,
    Status.NO_SHOW,
    Status.CHECKED_IN,
    Status.CONFIRMED,
    Status.HELD,
    Status.CANCELLED,
    Status.DECLINED,
    Status.EXPIRED,
]
P = Production.Status
#: what a production may book: past days once out of development, future days until its wrap
SHOT_BEFORE = {P.PRE_PRODUCTION, P.SHOOTING, P.POST_PRODUCTION, P.RELEASED}
SHOOTS_AHEAD = {P.DEVELOPMENT, P.PRE_PRODUCTION, P.SHOOTING}


def _zone_sets() -> dict[int, list[Set]]:
    from locations.demo import ZONE_NAME

    by_base: dict[int, list[Set]] = {}
    sets = Set.objects.filter(base__zone__name=ZONE_NAME, is_active=True, base__is_active=True)
    for set_ in sets.select_related("base").order_by("base_id", "id"):
        by_base.setdefault(set_.base_id, []).append(set_)
    return by_base


def _status_for(day_offset: int, rng: random.Random) -> str:
    roll = rng.random()
    if day_offset < 0:
        return Status.NO_SHOW if roll < 0.03 else Status.CANCELLED if roll < 0.08 else Status.COMPLETED
    if day_offset == 0:
        return Status.CHECKED_IN
    if roll < 0.07:
        return Status.CANCELLED
    if roll < 0.17 and day_offset <= 7:
        return Status.HELD
    return Status.CONFIRMED


def _today_states(start: datetime, end: datetime, now: datetime) -> list[str]:
    """The states a booking of today's ``[start, end)`` can be in at ``now``."""
    if end <= now:
        return [Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED, Status.EXPIRED]
    if start <= now:
        return [Status.CHECKED_IN, Status.CANCELLED]
    return [Status.CONFIRMED, Status.HELD, Status.CANCELLED, Status.DECLINED, Status.EXPIRED]


def _booking(set_, production, starts_at, ends_at, status, now, rng) -> Booking:
    quote = pricing.quote(set_, starts_at, ends_at)
    turnover = set_.effective_turnover_minutes
    booking = Booking(
        set=set_,
        production=production,
        company_id=production.company_id,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        turnover_minutes=turnover,
        blocked_from=starts_at - timedelta(minutes=turnover),
        blocked_until=ends_at + timedelta(minutes=turnover),
        note=DEMO_NOTE,
        price_breakdown=quote.breakdown,
        total_price=quote.total,
        deposit=quote.deposit,
    )
    ttl = set_.base.hold_ttl_minutes
    if status == Status.HELD:
        # asked for a few minutes ago: it lapses within the base's hold time
        booking.hold_expires_at = now + timedelta(minutes=rng.randint(max(1, ttl // 3), ttl))
    elif status in (Status.DECLINED, Status.EXPIRED):
        asked = min(now, starts_at) - timedelta(hours=rng.choice([3, 20, 50]))
        booking.hold_expires_at = asked + timedelta(minutes=ttl)
        booking.closed_at = (
            booking.hold_expires_at if status == Status.EXPIRED else asked + timedelta(minutes=10)
        )
        if status == Status.DECLINED:
            booking.decline_reason = rng.choice(["该时段设备检修", "与基地自有拍摄冲突"])
    else:
        booking.confirmed_at = min(now, starts_at) - timedelta(days=rng.randint(1, 10))
    if status in (Status.COMPLETED, Status.CHECKED_IN):
        booking.checked_in_at = starts_at - timedelta(minutes=rng.choice([0, 10, 20]))
    if status == Status.COMPLETED:
        late = rng.choice([0, 0, 0, 20, 45, 90])
        # never in the future (a crew that left a few minutes ago did not stay late)
        booking.checked_out_at = min(ends_at + timedelta(minutes=late), now)
        booking.overtime_minutes, booking.overtime_fee = pricing.overtime(
            breakdown=quote.breakdown, ends_at=ends_at, checked_out_at=booking.checked_out_at
        )
        booking.closed_at = booking.checked_out_at
    if status in (Status.CANCELLED, Status.NO_SHOW):
        cancelled_at = min(now, ends_at)
        if status == Status.CANCELLED:
            cancelled_at = min(now, starts_at - timedelta(hours=rng.choice([2, 30, 100])))
        fee, _percent, _hours = pricing.cancellation_fee(
            policy=set_.base.cancellation_policy, total=quote.total, starts_at=starts_at, now=cancelled_at
        )
        booking.cancellation_fee = fee
        booking.cancellation_reason = rng.choice(["演员档期调整", "剧本修改", "转场至其他基地"])
        booking.closed_at = cancelled_at
    return booking


def seed(*, scale: str, stdout, now: datetime) -> list[str]:
    sets_by_base = _zone_sets()
    if not sets_by_base:
        return ["Bookings: no demo zone sets (run locations.demo first); nothing made."]
    if Booking.objects.filter(note=DEMO_NOTE, set__base_id__in=list(sets_by_base)).exists():
        return ["Bookings: the demo months are already there."]
    companies = demo_organizations(Organization.Kind.PRODUCTION_COMPANY, scale="zone")
    productions = list(Production.objects.filter(company__in=companies).order_by("company_id", "id"))
    if not productions:
        return ["Bookings: no demo productions; nothing made."]
    past_productions = [p for p in productions if p.status in SHOT_BEFORE] or productions
    future_productions = [p for p in productions if p.status in SHOOTS_AHEAD] or productions
    # today's crews shoot now: neither still in development nor wrapped
    today_productions = [
        p for p in productions if p.status in SHOT_BEFORE & SHOOTS_AHEAD
    ] or future_productions
    rng = random.Random("pingyuan-bookings")
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    all_sets = [set_.pk for sets in sets_by_base.values() for set_ in sets]
    window_start = datetime.combine(today - timedelta(days=DAYS_BACK + 1), datetime.min.time(), tzinfo=tz)
    window_end = window_start + timedelta(days=DAYS_BACK + DAYS_AHEAD + 3)
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    existing = Booking.objects.filter(
        set_id__in=all_sets,
        status__in=Booking.BLOCKING,
        blocked_from__lt=window_end,
        blocked_until__gt=window_start,
    ).values_list("set_id", "blocked_from", "blocked_until")
    for set_id, start, end in existing:
        taken.setdefault(set_id, []).append((start, end))
    # live holds per (company, base), the existing ones included: the base's cap is never passed
    holds: dict[tuple[int, int], int] = {}
    live = Booking.objects.filter(
        set_id__in=all_sets, status=Status.HELD, hold_expires_at__gt=now, waitlist_offer=False
    ).values_list("company_id", "set__base_id")
    for key in live:
        holds[key] = holds.get(key, 0) + 1

    def free(set_: Set, start: datetime, end: datetime) -> bool:
        turnover = timedelta(minutes=set_.effective_turnover_minutes)
        return all(end + turnover <= a or b <= start - turnover for a, b in taken.get(set_.pk, []))

    def may_hold(production: Production, set_: Set) -> bool:
        key = (production.company_id, set_.base_id)
        # one hold short of the cap: the company can still ask for a set (the crews' week does)
        if holds.get(key, 0) >= set_.base.max_active_holds_per_company - 1:
            return False
        holds[key] = holds.get(key, 0) + 1
        return True

    planned: list[Booking] = []
    busy_windows: list[tuple[Set, datetime, datetime, int]] = []
    days = range(-DAYS_BACK, DAYS_AHEAD)
    for offset in progress(days, label="  demo months", stdout=stdout):
        day = today + timedelta(days=offset)
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        choices = past_productions if offset < 0 else today_productions if offset == 0 else future_productions
        for sets in sets_by_base.values():
            shown: set[str] = set()  # today's states at this base so far
            # the last two weeks and what is ahead are busy; older history is lighter (it only feeds charts)
            crews = len(TODAY_SHIFTS) if offset == 0 else rng.randint(*CREWS if offset >= -14 else OLD_CREWS)
            for crew in range(crews):
                production = rng.choice(choices)
                hour, minute, length = TODAY_SHIFTS[crew] if offset == 0 else rng.choice(SHIFTS)
                start = midnight.replace(hour=hour, minute=minute)
                end = start + timedelta(hours=length)
                status = _status_for(offset, rng)
                if offset == 0:
                    possible = _today_states(start, end, now)
                    missing = [state for state in TODAY_STATES if state in possible and state not in shown]
                    status = missing[0] if missing else possible[0]
                    if status == Status.NO_SHOW and now < start + timedelta(
                        minutes=conf.no_show_grace_minutes()
                    ):
                        status = Status.COMPLETED
                many = rng.randint(1, 3) if offset >= -14 else 1
                for candidate in rng.sample(sets, k=min(len(sets), many)):
                    if not free(candidate, start, end):
                        continue
                    state = status
                    if state == Status.HELD and (
                        start - now > timedelta(days=candidate.base.max_days_ahead)
                        or not may_hold(production, candidate)
                    ):
                        state = Status.CONFIRMED
                    booking = _booking(candidate, production, start, end, state, now, rng)
                    shown.add(state)
                    if booking.is_blocking:
                        taken.setdefault(candidate.pk, []).append(
                            (booking.blocked_from, booking.blocked_until)
                        )
                        if offset > 1:
                            busy_windows.append((candidate, start, end, production.company_id))
                    planned.append(booking)
    Booking.objects.bulk_create(planned, batch_size=1000)

    waiters = []
    for set_, start, _end, company_id in rng.sample(busy_windows, k=min(12, len(busy_windows))):
        # a waiter names the production a freed window would be held for
        others = [p for p in future_productions if p.company_id != company_id]
        if not others:
            continue
        production = rng.choice(others)
        waiters.append(
            WaitlistEntry(
                set=set_,
                company_id=production.company_id,
                production=production,
                starts_at=start,
                ends_at=start + timedelta(hours=4),
            )
        )
    WaitlistEntry.objects.bulk_create(waiters)
    counts = {status: sum(1 for b in planned if b.status == status) for status in Status.values}
    listed = ", ".join(f"{count} {status}" for status, count in counts.items() if count)
    return [
        f"Bookings: {len(planned)} over {len(days)} days across {len(sets_by_base)} bases ({listed}); "
        f"{len(waiters)} waitlist entries."
    ]
