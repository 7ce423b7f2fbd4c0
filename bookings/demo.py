"""Demo bookings: six months of history and three weeks ahead across the Pingyuan zone.

The history is the zone's crews at work: every production that was shooting on a past day (its planned
days, from the first day of the month five months back) shoots that day at one base of the zone, the
same day plan every day of its run (a 10-hour day, two 5-hour stops, or a half day), so that its crew
(crews.demo) gets shoot days with 10 hours' rest between them; about 150 crews a month, as in the real
zone. Past days completed (a few no-shows and cancellations, and some requests the operator declined or
let lapse); today, at every base, a booking in every state the hour allows (done, no-show, checked in,
still to come, held, cancelled, declined, a lapsed hold); future days confirmed with some holds awaiting
the operator and some cancellations with their fee, plus waitlist entries on busy windows. Crews book one
to three sets a day ahead, 14-hour days or half days.

The rows obey the booking rules although they are bulk-inserted (the services would take minutes and
send thousands of notifications): they are planned in memory against every blocking booking already
there (turnover on both sides; a completed or missed booking kept its set too, so no set ever held two
crews at once), so the insert never meets the exclusion constraint; prices and deposits
come from ``bookings.pricing``; a company never has more live holds at a base than the base allows, and
a hold lives no longer than the base's hold time; a production books only while it can shoot (not in
development in the past, not after its wrap in the future). ``tests/test_seed_demo.py`` checks each rule
over the seeded zone. Idempotent: once the zone has demo bookings, nothing more is made.
"""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from bookings import conf, pricing
from bookings.models import Booking, WaitlistEntry
from bookings.services.guards import booking_window
from locations.models import Set
from studio.demo import demo_organizations
from studio.demo_progress import progress
from studio.models import Organization, Production

DEMO_NOTE = "演示数据"
#: the history starts on the first day of the month this many months back (six months with this one)
MONTHS_BACK = 5
#: three weeks ahead
DAYS_AHEAD = 20
#: crews per base per day on the coming days
CREWS = (3, 10)
#: a crew's day in the history, the same every day of its run: (start hour, minute, hours) of each stop;
#: from an hour before the first stop to the end of the last it stays under 14 hours (10 hours' rest)
HISTORY_DAYS = [((9, 0, 10),), ((9, 0, 10),), ((8, 0, 5), (14, 0, 5)), ((8, 0, 6),)]
#: the share of a crew's past days with another request that the operator declined or let lapse
ASKED_ELSEWHERE = 0.08
#: occupying statuses a past or present booking keeps on its set (no two crews on one set at once)
OCCUPYING = (*Booking.BLOCKING, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)
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


def history_start(today: date) -> date:
    """The first day of the history: the first of the month ``MONTHS_BACK`` months before ``today``'s."""
    month = today.year * 12 + today.month - 1 - MONTHS_BACK
    return date(month // 12, month % 12 + 1, 1)


def _history_runs(productions, sets_by_base, *, first: date, today: date, rng) -> dict[date, list[tuple]]:
    """Who shoots where on each past day: every production that could shoot, on each of its planned days
    before today, at one base (the bigger bases draw more crews), with one day plan for its whole run."""
    base_ids = list(sets_by_base)
    weights = [len(sets_by_base[base_id]) for base_id in base_ids]
    days: dict[date, list[tuple]] = {}
    for production in productions:
        base_id = rng.choices(base_ids, weights=weights)[0]
        plan = rng.choice(HISTORY_DAYS)
        if production.status not in SHOT_BEFORE:
            continue
        day = max(production.planned_start, first)
        while day <= min(production.planned_end, today - timedelta(days=1)):
            days.setdefault(day, []).append((production, base_id, plan))
            day += timedelta(days=1)
    return days


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
    booking = Booking(
        set=set_,
        production=production,
        company_id=production.company_id,
        status=status,
        note=DEMO_NOTE,
        **booking_window(set_, starts_at, ends_at),
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
            breakdown=booking.price_breakdown, ends_at=ends_at, checked_out_at=booking.checked_out_at
        )
        booking.closed_at = booking.checked_out_at
    if status in (Status.CANCELLED, Status.NO_SHOW):
        cancelled_at = min(now, ends_at)
        if status == Status.CANCELLED:
            cancelled_at = min(now, starts_at - timedelta(hours=rng.choice([2, 30, 100])))
        fee, _percent, _hours = pricing.cancellation_fee(
            policy=set_.base.cancellation_policy,
            total=booking.total_price,
            starts_at=starts_at,
            now=cancelled_at,
        )
        booking.cancellation_fee = fee
        booking.cancellation_reason = rng.choice(["演员档期调整", "剧本修改", "转场至其他基地"])
        booking.closed_at = cancelled_at
        # confirmed before it was called off
        booking.confirmed_at = min(booking.confirmed_at, cancelled_at - timedelta(hours=1))
    # asked for when its hold began, or when it was confirmed (bulk_create stamps created_at with the
    # wall clock: ``seed`` writes this back, so that lead times and the history read as they happened)
    booking.asked_at = booking.confirmed_at or booking.hold_expires_at - timedelta(minutes=ttl)
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
    first = history_start(today)
    days_back = (today - first).days
    runs = _history_runs(past_productions, sets_by_base, first=first, today=today, rng=rng)
    tz = timezone.get_current_timezone()
    all_sets = [set_.pk for sets in sets_by_base.values() for set_ in sets]
    window_start = datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=tz)
    window_end = window_start + timedelta(days=days_back + DAYS_AHEAD + 3)
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    existing = Booking.objects.filter(
        set_id__in=all_sets,
        status__in=OCCUPYING,
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

    def add(booking: Booking) -> None:
        if booking.status in OCCUPYING:
            taken.setdefault(booking.set_id, []).append((booking.blocked_from, booking.blocked_until))
        planned.append(booking)

    busy_windows: list[tuple[Set, datetime, datetime, int]] = []
    days = range(-days_back, DAYS_AHEAD)
    for offset in progress(days, label="  demo months", stdout=stdout):
        day = today + timedelta(days=offset)
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        if offset < 0:
            for production, base_id, plan in runs.get(day, []):
                status, used = _status_for(offset, rng), set()
                for hour, minute, length in plan:
                    start = midnight.replace(hour=hour, minute=minute)
                    end = start + timedelta(hours=length)
                    sets = sets_by_base[base_id]
                    candidates = [s for s in rng.sample(sets, k=min(len(sets), 8)) if s.pk not in used]
                    set_ = next((s for s in candidates if free(s, start, end)), None)
                    if set_ is None:
                        continue
                    used.add(set_.pk)
                    if rng.random() < ASKED_ELSEWHERE and candidates[-1] != set_:
                        # asked for another set first: the operator declined, or let the hold lapse
                        refused = rng.choice([Status.DECLINED, Status.EXPIRED])
                        add(_booking(candidates[-1], production, start, end, refused, now, rng))
                    add(_booking(set_, production, start, end, status, now, rng))
            continue
        choices = today_productions if offset == 0 else future_productions
        for sets in sets_by_base.values():
            shown: set[str] = set()  # today's states at this base so far
            crews = len(TODAY_SHIFTS) if offset == 0 else rng.randint(*CREWS)
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
                many = rng.randint(1, 3)
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
                    if booking.is_blocking and offset > 1:
                        busy_windows.append((candidate, start, end, production.company_id))
                    add(booking)
    Booking.objects.bulk_create(planned, batch_size=1000)
    for booking in planned:
        booking.created_at = booking.asked_at
    Booking.objects.bulk_update(planned, ["created_at"], batch_size=1000)

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
