"""Prices of bookings: quotes, cancellation fees and overtime.

Billing (all amounts CNY, rounded half-up to the fen):

* **hourly**: ``hourly_rate × hours`` (exact minutes; slots are step-aligned anyway);
* **day rate**: one ``day_rate`` covers up to ``day_length_hours``. A booking of ``n`` full days plus a
  remainder pays ``n × day_rate`` and, for the remainder, the cheaper of overtime per *started* hour
  (``overtime_rate_per_hour``) and one more day. A booking shorter than a day pays one day;
* the quote is the cheaper of the two (hourly wins a tie); the **deposit** is the set's deposit, held
  on top of the price and not part of it.

Cancellation follows the base's tiers ``[{"hours_before": h, "fee_percent": p}, ...]``: the tier with
the largest ``h`` not above the hours left before the start applies; later than every tier (or after
the start) the highest percentage of the policy applies; no tiers, no fee. A hold (never confirmed)
is always free to cancel.

Check-out past ``ends_at + BOOKINGS_OVERTIME_GRACE_MINUTES`` bills overtime for the minutes past
``ends_at``, per started hour, at the overtime rate recorded in the booking's breakdown.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from bookings import conf
from locations.models import Set

CENT = Decimal("0.01")
CURRENCY = "CNY"
# the largest amount a booking holds (``Booking.total_price``: 12 digits, 2 after the point)
MAX_TOTAL = Decimal("9999999999.99")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _text(value: Decimal) -> str:
    return str(money(value))


@dataclass(frozen=True)
class Quote:
    total: Decimal
    deposit: Decimal
    breakdown: dict


def quote(set_: Set, starts_at: datetime, ends_at: datetime) -> Quote:
    """Price ``set_`` for ``[starts_at, ends_at)`` with its current rate card."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    hours = Decimal(minutes) / Decimal(60)
    hourly_amount = money(set_.hourly_rate * hours)

    day_minutes = set_.day_length_hours * 60
    full_days, remainder = divmod(minutes, day_minutes)
    overtime_hours, extra_day = 0, False
    if full_days == 0:
        day_amount = money(set_.day_rate)
        days = 1
    else:
        days = full_days
        day_amount = set_.day_rate * full_days
        if remainder:
            overtime_hours = math.ceil(remainder / 60)
            overtime = set_.overtime_rate_per_hour * overtime_hours
            if overtime > set_.day_rate:
                extra_day, overtime_hours, days = True, 0, full_days + 1
                day_amount += set_.day_rate
            else:
                day_amount += overtime
        day_amount = money(day_amount)

    method = "hourly" if hourly_amount <= day_amount else "day_rate"
    total = hourly_amount if method == "hourly" else day_amount
    # a deposit secures the price: it never exceeds it (a short booking of a cheap set)
    deposit = min(money(set_.deposit), total)
    breakdown = {
        "currency": CURRENCY,
        "minutes": minutes,
        "method": method,
        "hourly": {
            "rate": _text(set_.hourly_rate),
            "hours": str(hours.quantize(CENT)),
            "amount": _text(hourly_amount),
        },
        "day_rate": {
            "rate": _text(set_.day_rate),
            "day_length_hours": set_.day_length_hours,
            "days": days,
            "overtime_hours": overtime_hours,
            "overtime_rate": _text(set_.overtime_rate_per_hour),
            "extra_day_instead_of_overtime": extra_day,
            "amount": _text(day_amount),
        },
        "total": _text(total),
        "deposit": _text(deposit),
    }
    return Quote(total=total, deposit=deposit, breakdown=breakdown)


def cancellation_percent(policy: list, *, hours_left: float) -> Decimal:
    """The fee percentage the policy asks for a cancellation ``hours_left`` before the start."""
    tiers = [tier for tier in policy or [] if isinstance(tier, dict)]
    if not tiers:
        return Decimal(0)
    if hours_left >= 0:
        applicable = [tier for tier in tiers if tier["hours_before"] <= hours_left]
        if applicable:
            return Decimal(str(max(applicable, key=lambda tier: tier["hours_before"])["fee_percent"]))
    return Decimal(str(max(tier["fee_percent"] for tier in tiers)))


@dataclass(frozen=True)
class CancellationQuote:
    """What cancelling at ``quoted_at`` costs, which tier says so, and until when that fee holds."""

    quoted_at: datetime
    total: Decimal
    fee: Decimal
    fee_percent: Decimal
    #: the applied tier's ``hours_before`` (None: no tier applies: a hold, no policy, or past every tier)
    tier_hours_before: int | None
    tier_label: str
    #: the last moment this fee applies; after it the next tier's ``next_fee_percent`` does (None: no rise)
    deadline: datetime | None
    next_fee_percent: Decimal | None


