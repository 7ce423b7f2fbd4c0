from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from studio.models import Membership
from tests.clock import pin_now  # noqa: F401 - the bookings and crews tests import it from here
from tests.factories import (
    BaseFactory,
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    ProductionFactory,
    SetFactory,
)


def morning(days: int = 3, hour: int = 8, minute: int = 0):
    """A local time ``days`` days ahead, on the grid."""
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def soon(now=None, *, step_minutes: int = 30):
    """The first slot on the ``step_minutes`` grid at least a minute after ``now``: 1–31 minutes away.

    "Today 08:30" is only soon between 06:30 and 08:30; this is soon at any hour of any day.
    """
    local = timezone.localtime(now) + timedelta(minutes=1)
    floor = local.replace(minute=local.minute - local.minute % step_minutes, second=0, microsecond=0)
    return floor if floor == local else floor + timedelta(minutes=step_minutes)


@dataclass
class World:
    operator: object
    base: object
    sets: list
    companies: list
    productions: list
    operator_user: object
    company_users: list
    extra: dict = field(default_factory=dict)

    @property
    def set(self):
        return self.sets[0]

    @property
    def company(self):
        return self.companies[0]

    @property
    def production(self):
        return self.productions[0]

    @property
    def company_user(self):
        return self.company_users[0]


def make_world(*, companies: int = 3, sets: int = 3, **base_rules) -> World:
    operator = OperatorFactory(
        name="平原影视基地运营",
        contact_name="王经理",
        contact_phone="13800000000",
        contact_email="ops@pingyuan.example",
    )
    rules = {
        "min_notice_minutes": 60,
        "max_days_ahead": 60,
        "min_duration_minutes": 60,
        "max_duration_minutes": 24 * 60,
        "slot_step_minutes": 30,
        "default_turnover_minutes": 30,
        "hold_ttl_minutes": 30,
        "max_active_holds_per_company": 5,
        "instant_book_default": False,
        "address": "河南省新乡市平原示范区影视大道1号",
    }
    rules.update(base_rules)
    base = BaseFactory(operator=operator, name="平原影视基地", **rules)
    set_list = [
        SetFactory(
            base=base,
            name=f"场景{n + 1}",
            hourly_rate=Decimal("300.00"),
            day_rate=Decimal("3600.00"),
            day_length_hours=14,
            overtime_rate_per_hour=Decimal("300.00"),
            deposit=Decimal("1000.00"),
        )
        for n in range(sets)
    ]
    company_list = [CompanyFactory(name=f"星河影视{n}", short_name=f"星河{n}") for n in range(companies)]
    productions = [ProductionFactory(company=c, title=f"闪婚总裁{n}") for n, c in enumerate(company_list)]
    operator_user = MembershipFactory(organization=operator, role=Membership.Role.OWNER).user
    company_users = [
        MembershipFactory(organization=c, role=Membership.Role.COORDINATOR).user for c in company_list
    ]
    return World(operator, base, set_list, company_list, productions, operator_user, company_users)


@pytest.fixture
def world(db):
    return make_world()
