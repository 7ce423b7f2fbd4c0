"""Seed the two tier-rule sets in DOMAIN.md: 2024–2025 and those in force from 2026-01-01."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RULES = [
    (date(2024, 1, 1), Decimal("1000000.00"), Decimal("300000.00"), "分类分层审核 2024–2025"),
    (date(2026, 1, 1), Decimal("3000000.00"), Decimal("1000000.00"), "分类分层审核 from 2026-01-01"),
]


def seed_rules(TierRule) -> None:
    """Create the rules of ``RULES`` that are missing (the model is the historical one, or today's
    ``review.TierRule`` for the tests' re-seed after a flush)."""
    for effective_from, key_min, ordinary_min, source in RULES:
        TierRule.objects.get_or_create(
            effective_from=effective_from,
            defaults={
                "key_min_investment": key_min,
                "ordinary_min_investment": ordinary_min,
                "special_subject_is_key": True,
                "source": source,
            },
        )


def seed(apps, schema_editor):
    seed_rules(apps.get_model("studio", "TierRule"))


def unseed(apps, schema_editor):
    TierRule = apps.get_model("studio", "TierRule")
    TierRule.objects.filter(effective_from__in=[rule[0] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("studio", "0002_production_tier_production_tier_flagged_at_and_more")]

    operations = [migrations.RunPython(seed, unseed)]
