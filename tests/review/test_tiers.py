from datetime import date
from decimal import Decimal

import pytest

from review.models import TierRule
from review.tiers import tier_classify, tiers_reclassify_all
from studio.models import Production
from studio.services import production_create, production_update
from tests.factories import CompanyFactory, MembershipFactory, ProductionFactory

pytestmark = pytest.mark.django_db

KEY, ORDINARY, OTHER = Production.Tier.KEY, Production.Tier.ORDINARY, Production.Tier.OTHER
BEFORE, LAST_OLD_DAY, FIRST_NEW_DAY, AFTER = (
    date(2025, 6, 1),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 6, 1),
)

CASES = [
    # (day, investment, special subject, tier)
    *[
        (day, amount, False, tier)
        for day in (BEFORE, LAST_OLD_DAY)
        for amount, tier in [
            ("0.00", OTHER),
            ("299999.99", OTHER),
            ("300000.00", ORDINARY),
            ("300000.01", ORDINARY),
            ("999999.99", ORDINARY),
            ("1000000.00", KEY),
            ("1000000.01", KEY),
            ("2999999.99", KEY),
            ("3000000.00", KEY),
        ]
    ],
    *[
        (day, amount, False, tier)
        for day in (FIRST_NEW_DAY, AFTER)
        for amount, tier in [
            ("0.00", OTHER),
            ("299999.99", OTHER),
            ("300000.00", OTHER),
            ("999999.99", OTHER),
            ("1000000.00", ORDINARY),
            ("1000000.01", ORDINARY),
            ("2999999.99", ORDINARY),
            ("3000000.00", KEY),
            ("3000000.01", KEY),
        ]
    ],
    *[
        (day, amount, True, KEY)
        for day in (BEFORE, LAST_OLD_DAY, FIRST_NEW_DAY, AFTER)
        for amount in ("0.00", "299999.99", "999999.99", "2999999.99", "5000000.00")
    ],
]


@pytest.mark.parametrize(("day", "amount", "special", "tier"), CASES)
def test_tier_table(day, amount, special, tier):
    got, rule = tier_classify(total_investment=Decimal(amount), special_subject=special, on=day)
    assert got == tier
    assert rule.effective_from == (date(2026, 1, 1) if day >= FIRST_NEW_DAY else date(2024, 1, 1))


def test_rules_are_data_a_new_rule_takes_over_from_its_date():
    TierRule.objects.create(
        effective_from=date(2027, 1, 1),
        key_min_investment=Decimal("5000000"),
        ordinary_min_investment=Decimal("2000000"),
    )
    assert (
        tier_classify(total_investment=Decimal("4000000"), special_subject=False, on=date(2026, 12, 31))[0]
        == KEY
    )
    assert (
        tier_classify(total_investment=Decimal("4000000"), special_subject=False, on=date(2027, 1, 1))[0]
        == ORDINARY
    )


def test_create_classifies_and_budget_change_across_threshold_flags(settings):
    company = CompanyFactory()
    user = MembershipFactory(organization=company).user
    production = production_create(
        company=company,
        by=user,
        title="T",
        episode_count=80,
        minutes_per_episode=Decimal("1.5"),
        total_investment=Decimal("999999.99"),
    )
    assert production.tier == OTHER  # today (2026 rules)
    assert production.tier_flagged_at is None
    production = production_update(production=production, by=user, total_investment=Decimal("1500000"))
    production.refresh_from_db()
    assert production.tier == ORDINARY
    assert production.tier_flagged_at is not None


def test_budget_change_within_a_tier_does_not_flag():
    company = CompanyFactory()
    user = MembershipFactory(organization=company).user
    production = production_create(
        company=company,
        by=user,
        title="T",
        episode_count=80,
        minutes_per_episode=Decimal("1.5"),
        total_investment=Decimal("1200000"),
    )
    production_update(production=production, by=user, total_investment=Decimal("2900000"))
    production.refresh_from_db()
    assert production.tier == ORDINARY
    assert production.tier_flagged_at is None


def test_special_subject_reclassifies_to_key():
    company = CompanyFactory()
    user = MembershipFactory(organization=company).user
    production = production_create(
        company=company,
        by=user,
        title="T",
        episode_count=80,
        minutes_per_episode=Decimal("1.5"),
        total_investment=Decimal("100000"),
    )
    production_update(production=production, by=user, special_subject=True)
    production.refresh_from_db()
    assert production.tier == KEY
    assert production.tier_flagged_at is not None


def test_reclassify_all_applies_the_rule_in_force():
    production = ProductionFactory(total_investment=Decimal("800000"), tier=ORDINARY)
    assert tiers_reclassify_all(on=date(2026, 1, 1)) == 1
    production.refresh_from_db()
    assert production.tier == OTHER
    assert production.tier_flagged_at is not None