def _percent_text(percent: Decimal) -> str:
    return f"{percent.normalize():f}"


def _tiers(policy: list) -> list[dict]:
    return sorted(
        (tier for tier in policy or [] if isinstance(tier, dict)), key=lambda tier: tier["hours_before"]
    )


def _tier_label(tiers: list[dict], applied: dict | None, hours_left: float, percent: Decimal) -> str:
    values = {"percent": _percent_text(percent)}
    if not tiers:
        return _("This base charges no cancellation fee.")
    if applied is None:
        if hours_left < 0:
            return _("After the start: %(percent)s%% of the total.") % values
        return _("Less than %(high)d hours before the start: %(percent)s%% of the total.") % {
            **values,
            "high": tiers[0]["hours_before"],
        }
    low = applied["hours_before"]
    higher = [tier["hours_before"] for tier in tiers if tier["hours_before"] > low]
    if higher and low:
        return _("%(low)d to %(high)d hours before the start: %(percent)s%% of the total.") % {
            **values,
            "low": low,
            "high": higher[0],
        }
    if higher:
        return _("Less than %(high)d hours before the start: %(percent)s%% of the total.") % {
            **values,
            "high": higher[0],
        }
    if low:
        return _("%(low)d hours or more before the start: %(percent)s%% of the total.") % {
            **values,
            "low": low,
        }
    return _("Any time before the start: %(percent)s%% of the total.") % values


def cancellation_quote(
    *, policy: list, total: Decimal, starts_at: datetime, now: datetime
) -> CancellationQuote:
    """The fee for cancelling a confirmed booking at ``now``, its tier, and when the fee next rises.

    The tier boundaries are inclusive: exactly ``hours_before`` hours before the start still pays that
    tier, so the deadline is ``starts_at - hours_before`` of the applied tier (or of the first tier below
    it whose percentage differs).
    """
    hours_left = (starts_at - now).total_seconds() / 3600
    percent = cancellation_percent(policy, hours_left=hours_left)
    tiers = _tiers(policy)
    applied = None
    if hours_left >= 0:
        applicable = [tier for tier in tiers if tier["hours_before"] <= hours_left]
        applied = applicable[-1] if applicable else None
    deadline, next_percent = None, None
    if applied is not None:
        for tier in reversed([tier for tier in tiers if tier["hours_before"] <= applied["hours_before"]]):
            hours = tier["hours_before"]
            after = cancellation_percent(policy, hours_left=hours - 1e-6 if hours else -1)
            if after != percent:
                deadline, next_percent = starts_at - timedelta(hours=hours), after
                break
    return CancellationQuote(
        quoted_at=now,
        total=money(total),
        fee=money(total * percent / 100),
        fee_percent=percent,
        tier_hours_before=None if applied is None else applied["hours_before"],
        tier_label=_tier_label(tiers, applied, hours_left, percent),
        deadline=deadline,
        next_fee_percent=next_percent,
    )


def hold_cancellation_quote(*, total: Decimal, now: datetime) -> CancellationQuote:
    """A hold (never confirmed) is free to cancel, whatever the policy."""
    return CancellationQuote(
        quoted_at=now,
        total=money(total),
        fee=money(0),
        fee_percent=Decimal(0),
        tier_hours_before=None,
        tier_label=_("An unconfirmed hold is free to cancel."),
        deadline=None,
        next_fee_percent=None,
    )


def cancellation_fee(*, policy: list, total: Decimal, starts_at: datetime, now: datetime) -> tuple:
    """``(fee, percent, hours_left)`` for cancelling a confirmed booking at ``now``."""
    terms = cancellation_quote(policy=policy, total=total, starts_at=starts_at, now=now)
    return terms.fee, terms.fee_percent, (starts_at - now).total_seconds() / 3600


def overtime(*, breakdown: dict, ends_at: datetime, checked_out_at: datetime) -> tuple[int, Decimal]:
    """``(minutes past the end, fee)`` for a check-out; within the grace period nothing is billed."""
    late = int((checked_out_at - ends_at).total_seconds() // 60)
    if late <= conf.overtime_grace_minutes():
        return max(late, 0), Decimal("0.00")
    rate = Decimal(breakdown.get("day_rate", {}).get("overtime_rate", "0"))
    return late, money(rate * math.ceil(late / 60))
