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
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from bookings import conf
from locations.models import Set

CENT = Decimal("0.01")
CURRENCY = "CNY"


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
        "deposit": _text(set_.deposit),
    }
    return Quote(total=total, deposit=money(set_.deposit), breakdown=breakdown)


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


def cancellation_fee(*, policy: list, total: Decimal, starts_at: datetime, now: datetime) -> tuple:
    """``(fee, percent, hours_left)`` for cancelling a confirmed booking at ``now``."""
    hours_left = (starts_at - now).total_seconds() / 3600
    percent = cancellation_percent(policy, hours_left=hours_left)
    return money(total * percent / 100), percent, hours_left


def overtime(*, breakdown: dict, ends_at: datetime, checked_out_at: datetime) -> tuple[int, Decimal]:
    """``(minutes past the end, fee)`` for a check-out; within the grace period nothing is billed."""
    late = int((checked_out_at - ends_at).total_seconds() // 60)
    if late <= conf.overtime_grace_minutes():
        return max(late, 0), Decimal("0.00")
    rate = Decimal(breakdown.get("day_rate", {}).get("overtime_rate", "0"))
    return late, money(rate * math.ceil(late / 60))
