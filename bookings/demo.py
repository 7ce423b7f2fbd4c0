"""Demo bookings: a realistic month across the Pingyuan zone (3–10 crews per base per day).

Ten days back to twenty ahead: past days completed (a few no-shows and cancellations), today's crews
checked in, future days confirmed with some holds awaiting the operator and some cancellations with
their fee, plus waitlist entries on busy windows. Crews book one to three sets a day, 14-hour days or
half days. Rows are planned in memory against every blocking booking already there (turnover on both
sides), so the bulk insert never meets the exclusion constraint. Idempotent: once the zone has demo
bookings, nothing more is made.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from bookings import pricing
from bookings.models import Booking, WaitlistEntry
from locations.models import Set
from studio.demo import demo_organizations
from studio.demo_progress import progress
from studio.models import Organization, Production

DEMO_NOTE = "演示数据"
DAYS_BACK, DAYS_AHEAD = 10, 20
#: (start hour, minutes, length in hours): a full 14-hour day, a morning, an afternoon into the night
SHIFTS = [(7, 0, 14), (7, 0, 14), (8, 0, 6), (14, 30, 8), (9, 0, 10)]
Status = Booking.Status


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
    if status == Status.HELD:
        booking.hold_expires_at = now + timedelta(minutes=set_.base.hold_ttl_minutes + rng.randrange(0, 120))
    else:
        booking.confirmed_at = starts_at - timedelta(days=rng.randint(1, 10))
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
        cancelled_at = now
        if status == Status.CANCELLED:
            cancelled_at = min(now, starts_at - timedelta(hours=rng.choice([2, 30, 100])))
        fee, _percent, _hours = pricing.cancellation_fee(
            policy=set_.base.cancellation_policy, total=quote.total, starts_at=starts_at, now=cancelled_at
        )
        booking.cancellation_fee = fee
        booking.cancellation_reason = rng.choice(["演员档期调整", "剧本修改", "转场至其他基地"])
        booking.closed_at = cancelled_at
    return booking


def seed(*, scale: str, stdout) -> list[str]:
    sets_by_base = _zone_sets()
    if not sets_by_base:
        return ["Bookings: no demo zone sets (run locations.demo first); nothing made."]
    if Booking.objects.filter(note=DEMO_NOTE, set__base_id__in=list(sets_by_base)).exists():
        return ["Bookings: the demo month is already there."]
    companies = demo_organizations(Organization.Kind.PRODUCTION_COMPANY, scale="zone")
    productions = list(Production.objects.filter(company__in=companies).order_by("company_id", "id"))
    if not productions:
        return ["Bookings: no demo productions; nothing made."]
    rng = random.Random("pingyuan-bookings")
    now = timezone.now()
    today = timezone.localdate()
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

    def free(set_: Set, start: datetime, end: datetime) -> bool:
        turnover = timedelta(minutes=set_.effective_turnover_minutes)
        return all(end + turnover <= a or b <= start - turnover for a, b in taken.get(set_.pk, []))

    planned: list[Booking] = []
    busy_windows: list[tuple[Set, datetime, datetime, int]] = []
    days = range(-DAYS_BACK, DAYS_AHEAD)
    for offset in progress(days, label="  demo month", stdout=stdout):
        day = today + timedelta(days=offset)
        for sets in sets_by_base.values():
            for _crew in range(rng.randint(3, 10)):
                production = rng.choice(productions)
                hour, minute, length = rng.choice(SHIFTS)
                status = _status_for(offset, rng)
                for candidate in rng.sample(sets, k=min(len(sets), rng.randint(1, 3))):
                    start = datetime.combine(day, datetime.min.time(), tzinfo=tz).replace(
                        hour=hour, minute=minute
                    )
                    end = start + timedelta(hours=length)
                    if offset == 0:
                        status = (
                            Status.COMPLETED
                            if end <= now
                            else Status.CONFIRMED
                            if start > now
                            else Status.CHECKED_IN
                        )
                    if not free(candidate, start, end):
                        continue
                    booking = _booking(candidate, production, start, end, status, now, rng)
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
        others = [p for p in productions if p.company_id != company_id]
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
